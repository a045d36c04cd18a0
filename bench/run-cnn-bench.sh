#!/usr/bin/env bash
# Host inference of the two CNNs (bench/README.md, "CNNs beside TensorFlow.js"): builds and runs
# bench/bench_host (ANNE's runtime on the models `anne convert` imports from tests/data/tfjs_graph) and
# bench/tfjs/infer_bench.js (TensorFlow.js 4.22, pure JS CPU backend, the same model.json files), then
# prints them side by side. Without node/npm the TF.js side is skipped with a message.
# Usage: bench/run-cnn-bench.sh [BUILD_DIR]   (default: build; TFJS_CALLS=N sets TF.js' calls per run)
set -euo pipefail
. "$(dirname "$0")/common.sh"
anne_bench_setup bench_host "${1:-}"
echo "== ANNE (C)" >&2
(cd "$root" && "$build/bench_host" examples/iris tests/data/tfjs_graph) | tee "$out/c.json"

anne_tfjs_packages "$root" run-cnn-bench || exit 0
echo "== TensorFlow.js" >&2
node "$root/bench/tfjs/infer_bench.js" "$root/tests/data/tfjs_graph" "${TFJS_CALLS:-100}" "$out/c.json"
