#!/usr/bin/env bash
# `anne predict`, `anne eval` and `anne trace` from the outside: error paths with their exact
# messages and exit codes, and results against numbers computed by hand for the small models
# tests/data/cli_binary.json and tests/data/cli_3class.json (the arithmetic is in the comments).
. "$(dirname "$0")/lib/common.sh"

DATA=tests/data
BIN=$DATA/cli_binary.json
TRI=$DATA/cli_3class.json

# close NAME GOT WANT TOL: |GOT - WANT| <= TOL
close() {
    awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }' ||
        fail "$1 is '$2', expected $3 (within $4)"
}

# --- --help: usage on stdout, exit 0 -----------------------------------------------------------------
for cmd in predict eval trace; do
    run 0 "$cmd" --help
    stdout_has "usage: anne $cmd MODEL"
    [ -s "$TMP/err" ] && fail "$cmd --help wrote to stderr"
done

# --- usage errors: exit 2, message and usage on stderr ------------------------------------------------
run 2 predict --frobnicate "$BIN" "$DATA/csv/binary_names.csv"
stderr_has "anne predict: unknown option '--frobnicate'"
stderr_has "usage: anne predict MODEL DATA.csv"
run 2 predict "$BIN"
stderr_has "anne predict: needs a model and a CSV file"
run 2 predict "$BIN" a.csv b.csv
stderr_has "anne predict: unexpected argument 'b.csv'"
run 2 predict "$BIN" "$DATA/csv/binary_names.csv" --label
stderr_has "anne predict: --label needs a column name"
run 2 eval "$BIN" "$DATA/csv/binary_names.csv"
stderr_has "anne eval: needs --label COL (the true class)"
run 2 eval "$BIN" "$DATA/csv/binary_names.csv" --label label --threshold abc
stderr_has "anne eval: --threshold needs a number, got \"abc\""
run 2 eval "$BIN" "$DATA/csv/binary_names.csv" --label label --threshold=nan
stderr_has "anne eval: --threshold needs a number, got \"nan\""
run 2 trace "$BIN"
stderr_has "anne trace: needs --input V1,V2,..."
run 2 trace --input 1,2
stderr_has "anne trace: needs a model"
run 2 trace "$BIN" --input 1,2 --verbose
stderr_has "anne trace: unknown option '--verbose'"

# --- failures: exit 1, one message line on stderr -----------------------------------------------------
run 1 predict no/such/model.json "$DATA/csv/binary_names.csv"
stderr_is "anne predict: no/such/model.json: cannot open: No such file or directory"
run 1 eval no/such/model.json "$DATA/csv/binary_names.csv" --label label
stderr_is "anne eval: no/such/model.json: cannot open: No such file or directory"
run 1 trace no/such/model.json --input 1,2
stderr_is "anne trace: no/such/model.json: cannot open: No such file or directory"
run 1 predict "$BIN" "$TMP/missing.csv"
stderr_is "anne predict: $TMP/missing.csv: cannot open: No such file or directory"
run 1 eval "$BIN" "$TMP/missing.csv" --label label
stderr_is "anne eval: $TMP/missing.csv: cannot open: No such file or directory"

# a model that is not one
printf 'x1,x2\n1,2\n' >"$TMP/notamodel"
run 1 predict "$TMP/notamodel" "$DATA/csv/binary_names.csv"
stderr_has "anne predict: $TMP/notamodel: unrecognized model format"

# bad number on line 4 (the header is line 1)
printf 'x1,x2,label\n1,2,yes\n3,4,no\n5,abc,no\n' >"$TMP/bad_number.csv"
run 1 predict "$BIN" "$TMP/bad_number.csv" --label label
stderr_is "anne predict: $TMP/bad_number.csv: line 4, column \"x2\": \"abc\" is not a number"
run 1 eval "$BIN" "$TMP/bad_number.csv" --label label
stderr_is "anne eval: $TMP/bad_number.csv: line 4, column \"x2\": \"abc\" is not a number"
printf 'x1,x2\n1,\n' >"$TMP/missing_value.csv"
run 1 predict "$BIN" "$TMP/missing_value.csv"
stderr_is "anne predict: $TMP/missing_value.csv: line 2, column \"x2\": missing value (expected a number)"

# wrong column count on line 3 (ragged row)
printf 'x1,x2,label\n1,2,yes\n3,4\n' >"$TMP/ragged.csv"
run 1 predict "$BIN" "$TMP/ragged.csv" --label label
stderr_is "anne predict: $TMP/ragged.csv: line 3 has 2 columns, expected 3 (as the header)"

# wrong feature count: 3 features for a 2-input model
printf 'a,b,c\n1,2,3\n' >"$TMP/three.csv"
run 1 predict "$BIN" "$TMP/three.csv"
stderr_is "anne predict: $TMP/three.csv: 3 feature columns, but the model has 2 inputs"
# x1 as the label leaves x2 and the text column "label" as features
run 1 eval "$BIN" "$DATA/csv/binary_names.csv" --label x1
stderr_is "anne eval: $DATA/csv/binary_names.csv: line 2, column \"label\": \"yes\" is not a number"
printf 'a,b,c,d\n1,2,3,0\n' >"$TMP/four.csv"
run 1 eval "$BIN" "$TMP/four.csv" --label d
stderr_is "anne eval: $TMP/four.csv: 3 feature columns (all but the label column \"d\"), but the model has 2 inputs"

# unknown label column: the message lists the header's columns
run 1 eval "$BIN" "$DATA/csv/binary_names.csv" --label species
stderr_is "anne eval: $DATA/csv/binary_names.csv: no column \"species\" (the columns are \"x1\", \"x2\", \"label\")"
run 1 predict "$BIN" "$DATA/csv/binary_names.csv" --label species
stderr_is "anne predict: $DATA/csv/binary_names.csv: no column \"species\" (the columns are \"x1\", \"x2\", \"label\")"

# labels outside the model's classes name the line
printf 'x1,x2,label\n1,2,1\n3,4,2\n' >"$TMP/label_range.csv"
run 1 eval "$BIN" "$TMP/label_range.csv" --label label
NOT_BIN='is not a class of the model (expected "no", "yes" or an index 0..1)'
stderr_is "anne eval: $TMP/label_range.csv: line 3, column \"label\": \"2\" $NOT_BIN"
printf 'x1,x2,label\n1,2,yes\n3,4,maybe\n' >"$TMP/label_name.csv"
run 1 eval "$BIN" "$TMP/label_name.csv" --label label
stderr_is "anne eval: $TMP/label_name.csv: line 3, column \"label\": \"maybe\" $NOT_BIN"
printf 'a,b,class\n1,2,0\n1,2,3\n' >"$TMP/label_range3.csv"
run 1 eval "$TRI" "$TMP/label_range3.csv" --label class
stderr_is "anne eval: $TMP/label_range3.csv: line 3, column \"class\": \"3\" is not a class of the model \
(expected an integer 0..2)"

# header only, empty file
printf 'x1,x2\n' >"$TMP/header_only.csv"
run 1 predict "$BIN" "$TMP/header_only.csv"
stderr_is "anne predict: $TMP/header_only.csv: no data rows (only a header)"
: >"$TMP/empty.csv"
run 1 eval "$BIN" "$TMP/empty.csv" --label label
stderr_is "anne eval: $TMP/empty.csv: empty file, expected a header row"

# bad --input: count, non-number, empty value, each naming the position
run 1 trace "$BIN" --input 1,2,3
stderr_is "anne trace: --input has 3 values, but the model has 2 inputs"
run 1 trace "$BIN" --input 1
stderr_is "anne trace: --input has 1 value, but the model has 2 inputs"
run 1 trace "$BIN" --input 1,abc
stderr_is "anne trace: --input: value 2 (\"abc\") is not a number"
run 1 trace "$BIN" --input ,2
stderr_is "anne trace: --input: value 1 is empty"
run 1 trace "$BIN" --input 1,inf
stderr_is "anne trace: --input: value 2 (\"inf\") is not a number"

# a full disk: the write error is reported, not lost
if [ -w /dev/full ]; then
    "$ANNE" predict "$BIN" "$DATA/csv/binary_names.csv" --label label >/dev/full 2>"$TMP/err"
    [ $? -eq 1 ] || fail "predict to /dev/full did not exit 1"
    stderr_is "anne predict: cannot write the output"
    "$ANNE" trace "$BIN" --input 1,2 --json >/dev/full 2>"$TMP/err"
    [ $? -eq 1 ] || fail "trace to /dev/full did not exit 1"
    stderr_is "anne trace: cannot write the output"
fi

# --- predict: outputs against hand-computed values ---------------------------------------------------
# cli_binary: h1 = relu(x1 + 0.5 x2), h2 = relu(-x1 + 2 x2 - 1), z = h1 - h2 - 1, out = sigmoid(z)
# rows (x1, x2) -> z:  (2,0) 1 | (1,0) 0 | (0,1) -1.5 | (4,2) 4 | (-2,0) -2 | (3,3) 1.5 | (0,0) -1 | (1,1) 0.5
# class 1 when out > 0.5, i.e. z > 0 (z = 0 gives exactly 0.5: class 0)
Z_BIN="1 0 -1.5 4 -2 1.5 -1 0.5"
CLS_BIN="1 0 0 1 0 1 0 1"
run 0 predict "$BIN" "$DATA/csv/binary_names.csv" --label label
# a model with class names names its output columns by class: one sigmoid output is class 1's probability
[ "$(head -n 1 "$TMP/out")" = "yes,class,name" ] || fail "predict header is '$(head -n 1 "$TMP/out")'"
[ "$(wc -l <"$TMP/out")" -eq 9 ] || fail "predict printed $(wc -l <"$TMP/out") lines, expected 9"
i=2
for z in $Z_BIN; do
    line=$(sed -n "${i}p" "$TMP/out")
    out=${line%%,*}
    want=$(awk -v z="$z" 'BEGIN { printf "%.12f", 1 / (1 + exp(-z)) }')
    close "predict row $((i - 1)) output" "$out" "$want" 1e-7
    i=$((i + 1))
done
got=$(tail -n +2 "$TMP/out" | cut -d, -f2 | tr '\n' ' ')
[ "$got" = "$CLS_BIN " ] || fail "predict classes are '$got', expected '$CLS_BIN'"
got=$(tail -n +2 "$TMP/out" | cut -d, -f3 | tr '\n' ' ')
[ "$got" = "yes no no yes no yes no yes " ] || fail "predict class names are '$got'"
# the row with z = 0 is exactly 0.5
[ "$(sed -n 3p "$TMP/out")" = "0.5,0,no" ] || fail "predict row 2 is '$(sed -n 3p "$TMP/out")', expected 0.5,0,no"

# the same rows with the label column in the middle, CRLF and a blank line: same outputs
run 0 predict "$BIN" "$DATA/csv/binary_names.csv" --label label
cp "$TMP/out" "$TMP/predict_names"
run 0 predict "$BIN" "$DATA/csv/binary_index.csv" --label label
cmp -s "$TMP/out" "$TMP/predict_names" || fail "predict differs between binary_names.csv and binary_index.csv"

# --threshold moves the cut: at 0.7, z = 1 (0.731) stays class 1, z = 0.5 (0.622) becomes class 0
run 0 predict "$BIN" "$DATA/csv/binary_names.csv" --label label --threshold 0.7
got=$(tail -n +2 "$TMP/out" | cut -d, -f2 | tr '\n' ' ')
[ "$got" = "1 0 0 1 0 1 0 0 " ] || fail "predict --threshold 0.7 classes are '$got'"

# --json: classes and the model's class names
run 0 predict "$BIN" "$DATA/csv/binary_names.csv" --label label --json
flat=$(tr -d ' \t\n' <"$TMP/out")
case $flat in
*'"classes":[1,0,0,1,0,1,0,1]'*) ;;
*) fail "predict --json classes wrong: $flat" ;;
esac
case $flat in
*'"labels":["no","yes"]'*) ;;
*) fail "predict --json labels wrong: $flat" ;;
esac
case $flat in
*'"outputs":[[0.7310586],[0.5],[0.18242551],[0.98201376],[0.11920292],[0.81757444],[0.26894143],[0.62245935]]'*) ;;
*) fail "predict --json outputs are not sigmoid(1, 0, -1.5, 4, -2, 1.5, -1, 0.5) as floats: $flat" ;;
esac

# cli_3class: scaled s = ((a - 1) / 2, (b - 2) / 4); z = (s1, s2, s2 - s1); out = softmax(z)
# rows -> z: (1,2) (0,0,0) | (5,2) (2,0,-2) | (1,10) (0,2,2) | (-3,10) (-2,2,4) | (1,-2) (0,-1,-1) | (-1,6) (-1,1,2)
# argmax (the first on a tie): 0 0 1 2 0 2
Z_TRI="0,0,0 2,0,-2 0,2,2 -2,2,4 0,-1,-1 -1,1,2"
run 0 predict "$TRI" "$DATA/csv/three_class.csv" --label class
[ "$(head -n 1 "$TMP/out")" = "output0,output1,output2,class" ] ||
    fail "3-class predict header is '$(head -n 1 "$TMP/out")'"
i=2
for z in $Z_TRI; do
    line=$(sed -n "${i}p" "$TMP/out")
    awk -F, -v z="$z" -v line="$line" 'BEGIN {
        split(z, v, ","); split(line, o, ",")
        m = v[1]; for (k = 2; k <= 3; k++) if (v[k] > m) m = v[k]
        s = 0; for (k = 1; k <= 3; k++) s += exp(v[k] - m)
        for (k = 1; k <= 3; k++) { d = o[k] - exp(v[k] - m) / s; if (d < 0) d = -d; if (d > 1e-7) exit 1 }
    }' || fail "3-class predict row $((i - 1)) is '$line', expected softmax($z)"
    i=$((i + 1))
done
got=$(tail -n +2 "$TMP/out" | cut -d, -f4 | tr '\n' ' ')
[ "$got" = "0 0 1 2 0 2 " ] || fail "3-class predict classes are '$got', expected '0 0 1 2 0 2'"

# --- eval: a confusion matrix computed by hand ---------------------------------------------------------
# cli_binary on binary_names.csv: truth  1 1 0 1 1 0 0 1, predicted 1 0 0 1 0 1 0 1
# true 0 (rows 3,6,7): predicted 0,1,0 -> [2, 1]; true 1 (rows 1,2,4,5,8): 1,0,1,0,1 -> [2, 3]
# accuracy 5/8; class 1: precision 3/4, recall 3/5, f1 2/3; class 0: precision 2/4, recall 2/3, f1 4/7
# macro: precision 0.625, recall (2/3 + 3/5)/2, f1 (4/7 + 2/3)/2; weighted (supports 3, 5) over 8
# log loss: mean of -ln p(true) = softplus(-z) for truth 1, softplus(z) for truth 0
for csv in binary_names.csv binary_index.csv; do
    run 0 eval "$BIN" "$DATA/csv/$csv" --label label --json
    flat=$(tr -d ' \t\n' <"$TMP/out")
    case $flat in
    *'"confusion_matrix":[[2,1],[2,3]]'*) ;;
    *) fail "eval $csv confusion matrix wrong: $flat" ;;
    esac
    [ "$(json_value n)" = 8 ] || fail "eval $csv n is '$(json_value n)'"
    [ "$(json_value average)" = '"binary"' ] || fail "eval $csv average is '$(json_value average)'"
    close "eval $csv accuracy" "$(json_value accuracy)" 0.625 1e-12
    close "eval $csv precision" "$(json_value precision)" 0.75 1e-12
    close "eval $csv recall" "$(json_value recall)" 0.6 1e-12
    close "eval $csv f1" "$(json_value f1)" "$(awk 'BEGIN { printf "%.15f", 2 / 3 }')" 1e-9
    want=$(awk 'function sp(x) { return log(1 + exp(x)) }
        BEGIN { printf "%.12f", (sp(-1) + sp(0) + sp(-1.5) + sp(-4) + sp(2) + sp(1.5) + sp(-1) + sp(-0.5)) / 8 }')
    close "eval $csv log_loss" "$(json_value log_loss)" "$want" 1e-6
    macro=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"macro":{[^}]*}')
    weighted=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"weighted":{[^}]*}')
    close "eval $csv macro precision" "$(echo "$macro" | grep -o '"precision":[^,}]*' | cut -d: -f2)" 0.625 1e-12
    close "eval $csv macro recall" "$(echo "$macro" | grep -o '"recall":[^,}]*' | cut -d: -f2)" \
        "$(awk 'BEGIN { printf "%.15f", (2/3 + 3/5) / 2 }')" 1e-9
    close "eval $csv macro f1" "$(echo "$macro" | grep -o '"f1":[^,}]*' | cut -d: -f2)" \
        "$(awk 'BEGIN { printf "%.15f", (4/7 + 2/3) / 2 }')" 1e-9
    close "eval $csv weighted precision" "$(echo "$weighted" | grep -o '"precision":[^,}]*' | cut -d: -f2)" \
        "$(awk 'BEGIN { printf "%.15f", (3 * 0.5 + 5 * 0.75) / 8 }')" 1e-9
    close "eval $csv weighted f1" "$(echo "$weighted" | grep -o '"f1":[^,}]*' | cut -d: -f2)" \
        "$(awk 'BEGIN { printf "%.15f", (3 * 4/7 + 5 * 2/3) / 8 }')" 1e-9
    case $flat in
    *'"per_class":[{"class":0,"name":"no","precision":0.5,'*'"support":3},'*) ;;
    *) fail "eval $csv per_class (class 0) wrong: $flat" ;;
    esac
    case $flat in
    *'{"class":1,"name":"yes","precision":0.75,'*'"support":5}]'*) ;;
    *) fail "eval $csv per_class wrong: $flat" ;;
    esac
done

# the text report: the matrix labelled with the class names
run 0 eval "$BIN" "$DATA/csv/binary_names.csv" --label label
grep -qE '^ +no +2 +1$' "$TMP/out" || fail "eval text lacks the row 'no 2 1': $(cat "$TMP/out")"
grep -qE '^ +yes +2 +3$' "$TMP/out" || fail "eval text lacks the row 'yes 2 3'"
stdout_has "accuracy: 0.6250"
stdout_has "class 1 (yes): precision 0.7500, recall 0.6000, f1 0.6667"

# 3 classes: truth 0 1 1 2 2 2, predicted 0 0 1 2 0 2 -> [[1,0,0],[1,1,0],[1,0,2]]
# per class precision 1/3, 1, 1; recall 1, 1/2, 2/3; f1 1/2, 2/3, 4/5: macro p 7/9, r 13/18, f1 59/90
# log loss: mean of logsumexp(z) - z[truth]
run 0 eval "$TRI" "$DATA/csv/three_class.csv" --label class --json
flat=$(tr -d ' \t\n' <"$TMP/out")
case $flat in
*'"confusion_matrix":[[1,0,0],[1,1,0],[1,0,2]]'*) ;;
*) fail "3-class eval confusion matrix wrong: $flat" ;;
esac
[ "$(json_value average)" = '"macro"' ] || fail "3-class eval average is '$(json_value average)'"
close "3-class accuracy" "$(json_value accuracy)" "$(awk 'BEGIN { printf "%.15f", 4 / 6 }')" 1e-9
close "3-class precision (macro)" "$(json_value precision)" "$(awk 'BEGIN { printf "%.15f", 7 / 9 }')" 1e-9
close "3-class recall (macro)" "$(json_value recall)" "$(awk 'BEGIN { printf "%.15f", 13 / 18 }')" 1e-9
close "3-class f1 (macro)" "$(json_value f1)" "$(awk 'BEGIN { printf "%.15f", 59 / 90 }')" 1e-9
want=$(awk 'function lse(a, b, c,   m) {
        m = a; if (b > m) m = b; if (c > m) m = c
        return m + log(exp(a - m) + exp(b - m) + exp(c - m))
    }
    BEGIN {
        s = lse(0,0,0) - 0 + lse(2,0,-2) - 0 + lse(0,2,2) - 2
        s += lse(-2,2,4) - 4 + lse(0,-1,-1) + 1 + lse(-1,1,2) - 2
        printf "%.12f", s / 6
    }')
close "3-class log_loss" "$(json_value log_loss)" "$want" 1e-6

# text labels and a model without class names: sorted order, with a note on stderr
printf 'a,b,class\n1,2,ant\n5,2,bee\n1,10,bee\n-3,10,cat\n1,-2,cat\n-1,6,cat\n' >"$TMP/three_names.csv"
run 0 eval "$TRI" "$TMP/three_names.csv" --label class --json
stderr_has 'labels of column "class" are taken as classes in sorted order: 0 = "ant", 1 = "bee", 2 = "cat"'
case $(tr -d ' \t\n' <"$TMP/out") in
*'"confusion_matrix":[[1,0,0],[1,1,0],[1,0,2]]'*'"labels":["ant","bee","cat"]'*) ;;
*) fail "3-class eval with text labels wrong: $(tr -d ' \t\n' <"$TMP/out")" ;;
esac

# log loss is n/a when the outputs are not probabilities (a linear last layer)
sed 's/"softmax"/"linear"/' "$TRI" >"$TMP/linear.json"
run 0 eval "$TMP/linear.json" "$DATA/csv/three_class.csv" --label class --json
[ "$(json_value log_loss)" = null ] || fail "log_loss of a linear model is '$(json_value log_loss)', expected null"

# --- trace: every neuron, and the final output equals predict's ----------------------------------------
run 0 trace "$BIN" --input 3,3
stdout_has "input: 3 3"
stdout_has "layer 1: dense 2 -> 2, relu"
stdout_has "  neuron 1: z = 4.5  a = 4.5"
stdout_has "  neuron 2: z = 2  a = 2"
stdout_has "layer 2: dense 2 -> 1, sigmoid"
stdout_has "  neuron 1: z = 1.5  a = 0.81757444"
stdout_has "class: 1 (yes)"
grep -q "scaled input" "$TMP/out" && fail "trace shows a scaled input for a model without scaling"
run 0 trace "$BIN" --input=-2,0
stdout_has "  neuron 1: z = -2  a = 0"
stdout_has "  neuron 2: z = 1  a = 1"
stdout_has "class: 0 (no)"
run 0 trace "$TRI" --input -3,10
stdout_has "scaled input (standardize: (x - mean) / std): -2 2"
stdout_has "  neuron 3: z = 4  a = "
stdout_has "class: 2"

# trace's output equals predict's, to the last printed digit, for every row of both fixtures
run 0 predict "$BIN" "$DATA/csv/binary_names.csv" --label label --json
pred=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"outputs":\[\[.*\]\]' | sed 's/"outputs":\[\[//; s/\]\]$//; s/\],\[/ /g')
i=2
for want in $pred; do
    input=$(sed -n "${i}p" "$DATA/csv/binary_names.csv" | cut -d, -f1,2)
    run 0 trace "$BIN" --input "$input" --json
    got=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"output":\[[^]]*\]' | sed 's/"output":\[//; s/\]//')
    [ "$got" = "$want" ] || fail "trace --input $input output is '$got', predict's is '$want'"
    i=$((i + 1))
done
run 0 predict "$TRI" "$DATA/csv/three_class.csv" --label class --json
pred=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"outputs":\[\[.*\]\]' | sed 's/"outputs":\[\[//; s/\]\]$//; s/\],\[/ /g')
i=2
for want in $pred; do
    input=$(sed -n "${i}p" "$DATA/csv/three_class.csv" | cut -d, -f1,2)
    run 0 trace "$TRI" --input "$input" --json
    got=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"output":\[[^]]*\]' | sed 's/"output":\[//; s/\]//')
    [ "$got" = "$want" ] || fail "3-class trace --input $input output is '$got', predict's is '$want'"
    i=$((i + 1))
done

# --- the paper's IRIS networks (committed in examples/iris): Keras' confusion matrix ---------------------
for net in iris_8_neurons iris_6_neurons; do
    run 0 eval "examples/iris/$net.json" examples/iris/iris_test.csv --label Species --json
    case $(tr -d ' \t\n' <"$TMP/out") in
    *'"confusion_matrix":[[8,2],[0,10]]'*) ;;
    *) fail "$net: confusion matrix is not the paper's [[8,2],[0,10]]: $(head -c 200 "$TMP/out")" ;;
    esac
done

# --- more classes than the metrics count (ANNE_MAX_CLASSES = 1024): a clear error, not a crash -----------
awk 'BEGIN { printf "{\"layers\": [{\"units\": 1025, \"kernel\": [["; for (i = 0; i < 1025; i++) printf "%s0", (i ? "," : ""); print "]]}]}" }' >"$TMP/wide.json"
printf 'x,y\n1,0\n' >"$TMP/wide.csv"
run 1 eval "$TMP/wide.json" "$TMP/wide.csv" --label y
stderr_has "the model has 1025 classes; metrics count at most 1024"

finish "all predict/eval/trace checks passed"
