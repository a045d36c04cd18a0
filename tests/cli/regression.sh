#!/usr/bin/env bash
# Regression models in `anne eval`, `predict`, `trace` and `quantize`, on TFLM's hello-world sine model
# (../shared/fixtures/keras/tflm_hello_world_sine: one input, 16 relu, 16 relu, one linear output) and
# data made as TFLM's example makes it (x uniform in [0, 2 pi], y = sin x). eval's MAE, RMSE, R^2 and
# max error are checked against a plain two-pass double computation (awk) over predict's outputs (%.9g:
# each within half a unit of the float's ninth digit, so the two agree to 1e-8); quantize's before/after
# against eval of both models, exactly.
. "$(dirname "$0")/lib/common.sh"

SINE="${ANNE_SHARED_DIR:-../shared}/fixtures/keras/tflm_hello_world_sine"
if [ ! -f "$SINE/hello_world_float.tflite" ]; then
    echo "SKIP: $SINE/hello_world_float.tflite is absent (tests read ../shared in place)"
    exit 77
fi

# x uniform in [0, 2 pi), y = sin(x): 1000 rows, printed so that they read back as the same doubles
awk 'BEGIN { srand(11); print "x,y"; for (i = 0; i < 1000; i++) { x = rand() * 2 * 3.141592653589793;
    printf "%.17g,%.17g\n", x, sin(x) } }' >"$TMP/sine.csv"

# reference PRED_CSV DATA_CSV: "mae rmse r2 max" from the outputs (column 1 of PRED_CSV, after its
# header) against y (column 2 of DATA_CSV), two passes in double
reference() {
    paste -d, <(tail -n +2 "$1") <(tail -n +2 "$2" | cut -d, -f2) | awk -F, '
        { p[NR] = $1; y[NR] = $2; mean += $2 }
        END { n = NR; mean /= n
              for (i = 1; i <= n; i++) { e = y[i] - p[i]; a = e < 0 ? -e : e; abs += a; sq += e * e
                                        if (a > mx) mx = a; tot += (y[i] - mean) ^ 2 }
              printf "%.17g %.17g %.17g %.17g\n", abs / n, sqrt(sq / n), 1 - sq / tot, mx }'
}

# close NAME GOT WANT TOL: |GOT - WANT| <= TOL x max(1, |WANT|)
close() {
    awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1
        exit !(a != "" && d <= t * m) }' || fail "$1 is '$2', expected $3 (within $4)"
}

# check_eval MODEL WHAT: eval --json against the reference over predict's outputs; REF = "mae rmse r2 max"
check_eval() {
    local what=$2 k=0 v
    run 0 predict "$1" "$TMP/sine.csv" --label y
    [ "$(head -n 1 "$TMP/out")" = output0 ] || fail "$what: predict's header is '$(head -n 1 "$TMP/out")', expected output0"
    [ "$(wc -l <"$TMP/out")" -eq 1001 ] || fail "$what: predict printed $(wc -l <"$TMP/out") lines"
    cp "$TMP/out" "$TMP/pred.csv"
    REF=$(reference "$TMP/pred.csv" "$TMP/sine.csv")
    run 0 eval "$1" "$TMP/sine.csv" --label y --json
    [ "$(json_value task)" = '"regression"' ] || fail "$what: eval's task is $(json_value task)"
    [ "$(json_value n)" = 1000 ] || fail "$what: eval counted $(json_value n) rows"
    for v in $REF; do
        k=$((k + 1))
        case $k in 1) key=mae ;; 2) key=rmse ;; 3) key=r2 ;; 4) key=max_error ;; esac
        close "$what $key" "$(json_value $key)" "$v" 1e-8
    done
}

run 0 convert "$SINE/hello_world_float.tflite" "$TMP/sine.anne"
check_eval "$TMP/sine.anne" "float sine"
echo "float32 sine model: MAE RMSE R2 max = $REF"
# the fixture really is a sine: TFLM's model fits sin x to a few hundredths
awk -v m="${REF%% *}" 'BEGIN { exit !(m > 0 && m < 0.05) }' || fail "the float sine model's MAE is $REF"

# the comparison can fail: one prediction moved by 1e-5 moves the reference's MAE by 1e-8
awk -F, 'NR == 2 { $1 = $1 + 1e-5 } { print }' OFS=, "$TMP/pred.csv" >"$TMP/moved.csv"
moved=$(reference "$TMP/moved.csv" "$TMP/sine.csv")
run 0 eval "$TMP/sine.anne" "$TMP/sine.csv" --label y --json
awk -v a="$(json_value mae)" -v b="${moved%% *}" 'BEGIN { d = a - b; exit !(d > 5e-9 || d < -5e-9) }' ||
    fail "a prediction moved by 1e-5 went unnoticed"

# info says what predict, eval and trace will make of the outputs: a value here, classes for iris
run 0 info "$TMP/sine.anne" --json
[ "$(json_value task)" = '"regression"' ] || fail "info --json: the sine model's task is $(json_value task)"
run 0 info "$TMP/sine.anne"
stdout_has "Task:          regression"
run 0 info examples/iris/iris_6_neurons.json --json
[ "$(json_value task)" = '"classification"' ] || fail "info --json: the iris model's task is $(json_value task)"

# the text report
run 0 eval "$TMP/sine.anne" "$TMP/sine.csv" --label y
stdout_has "regression (one output against column \"y\")"
for k in "MAE:" "RMSE:" "R2:" "max error:"; do stdout_has "$k"; done
grep -q "confusion" "$TMP/out" && fail "a regression eval printed a confusion matrix"

# the int8 sine model (TFLite's own quantization) is a regression model too
run 0 convert "$SINE/hello_world_int8.tflite" "$TMP/sine_s8.anne"
check_eval "$TMP/sine_s8.anne" "int8 sine"
echo "int8 (TFLite) sine model: MAE RMSE R2 max = $REF"

# predict --json, trace: outputs only, no class
run 0 predict "$TMP/sine.anne" "$TMP/sine.csv" --label y --json
grep -q '"classes"' "$TMP/out" && fail "predict --json gives a regression model classes"
run 0 trace "$TMP/sine.anne" --input 1.5
grep -q "^class" "$TMP/out" && fail "trace printed a class for a regression model"
stdout_has "output: "
run 0 trace "$TMP/sine.anne" --input 1.5 --json
grep -q '"class"' "$TMP/out" && fail "trace --json gives a regression model a class"
# --task classification brings the class back (a one-output model: above the threshold or not)
run 0 trace "$TMP/sine.anne" --input 1.5 --task classification
stdout_has "class: 1"
run 0 predict "$TMP/sine.anne" "$TMP/sine.csv" --label y --task classification
[ "$(head -n 1 "$TMP/out")" = "output0,class" ] || fail "--task classification: predict's header $(head -n 1 "$TMP/out")"
run 1 eval "$TMP/sine.anne" "$TMP/sine.csv" --label y --task classification
stderr_has "column \"y\":"
stderr_has "is not a class of the model"
run 2 eval "$TMP/sine.anne" "$TMP/sine.csv" --label y --task regress
stderr_has "--task must be classification or regression, got \"regress\""

# a target that is not a number: the line, the column and the value
{ head -n 3 "$TMP/sine.csv"; echo "1.0,high"; } >"$TMP/text.csv"
run 1 eval "$TMP/sine.anne" "$TMP/text.csv" --label y
stderr_is "anne eval: $TMP/text.csv: line 4, column \"y\": \"high\" is not a number (a regression model's target: the model has one linear output and no class names; --task classification scores it as classes)"
# a model with several outputs cannot be scored against one column
run 1 eval tests/data/cli_3class.json tests/data/csv/three_class.csv --label class --task regression
stderr_has "regression scores one output against column \"class\", but the model has 3 outputs"

# class names make a linear one-output model a classifier (a logit model named with --classes)
run 0 convert "$TMP/sine.anne" "$TMP/named.anne" --classes low,high
run 0 predict "$TMP/named.anne" "$TMP/sine.csv" --label y
[ "$(head -n 1 "$TMP/out")" = "high,class,name" ] || fail "a named sine model's predict header: $(head -n 1 "$TMP/out")"

# quantize: before and after, each equal to anne eval of that model
run 0 quantize "$TMP/sine.anne" "$TMP/q.anne" --to int8 --calib "$TMP/sine.csv" --label y --json
tr -d ' \t\n' <"$TMP/out" >"$TMP/q.json"
part() { sed 's/.*"'"$1"'":{\([^}]*\)}.*/\1/' "$TMP/q.json" | tr ',' '\n' | sed -n 's/^"'"$2"'"://p'; }
grep -q '"same_class"' "$TMP/q.json" && fail "quantize reports same_class for a regression model"
run 0 eval "$TMP/q.anne" "$TMP/sine.csv" --label y --json
cp "$TMP/out" "$TMP/eval_q.json"
run 0 eval "$TMP/sine.anne" "$TMP/sine.csv" --label y --json
for k in mae rmse r2 max_error; do
    [ "$(part float $k)" = "$(json_value $k)" ] || fail "quantize's float $k $(part float $k), eval's $(json_value $k)"
    want=$(tr -d ' \t\n' <"$TMP/eval_q.json" | grep -o "\"$k\":[^,}]*" | cut -d: -f2)
    [ "$(part quantized $k)" = "$want" ] || fail "quantize's int8 $k $(part quantized $k), eval's $want"
done
echo "anne quantize --to int8 of the float model: MAE $(part float mae) -> $(part quantized mae)"
cut -d, -f1 "$TMP/sine.csv" >"$TMP/x.csv"
run 0 quantize "$TMP/sine.anne" "$TMP/q16.anne" --to q16 --calib "$TMP/x.csv" --json
grep -q '"same_class"' "$TMP/out" && fail "quantize without --label reports same_class for a regression model"
grep -q '"mae"' "$TMP/out" && fail "quantize without --label reports a MAE"
run 0 quantize "$TMP/sine.anne" "$TMP/q16.anne" --to q16 --calib "$TMP/sine.csv" --label y
stdout_has "MAE"
stdout_has "max error"
grep -q "same predicted class" "$TMP/out" && fail "quantize's text report counts classes for a regression model"

finish "regression: eval, predict, trace and quantize on TFLM's sine model"
