#!/usr/bin/env bash
# The paper's MicroPython inference (bench/micropython/iris_paper.py) run by real MicroPython (the npm
# WebAssembly port, double floats) gives ANNE's float32 outputs of the 8-neuron IRIS network within 1e-6
# on the 20 test rows, and Keras' confusion matrix [[8, 2], [0, 10]]; the comparison itself is checked.
. "$(dirname "$0")/lib/common.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MPY=$ROOT/bench/micropython
if ! command -v node >/dev/null; then
    echo "SKIP: node is not installed (apt-get install nodejs npm)"
    exit 77
fi
if [ ! -f "$MPY/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs" ]; then
    echo "SKIP: MicroPython from npm is not installed (cd bench/micropython && npm ci)"
    exit 77
fi

# outputs of ANNE: predict's CSV (the output named by class 1, class, name); of MicroPython: "row value" lines
run 0 predict "$ROOT/examples/iris/iris_8_neurons.json" "$ROOT/examples/iris/iris_test.csv" --label Species
tail -n +2 "$TMP/out" | cut -d, -f1 >"$TMP/anne"
[ "$(wc -l <"$TMP/anne")" -eq 20 ] || fail "anne predict gave $(wc -l <"$TMP/anne") outputs, expected 20"
tail -n +2 "$ROOT/examples/iris/iris_test.csv" | awk -F, '{ print $NF }' >"$TMP/labels"

# compare FILE: 20 rows numbered 0..19, every MicroPython output within 1e-6 of ANNE's; prints the
# largest difference
compare() {
    paste -d' ' "$1" "$TMP/anne" | awk '
        NF != 3 || $1 != NR - 1 { bad = 1 }
        { d = $2 - $3; if (d < 0) d = -d; if (d > max) max = d; if (d > 1e-6) { bad = 1 } }
        END { printf "%.3g\n", max; exit (bad || NR != 20) }'
}

# run: the paper's layer-at-a-time code on all rows; run_rows: one row at a time
for fn in run run_rows; do
    node "$MPY/run.mjs" --outputs $fn >"$TMP/mpy" 2>"$TMP/mpy.err" ||
        fail "node run.mjs --outputs $fn failed: $(head -c 300 "$TMP/mpy.err")"
    max=$(compare "$TMP/mpy") ||
        fail "$fn: MicroPython and ANNE differ by more than 1e-6 (largest $max): $(paste "$TMP/mpy" "$TMP/anne" | head -c 600)"
    echo "$fn: MicroPython vs ANNE float32, largest difference $max"
    # Keras' confusion matrix on the test rows: [[TN, FP], [FN, TP]] = [[8, 2], [0, 10]]
    cm=$(paste -d' ' "$TMP/mpy" "$TMP/labels" | awk '{ p = $2 > 0.5; c[$3 * 2 + p]++ }
        END { printf "[[%d, %d], [%d, %d]]", c[0], c[1], c[2], c[3] }')
    [ "$cm" = "[[8, 2], [0, 10]]" ] || fail "$fn: MicroPython's confusion matrix is $cm, expected [[8, 2], [0, 10]]"
done

# the comparison can fail: one output moved by 2e-6, and a row missing
awk 'NR == 17 { $2 = $2 + 2e-6 } { print }' "$TMP/mpy" >"$TMP/moved"
compare "$TMP/moved" >/dev/null && fail "an output moved by 2e-6 was not noticed"
head -n 19 "$TMP/mpy" >"$TMP/short"
compare "$TMP/short" >/dev/null && fail "a missing output was not noticed"

finish "micropython_paper: the paper's MicroPython code gives ANNE's outputs (within 1e-6) and [[8, 2], [0, 10]]"
