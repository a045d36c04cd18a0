#!/usr/bin/env bash
# Installs what the emulated-microcontroller tests and bench/mcu-bench need (Debian packages):
# the Arm bare-metal cross compiler, its C library (newlib) and QEMU for Arm system emulation.
# Run as root (CI does); otherwise it says what to install.
set -euo pipefail
exec "$(dirname "$0")/ensure-deps.sh" gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
