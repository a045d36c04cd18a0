#!/usr/bin/env bash
# The float32 dense, Conv2D and depthwise kernels at odd shapes on the host and on the emulated boards
# (Cortex-M0+: the reference C loops; Cortex-M33: their fast paths, the dense kernel's hand-written
# eight-row FPU loop and the convolutions' eight sums in FPU registers, and the C loops for what is
# left): tests/mcu/dense_f32_check.c and conv_f32_check.c (both convolutions) compare every output bit
# for bit with a plain scalar sum and print a hash of all outputs, which must be the host's on both
# boards. Also checks that a
# one-bit change of a result is noticed. Skips (77) without the cross tools (scripts/setup-arm.sh).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
anne_mcu_check_tools
work="$(cd "${ANNE_BINARY_DIR:-$ANNE_ROOT/build}" && pwd)/mcu-kernels-f32"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
warn=(-Wall -Wextra -Wshadow -Wconversion -Wdouble-promotion -Wstrict-prototypes -Wmissing-prototypes -Werror)
inc=(-I"$ANNE_ROOT/runtime/include" -I"$ANNE_ROOT/runtime/src" -I"$ANNE_ROOT/ports/common")
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# build NAME TARGET CPU-FLAGS...: check program NAME for a board, as ports/CMakeLists.txt builds the
# firmware (src: the check and the kernel's sources)
build() {
    local name=$1 t=$2
    shift 2
    arm-none-eabi-gcc "$@" -mthumb -ffunction-sections -fdata-sections -Os -std=c99 -pedantic \
        -fno-strict-aliasing "${warn[@]}" "${inc[@]}" "${src[@]}" "$ANNE_ROOT/ports/common/anne_port_startup.c" \
        "$ANNE_ROOT/ports/common/anne_port_semihost.c" "$ANNE_ROOT/ports/common/anne_port_format.c" \
        "$ANNE_ROOT/ports/common/anne_port_main.c" --specs=nano.specs --specs=nosys.specs -nostartfiles \
        -Wl,--gc-sections -T"$ANNE_ROOT/ports/$t/anne_$t.ld" -L"$ANNE_ROOT/ports/common" -lm -o "${name}_$t.elf" \
        >"build_${name}_$t.log" 2>&1 || {
        echo "FAIL: building $name for $t:"
        cat "build_${name}_$t.log"
        exit 1
    }
}
# check NAME KERNEL-SOURCE...: builds tests/mcu/NAME.c with the kernel on the host and both boards, runs
# it on each and compares the hashes; $fast names the functions of the M33's fast paths
check() {
    local name=$1 t rc want got
    shift
    src=("$ANNE_ROOT/tests/mcu/$name.c" "$@")
    cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L "${warn[@]}" "${inc[@]}" "${src[@]}" \
        "$ANNE_ROOT/ports/host/anne_port_host.c" "$ANNE_ROOT/ports/common/anne_port_format.c" -lm \
        -o "${name}_host" >"build_${name}_host.log" 2>&1 || {
        echo "FAIL: building $name for the host:"
        cat "build_${name}_host.log"
        exit 1
    }
    build "$name" m0plus -mcpu=cortex-m0plus
    build "$name" m33 -mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16
    "./${name}_host" >"${name}_host.log"
    rc=$?
    cat "${name}_host.log"
    [ $rc -eq 0 ] || fail "$name, host: the kernel differs from the scalar sum"
    want=$(grep -o 'hash [0-9A-Fa-f]*' "${name}_host.log")
    [ -n "$want" ] || fail "$name, host: no hash printed"
    for t in m0plus m33; do
        "$ANNE_ROOT/ports/run-qemu.sh" $t "${name}_$t.elf" >"${name}_$t.log"
        rc=$?
        cat "${name}_$t.log"
        [ $rc -eq 0 ] || fail "$name, $t: the kernel differs from the scalar sum (exit $rc)"
        got=$(grep -o 'hash [0-9A-Fa-f]*' "${name}_$t.log")
        [ -n "$want" ] && [ "$got" = "$want" ] || fail "$name, $t: outputs differ from the host's ($got, host $want)"
    done
    # the M33 build must contain the fast paths (else the check proves nothing about them)
    for f in $fast; do
        arm-none-eabi-nm "${name}_m33.elf" | grep -q " $f\$" || fail "$name, m33: $f is not linked"
    done
}
fast=anne__f32_rows8 check dense_f32_check "$ANNE_ROOT/runtime/src/anne_dense_f32.c"
fast="anne__conv2d_f32_by8 anne__depthwise_f32_by8" check conv_f32_check "$ANNE_ROOT/runtime/src/anne_conv2d_f32.c" "$ANNE_ROOT/runtime/src/anne_depthwise_conv2d_f32.c"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok: the float32 dense, Conv2D and depthwise kernels give the scalar sums' bits at odd shapes on host, m0plus and m33"
