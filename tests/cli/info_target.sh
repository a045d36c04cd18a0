#!/usr/bin/env bash
# `anne info MODEL --target m0plus|m33 [--measure]` against the measurements of bench/mcu-bench:
#  - the estimate of every bench model whose float-API cycles bench/mcu-baseline.json records (the
#    models made here as the bench makes them: anne_mcu_host models, anne convert, anne quantize) is
#    within the error the output claims for its core and format;
#  - the JSON parses and has its fields; the total cycles are the sum of the rows' (ops and the run's
#    own), the MACs and weight bytes the sums of the ops', the arena `anne info`'s plain figure;
#  - an unknown target is a usage error (exit 2) naming the targets; --measure without the means to
#    measure gives the estimate and a note, exit 0;
#  - with the cross tools (else exit 77 after the rest passed): --measure on the paper's IRIS network
#    gives, on both cores, the cycles of the bench record of that model (the same firmware, exact
#    instruction counts).
set -u
ANNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ANNE_ROOT/ports/mcu-env.sh"
anne_mcu_need_anne
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 (to read the JSON) is missing"; exit 77; }
command -v cmake >/dev/null 2>&1 || { echo "SKIP: cmake (to build the host helper) is missing"; exit 77; }
ANNE_MCU_BUILD="$(cd "${ANNE_BINARY_DIR:-$ANNE_ROOT/build}" && pwd)/info-target"
models="$ANNE_MCU_BUILD/models"
rm -rf "$models"
mkdir -p "$models"
baseline="$ANNE_ROOT/bench/mcu-baseline.json"
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# the bench's models, made as bench/mcu-bench makes them
anne_mcu_build "" host || exit 1
"$ANNE" convert "$ANNE_ROOT/examples/iris/iris_8_neurons.json" "$models/iris_8_neurons.anne" >/dev/null &&
    "$ANNE_MCU_BUILD/host/anne_mcu_host" models "$models" || { echo "FAIL: cannot make the models"; exit 1; }
for cnn in conv1d_imu cnn2d_small; do
    "$ANNE" convert "$ANNE_ROOT/tests/data/tfjs_graph/$cnn/model.json" "$models/$cnn.anne" >/dev/null ||
        { echo "FAIL: cannot convert $cnn"; exit 1; }
done
anne_mcu_quantize "$models" iris_8_neurons dense_64x64 dense_32x64 mlp_64_64_64_10 dense_1x1 dense_1x1_1x1 \
    dense_1x2 dense_1x3 || exit 1

# every float-API record of the baseline: the estimate, the JSON's fields and sums
checked=0
while read -r target model format cycles; do
    name=$model
    [ "$format" = f32 ] || name="${model}__$format"
    file="$models/$name.anne"
    if [ ! -f "$file" ]; then
        echo "note: no model $name here for the record $target $name (a model this test does not make)"
        continue
    fi
    plain=$("$ANNE" info "$file" --json) || { fail "anne info $name --json failed"; continue; }
    json=$("$ANNE" info "$file" --target "$target" --json) || { fail "anne info $name --target $target failed"; continue; }
    result=$(python3 -c '
import json, sys
plain, whole, measured = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
t = whole["target"]
errors = []
for key in ("target", "core", "mhz", "format", "cycles_source", "note", "fit_records", "fit_error_max_pct", "ops",
            "run", "macs", "cycles_est", "us_est", "cycles", "us", "model_bytes", "weight_bytes", "code_bytes",
            "code_source", "arena_bytes", "stack_bytes", "measured", "cost_terms"):
    if key not in t:
        errors.append("no field " + key)
if errors:
    print("; ".join(errors)); sys.exit()
rows = sum(o["cycles_est"] for o in t["ops"]) + t["run"]["cycles_est"]
if abs(rows - t["cycles_est"]) > 1e-6 * t["cycles_est"]:
    errors.append("total %r is not the sum of the rows %r" % (t["cycles_est"], rows))
if sum(o["macs"] for o in t["ops"]) != t["macs"] or t["macs"] != plain["macs"]:
    errors.append("MACs: ops sum %d, total %d, anne info %d" % (sum(o["macs"] for o in t["ops"]), t["macs"], plain["macs"]))
if sum(o["weight_bytes"] for o in t["ops"]) != t["weight_bytes"] or t["weight_bytes"] != plain["weight_bytes"]:
    errors.append("weight bytes: total %d, anne info %d" % (t["weight_bytes"], plain["weight_bytes"]))
if t["arena_bytes"] != plain["arena_bytes"]:
    errors.append("arena %d, anne info says %d" % (t["arena_bytes"], plain["arena_bytes"]))
if t["model_bytes"] != plain["file_bytes"]:
    errors.append("model bytes %d, file bytes %d" % (t["model_bytes"], plain["file_bytes"]))
if t["cycles_source"] != "estimated" or "fitted to %d bench records" % t["fit_records"] not in t["note"]:
    errors.append("note: " + t["note"])
for o in t["ops"]:
    if abs(o["us_est"] - o["cycles_est"] / t["mhz"]) > 1e-6 * max(1.0, o["us_est"]):
        errors.append("row %d: %r us for %r cycles at %r MHz" % (o["index"], o["us_est"], o["cycles_est"], t["mhz"]))
err = abs(t["cycles_est"] - measured) / measured * 100.0
if err > t["fit_error_max_pct"]:
    errors.append("estimate %.0f cycles, measured %.0f: off by %.2f %%, more than the %.1f %% claimed"
                  % (t["cycles_est"], measured, err, t["fit_error_max_pct"]))
print("; ".join(errors) if errors else "ok %.0f %.2f %.1f" % (t["cycles_est"], err, t["fit_error_max_pct"]))
' "$plain" "$json" "$cycles" 2>&1)
    case "$result" in
    ok*) echo "$target $name: measured $cycles, estimated ${result#ok }" ;;
    *) fail "$target $name: $result" ;;
    esac
    checked=$((checked + 1))
done < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1])):
    if r["api"] == "float":
        print(r["target"], r["model"], r["format"], r["cycles_est"])
' "$baseline")
[ $checked -ge 20 ] || fail "only $checked bench records checked"

# the text output has the rows and the totals
text=$("$ANNE" info "$models/iris_8_neurons.anne" --target m0plus) || fail "anne info --target m0plus (text) failed"
for want in "On m0plus: Cortex-M0+" "estimated (cost table fitted to" "Total:" "Flash:" "RAM:" "run (call, inputs, outputs)"; do
    echo "$text" | grep -qF "$want" || fail "the text output has no '$want'"
done

# an unknown target: exit 2, the targets named
out=$("$ANNE" info "$models/iris_8_neurons.anne" --target m4 2>&1)
rc=$?
[ $rc -eq 2 ] || fail "--target m4 exited $rc, not 2"
echo "$out" | grep -q "m0plus" && echo "$out" | grep -q "m33" || fail "--target m4 does not name the targets: $out"
out=$("$ANNE" info "$models/iris_8_neurons.anne" --measure 2>&1)
[ $? -eq 2 ] || fail "--measure without --target is not a usage error"

# --measure without the means to measure (no source tree here): the estimate and a note, exit 0
out=$(ANNE_SOURCE_DIR=/nonexistent "$ANNE" info "$models/iris_8_neurons.anne" --target m33 --measure --json) ||
    fail "--measure without the script failed"
echo "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)["target"]
assert t["cycles_source"] == "estimated" and not t["measured"]["measured"] and t["measured"]["note"], t["measured"]
' || fail "--measure without the script: no estimate with a note"

if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi

# --measure on the paper's network: the bench record's cycles on both cores
(anne_mcu_check_tools) || { echo "SKIP (the --measure part): no cross tools"; exit 77; }
export ANNE_MEASURE_BUILD="$ANNE_MCU_BUILD/measure"
for target in m0plus m33; do
    want=$(python3 -c '
import json, sys
print(*[r["cycles_est"] for r in json.load(open(sys.argv[1])) if r["target"] == sys.argv[2] and
        r["model"] == "iris_8_neurons" and r["format"] == "f32" and r["api"] == "float"])' "$baseline" "$target")
    json=$(ANNE_SOURCE_DIR="$ANNE_ROOT" "$ANNE" info "$models/iris_8_neurons.anne" --target $target --measure --json) ||
        { fail "--measure on $target failed"; continue; }
    got=$(echo "$json" | python3 -c '
import json, sys
t = json.load(sys.stdin)["target"]
m = t["measured"]
print("%d %s %s" % (m["cycles"], t["cycles_source"], m.get("stack_bytes")) if m["measured"] else "not measured: " + m["note"])')
    echo "$target iris_8_neurons --measure: $got (bench record: $want)"
    [ "${got%% *}" = "$want" ] || fail "$target: --measure gave $got, the bench record $want cycles"
    case "$got" in *" measured "*) ;; *) fail "$target: cycles_source is not measured: $got" ;; esac
done
text=$(ANNE_SOURCE_DIR="$ANNE_ROOT" "$ANNE" info "$models/iris_8_neurons.anne" --target m33 --measure) ||
    fail "--measure (text) failed"
echo "$text" | grep -q "^Measured: " || fail "the text output of --measure has no 'Measured:' line"
if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "PASS"
