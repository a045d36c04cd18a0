#!/usr/bin/env bash
# Runs a firmware ELF on the emulated board of its target, with semihosting (console, host files
# relative to the current directory, exit code). QEMU's exit status is the program's.
#   ports/run-qemu.sh m0plus|m33 FIRMWARE.elf [ARG...]
# ANNE_QEMU_PLUGIN=path/to/libanne_insn.so[,arg=value...] adds the instruction-counting plugin;
# ANNE_QEMU_TIMEOUT (seconds, default 120) bounds a run that hangs.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 m0plus|m33 FIRMWARE.elf [ARG...]" >&2
    exit 2
fi
target=$1
elf=$2
shift 2
case "$target" in
m0plus) # RP2040 sizes: 2 MB flash, 264 KB SRAM (the microbit's nRF51 is a Cortex-M0, ARMv6-M)
    machine=(-M microbit -global nrf51-soc.flash-size=2097152 -global nrf51-soc.sram-size=270336) ;;
m33) # RP2350-like: Cortex-M33 with FPU and DSP; vectors at 0x10000000 (secure SSRAM1)
    machine=(-M mps2-an505) ;;
*)
    echo "$0: unknown target '$target' (m0plus or m33)" >&2
    exit 2 ;;
esac
semi="enable=on,target=native,chardev=anne_con,arg=$(basename "$elf")"
for a in "$@"; do
    case "$a" in
    *[,\ ]*) echo "$0: arguments may not contain commas or spaces: '$a'" >&2; exit 2 ;;
    esac
    semi="$semi,arg=$a"
done
plugin=()
if [ -n "${ANNE_QEMU_PLUGIN:-}" ]; then
    plugin=(-plugin "$ANNE_QEMU_PLUGIN")
fi
exec timeout "${ANNE_QEMU_TIMEOUT:-120}" qemu-system-arm "${machine[@]}" -nographic -monitor none -serial none \
    -chardev stdio,id=anne_con \
    -semihosting-config "$semi" "${plugin[@]}" -kernel "$elf" </dev/null
