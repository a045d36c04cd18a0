#!/usr/bin/env bash
# .tflite import through the commands: convert, convert --check, info, predict and the generated C path
# on TFLM's hello_world models, and refusals naming the operator for variants edited with flatc (JSON
# round trip). The other variants (float16, hybrid, RESHAPE, every operator name) are built by
# tests/test_tflite_variants.cc.
. "$(dirname "$0")/lib/common.sh"

HW=${ANNE_SHARED_DIR:-../shared}/fixtures/keras/tflm_hello_world_sine
if [ ! -f "$HW/hello_world_int8.tflite" ]; then
    echo "SKIP: $HW/hello_world_int8.tflite is absent (tests read ../shared in place)"
    exit 77
fi
SCHEMA=$(dirname "$0")/../../tools/import/tflite/tflite_subset.fbs

# int8 stays int8: convert writes an int8 .anne; info shows s8 layers
run 0 convert "$HW/hello_world_int8.tflite" "$TMP/hw.anne"
run 0 info "$TMP/hw.anne"
stdout_has "s8"
run 0 info "$HW/hello_world_float.tflite"
stdout_has "f32"
# predict straight from the .tflite: sin(pi / 2) = 1 within the model's error
printf 'x\n1.5707963\n' >"$TMP/x.csv"
for m in "$HW/hello_world_int8.tflite" "$HW/hello_world_float.tflite" "$TMP/hw.anne"; do
    run 0 predict "$m" "$TMP/x.csv"
    y=$(sed -n 2p "$TMP/out" | cut -d, -f1)
    awk -v y="$y" 'BEGIN { exit !(y > 0.95 && y < 1.05) }' || fail "$m: predict(pi/2) = $y, expected about 1"
done
run 0 convert "$HW/hello_world_int8.tflite" "$TMP/hw.c"
grep -q "predict_s8" "$TMP/hw.h" || fail "generated header lacks the int8 entry point"

# --check reports on the int8 model that convert converts (it does not need a float description)
run 0 convert --check "$HW/hello_world_int8.tflite"
stdout_has "operator 1   FULLY_CONNECTED          dense 1 -> 16, RELU"
stdout_has "all layers supported"

# not a model / damaged
head -c 1000 "$HW/hello_world_int8.tflite" >"$TMP/cut.tflite"
run 1 info "$TMP/cut.tflite"
stderr_has "damaged or truncated TFLite file"

# refusals by operator name, on variants made with flatc (skipped when flatc is missing)
if ! command -v flatc >/dev/null; then
    skip_part "flatc not installed (apt-get install flatbuffers-compiler): the refusal variants did not run"
    finish "tflite: all other checks passed"
fi
(cd "$TMP" && flatc --json --raw-binary --strict-json "$SCHEMA" -- "$HW/hello_world_int8.tflite") ||
    fail "flatc cannot read the fixture with the schema subset"
variant() { # variant NAME SED-EXPR: edits the JSON dump, rebuilds the binary as $TMP/NAME.tflite
    sed -e "$2" "$TMP/hello_world_int8.json" >"$TMP/$1.json"
    (cd "$TMP" && flatc --binary "$SCHEMA" "$1.json" && mv "$1.bin" "$1.tflite") || fail "flatc -b $1"
}
# an operator ANNE does not run (int8 convolutions it does: tests/cli/tflite_int8_graph.sh)
variant conv \
    's/"builtin_code": "FULLY_CONNECTED"/"builtin_code": "UNIDIRECTIONAL_SEQUENCE_LSTM"/; s/"deprecated_builtin_code": 9/"deprecated_builtin_code": 44/'
run 1 convert "$TMP/conv.tflite" "$TMP/conv.anne"
stderr_has "operator 1 (UNIDIRECTIONAL_SEQUENCE_LSTM): not supported (a Keras LSTM)"
[ ! -e "$TMP/conv.anne" ] || fail "a refused model left an output file"
# --check goes on past the refusal (the variant made every operator an LSTM): each with its verdict, exit 1
run 1 convert --check "$TMP/conv.tflite"
stdout_has "operator 1   UNIDIRECTIONAL_SEQUENCE_LSTM"
stdout_has "NOT SUPPORTED: a Keras LSTM"
stdout_has "operator 3   UNIDIRECTIONAL_SEQUENCE_LSTM"
stdout_has "some layers are NOT supported"
variant tanhfused 's/"fused_activation_function": "RELU"/"fused_activation_function": "TANH"/'
run 1 info "$TMP/tanhfused.tflite"
stderr_has "fused activation TANH is not supported"
variant uint8 's/"type": "INT8"/"type": "UINT8"/'
run 1 info "$TMP/uint8.tflite"
stderr_has "UINT8"
# the round trip itself converts (flatc's JSON keeps 6 digits of the scales: close, not identical)
variant same 's/x/x/'
run 0 info "$TMP/same.tflite"
stdout_has "s8"

finish "tflite: all checks passed"
