#!/usr/bin/env bash
# The `anne` commands on a graph model (format 2.0): the sample graph of tests/sample_graph.h (17 ops;
# written by tests/graph_ref.c, the bytes `anne_mcu_host graph` writes for the boards) through
#  - info: its ops and shapes, and every figure against numbers computed here from the graph's
#    definition (parameters, MACs, weight bytes, arena places, file bytes);
#  - predict: bit for bit what anne_model_predict() gives in graph_ref, a program of the runtime alone
#    that builds the sample graph again (it reads no model file);
#  - trace: every op; --full's values of the last op are predict's output, the crop and the global max
#    pool show what their input showed; --json;
#  - eval with a label column: accuracy and log loss computed here from graph_ref's outputs;
#  - quantize refuses it (its Crop2D has no int8 form; Q16.16 is for dense chains) by name with exit 1
#    and writes nothing, not even over an OUT that was there (tests/cli/quantize_graph.sh quantizes
#    graphs); convert writes it as C (tests/cli/codegen.sh runs that C).
. "$(dirname "$0")/lib/common.sh"

REF=${ANNE_BINARY_DIR:-build}/tests/graph_ref
if [ ! -x "$REF" ]; then
    echo "SKIP: $REF (tests/graph_ref.c) is not built"
    exit 77
fi
G=$TMP/sample.anne
"$REF" write "$G" || {
    echo "FAIL: graph_ref cannot write the sample graph"
    exit 1
}

# --- info: the table ----------------------------------------------------------------------------------
# The sample graph (tests/sample_graph.c), op k writes tensor k, tensor 0 the (5, 5, 2) input. Per op:
# kind, output shape, parameters (kernel + bias floats), MACs (docs/cli.md: conv out_h*out_w*out_c*kh*kw*
# in_c, depthwise out_h*out_w*out_c*kh*kw, dense rows*n_in*n_out, channel affine one per value, else 0).
ROWS="0|Input|(5, 5, 2)|0|0
1|Conv2D|(5, 5, 4)|$((4 * 3 * 3 * 2 + 4))|$((5 * 5 * 4 * 3 * 3 * 2))
2|ZeroPad2D|(7, 7, 4)|0|0
3|MaxPool2D|(3, 3, 4)|0|0
4|DepthwiseConv2D|(3, 3, 4)|$((3 * 3 * 4 + 4))|$((3 * 3 * 4 * 3 * 3))
5|Add|(3, 3, 4)|0|0
6|Crop2D|(1, 1, 4)|0|0
7|UpSample2D|(3, 3, 4)|0|0
8|Concatenate|(3, 3, 8)|0|0
9|AvgPool2D|(2, 2, 8)|0|0
10|ChannelAffine|(2, 2, 8)|$((8 + 8))|$((2 * 2 * 8))
11|Permute|(2, 2, 8)|0|0
12|GlobalMaxPool|(8)|0|0
13|Multiply|(2, 2, 8)|0|0
14|PReLU|(2, 2, 8)|8|0
15|GlobalAvgPool|(8)|0|0
16|LayerNorm|(8)|8|0
17|Dense|(3)|$((3 * 8 + 3))|$((1 * 8 * 3))"
WINDOWS="1|3x3 s1 same
2|pad ((1, 1), (1, 1))
3|2x2 s2 valid
4|3x3 s1 same
6|crop ((1, 1), (1, 1))
7|size (3, 3)
8|axis 2
9|2x2 s2 same
11|perm (1, 0, 2)
14|alpha per channel
16|epsilon 0.001"
PARAMS=$(echo "$ROWS" | awk -F'|' '{ s += $4 } END { print s }')
MACS=$(echo "$ROWS" | awk -F'|' '{ s += $5 } END { print s }')
# every tensor in a place of its own, one after the other: the arena is the sum of the tensors' bytes
ARENA=$(echo "$ROWS" | awk -F'|' '{ n = 1; s = $3; gsub(/[(),]/, " ", s); k = split(s, d, " ");
    for (i = 1; i <= k; i++) n *= d[i]; b += 4 * n } END { print b }')
[ "$PARAMS" = 175 ] && [ "$MACS" = 2180 ] && [ "$ARENA" = 3012 ] ||
    fail "the script's own figures are off: $PARAMS parameters, $MACS MACs, $ARENA arena bytes"

run 0 info "$G"
stdout_has "Model: \"graph_sample\"  ($G, format 2.0, a graph of 17 ops)"
# the rows, cells split at two or more spaces (no cell holds two): index, op, activation, inputs, shape,
# window, params, MACs, weight bytes, arena offset, arena bytes
awk -F'  +' '/^-+$/ { part++; next } part == 1' "$TMP/out" >"$TMP/rows"
[ "$(wc -l <"$TMP/rows")" -eq 18 ] || fail "info lists $(wc -l <"$TMP/rows") rows, expected the input and 17 ops"
awk -F'  +' -v rows="$ROWS" -v windows="$WINDOWS" '
    BEGIN {
        n = split(rows, r, "\n")
        for (i = 1; i <= n; i++) { split(r[i], f, "|"); op[f[1]] = f[2]; shape[f[1]] = f[3]; par[f[1]] = f[4]; mac[f[1]] = f[5] }
        n = split(windows, r, "\n")
        for (i = 1; i <= n; i++) { split(r[i], f, "|"); win[f[1]] = f[2] }
        at = 0
    }
    {
        k = $1
        if ($2 != op[k] || $5 != shape[k]) printf "FAIL: info row %s is %s %s, expected %s %s\n", k, $2, $5, op[k], shape[k]
        if ($7 != par[k] || $8 != mac[k]) printf "FAIL: info row %s: %s parameters, %s MACs; expected %s, %s\n", k, $7, $8, par[k], mac[k]
        if ($9 != 4 * par[k]) printf "FAIL: info row %s: %s weight bytes for %s float parameters\n", k, $9, par[k]
        w = (k in win) ? win[k] : "-"
        if ($6 != w) printf "FAIL: info row %s: window \"%s\", expected \"%s\"\n", k, $6, w
        s = $5; gsub(/[(),]/, " ", s); m = split(s, d, " "); v = 1
        for (i = 1; i <= m; i++) v *= d[i]
        if ($10 != at || $11 != 4 * v) printf "FAIL: info row %s: arena %s + %s, expected %s + %s\n", k, $10, $11, at, 4 * v
        at += 4 * v
    }' "$TMP/rows" >"$TMP/row_failures"
while read -r line; do fail "${line#FAIL: }"; done <"$TMP/row_failures"
got=$(awk -F'  +' '{ printf "%s|%s|%s;", $1, $3, $4 }' "$TMP/rows")
[ "$got" = "0|-|-;1|relu|0;2|linear|1;3|linear|2;4|linear|3;5|linear|4, 3;6|linear|5;7|linear|6;8|linear|7, 5;9|linear|8;10|linear|9;11|linear|10;12|linear|11;13|linear|11, 12;14|linear|13;15|linear|14;16|linear|15;17|softmax|16;" ] ||
    fail "info's activations and input tensors are $got"
grep -Eq "^Parameters: +$PARAMS\$" "$TMP/out" || fail "info: parameters are not $PARAMS"
grep -Eq "^MACs: +$MACS per inference\$" "$TMP/out" || fail "info: MACs are not $MACS"
grep -Eq "^Weight bytes: +$((4 * PARAMS))\$" "$TMP/out" || fail "info: weight bytes are not 4 x $PARAMS"
grep -Eq "^Arena bytes: +$ARENA " "$TMP/out" || fail "info: arena bytes are not $ARENA"
grep -Eq "^File bytes: +$(wc -c <"$G") " "$TMP/out" || fail "info: file bytes are not the file's $(wc -c <"$G")"
stdout_has "Input:         (5, 5, 2), 50 values (a CSV row: row-major, channels last)"
stdout_has "Output:        (3), 3 values"

# --- info --json --------------------------------------------------------------------------------------
run 0 info "$G" --json
flat=$(tr -d ' \t\n' <"$TMP/out")
for pair in '"format_version":"2.0"' '"inputs":50' '"outputs":3' '"input_shape":[5,5,2]' '"output_shape":[3]' \
    "\"parameters\":$PARAMS,\"macs\":$MACS,\"weight_bytes\":$((4 * PARAMS)),\"arena_bytes\":$ARENA" \
    '"type":"Conv2D","activation":"relu","negative_slope":0,"max_value":null,"threshold":0,"input_tensors":[0],"output_shape":[5,5,4],"window":{"kernel_size":[3,3],"strides":[1,1],"dilation_rate":[1,1],"padding":"same","pads":[[1,1],[1,1]]}' \
    '"type":"AvgPool2D","activation":"linear","input_tensors":[8],"output_shape":[2,2,8],"window":{"kernel_size":[2,2],"strides":[2,2],"dilation_rate":[1,1],"padding":"same","pads":[[0,1],[0,1]]}' \
    '"type":"Add","activation":"linear","input_tensors":[4,3]' '"cropping":[[1,1],[1,1]]' '"perm":[1,0,2]'; do
    case $flat in
    *"$pair"*) ;;
    *) fail "info --json lacks $pair" ;;
    esac
done
[ "$(grep -c '"type":' "$TMP/out")" -eq 17 ] || fail "info --json has $(grep -c '"type":' "$TMP/out") ops, expected 17"

# --- predict: bit for bit the runtime's anne_model_predict() -----------------------------------------
# 6 rows of 50 inputs (the (5, 5, 2) tensor flattened) from a fixed LCG, and a label column
awk 'BEGIN {
    s = 12345
    for (i = 0; i < 50; i++) printf "x%d,", i
    print "label"
    for (r = 0; r < 6; r++) {
        for (i = 0; i < 50; i++) { s = (s * 1103515245 + 12345) % 2147483648; printf "%.4f,", s / 2147483648 * 4 - 2 }
        print "0"
    }
}' >"$TMP/rows.csv"
cut -d, -f1-50 "$TMP/rows.csv" >"$TMP/features.csv"
"$REF" predict "$TMP/features.csv" >"$TMP/ref" || fail "graph_ref predict failed"
[ "$(wc -l <"$TMP/ref")" -eq 6 ] || fail "graph_ref predicted $(wc -l <"$TMP/ref") rows, expected 6"
run 0 predict "$G" "$TMP/rows.csv" --label label
[ "$(head -n 1 "$TMP/out")" = "output0,output1,output2,class" ] || fail "predict header is '$(head -n 1 "$TMP/out")'"
tail -n +2 "$TMP/out" | cut -d, -f1-3 >"$TMP/got"
cmp -s "$TMP/got" "$TMP/ref" || fail "predict differs from anne_model_predict(): $(diff "$TMP/got" "$TMP/ref" | head -4)"
# the class: the largest of the three (the first on a tie)
awk -F, '{ c = 0; for (k = 2; k <= 3; k++) if ($k > $(c + 1)) c = k - 1; print c }' "$TMP/ref" >"$TMP/ref_class"
tail -n +2 "$TMP/out" | cut -d, -f4 | cmp -s - "$TMP/ref_class" || fail "predict's classes are not the argmax"
run 0 predict "$G" "$TMP/rows.csv" --label label --json
[ "$(tr -d ' \t\n' <"$TMP/out" | grep -o '\],\[' | wc -l)" -eq 5 ] || fail "predict --json has not 6 rows"
# a row of the wrong length names the model's input count
run 1 predict "$G" "$TMP/rows.csv"
stderr_is "anne predict: $TMP/rows.csv: 51 feature columns, but the model has 50 inputs"

# --- trace -------------------------------------------------------------------------------------------
input=$(sed -n 2p "$TMP/features.csv")
run 0 trace "$G" --input "$input" --full
cp "$TMP/out" "$TMP/trace"
stdout_has "model: graph_sample (input (5, 5, 2), 17 ops, output (3))"
[ "$(grep -c '^op [0-9]*: ' "$TMP/trace")" -eq 17 ] || fail "trace shows $(grep -c '^op [0-9]*: ' "$TMP/trace") ops"
# each op's line ends in the shape info lists for it
got=$(sed -n 's/^op \([0-9]*\): \([A-Za-z0-9]*\).* -> \(.*\)$/\1|\2|\3/p' "$TMP/trace" | tr '\n' ';')
want=$(echo "$ROWS" | tail -n +2 | cut -d'|' -f1-3 | tr '\n' ';')
[ "$got" = "$want" ] || fail "trace's ops and shapes are $got, expected $want"
stdout_has "op 5: Add (tensors 4, 3) -> (3, 3, 4)"
stdout_has "op 1: Conv2D 3x3 s1 same, relu (tensor 0) -> (5, 5, 4)"
# op K's block: the lines after "op K:" up to the next op
block() {
    awk -v k="$1" '/^op [0-9]+: / { on = ($2 == k ":") ; next } /^output:/ { on = 0 } on' "$TMP/trace"
}
# the last op's values (the output) and the output line: predict's first row, float for float
block 17 | sed -n 's/^  values://p' | "$REF" f32 >"$TMP/last"
sed -n 's/^output://p' "$TMP/trace" | "$REF" f32 >"$TMP/output"
sed -n 1p "$TMP/ref" | "$REF" f32 >"$TMP/want"
cmp -s "$TMP/last" "$TMP/want" || fail "trace --full's last op is $(tr '\n' ' ' <"$TMP/last"), predict's $(tr '\n' ' ' <"$TMP/want")"
cmp -s "$TMP/output" "$TMP/want" || fail "trace's output is $(tr '\n' ' ' <"$TMP/output"), predict's $(tr '\n' ' ' <"$TMP/want")"
# the crop of 1 on each side of the (3, 3, 4) sum is its centre, position [1, 1]
block 5 | sed -n 's/^  \[1, 1\]://p' | "$REF" f32 >"$TMP/centre"
block 6 | sed -n 's/^  values://p' | "$REF" f32 >"$TMP/crop"
[ -s "$TMP/crop" ] && cmp -s "$TMP/crop" "$TMP/centre" || fail "trace: op 6 (crop) is not op 5's centre"
# the global max pool is each channel's max of the permuted tensor (its summary lines)
block 11 | sed -n 's/^  channel [0-9]* *min .* max //p' | "$REF" f32 >"$TMP/maxes"
block 12 | sed -n 's/^  values://p' | "$REF" f32 >"$TMP/gmax"
[ -s "$TMP/gmax" ] && cmp -s "$TMP/gmax" "$TMP/maxes" || fail "trace: op 12 (global max) is not op 11's channel maxima"
# the broadcasting multiply: each position of the permuted (2, 2, 8) tensor times the 8 maxima (trace
# prints 8 significant digits: within 1e-6 relative)
col() { tr -s ' ' '\n' | sed '/^$/d'; }
paste -d' ' <(block 11 | sed -n 's/^  \[1, 0\]://p' | col) <(block 12 | sed -n 's/^  values://p' | col) \
    <(block 13 | sed -n 's/^  \[1, 0\]://p' | col) >"$TMP/mul"
[ "$(wc -l <"$TMP/mul")" -eq 8 ] && awk '{ p = $1 * $2; d = $3 - p; if (d < 0) d = -d; a = p < 0 ? -p : p
    if (NF != 3 || d > 1e-6 * a + 1e-9) bad++ } END { exit bad > 0 }' "$TMP/mul" ||
    fail "trace: op 13 (broadcast multiply) is not op 11 x op 12: $(tr '\n' ';' <"$TMP/mul")"
# without --full: summaries only; the input's values appear nowhere
run 0 trace "$G" --input "$input"
grep -q '^  \[' "$TMP/out" && fail "trace without --full prints positions"
stdout_has "  channel 3    min 0"
run 0 trace "$G" --input "$input" --json
flat=$(tr -d ' \t\n' <"$TMP/out")
[ "$(grep -c '"op":' "$TMP/out")" -eq 17 ] || fail "trace --json has $(grep -c '"op":' "$TMP/out") ops"
case $flat in
*'"op":17,"type":"Dense","activation":"softmax","input_tensors":[16],"shape":[3],'*) ;;
*) fail "trace --json lacks the dense op: $(echo "$flat" | tail -c 400)" ;;
esac
grep -q '"values":' "$TMP/out" && fail "trace --json without --full has values"
run 1 trace "$G" --input 1,2,3
stderr_is "anne trace: --input has 3 values, but the model has 50 inputs"

# --- eval: labels, accuracy and log loss from graph_ref's outputs ------------------------------------
# rows 1-4 labelled with their predicted class, rows 5-6 with the next class: accuracy 4/6
awk '{ print (NR <= 4 ? $1 : ($1 + 1) % 3) }' "$TMP/ref_class" >"$TMP/labels"
{
    head -n 1 "$TMP/rows.csv"
    tail -n +2 "$TMP/rows.csv" | cut -d, -f1-50 | paste -d, - "$TMP/labels"
} >"$TMP/labelled.csv"
# log loss: the mean of -ln(the true class's probability), here in double from the printed floats
want_loss=$(paste -d, "$TMP/labels" "$TMP/ref" | awk -F, '{ p = $($1 + 2); if (p < 1e-15) p = 1e-15; s -= log(p) }
    END { printf "%.9f", s / NR }')
run 0 eval "$G" "$TMP/labelled.csv" --label label
stdout_has "n: 6"
stdout_has "accuracy: 0.6667"
got=$(sed -n 's/^log loss: //p' "$TMP/out")
awk -v a="$got" -v b="$want_loss" 'BEGIN { d = a - b; exit !(a != "" && d < 2e-6 && d > -2e-6) }' ||
    fail "eval's log loss is '$got', expected $want_loss (softmax outputs are probabilities)"
run 0 eval "$G" "$TMP/labelled.csv" --label label --json
[ "$(json_value accuracy | cut -c1-6)" = "0.6666" ] || fail "eval --json accuracy is $(json_value accuracy)"

# --- quantize: the op with no int8 form refused by name, nothing written -----------------------------
refused() { # COMMAND OUT...: exit 1, no OUT, no temporary file
    local cmd=$1
    shift
    for out in "$@"; do [ -e "$out" ] && fail "$cmd wrote $out for a graph model"; done
    ls -A "$TMP" | grep -q '\.tmp' && fail "$cmd left a temporary file: $(ls -A "$TMP" | grep '\.tmp')"
}
run 1 quantize "$G" "$TMP/q.anne" --to int8 --calib "$TMP/rows.csv" --label label
refused quantize "$TMP/q.anne"
stderr_has "anne quantize: $G: op 6 (Crop2D): no int8 form in this version; int8 graphs hold Dense, Conv2D,"
run 1 quantize "$G" "$TMP/q.anne" --to q16 --calib "$TMP/features.csv"
refused quantize "$TMP/q.anne"
stderr_has "anne quantize: $G: a graph model quantizes to int8 only (format 2.2); Q16.16 is for dense chains"
# (train --init trains a graph model's dense head: tests/cli/train_graph.sh)
run 0 convert "$G" "$TMP/gen.c"
[ -f "$TMP/gen.c" ] && [ -f "$TMP/gen.h" ] || fail "convert to .c wrote no C for the graph model"
# (.json holds graphs too: tests/cli/json_graph.sh)
# an OUT that was there stays as it was
echo old >"$TMP/old.anne"
run 1 quantize "$G" "$TMP/old.anne" --to int8 --calib "$TMP/features.csv"
[ "$(cat "$TMP/old.anne")" = old ] || fail "quantize changed an existing OUT for a graph model"

finish "graph commands: all checks passed"
