#!/usr/bin/env bash
# The float32 dense kernel at odd shapes on the host and on the emulated boards (Cortex-M0+: the C
# loops; Cortex-M33: the hand-written eight-unit FPU loop and the C loops for what is left):
# tests/mcu/dense_f32_check.c compares every output bit for bit with a plain scalar sum and prints a
# hash of all outputs, which must be the host's on both boards. Also checks that a one-bit change of
# the kernel's result is noticed. Skips (77) without the cross tools (scripts/setup-arm.sh).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
anne_mcu_check_tools
work="$(cd "${ANNE_BINARY_DIR:-$ANNE_ROOT/build}" && pwd)/mcu-dense-f32"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
warn=(-Wall -Wextra -Wshadow -Wconversion -Wdouble-promotion -Wstrict-prototypes -Wmissing-prototypes -Werror)
src=("$ANNE_ROOT/tests/mcu/dense_f32_check.c" "$ANNE_ROOT/runtime/src/anne_dense_f32.c")
inc=(-I"$ANNE_ROOT/runtime/include" -I"$ANNE_ROOT/ports/common")

# build TARGET CPU-FLAGS...: the check program for a board, as ports/CMakeLists.txt builds the firmware
build() {
    local t=$1
    shift
    arm-none-eabi-gcc "$@" -mthumb -ffunction-sections -fdata-sections -Os -std=c99 -pedantic \
        -fno-strict-aliasing "${warn[@]}" "${inc[@]}" "${src[@]}" "$ANNE_ROOT/ports/common/anne_port_startup.c" \
        "$ANNE_ROOT/ports/common/anne_port_semihost.c" "$ANNE_ROOT/ports/common/anne_port_format.c" \
        "$ANNE_ROOT/ports/common/anne_port_main.c" --specs=nano.specs --specs=nosys.specs -nostartfiles \
        -Wl,--gc-sections -T"$ANNE_ROOT/ports/$t/anne_$t.ld" -L"$ANNE_ROOT/ports/common" -lm -o "check_$t.elf" \
        >"build_$t.log" 2>&1 || {
        echo "FAIL: building the check for $t:"
        cat "build_$t.log"
        exit 1
    }
}
cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L "${warn[@]}" "${inc[@]}" "${src[@]}" \
    "$ANNE_ROOT/ports/host/anne_port_host.c" "$ANNE_ROOT/ports/common/anne_port_format.c" -lm -o check_host \
    >build_host.log 2>&1 || {
    echo "FAIL: building the check for the host:"
    cat build_host.log
    exit 1
}
build m0plus -mcpu=cortex-m0plus
build m33 -mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
./check_host >host.log
rc=$?
cat host.log
[ $rc -eq 0 ] || fail "host: the kernel differs from the scalar sum"
want=$(grep -o 'hash [0-9A-Fa-f]*' host.log)
[ -n "$want" ] || fail "host: no hash printed"
for t in m0plus m33; do
    "$ANNE_ROOT/ports/run-qemu.sh" $t "check_$t.elf" >$t.log
    rc=$?
    cat $t.log
    [ $rc -eq 0 ] || fail "$t: the kernel differs from the scalar sum (exit $rc)"
    got=$(grep -o 'hash [0-9A-Fa-f]*' $t.log)
    [ -n "$want" ] && [ "$got" = "$want" ] || fail "$t: outputs differ from the host's ($got, host $want)"
done
# the M33 build must contain the hand-written loop (else the check above proves nothing about it)
arm-none-eabi-nm check_m33.elf | grep -q ' anne__f32_rows8$' || fail "m33: anne__f32_rows8 is not linked"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok: the float32 dense kernel gives the scalar sums' bits at odd shapes on host, m0plus and m33"
