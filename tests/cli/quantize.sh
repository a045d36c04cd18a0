#!/usr/bin/env bash
# `anne quantize` from the outside: the paper's IRIS networks keep Keras' confusion matrix
# [[8,2],[0,10]] in q16 and int8 (checked with `anne eval` on the written files); a Pima diabetes
# model trained by `anne train` and the 3-class Keras iris fixture stay within one percentage point
# of float accuracy; predict/eval/trace/info run quantized models; calibration reads the CSV's last row
# (with or without a newline after it); usage errors and no output on failure.
. "$(dirname "$0")/lib/common.sh"

SHARED=${ANNE_SHARED_DIR:-../shared}

# A number from cJSON's output: "key":<tab>value
json_num() {
    sed -n "s/.*\"$1\":[[:space:]]*\([-0-9.e]*\).*/\1/p" "$2" | head -1
}

# quantized accuracy b at most one percentage point below float accuracy a (higher is not a failure)
within_1pp() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(b >= a - 0.01 - 1e-12) }'
}

# --- the paper's IRIS networks: Keras' confusion matrix in q16 and int8 (and per-tensor int8) ---
for net in iris_6_neurons iris_8_neurons; do
    for to in q16 int8 int8-pt; do
        extra=""
        fmt=$to
        if [ "$to" = int8-pt ]; then extra=--per-tensor; fmt=int8; fi
        run 0 quantize examples/iris/$net.json "$TMP/$net.$to.anne" --to $fmt $extra \
            --calib examples/iris/iris_train.csv --label Species --eval examples/iris/iris_test.csv
        run 0 eval "$TMP/$net.$to.anne" examples/iris/iris_test.csv --label Species --json
        if ! tr -d ' \t\n' <"$TMP/out" | grep -q '"confusion_matrix":\[\[8,2\],\[0,10\]\]'; then
            fail "$net $to: confusion matrix is not Keras' [[8,2],[0,10]]: $(tr -d '\t\n' <"$TMP/out" | head -c 120)"
        fi
    done
done

# info names the format; trace agrees with predict (it checks itself) on a quantized model
run 0 info "$TMP/iris_6_neurons.int8.anne"
grep -q " s8$" "$TMP/out" || fail "anne info does not show the s8 format: $(cat "$TMP/out")"
run 0 info "$TMP/iris_6_neurons.q16.anne" --json
grep -q '"dtype":[[:space:]]*"q16"' "$TMP/out" || fail "anne info --json does not show q16"
for to in q16 int8; do
    run 0 trace "$TMP/iris_8_neurons.$to.anne" --input 6.8,2.8,4.8,1.4
    grep -q "neuron 1: z = " "$TMP/out" || fail "trace $to shows no neurons"
    run 0 predict "$TMP/iris_8_neurons.$to.anne" examples/iris/iris_test.csv --label Species
done

# --- the JSON report: float and quantized accuracy, bytes ---
run 0 quantize examples/iris/iris_6_neurons.json "$TMP/j.anne" --to int8 --calib examples/iris/iris_train.csv \
    --label Species --eval examples/iris/iris_test.csv --json
cp "$TMP/out" "$TMP/report.json"
[ "$(json_num float_accuracy "$TMP/report.json")" = "0.9" ] ||
    fail "float accuracy in the report: $(cat "$TMP/report.json")"
[ "$(json_num quantized_accuracy "$TMP/report.json")" = "0.9" ] || fail "int8 accuracy in the report"
[ "$(json_num weight_bytes_before "$TMP/report.json")" = "104" ] || fail "float weight bytes: 26 parameters x 4 = 104"

# regression report without --label: the largest output difference, small for q16
cut -d, -f1-4 examples/iris/iris_train.csv >"$TMP/features.csv"
run 0 quantize examples/iris/iris_6_neurons.json "$TMP/r.anne" --to q16 --calib "$TMP/features.csv" --json
e=$(json_num max_output_error "$TMP/out")
awk -v e="$e" 'BEGIN { exit !(e > 0 && e < 2e-4) }' || fail "q16 largest output difference $e, expected (0, 2e-4)"

# --- errors: usage, bad format, missing calibration, no output file left behind ---
run 2 quantize examples/iris/iris_6_neurons.json "$TMP/x.anne" --calib examples/iris/iris_train.csv
grep -q "needs --to" "$TMP/err" || fail "missing --to: $(cat "$TMP/err")"
run 2 quantize examples/iris/iris_6_neurons.json "$TMP/x.anne" --to int4 --calib examples/iris/iris_train.csv
grep -q 'must be q16 or int8' "$TMP/err" || fail "bad --to: $(cat "$TMP/err")"
run 2 quantize examples/iris/iris_6_neurons.json "$TMP/x.anne" --to q16
run 1 quantize examples/iris/iris_6_neurons.json "$TMP/x.anne" --to q16 --calib "$TMP/none.csv"
run 1 quantize examples/iris/iris_6_neurons.json "$TMP/x.anne" --to q16 --calib "$TMP/features.csv" \
    --label Nope --eval examples/iris/iris_test.csv
grep -q 'no column "Nope"' "$TMP/err" || fail "unknown label column: $(cat "$TMP/err")"
[ ! -e "$TMP/x.anne" ] || fail "a failed quantize left $TMP/x.anne"

# --- calibration reads every row: a last row far outside the others sets the largest activation, with
# or without a newline after it (the model standardizes: (70 - 6.262) / 0.6595 = 96.6) ---
for nl in yes no; do
    { head -n 11 examples/iris/iris_train.csv; printf '70,32,47,14,0'; [ $nl = yes ] && echo; } >"$TMP/calib_last.csv"
    run 0 quantize examples/iris/iris_6_neurons.json "$TMP/last.anne" --to q16 --calib "$TMP/calib_last.csv" \
        --label Species --json
    m=$(json_num max_abs_activation "$TMP/out")
    awk -v m="$m" 'BEGIN { exit !(m > 96) }' ||
        fail "calibration with the extreme row last (newline: $nl): max_abs_activation $m, expected > 96"
done
head -n 11 examples/iris/iris_train.csv >"$TMP/calib_first.csv"
run 0 quantize examples/iris/iris_6_neurons.json "$TMP/first.anne" --to q16 --calib "$TMP/calib_first.csv" \
    --label Species --json
m=$(json_num max_abs_activation "$TMP/out")
awk -v m="$m" 'BEGIN { exit !(m < 20) }' ||
    fail "calibration without the extreme row: max_abs_activation $m, expected < 20"

# --- Pima diabetes: a model trained by anne train, held-out rows, within one point of float ---
DIAB="$SHARED/data/paper/diabetes.csv"
if [ -f "$DIAB" ]; then
    head -n 615 "$DIAB" >"$TMP/d_train.csv"
    { head -n 1 "$DIAB"; tail -n +616 "$DIAB"; } >"$TMP/d_test.csv"
    run 0 train "$TMP/d_train.csv" --label Outcome --layers 16:relu,8:relu,1:sigmoid --standardize --epochs 60 \
        --seed 1 --quiet -o "$TMP/diabetes.anne"
    for to in q16 int8; do
        run 0 quantize "$TMP/diabetes.anne" "$TMP/diabetes.$to.anne" --to $to --calib "$TMP/d_train.csv" \
            --label Outcome --eval "$TMP/d_test.csv" --json
        f=$(json_num float_accuracy "$TMP/out")
        q=$(json_num quantized_accuracy "$TMP/out")
        echo "diabetes $to: float $f, quantized $q (154 held-out rows)"
        within_1pp "$f" "$q" || fail "diabetes $to: accuracy $q vs float $f: more than one percentage point below"
    done
else
    skip_part "$DIAB is absent (tests read ../shared in place): the diabetes check did not run"
fi

# --- the 3-class Keras iris fixture (raw inputs); whether to run it depends on the file alone, never on
# whether this build's importer reads it (an importer bug must fail here, not switch the check off) ---
K3="$SHARED/fixtures/keras/k3_h5_iris_mit"
if [ -f "$K3/iris_model.h5" ] && [ -f "$K3/iris.csv" ]; then
    for to in q16 int8; do
        run 0 quantize "$K3/iris_model.h5" "$TMP/k3.$to.anne" --to $to --calib "$K3/iris.csv" --label species --json
        f=$(json_num float_accuracy "$TMP/out")
        q=$(json_num quantized_accuracy "$TMP/out")
        echo "k3 iris $to: float $f, quantized $q (150 rows)"
        within_1pp "$f" "$q" || fail "k3 iris $to: accuracy $q vs float $f: more than one percentage point below"
    done
else
    skip_part "$K3/iris_model.h5 or iris.csv is absent (tests read ../shared in place): the Keras iris" \
        "check did not run"
fi

finish "all quantize checks passed"
