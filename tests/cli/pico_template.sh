#!/usr/bin/env bash
# The Pico template (ports/pico with -DANNE_PICO_MODEL: any model, its sizes from the generated header,
# fed by the stub sensor) cross-compiled and run on the emulated Cortex-M0+ (Pico) and Cortex-M33
# (Pico 2): everything of the firmware but the Pico SDK glue (ports/pico/main.c; CI has no SDK), through
# ports/CMakeLists.txt and anne_add_model(). Five models unlike each other: the paper's IRIS network
# (4 inputs, 1 sigmoid output, 2 class names) in float32 and in int8 (quantized by anne_add_model), a
# 2-input 3-class softmax network without class names, a TF.js Conv1D graph model (20 inputs, 12
# outputs) and a regression model (one linear output). Each board prints the outputs and class that
# `anne predict` gives for the same sample (to the 4 digits the board prints; no class for the
# regression model), the class names when the model has them; a sample of the wrong length
# fails the build and a sample that is not a number the configuration, each naming the problem.
# Skips (77) when the cross tools are missing (scripts/setup-arm.sh installs them).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
anne_mcu_check_tools
anne_mcu_need_anne
work="$(cd "${ANNE_BINARY_DIR:-$ANNE_ROOT/build}" && pwd)/pico-template"
mkdir -p "$work"
cd "$work" || exit 1
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# build TARGET MODEL SAMPLE [FORMAT DATA LABEL]: configures ports/ for TARGET with the template and
# builds it (log: TARGET.log); every option given, so none stays from the model before
build() {
    local t=$1
    { cmake -S "$ANNE_ROOT/ports" -B "$t" -DCMAKE_TOOLCHAIN_FILE="$ANNE_ROOT/ports/cmake/arm-$t.cmake" \
        -DANNE_MCU_APPS= -DANNE_MCU_BENCH_DIR= -DANNE_MCU_PICO_MODEL= -DANNE_EXECUTABLE="$ANNE" \
        -DANNE_PICO_MODEL="$2" -DANNE_PICO_SAMPLE="$3" -DANNE_PICO_FORMAT="${4:-f32}" \
        -DANNE_PICO_DATA="${5:-}" -DANNE_PICO_LABEL="${6:-}" &&
        cmake --build "$t" -j "${ANNE_MCU_JOBS:-2}" --target anne_app_pico_model; } >"$t.log" 2>&1
}

# check NAME MODEL SAMPLE [FORMAT DATA LABEL]: the template with MODEL on both boards against
# `anne predict` of MODEL (quantized as anne_add_model does it, for q16/int8) on SAMPLE
check() {
    local name=$1 model=$2 sample=$3 format=${4:-f32} data=${5:-} label=${6:-} ref t n
    ref=$model
    if [ "$format" != f32 ]; then
        ref="$work/$name.anne"
        "$ANNE" quantize "$model" "$ref" --to "$format" --calib "$data" ${label:+--label "$label"} >/dev/null ||
            fail "$name: anne quantize"
    fi
    n=$(tr ',' '\n' <<<"$sample" | wc -l)
    { seq -s, -f 'x%g' 1 "$n"; echo "$sample"; } >"$name.csv"
    "$ANNE" predict "$ref" "$name.csv" >"$name.pred" 2>&1 || {
        fail "$name: anne predict: $(cat "$name.pred")"
        return
    }
    for t in m0plus m33; do
        if ! build $t "$model" "$sample" "$format" "$data" "$label"; then
            fail "$t: $name: the template did not build ($work/$t.log):"
            grep -E -A3 'error|Error' "$t.log" | head -20
            continue
        fi
        "$ANNE_ROOT/ports/run-qemu.sh" $t "$t/anne_app_pico_model.elf" >"$name.$t.out" 2>&1 ||
            fail "$t: $name: the template exited $?"
        sed "s/^/  $t: /" "$name.$t.out"
        # the board's outputs (rounded to 4 digits) and class against anne predict's; the class name too
        # (predict's columns: the outputs, then `class` and `name` when the model has them)
        awk -v who="$t: $name" -F', ' '
            FNR == NR { if (FNR == 1) { n = split($0, h, ","); for (i = 1; i <= n; i++) col[h[i]] = i }
                        else if (FNR == 2) { split($0, p, ","); cls = ("class" in col) ? p[col["class"]] : ""
                                             nm = ("name" in col) ? p[col["name"]] : "" } next }
            /^output:/ { sub(/^output: /, ""); got = split($0, o, ", ")
                         for (i = 1; i <= got && i <= 8; i++) { d = o[i] - p[i]; if (d < 0) d = -d
                             w = p[i] < 0 ? -p[i] : p[i]
                             if (d > 5e-3 * w + 1e-6) { print "FAIL: " who ": output " i - 1 " " o[i] ", anne predict " p[i]; bad++ } }
                         seen++ }
            /^(class|inference) / { want = cls == "" ? "inference " : "class " cls (nm != "" ? " (" nm ")" : "") ", "
                        if (index($0, want) != 1) { print "FAIL: " who ": \"" $0 "\", anne predict: " want; bad++ } seen++ }
            END { if (seen != 2) { print "FAIL: " who ": no output line or class line"; bad++ } exit bad > 0 }
        ' FS=',' "$name.pred" FS=', ' "$name.$t.out" || failures=$((failures + 1))
    done
}

iris="$ANNE_ROOT/examples/iris"
check iris_f32 "$iris/iris_8_neurons.json" 6.8,2.8,4.8,1.4
grep -q "^classes: versicolor, virginica" iris_f32.m0plus.out || fail "the IRIS model's class names were not printed"
check iris_int8 "$iris/iris_8_neurons.json" 6.3,3.4,5.6,2.4 int8 "$iris/iris_train.csv" Species
grep -q "int8, 4 inputs, 1 output, arena" iris_int8.m33.out || fail "the int8 model was not described as int8"
check softmax_3class "$ANNE_ROOT/tests/data/cli_3class.json" 1.5,-2
grep -q "^classes" softmax_3class.m33.out && fail "a model without class names printed some"
check conv1d_graph "$ANNE_ROOT/tests/data/tfjs_graph/conv1d_same_k4_s3/model.json" \
    0.5,-1,2,0.25,-0.75,1.5,3,-2,0.1,0.9,-0.3,1.2,2.5,-1.5,0.7,-0.2,1.1,0.4,-0.6,2
grep -q ", \.\.\. (12 values)" conv1d_graph.m0plus.out || fail "the 12 outputs of the graph model were not shortened"
# one linear output and no class names: a value, no class (anne predict's rule)
printf '{"name": "regression_3_1", "layers": [{"activation": "linear", "kernel": [[0.5], [-1.25], [2]],
 "bias": [0.1]}]}\n' >regression.json
check regression regression.json 1,2,-0.5
grep -q "^class" regression.m0plus.out && fail "a regression model printed a class"

# Bad samples: a build error naming the sample's length, a configuration error naming the value
if build m0plus "$iris/iris_8_neurons.json" 6.8,2.8,4.8; then
    fail "a 3-value sample for a 4-input model built"
else
    grep -q "anne_pico_sample_needs_model_INPUTS_values" m0plus.log || fail "a short sample failed without naming it"
fi
if build m0plus "$iris/iris_8_neurons.json" 6.8,2.8,4.8,abc; then
    fail "a sample with 'abc' in it configured"
else
    grep -q "ANNE_PICO_SAMPLE: 'abc' is not a number" m0plus.log || fail "a sample with 'abc' failed without naming it"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok: the Pico template runs five models of other shapes and formats on m0plus and m33 as anne predict does"
