#!/usr/bin/env bash
# int8 graph models (format 2.2) on the emulated Cortex-M0+ and Cortex-M33, checked against the host:
#  - the DS-CNN keyword spotter of the benchmark (anne_mcu_host s8models: random weights, 49x10x1 input,
#    conv 10x4 stride 2, four depthwise-separable blocks, average, dense, softmax) and its 3x3
#    convolution alone, and the shared fixture kws_cnn.tflite converted by `anne convert` (skipped when
#    ../shared is absent): each loaded by the validating loader and run by anne_graph_run_s8 with the
#    optimized int8 convolutions (ports/apps/bench_main.c), outputs bit-identical to the host's
#    (anne_mcu_host embed runs the host's runtime on the same input);
#  - the DS-CNN as generated C (`anne convert ds_cnn_kws.anne ds_cnn_kws.c`, no loader linked;
#    ports/apps/footprint_main.c), bit-identical too;
#  - the optimized int8 convolutions against the reference kernels on random layers, on both boards
#    (ports/apps/app_conv_s8.c; the host runs the same check in test_conv_s8_fast);
#  - the stack of each firmware (painting from reset) under the budget below, and the int8 kernels'
#    frames from -fstack-usage, and the runtime's code in the DS-CNN firmware, printed.
# Skips (77) without the cross tools (scripts/setup-arm.sh).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
anne_mcu_check_tools
anne_mcu_need_anne
ANNE_MCU_BUILD="$(cd "${ANNE_BINARY_DIR:-$ANNE_ROOT/build}" && pwd)/mcu-s8graph"
# The int8 graph runner's own frames (the op's parameters decoded on its stack) take 120-140 bytes of
# the chain before a kernel runs: these firmwares measure 296-376 bytes (docs/mcu.md, "int8 CNNs"), over
# the 256 bytes of the dense models. The budget here catches growth; ANNE_STACK_BUDGET lowers it.
budget=${ANNE_STACK_BUDGET:-400}
models="$ANNE_MCU_BUILD/models"
gen="$ANNE_MCU_BUILD/gen"
rm -rf "$models" "$gen"
mkdir -p "$models" "$gen/codegen"
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
anne_mcu_build "" host || exit 1
host="$ANNE_MCU_BUILD/host"
"$host/anne_mcu_host" s8models "$models" || { echo "FAIL: cannot make the int8 graph models"; exit 1; }
rm -f "$models/dwconv3x3_64.anne" "$models/pwconv_64.anne" # (bench/mcu-bench measures those)
KWS="${ANNE_SHARED_DIR:-}/fixtures/keras/embml_kws_cnn/kws_cnn.tflite"
if [ -n "${ANNE_SHARED_DIR:-}" ] && [ -f "$KWS" ]; then
    "$ANNE" convert "$KWS" "$models/kws_cnn.anne" >/dev/null || fail "anne convert $KWS"
else
    echo "SKIP: ../shared/fixtures/keras/embml_kws_cnn/kws_cnn.tflite is absent (tests read ../shared in place)"
fi
for f in "$models"/*.anne; do
    name=$(basename "$f" .anne)
    "$host/anne_mcu_host" embed "$f" "$name" "$gen/$name.c" >"$gen/$name.info" || fail "cannot embed $name"
    grep -q "format=s8 .*graph=1" "$gen/$name.info" || fail "$name: not an int8 graph ($(cat "$gen/$name.info"))"
done
"$ANNE" convert "$models/ds_cnn_kws.anne" "$gen/codegen/ds_cnn_kws.c" >/dev/null || fail "anne convert ds_cnn_kws.c"
anne_mcu_build "$gen" m0plus m33 || exit 1

# stack_of OUTPUT: the "stack N" line's N
stack_of() {
    echo "$1" | awk '$1 == "stack" { print $2 }'
}
for t in m0plus m33; do
    for info in "$gen"/*.info; do
        name=$(basename "$info" .info)
        for elf in "bench_$name" "footprint_$name"; do
            [ -f "$ANNE_MCU_BUILD/$t/$elf.elf" ] || continue
            out=$("$ANNE_ROOT/ports/run-qemu.sh" "$t" "$ANNE_MCU_BUILD/$t/$elf.elf" 2>&1)
            rc=$?
            stack=$(stack_of "$out")
            echo "$t $elf: exit $rc, stack ${stack:-?} B"
            [ $rc -eq 0 ] || fail "$t $elf: exit $rc (4: the output differs from the host's; 5: load or run failed)"
            [ -n "$stack" ] && [ "$stack" -lt "$budget" ] || fail "$t $elf: stack ${stack:-?} B, not under $budget"
        done
    done
    [ -f "$ANNE_MCU_BUILD/$t/footprint_ds_cnn_kws.elf" ] || fail "$t: no generated-C firmware of ds_cnn_kws"
    out=$(ANNE_QEMU_TIMEOUT=600 "$ANNE_ROOT/ports/run-qemu.sh" "$t" "$ANNE_MCU_BUILD/$t/anne_app_conv_s8.elf" 300 2>&1)
    rc=$?
    echo "$t $out"
    [ $rc -eq 0 ] || fail "$t: the optimized int8 convolutions differ from the reference kernels (exit $rc)"
    # the frames of the int8 kernels (-fstack-usage of the DS-CNN firmware's runtime)
    find "$ANNE_MCU_BUILD/$t" -path '*anne_runtime_s8_graph*' -name 'anne_conv2d_s8*.su' -exec cat {} + |
        awk -F'\t' -v t="$t" '{ n = split($1, a, ":"); printf "%s frame %s: %s B\n", t, a[n], $2 }'
    echo "$t bench_ds_cnn_kws text: $(arm-none-eabi-size "$ANNE_MCU_BUILD/$t/bench_ds_cnn_kws.elf" |
        awk 'NR == 2 { print $1 }') B, of which the model $(arm-none-eabi-nm -S -t d "$ANNE_MCU_BUILD/$t/bench_ds_cnn_kws.elf" |
        awk '$4 == "anne_bench_model" { print $2 + 0 }') B and the test vectors (bench/mcu-bench: runtime_bytes)"
done
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "OK"
