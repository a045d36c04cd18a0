#!/usr/bin/env bash
# `anne convert IN NAME.c --test DATA.csv`: the self-test of generated C (docs/codegen.md, "Self-test").
#  - host: for a float32, a Q16.16 and an int8 dense model and three graph models (a TF.js Conv1D CNN, a
#    graph with two inputs and two outputs, a Conv1D -> Bidirectional(LSTM) -> LSTM -> Dense), NAME.c + NAME_test.c compiled with gcc -Wall -Wextra
#    -Werror and the runtime, run: 0 mismatches; the expected floats written equal `anne predict`'s
#    outputs (an independent path: the CLI, not the generator); one expected value changed in NAME_test.c
#    (a bit of a float, an int8 or Q16.16 value of the raw path) -> exactly 1 mismatch; a float32 gelu
#    model (erfcf of the C library, whose last bit differs between glibc and newlib) carries a note;
#  - options: --rows, fewer rows than asked, --label, and the errors (a CSV whose column count is not
#    the model's, a row with other columns, --test with OUT not .c, --rows 0 or not a number): exit 1 or
#    2 and no file written, an earlier NAME.c left as it was;
#  - boards: the same models in the Pico template (ANNE_PICO_TEST_CSV) on the emulated Cortex-M0+ and
#    Cortex-M33, which print "self-test: N rows, 0 mismatches", and "1 mismatch" (exit 1) on the M0+ for
#    one expected value changed (skipped, 77, without the cross tools).
. "$(dirname "$0")/lib/common.sh"
ROOT=$(pwd)
ANNE=$(cd "$(dirname "$ANNE")" && pwd)/$(basename "$ANNE")
cd "$TMP" || exit 1
iris="$ROOT/examples/iris"
CFLAGS=(-std=c99 -pedantic -Wall -Wextra -Werror -Wshadow -Wconversion -Wdouble-promotion -fno-strict-aliasing
    -I"$ROOT/runtime/include")

# random_csv FILE COLUMNS ROWS SEED: a header x1..xN and rows of numbers in [-3, 3)
random_csv() {
    awk -v n="$2" -v rows="$3" -v seed="$4" 'BEGIN { srand(seed)
        for (i = 1; i <= n; i++) printf "%sx%d", (i > 1 ? "," : ""), i; print ""
        for (r = 0; r < rows; r++) { for (i = 1; i <= n; i++) printf "%s%.6g", (i > 1 ? "," : ""), 6 * rand() - 3; print "" } }' >"$1"
}

"$ANNE" convert "$iris/iris_8_neurons.json" iris_f32.anne >/dev/null || fail "convert iris"
for f in q16 int8; do
    "$ANNE" quantize iris_f32.anne "iris_$f.anne" --to $f --calib "$iris/iris_train.csv" --label Species >/dev/null ||
        fail "quantize iris to $f"
done
random_csv imu.csv 768 4 7
"$ANNE" convert "$ROOT/tests/data/tfjs_graph/conv1d_imu/model.json" imu.anne >/dev/null || fail "convert conv1d_imu"
random_csv two.csv "$("$ANNE" info "$ROOT/tests/data/tfjs_graph/two_in_two_out/model.json" --json |
    sed -n 's/^[[:space:]]*"inputs":[[:space:]]*\([0-9]*\).*/\1/p' | head -1)" 12 11
"$ANNE" convert "$ROOT/tests/data/tfjs_graph/two_in_two_out/model.json" two.anne >/dev/null || fail "convert two_in_two_out"
random_csv rnn.csv 32 6 5
"$ANNE" convert "$ROOT/tests/data/tfjs_graph/conv1d_bidir_lstm_lstm/model.json" rnn.anne >/dev/null ||
    fail "convert conv1d_bidir_lstm_lstm"

# the runtime, compiled once with the same flags
mkdir -p rt
for src in "$ROOT"/runtime/src/*.c; do
    gcc "${CFLAGS[@]}" -O1 -c "$src" -o "rt/$(basename "$src" .c).o" || fail "compiling $src"
done
ar rcs libanne_rt.a rt/*.o

# name|model|csv|label|rows expected
models=("f32|iris_f32.anne|$iris/iris_test.csv|Species|10" "q16|iris_q16.anne|$iris/iris_test.csv|Species|10"
    "int8|iris_int8.anne|$iris/iris_test.csv|Species|10" "imu|imu.anne|imu.csv||4" "two|two.anne|two.csv||10"
    "rnn|rnn.anne|rnn.csv||6")

# selftest DIR: compiles DIR's m.c + m_test.c with a main that prints the self-test, runs it; stdout: the line
selftest() {
    cat >"$1/main.c" <<'EOF'
#include <stdio.h>
#include "m_test.h"
int main(void) {
    int bad = m_self_test();
    printf("self-test: %d rows, %d mismatches\n", m_TEST_ROWS, bad);
    return 0;
}
EOF
    gcc "${CFLAGS[@]}" -I"$1" "$1/main.c" "$1/m.c" "$1/m_test.c" libanne_rt.a -lm -o "$1/st" 2>"$1/cc.log" ||
        { echo "compile error: $(head -5 "$1/cc.log")"; return; }
    "$1/st"
}

# flip DIR ARRAY [FILE]: changes the first value of ARRAY (m__test_output, _s8, _q16) in DIR/m_test.c (or
# FILE) by one bit
flip() {
    local n v f file=${3:-$1/m_test.c}
    n=$(grep -n "$2\[" "$file" | head -1 | cut -d: -f1)
    n=$((n + 1))
    v=$(sed -n "${n}p" "$file" | grep -o -E '0x[0-9a-f]+|-?[0-9]+' | head -1)
    case "$v" in
    0x*) f=$(printf '0x%08x' $((v ^ 1))) ;;
    *) f=$((v ^ 1)) ;;
    esac
    sed -i "${n}s/{$v\\([u,}]\\)/{$f\\1/" "$file"
}

for entry in "${models[@]}"; do
    IFS='|' read -r name model csv label rows <<<"$entry"
    mkdir -p "$name"
    run 0 convert "$model" "$name/m.c" --test "$csv" ${label:+--label "$label"}
    for f in m.c m.h m_test.c m_test.h; do [ -s "$name/$f" ] || fail "$name: $f not written"; done
    got=$(selftest "$name")
    [ "$got" = "self-test: $rows rows, 0 mismatches" ] || fail "$name on the host: '$got'"
    # the expected floats (the comments beside their bits) are what anne predict prints (%.9g)
    "$ANNE" predict "$model" "$csv" ${label:+--label "$label"} --task regression >"$name/pred.csv" ||
        fail "$name: anne predict"
    sed -n '/__test_output\[/,/^};/p' "$name/m_test.c" | grep -o '/\* [^*]* \*/' | tr -d '/* ' >"$name/written"
    sed -n "2,$((rows + 1))p" "$name/pred.csv" | tr ',' '\n' >"$name/predicted"
    cmp -s "$name/written" "$name/predicted" || fail "$name: the expected outputs are not anne predict's"
    cp "$name/m_test.c" "$name/good_test.c"
    flip "$name" m__test_output
    cmp -s "$name/m_test.c" "$name/good_test.c" && fail "$name: the flip changed nothing"
    got=$(selftest "$name")
    [ "$got" = "self-test: $rows rows, 1 mismatches" ] || fail "$name with one expected float changed: '$got'"
    case $name in
    q16 | int8)
        raw=$([ $name = q16 ] && echo q16 || echo s8)
        cp "$name/good_test.c" "$name/m_test.c"
        flip "$name" "m__test_output_$raw"
        got=$(selftest "$name")
        [ "$got" = "self-test: $rows rows, 1 mismatches" ] || fail "$name with one expected $raw value changed: '$got'"
        cp "$name/good_test.c" "$name/m_test.c"
        ;;
    esac
    cp "$name/good_test.c" "$name/m_test.c"
done
grep -q "m_predict_s8(m__test_input_s8" int8/m_test.c || fail "the int8 self-test does not run the raw path"
grep -q "m_predict_q16(m__test_input_q16" q16/m_test.c || fail "the Q16.16 self-test does not run the raw path"

# a float32 model whose activation calls the C library (gelu: erfcf) carries a note naming it; the others none
printf '{"name": "gelu", "layers": [{"activation": "gelu", "kernel": [[0.9, -0.7], [-0.5, 0.8]], "bias": [0.1, -0.2]}]}\n' \
    >gelu.json
random_csv gelu.csv 2 10 3
mkdir -p gelu
run 0 convert gelu.json gelu/m.c --test gelu.csv
grep -q "this float32 model uses gelu, which calls the C library" gelu/m_test.c || fail "no note on gelu's erfcf"
[ "$(selftest gelu)" = "self-test: 10 rows, 0 mismatches" ] || fail "gelu on the host (the same C library)"
grep -q "calls the C library" f32/m_test.c int8/m_test.c && fail "a note on the C library for a model without such"

# --rows, fewer rows in the file than asked, and a name
mkdir -p opts
run 0 convert iris_f32.anne opts/m.c --test "$iris/iris_test.csv" --label Species --rows 3
[ "$(selftest opts)" = "self-test: 3 rows, 0 mismatches" ] || fail "--rows 3"
head -3 "$iris/iris_test.csv" >short.csv
run 0 convert iris_f32.anne opts/m.c --test short.csv --label Species --rows 50
[ "$(selftest opts)" = "self-test: 2 rows, 0 mismatches" ] || fail "--rows 50 on a file of 2 rows"
run 0 convert iris_f32.anne opts/net.c --name iris8 --test short.csv --label=Species
grep -q "^int iris8_self_test(void);" opts/net_test.h || fail "--name does not name the self-test"
grep -q '#include "net.h"' opts/net_test.h || fail "net_test.h does not include net.h"

# errors: usage (2) and data (1); nothing written, an earlier m.c kept
mkdir -p bad
echo "/* old */" >bad/m.c
run 1 convert iris_f32.anne bad/m.c --test "$iris/iris_test.csv"
grep -q "iris_test.csv: 5 feature columns, but the model has 4 inputs" "$TMP/err" || fail "wrong column count: $(cat "$TMP/err")"
printf 'a,b,c,d\n1,2,3,4\n1,2,3\n' >ragged.csv
run 1 convert iris_f32.anne bad/m.c --test ragged.csv
grep -q "ragged.csv: line 3 has 3 columns, expected 4" "$TMP/err" || fail "a ragged row: $(cat "$TMP/err")"
run 1 convert iris_f32.anne bad/m.c --test "$iris/iris_test.csv" --label Nope
grep -q 'no column "Nope"' "$TMP/err" || fail "an unknown --label: $(cat "$TMP/err")"
run 2 convert iris_f32.anne bad/m.anne --test "$iris/iris_test.csv"
grep -q "OUT must end in .c" "$TMP/err" || fail "--test with .anne OUT: $(cat "$TMP/err")"
run 2 convert iris_f32.anne bad/m.c --test "$iris/iris_test.csv" --rows 0
grep -q -- '--rows needs a whole number from 1 to 65535, got "0"' "$TMP/err" || fail "--rows 0: $(cat "$TMP/err")"
run 2 convert iris_f32.anne bad/m.c --test "$iris/iris_test.csv" --rows ten
run 2 convert iris_f32.anne bad/m.c --test "$iris/iris_test.csv" --rows -3
run 2 convert iris_f32.anne bad/m.c --rows 3
run 2 convert iris_f32.anne bad/m.c --test
run 2 convert --check iris_f32.anne --test "$iris/iris_test.csv"
[ "$(cat bad/m.c)" = "/* old */" ] || fail "a failed --test changed m.c"
[ "$(ls bad)" = "m.c" ] || fail "a failed --test left files: $(ls bad)"
# the self-test's header cannot be written (a folder in its place): none of the four files
mkdir -p bad/m_test.h
run 1 convert iris_f32.anne bad/m.c --test "$iris/iris_test.csv" --label Species
[ "$(cat bad/m.c)" = "/* old */" ] && [ ! -e bad/m.h ] && [ ! -e bad/m_test.c ] ||
    fail "a self-test that could not be written left some files written"

# On the emulated boards: the Pico template with ANNE_PICO_TEST_CSV prints the self-test at start-up
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1 || ! command -v qemu-system-arm >/dev/null 2>&1; then
    skip_part "the boards' part needs arm-none-eabi-gcc and qemu-system-arm (scripts/setup-arm.sh)"
else
    work="$(cd "$ROOT" && cd "${ANNE_BINARY_DIR:-build}" && pwd)/selftest-boards"
    mkdir -p "$work"
    # board TARGET MODEL CSV LABEL: the template with the self-test of MODEL's rows in CSV, built for TARGET
    board() {
        local t=$1
        { cmake -S "$ROOT/ports" -B "$work/$t" -DCMAKE_TOOLCHAIN_FILE="$ROOT/ports/cmake/arm-$t.cmake" \
            -DANNE_MCU_APPS= -DANNE_MCU_BENCH_DIR= -DANNE_MCU_PICO_MODEL= -DANNE_EXECUTABLE="$ANNE" \
            -DANNE_PICO_MODEL="$TMP/$2" -DANNE_PICO_SAMPLE= -DANNE_PICO_FORMAT=f32 -DANNE_PICO_DATA= \
            -DANNE_PICO_LABEL="$4" -DANNE_PICO_TEST_CSV="$3" &&
            cmake --build "$work/$t" -j "${ANNE_MCU_JOBS:-2}" --target anne_app_pico_model; } >"$work/$t.log" 2>&1
    }
    for entry in "${models[@]}"; do
        IFS='|' read -r name model csv label rows <<<"$entry"
        for t in m0plus m33; do
            if ! board $t "$model" "$csv" "$label"; then
                fail "$t: $name: the template did not build ($work/$t.log)"
                grep -E -A3 'error|Error' "$work/$t.log" | head -10
                continue
            fi
            "$ROOT/ports/run-qemu.sh" $t "$work/$t/anne_app_pico_model.elf" >"$name.$t.out" 2>&1
            rc=$?
            line=$(grep '^self-test' "$name.$t.out")
            echo "  $t: $name: $line"
            [ "$line" = "self-test: $rows rows, 0 mismatches" ] && [ $rc -eq 0 ] ||
                fail "$t: $name: '$line' (exit $rc)"
        done
    done
    # and the board counts a changed expected value: one bit of one float of the generated model_test.c
    if board m0plus iris_int8.anne "$iris/iris_test.csv" Species; then
        flip "" model__test_output "$work/m0plus/anne_models/anne_app_pico_model/model_test.c"
        cmake --build "$work/m0plus" --target anne_app_pico_model >"$work/m0plus.log" 2>&1 || fail "rebuilding m0plus"
        "$ROOT/ports/run-qemu.sh" m0plus "$work/m0plus/anne_app_pico_model.elf" >flip.out 2>&1
        rc=$?
        line=$(grep '^self-test' flip.out)
        echo "  m0plus: int8, one expected value changed: $line"
        [ $rc -ne 0 ] && [[ $line == "self-test: 10 rows, 1 mismatch ("* ]] ||
            fail "m0plus: one changed expected value: '$line' (exit $rc)"
    else
        fail "m0plus: the template did not build ($work/m0plus.log)"
    fi
fi
finish "ok: the self-test of generated C reports 0 mismatches on the host and both boards, and 1 for one changed value"
