#!/usr/bin/env bash
# ANNE inside another CMake project: tests/cmake_package/ (main.c includes the header anne_add_model()
# generates and prints the model's outputs for one input row), got five ways:
#  - in this build (tests/CMakeLists.txt adds it; anne_add_model() runs this build's anne::anne);
#  - add_subdirectory and FetchContent from this tree, as a cross-compiling user would (ANNE_BUILD_TOOLS
#    =OFF, ANNE_EXECUTABLE = this build's anne);
#  - find_package(anne) after `cmake --install` of this build (runtime, headers, the tool and the
#    package config: the installed anne::anne generates the C);
#  - find_package(anne) after installing a build of the runtime alone (ANNE_BUILD_TOOLS=OFF, which must
#    not look for the tools' libraries), anne_add_model() finding `anne` on PATH;
#  - and, built only, as a subdirectory of a project cross-compiled for the Cortex-M0+ (the tools left
#    out by default, the host's anne from PATH).
# Each program's outputs for the first test row equal `anne predict`'s of the same model, float32 and
# int8 (anne_add_model(FORMAT int8 DATA ...) quantizes as `anne quantize` does), to the last digit;
# a changed model file is converted again by the next build; FORMAT int8 without DATA stops the
# configuration naming DATA.
. "$(dirname "$0")/lib/common.sh"
for tool in cmake cc; do
    command -v $tool >/dev/null 2>&1 || {
        echo "SKIP: $tool is missing (apt-get install cmake build-essential)"
        exit 77
    }
done
case "$ANNE" in /*) ;; *) ANNE="$PWD/$ANNE" ;; esac
BIN=$(cd "${ANNE_BINARY_DIR:-build}" && pwd)
ROOT=$PWD
PROJECT=$ROOT/tests/cmake_package
IRIS=$ROOT/examples/iris

# The first test row without its label, as CSV (for anne predict) and as the programs' argument.
cut -d, -f1-4 "$IRIS/iris_test.csv" | head -2 >"$TMP/row.csv"
row=$(sed -n 2p "$TMP/row.csv")
# predicted MODEL: `anne predict`'s output columns for the row, comma-separated
predicted() {
    "$ANNE" predict "$1" "$TMP/row.csv" >"$TMP/pred.csv" 2>"$TMP/pred.err" || {
        fail "anne predict $1: $(cat "$TMP/pred.err")"
        return
    }
    # the outputs are the columns before `class` (or all of them: a regression model)
    awk -F, 'NR == 1 { n = NF; for (i = NF; i >= 1; i--) if ($i == "class") n = i - 1 } NR == 2 {
        s = $1; for (i = 2; i <= n; i++) s = s "," $i; print s }' "$TMP/pred.csv"
}
"$ANNE" quantize "$IRIS/iris_8_neurons.json" "$TMP/iris8_int8.anne" --to int8 --calib "$IRIS/iris_train.csv" \
    --label Species >/dev/null 2>&1 || fail "anne quantize of the int8 reference"
declare -A want=([f32]=$(predicted "$IRIS/iris_8_neurons.json") [int8]=$(predicted "$TMP/iris8_int8.anne"))
[ -n "${want[f32]}" ] && [ -n "${want[int8]}" ] || {
    echo "FAIL: no reference outputs from anne predict"
    exit 1
}

# check_programs HOW DIR: consumer_f32 and consumer_int8 in DIR print anne predict's outputs
check_programs() {
    local how=$1 dir=$2 format got
    for format in f32 int8; do
        if [ ! -x "$dir/consumer_$format" ]; then
            fail "$how: $dir/consumer_$format was not built"
            continue
        fi
        got=$("$dir/consumer_$format" "$row" 2>&1)
        [ "$got" = "${want[$format]}" ] || fail "$how: $format outputs '$got', anne predict '${want[$format]}'"
    done
}
# consumer HOW DIR CMAKE_ARGS...: configures and builds the project into DIR (log: DIR.log)
consumer() {
    local how=$1 dir=$2
    shift 2
    { cmake -S "$PROJECT" -B "$dir" -DANNE_CONSUMER_HOW="$how" "$@" &&
        cmake --build "$dir" -j "${ANNE_TEST_JOBS:-2}"; } >"$dir.log" 2>&1 || {
        fail "$how: the project did not configure and build ($dir.log):"
        tail -20 "$dir.log"
        return 1
    }
}

# 1. in this build
check_programs "this build" "$BIN/tests/cmake_package"

# 2. add_subdirectory and FetchContent, without the tools
for how in subdirectory fetchcontent; do
    consumer $how "$TMP/$how" -DANNE_BUILD_TOOLS=OFF -DANNE_EXECUTABLE="$ANNE" && check_programs $how "$TMP/$how"
done

# 3. the installed package, with the tool
if cmake --install "$BIN" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1; then
    for f in bin/anne include/anne/anne.h include/anne/anne_quant.h lib/libanne_runtime.a \
        lib/cmake/anne/anne-config.cmake lib/cmake/anne/anne-config-version.cmake lib/cmake/anne/anne.cmake; do
        [ -e "$TMP/prefix/$f" ] || fail "the install has no $f"
    done
    # the tools' host-only runtime options stay out of what users link
    grep -q ANNE_CONFIG "$TMP/prefix/lib/cmake/anne/anne-targets.cmake" &&
        fail "the installed anne::runtime passes ANNE_CONFIG_* definitions to its users"
    # the model is a copy, to see a change of it rebuild the C
    cp "$IRIS/iris_8_neurons.json" "$TMP/model.json"
    consumer package "$TMP/package" -DCMAKE_PREFIX_PATH="$TMP/prefix" -DANNE_CONSUMER_MODEL="$TMP/model.json" &&
        check_programs "installed package" "$TMP/package" &&
        { grep -rqF "$TMP/prefix/bin/anne" "$TMP/package" --include=build.make --include=build.ninja ||
            fail "installed package: the C was not generated by the installed anne"; }
    sleep 1 # a later modification time than the generated C's, on any file system
    cp "$IRIS/iris_6_neurons.json" "$TMP/model.json"
    want[f32]=$(predicted "$IRIS/iris_6_neurons.json")
    if cmake --build "$TMP/package" -t consumer_f32 >"$TMP/rebuild.log" 2>&1; then
        got=$("$TMP/package/consumer_f32" "$row")
        [ "$got" = "${want[f32]}" ] || fail "a changed model file was not converted again: '$got', want '${want[f32]}'"
    else
        fail "the rebuild after a model change failed ($(tail -5 "$TMP/rebuild.log"))"
    fi
    want[f32]=$(predicted "$IRIS/iris_8_neurons.json")
    # FORMAT int8 without DATA: a configuration error that names what is missing
    if cmake -S "$PROJECT" -B "$TMP/broken" -DCMAKE_PREFIX_PATH="$TMP/prefix" -DANNE_CONSUMER_BROKEN=ON \
        >"$TMP/broken.log" 2>&1; then
        fail "FORMAT int8 without DATA configured"
    else
        grep -q "FORMAT int8 needs DATA" "$TMP/broken.log" || fail "FORMAT int8 without DATA: $(tail -5 "$TMP/broken.log")"
    fi
else
    fail "cmake --install $BIN failed: $(tail -5 "$TMP/install.log")"
fi

# 4. the runtime alone, installed; anne from PATH
rt="$TMP/runtime-only"
if { cmake -S "$ROOT" -B "$rt" -DANNE_BUILD_TOOLS=OFF && cmake --build "$rt" -j "${ANNE_TEST_JOBS:-2}" &&
    cmake --install "$rt" --prefix "$TMP/rt-prefix"; } >"$rt.log" 2>&1; then
    grep -Eq "^(CJSON|HDF5|LIBZIP|FLATBUFFERS|FLATC|CMOCKA)_" "$rt/CMakeCache.txt" &&
        fail "the runtime-only build looked for the tools' libraries"
    [ -e "$TMP/rt-prefix/bin/anne" ] && fail "the runtime-only install has a tool"
    PATH="$(dirname "$ANNE"):$PATH" consumer package "$TMP/rt-package" -DCMAKE_PREFIX_PATH="$TMP/rt-prefix" &&
        check_programs "installed runtime alone" "$TMP/rt-package"
else
    fail "the runtime-only build and install failed ($rt.log): $(tail -5 "$rt.log")"
fi
# 5. cross-compiling (the Cortex-M0+ toolchain of ports/): ANNE as a subdirectory leaves the tools out by
# itself and anne_add_model() runs the host's anne from PATH; built only (nothing runs the programs)
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    if PATH="$(dirname "$ANNE"):$PATH" consumer subdirectory "$TMP/cross" \
        -DCMAKE_TOOLCHAIN_FILE="$ROOT/ports/cmake/arm-m0plus.cmake"; then
        grep -q "^ANNE_BUILD_TOOLS:BOOL=OFF" "$TMP/cross/CMakeCache.txt" ||
            fail "cross-compiling: ANNE_BUILD_TOOLS is not OFF by default"
        grep -q "^ANNE_EXECUTABLE:FILEPATH=$ANNE\$" "$TMP/cross/CMakeCache.txt" ||
            fail "cross-compiling: anne_add_model() did not find $ANNE on PATH"
        for format in f32 int8; do
            # an ELF file for Arm (e_machine 40) and the C it was built from
            [ "$(head -c 4 "$TMP/cross/consumer_$format" | tail -c 3)" = ELF ] &&
                [ "$(od -An -tu1 -j 18 -N 1 "$TMP/cross/consumer_$format" | tr -d ' ')" = 40 ] &&
                [ -e "$TMP/cross/anne_models/consumer_$format/model.c" ] ||
                fail "cross-compiling: no Arm consumer_$format built from generated C"
        done
    fi
else
    skip_part "arm-none-eabi-gcc is missing: no cross-compiled project (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
fi
finish "ok: with ANNE in this build, as a subdirectory, through FetchContent and installed (with and without \
the tool), the C of anne_add_model() gives anne predict's outputs, float32 and int8; cross-compiled, it builds"
