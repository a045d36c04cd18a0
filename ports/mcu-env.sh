# Sourced by tests/cli/mcu_*.sh and bench/mcu-bench: checks the cross tools and builds the ports
# (host reference programs, Cortex-M0+ and Cortex-M33 firmware) into $ANNE_MCU_BUILD.
#   anne_mcu_check_tools      exits 77 (skip) naming the Debian packages when a tool is missing
#   anne_mcu_need_anne        $ANNE as an absolute path, or exits 77 when it is not built
#   anne_mcu_build [BENCH_DIR [TARGET...]]  configures and builds host, m0plus and m33 (or the TARGETs);
#                             with $ANNE_MCU_PICO_MODEL (a converted iris_8_neurons.anne) also the Pico
#                             example's application
#   anne_mcu_quantize DIR NAME...  q16 and int8 versions of float models (needs $ANNE; only the formats
#                             in $ANNE_MCU_QUANT_FORMATS when set, e.g. q16)
ANNE_MCU_PACKAGES="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"

# anne_mcu_need_anne: sets ANNE (default: build/anne) to an absolute path, or exits 77 (skip) when that
# is not built
anne_mcu_need_anne() {
    ANNE=${ANNE:-$ANNE_ROOT/build/anne}
    case "$ANNE" in /*) ;; *) ANNE="$PWD/$ANNE" ;; esac
    if [ ! -x "$ANNE" ]; then
        echo "SKIP: the anne binary ($ANNE) is not built"
        exit 77
    fi
}

anne_mcu_check_tools() {
    local missing=""
    command -v arm-none-eabi-gcc >/dev/null 2>&1 || missing="$missing arm-none-eabi-gcc"
    command -v qemu-system-arm >/dev/null 2>&1 || missing="$missing qemu-system-arm"
    command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
    if [ -z "$missing" ] && ! echo 'int main(void){return 0;}' |
        arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb --specs=nano.specs --specs=nosys.specs -x c - \
            -o /dev/null >/dev/null 2>&1; then
        missing="$missing newlib"
    fi
    if [ -n "$missing" ]; then
        echo "SKIP: missing$missing; install the Debian packages $ANNE_MCU_PACKAGES (scripts/setup-arm.sh)"
        exit 77
    fi
}

# anne_mcu_build [BENCH_DIR [TARGET...]]: one build tree per target (default: host m0plus m33) under
# $ANNE_MCU_BUILD.
anne_mcu_build() {
    local bench_dir=${1:-} t tc log targets=(host m0plus m33)
    [ $# -gt 1 ] && targets=("${@:2}")
    for t in "${targets[@]}"; do
        tc=()
        [ "$t" != host ] && tc=(-DCMAKE_TOOLCHAIN_FILE="$ANNE_ROOT/ports/cmake/arm-$t.cmake")
        log="$ANNE_MCU_BUILD/$t.log"
        mkdir -p "$ANNE_MCU_BUILD"
        if ! { cmake -S "$ANNE_ROOT/ports" -B "$ANNE_MCU_BUILD/$t" "${tc[@]}" -DANNE_MCU_BENCH_DIR="$bench_dir" \
            -DANNE_MCU_PICO_MODEL="${ANNE_MCU_PICO_MODEL:-}" &&
            cmake --build "$ANNE_MCU_BUILD/$t" -j "${ANNE_MCU_JOBS:-2}"; } >"$log" 2>&1; then
            echo "FAIL: building the ports for $t failed ($log):"
            grep -E -A3 'error|Error' "$log" | head -40
            return 1
        fi
    done
}

# anne_mcu_quantize DIR NAME...: DIR/NAME__q16.anne and DIR/NAME__s8.anne from the float DIR/NAME.anne
# with `$ANNE quantize`, calibrated on rows of the test vectors' distribution (anne_mcu_host calib);
# only the formats listed in $ANNE_MCU_QUANT_FORMATS when it is set (prelu has no int8 form).
anne_mcu_quantize() {
    local dir=$1 name fmt to
    shift
    for name in "$@"; do
        "$ANNE_MCU_BUILD/host/anne_mcu_host" calib "$dir/$name.anne" "$dir/$name.calib.csv" || return 1
        for fmt in ${ANNE_MCU_QUANT_FORMATS:-q16 s8}; do
            to=$fmt
            [ "$fmt" = s8 ] && to=int8
            "$ANNE" quantize "$dir/$name.anne" "$dir/${name}__$fmt.anne" --to $to --calib "$dir/$name.calib.csv" \
                >"$dir/${name}__$fmt.log" 2>&1 || {
                echo "FAIL: anne quantize $name --to $to:"
                cat "$dir/${name}__$fmt.log"
                return 1
            }
        done
    done
}
