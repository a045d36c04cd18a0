#!/usr/bin/env bash
# The footprint knobs of runtime/include/anne_config.h: the runtime compiled with only some number
# formats (ANNE_CONFIG_F32/Q16/S8) and activations (ANNE_CONFIG_ACTIVATIONS) gives the full build's
# outputs bit for bit on the models it runs, rejects the others at load with the documented status
# (ANNE_ERR_UNSUPPORTED_DTYPE, ANNE_ERR_BAD_ACTIVATION; int8 activations are tables in the model and
# not affected by the activation knob, except softmax, whose int8 kernel its bit leaves out too), and
# links none of the code it leaves out (checked with nm after --gc-sections).
# Also: the loader compiled for a Cortex-M0+ calls no soft-float, 64-bit or division helper; the
# Cortex-M33's kernel for widened int8 weights is built only with ANNE_CONFIG_S8_WIDE=1.
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ANNE=${ANNE:-$ANNE_ROOT/build/anne}
case "$ANNE" in /*) ;; *) ANNE="$PWD/$ANNE" ;; esac
. "$ANNE_ROOT/tests/cli/lib/common.sh"
CC=${CC:-cc}
cd "$TMP" || exit 1

# The program: loads a model, prints the status number, then the outputs for a fixed input in hex.
cat >knobs_main.c <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include "anne.h"
int main(int argc, char **argv) {
    static uint32_t bytes[16384], arena[4096];
    float in[64], out[64];
    anne_model m;
    anne_status st;
    size_t n;
    uint16_t i;
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (f == NULL) return 2;
    n = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    st = anne_model_load(&m, bytes, n);
    printf("status %d\n", (int)st);
    if (st != ANNE_OK) return 0;
    for (i = 0; i < m.n_inputs && i < 64; i++) in[i] = 0.37f * (float)i - 1.0f;
    st = anne_model_predict(&m, out, in, arena, sizeof arena);
    printf("predict %d\n", (int)st);
    for (i = 0; st == ANNE_OK && i < m.n_outputs; i++) printf("%a\n", (double)out[i]);
    return 0;
}
EOF
# build NAME FLAGS...: the program with the runtime compiled under FLAGS (all of it: --gc-sections drops
# what inference does not call)
build() {
    local name=$1
    shift
    $CC -std=c99 -O1 -ffunction-sections -fdata-sections -Wl,--gc-sections -I"$ANNE_ROOT/runtime/include" "$@" \
        -o "$name" knobs_main.c "$ANNE_ROOT"/runtime/src/*.c \
        -lm 2>"$name.log" || { cat "$name.log"; fail "cannot compile the $name build"; return 1; }
}
build full || exit 1
build f32_relu_sigmoid -DANNE_CONFIG_Q16=0 -DANNE_CONFIG_S8=0 \
    '-DANNE_CONFIG_ACTIVATIONS=(ANNE_ACT_BIT(ANNE_ACT_RELU) | ANNE_ACT_BIT(ANNE_ACT_SIGMOID))' || exit 1
build s8_only -DANNE_CONFIG_F32=0 -DANNE_CONFIG_Q16=0 -DANNE_CONFIG_ACTIVATIONS=0 || exit 1
build s8_softmax -DANNE_CONFIG_F32=0 -DANNE_CONFIG_Q16=0 '-DANNE_CONFIG_ACTIVATIONS=ANNE_ACT_BIT(ANNE_ACT_SOFTMAX)' || exit 1
build q16_relu_tanh -DANNE_CONFIG_F32=0 -DANNE_CONFIG_S8=0 \
    '-DANNE_CONFIG_ACTIVATIONS=(ANNE_ACT_BIT(ANNE_ACT_RELU) | ANNE_ACT_BIT(ANNE_ACT_TANH))' || exit 1

# Models: the paper's IRIS network (relu, sigmoid) and a copy with tanh instead of sigmoid, in each format.
sed 's/"sigmoid"/"tanh"/g' "$ANNE_ROOT/examples/iris/iris_8_neurons.json" >iris_tanh.json
for m in iris_8_neurons iris_tanh; do
    src="$ANNE_ROOT/examples/iris/$m.json"
    [ "$m" = iris_tanh ] && src=iris_tanh.json
    "$ANNE" convert "$src" "$m.anne" >/dev/null || fail "convert $m"
    for to in q16 int8; do
        "$ANNE" quantize "$src" "${m}_$to.anne" --to $to --calib "$ANNE_ROOT/examples/iris/iris_train.csv" \
            --label Species >/dev/null || fail "quantize $m to $to"
    done
done

# A three-class softmax network, as int8 (its softmax is the one int8 activation that is code).
"$ANNE" quantize "$ANNE_ROOT/tests/data/cli_3class.json" softmax_int8.anne --to int8 \
    --calib "$ANNE_ROOT/tests/data/csv/three_class.csv" --label class >/dev/null || fail "quantize cli_3class to int8"

# expect BUILD MODEL STATUS: the load status; with 0, the outputs equal the full build's
expect() {
    local build=$1 model=$2 want=$3
    ./"$build" "$model" >"$build.$model.out" || { fail "$build $model: exit $?"; return; }
    got=$(sed -n 's/^status //p' "$build.$model.out")
    if [ "$got" != "$want" ]; then
        fail "$build build, $model: load status $got, expected $want"
    elif [ "$want" = 0 ]; then
        ./full "$model" >"full.$model.out"
        cmp -s "full.$model.out" "$build.$model.out" || fail "$build build, $model: outputs differ from the full build's"
        grep -q '^predict 0$' "$build.$model.out" || fail "$build build, $model: predict failed"
    fi
}
# anne_status: 9 ANNE_ERR_BAD_ACTIVATION, 10 ANNE_ERR_UNSUPPORTED_DTYPE
for m in iris_8_neurons iris_tanh iris_8_neurons_q16 iris_tanh_q16 iris_8_neurons_int8 iris_tanh_int8 softmax_int8; do
    expect full $m.anne 0
done
expect f32_relu_sigmoid iris_8_neurons.anne 0
expect f32_relu_sigmoid iris_tanh.anne 9
expect f32_relu_sigmoid iris_8_neurons_q16.anne 10
expect f32_relu_sigmoid iris_8_neurons_int8.anne 10
expect s8_only iris_8_neurons_int8.anne 0
expect s8_only iris_tanh_int8.anne 0 # int8 activations are tables: not affected by the knob
expect s8_only softmax_int8.anne 9     # ... but softmax is code: left out with its bit
expect s8_softmax softmax_int8.anne 0
expect s8_softmax iris_8_neurons_int8.anne 0
expect s8_only iris_8_neurons.anne 10
expect s8_only iris_8_neurons_q16.anne 10
expect q16_relu_tanh iris_tanh_q16.anne 0
expect q16_relu_tanh iris_8_neurons_q16.anne 9 # sigmoid left out
expect q16_relu_tanh iris_tanh.anne 10

# What is left out is not linked (a few telling symbols).
syms() { nm "$1" | awk '{ print $NF }'; }
syms full | grep -q anne__q16_sigmoid_table || fail "the full build has no Q16 tables (the nm check is blind)"
syms f32_relu_sigmoid | grep -qE 'anne__q16_|anne_dense_forward_s8|anne_requantize' &&
    fail "the float-only build links Q16 or int8 code"
syms s8_only | grep -qE 'anne_dense_forward_f32|anne__q16_sigmoid_table|anne_dense_forward_q16' &&
    fail "the int8-only build links float32 or Q16 kernels"
syms s8_only | grep -q 'anne_softmax_forward_s8' && fail "the int8 build without softmax links the int8 softmax"
syms s8_softmax | grep -q 'anne_softmax_forward_s8' || fail "the int8 build with softmax lacks the int8 softmax"
syms q16_relu_tanh | grep -q 'anne__q16_sigmoid_table' && fail "the Q16 relu+tanh build links the sigmoid table"
syms q16_relu_tanh | grep -q 'anne__q16_tanh_table' || fail "the Q16 relu+tanh build lacks the tanh table"

# The loader (model, quantized-layer checks, CRC) checks stored floats on their bits: compiled for a
# Cortex-M0+ it calls no soft-float, 64-bit, division or string helper, so an int8 build links none.
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    for src in model quant_check crc32; do
        arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -std=c99 -I"$ANNE_ROOT/runtime/include" -DANNE_CONFIG_F32=0 \
            -DANNE_CONFIG_Q16=0 -c "$ANNE_ROOT/runtime/src/anne_$src.c" -o "m0_$src.o" || fail "cannot cross-compile anne_$src.c"
        helpers=$(arm-none-eabi-nm -u "m0_$src.o" | awk '{ print $NF }' | grep -E '^__(aeabi|[a-z]+[sd]f[0-9]|[a-z]+di[0-9])|^mem(cmp|move)$')
        [ -z "$helpers" ] || fail "anne_$src.c on a Cortex-M0+ calls" $helpers
    done
    arm-none-eabi-nm -u m0_model.o | grep -q anne_crc32 || fail "the Cortex-M0+ helper check sees no calls (it is blind)"
    # ANNE_CONFIG_S8_WIDE (opt-in): the Cortex-M33's kernel for widened int8 weights only where it is on
    for wide in 0 1; do
        arm-none-eabi-gcc -mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16 -Os -std=c99 \
            -I"$ANNE_ROOT/runtime/include" -DANNE_CONFIG_S8_WIDE=$wide -c "$ANNE_ROOT/runtime/src/anne_dense_s8.c" \
            -o "m33_s8_$wide.o" || fail "cannot cross-compile anne_dense_s8.c with ANNE_CONFIG_S8_WIDE=$wide"
    done
    arm-none-eabi-nm m33_s8_0.o | grep -q anne__s8w_quad_dsp && fail "ANNE_CONFIG_S8_WIDE=0 builds the widened kernel"
    arm-none-eabi-nm m33_s8_1.o | grep -q ' T anne__s8w_quad_dsp' || fail "ANNE_CONFIG_S8_WIDE=1 lacks the widened kernel"
else
    skip_part "arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi): the Cortex-M0+ loader and" \
        "Cortex-M33 widened-kernel checks did not run"
fi

finish "ok: builds with formats and activations left out match the full build and reject the rest"
