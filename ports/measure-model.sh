#!/usr/bin/env bash
# Measures one model on an emulated core, as bench/mcu-bench measures its models: the model embedded
# (anne_mcu_host embed) in ports/apps/bench_main.c's inference-only firmware, with a runtime built for
# the model's format only and the bench's activations plus the model's own, run once under QEMU with
# the instruction-counting plugin (docs/mcu-report.md, "Cycle model"). Used by
# `anne info MODEL --target T --measure`; prints one line
#   cycles=C instructions=I load_cycles=L text_bytes=T stack_bytes=S arena_bytes=A
# and exits 0; exits 77 with a line naming what is missing when the cross tools are absent, 1 with the
# reason when the firmware cannot be built or does not run.
#   ports/measure-model.sh m0plus|m33 MODEL.anne
# Env: ANNE_MEASURE_BUILD (build directory, default $TMPDIR/anne-measure-$UID; kept between runs, so
# a second model builds only itself; one measurement at a time per directory).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
if [ $# -ne 2 ]; then
    echo "usage: $0 m0plus|m33 MODEL.anne" >&2
    exit 2
fi
target=$1
model=$2
case "$target" in m0plus | m33) ;; *) echo "unknown target '$target' (m0plus or m33)"; exit 2 ;; esac
anne_mcu_check_tools
ANNE_MCU_BUILD=${ANNE_MEASURE_BUILD:-${TMPDIR:-/tmp}/anne-measure-$(id -u)}
mkdir -p "$ANNE_MCU_BUILD" || exit 1
ANNE_MCU_BUILD="$(cd "$ANNE_MCU_BUILD" && pwd)"
log="$ANNE_MCU_BUILD/measure.log"
gen="$ANNE_MCU_BUILD/gen"
rm -rf "$gen"
mkdir -p "$gen"
# fail WHAT: the reason on stdout (anne shows it), the log's errors after it
fail() {
    echo "$1 ($log)"
    grep -E -A3 'error|Error|FAIL' "$log" 2>/dev/null | head -20
    exit 1
}
: >"$log"
# the host helper that embeds the model (one host build, kept)
anne_mcu_build "" host >>"$log" 2>&1 || fail "cannot build the host helper"
"$ANNE_MCU_BUILD/host/anne_mcu_host" embed "$model" model "$gen/model.c" >"$gen/model.info" 2>>"$log" ||
    fail "cannot embed the model"
acts=$(tr ' ' '\n' <"$gen/model.info" | awk -F= '$1 == "activations" { print $2 }')
acts=$(printf '0x%x' $((0x2A | ${acts:-0})))
plugin="$ANNE_MCU_BUILD/libanne_insn.so"
[ -f "$plugin" ] && [ "$plugin" -nt "$ANNE_ROOT/ports/plugin/anne_insn.c" ] ||
    cc -O2 -shared -fPIC -o "$plugin" "$ANNE_ROOT/ports/plugin/anne_insn.c" >>"$log" 2>&1 ||
    fail "cannot build the QEMU plugin"
# only the model's firmware (no test programs), with the bench's runtime knobs
{ cmake -S "$ANNE_ROOT/ports" -B "$ANNE_MCU_BUILD/$target" -DCMAKE_TOOLCHAIN_FILE="$ANNE_ROOT/ports/cmake/arm-$target.cmake" \
    -DANNE_MCU_BENCH_DIR="$gen" -DANNE_MCU_APPS="" -DANNE_MCU_BENCH_ACTIVATIONS="$acts" &&
    cmake --build "$ANNE_MCU_BUILD/$target" --target bench_model -j "${ANNE_MCU_JOBS:-2}"; } >>"$log" 2>&1 ||
    fail "cannot build the firmware"
elf="$ANNE_MCU_BUILD/$target/bench_model.elf"
addr() {
    arm-none-eabi-nm "$elf" | awk -v s="$1" '$3 == s { print "0x" $1 }'
}
out=$(ANNE_QEMU_PLUGIN="$plugin,core=$target,begin=$(addr anne_port_bench_begin),end=$(addr anne_port_bench_end)" \
    "$ANNE_ROOT/ports/run-qemu.sh" "$target" "$elf" 2>&1)
rc=$?
echo "$out" >>"$log"
[ $rc -eq 5 ] && fail "the model did not load or run in the bench's firmware (a format or op kind its runtime is built without)"
[ $rc -eq 0 ] || [ $rc -eq 4 ] || fail "the firmware exited $rc"
[ $rc -eq 0 ] || fail "the firmware's output differs from the host's"
# value KEY REGION: KEY of region REGION less the empty region 0's (the markers' own cost)
value() {
    local line0 line
    line0=$(echo "$out" | grep '^anne_insn region=0 ')
    line=$(echo "$out" | grep "^anne_insn region=$2 ")
    [ -n "$line" ] || fail "no count for region $2"
    echo $(($(echo "$line" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }') -
        $(echo "$line0" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }')))
}
# text without the embedded model and test vectors, as bench/mcu-bench counts it
embedded=0
for sym in anne_bench_model anne_bench_input anne_bench_expected; do
    embedded=$((embedded + $(arm-none-eabi-nm -S -t d "$elf" | awk -v s="$sym" '$4 == s { print $2 + 0 }' | head -1)))
done
text=$(arm-none-eabi-size "$elf" | awk 'NR == 2 { print $1 }')
echo "cycles=$(value cycles 2) instructions=$(value insns 2) load_cycles=$(value cycles 1)" \
    "text_bytes=$((text - embedded)) stack_bytes=$(echo "$out" | awk '$1 == "stack" { print $2 }')" \
    "arena_bytes=$(tr ' ' '\n' <"$gen/model.info" | awk -F= '$1 == "arena_bytes" { print $2 }')"
