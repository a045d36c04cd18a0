#!/usr/bin/env bash
# The runtime on emulated microcontrollers (QEMU: Cortex-M0+ as on the RP2040, Cortex-M33 as on the
# RP2350), checked against the host: the same test programs (ports/apps) run on the host to write
# reference results and on both boards to compare with them; QEMU's exit code decides.
#  - test vectors: the paper's two IRIS networks, a 64x64 dense layer and a 64-64-64-10 MLP, 64
#    inputs each, in float32 and quantized to Q16.16 and int8 by `anne quantize`, all bit-identical
#    to the host (the runtime's own expf makes float32 round alike everywhere);
#  - damaged models: every byte flipped (with stale and with fixed-up CRC), every truncation: the
#    same status as on the host;
#  - training: 5 epochs of Adam on the paper's rows: the paper's network within 1e-4, a
#    relu/linear/mse network bit-identical.
# Skips (77) when the cross tools are missing (scripts/setup-arm.sh installs them).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
ANNE=${ANNE:-$ANNE_ROOT/build/anne}
anne_mcu_check_tools
case "$ANNE" in /*) ;; *) ANNE="$PWD/$ANNE" ;; esac
if [ ! -x "$ANNE" ]; then
    echo "SKIP: the anne binary ($ANNE) is not built"
    exit 77
fi
ANNE_MCU_BUILD="$(cd "${ANNE_BINARY_DIR:-$ANNE_ROOT/build}" && pwd)/mcu"
work="$ANNE_MCU_BUILD/qemu-test"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
"$ANNE" convert "$ANNE_ROOT/examples/iris/iris_8_neurons.json" iris_8_neurons.anne >/dev/null &&
    "$ANNE" convert "$ANNE_ROOT/examples/iris/iris_6_neurons.json" iris_6_neurons.anne >/dev/null || {
    echo "FAIL: cannot convert the paper's models"
    exit 1
}
mkdir -p "$ANNE_MCU_BUILD/pico-model"
cmp -s iris_8_neurons.anne "$ANNE_MCU_BUILD/pico-model/iris_8_neurons.anne" ||
    cp iris_8_neurons.anne "$ANNE_MCU_BUILD/pico-model/iris_8_neurons.anne"
export ANNE_MCU_PICO_MODEL="$ANNE_MCU_BUILD/pico-model/iris_8_neurons.anne"
anne_mcu_build || exit 1
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
host="$ANNE_MCU_BUILD/host"
"$host/anne_mcu_host" models . &&
    "$host/anne_mcu_host" csv2bin "$ANNE_ROOT/examples/iris/iris_train.csv" iris_train.bin || {
    echo "FAIL: cannot prepare the models and data"
    exit 1
}

# board TARGET PROGRAM ARGS...: runs a program on a board; the output is shown, the exit code kept.
board() {
    local target=$1 prog=$2
    shift 2
    "$ANNE_ROOT/ports/run-qemu.sh" "$target" "$ANNE_MCU_BUILD/$target/anne_app_$prog.elf" "$@"
}

# q16 and int8 versions made now by `anne quantize` (calibrated on rows of the vectors' distribution):
# their outputs must be bit-identical to the host's.
anne_mcu_quantize . iris_8_neurons iris_6_neurons dense_64x64 mlp_64_64_64_10 || exit 1
models=(iris_8_neurons iris_6_neurons dense_64x64 mlp_64_64_64_10)
for m in iris_8_neurons iris_6_neurons dense_64x64 mlp_64_64_64_10; do models+=("${m}__q16" "${m}__s8"); done
for m in "${models[@]}"; do
    "$host/anne_app_vectors" write "$m.anne" "$m.in" "$m.out" || fail "host vectors for $m"
done
"$host/anne_app_corrupt" write iris_8_neurons.anne iris_8_neurons.status || fail "host statuses"
"$host/anne_app_train" write iris_8_neurons.anne iris_train.bin train.params || fail "host training"

for t in m0plus m33; do
    for m in "${models[@]}"; do
        board "$t" vectors check "$m.anne" "$m.in" "$m.out" || fail "$t: test vectors of $m"
    done
    board "$t" corrupt check iris_8_neurons.anne iris_8_neurons.status || fail "$t: damaged models"
    board "$t" train check iris_8_neurons.anne iris_train.bin train.params || fail "$t: training"
    # The Pico example's application: the paper's figures (90 %, as `anne eval` and the paper have
    # them), then 30 epochs of training on the board.
    board "$t" pico 30 >pico.log
    rc=$?
    cat pico.log
    [ $rc -eq 0 ] || fail "$t: the Pico example exited $rc"
    grep -qF "accuracy 90 % on 20 test rows; confusion [[8, 2], [0, 10]]" pico.log ||
        fail "$t: the Pico example does not reproduce the paper's evaluation"
    grep -q "^trained on the board" pico.log || fail "$t: the Pico example did not train"
done

# The checks must be able to fail: a changed reference value and a wrong status are noticed.
cp mlp_64_64_64_10.out bad.out
printf '\x01' | dd of=bad.out bs=1 seek=6 conv=notrunc status=none
board m33 vectors check mlp_64_64_64_10.anne mlp_64_64_64_10.in bad.out >bad.log
[ $? -eq 1 ] && grep -q 'FAIL' bad.log || fail "a changed host output went unnoticed on the m33"
# q16/int8 outputs are compared bit for bit: one unit in the last place of one value is a failure
for m in dense_64x64__q16 iris_8_neurons__s8; do
    cp $m.out bad.out
    b=$(od -An -tu1 -j 4 -N 1 bad.out | tr -d ' ')
    printf "\\$(printf '%03o' $((b ^ 1)))" | dd of=bad.out bs=1 seek=4 conv=notrunc status=none
    board m0plus vectors check $m.anne $m.in bad.out >bad.log
    [ $? -eq 1 ] && grep -q 'FAIL' bad.log || fail "a one-ulp change of a $m output went unnoticed on the m0plus"
done
cp iris_8_neurons.status bad.status
printf '\x00' | dd of=bad.status bs=1 seek=0 conv=notrunc status=none
board m0plus corrupt check iris_8_neurons.anne bad.status >bad.log
[ $? -eq 1 ] && grep -q '1 statuses differ' bad.log || fail "a changed status went unnoticed on the m0plus"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok: test vectors, damaged models and training agree with the host on m0plus and m33"
