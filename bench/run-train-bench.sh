#!/usr/bin/env bash
# Training benchmark (bench/README.md, "Training"): builds and runs bench/bench_train (ANNE's C trainer)
# and bench/tfjs/train_bench.js (TensorFlow.js 4.22, pure JS CPU backend) on the paper's IRIS networks,
# then prints how many times faster C is. Without node/npm the TF.js side is skipped with a message.
# Usage: bench/run-train-bench.sh [BUILD_DIR]   (default: build; TFJS_RUNS=N sets TF.js' timed runs)
set -euo pipefail
. "$(dirname "$0")/common.sh"
anne_bench_setup bench_train "${1:-}"
echo "== ANNE (C)" >&2
"$build/bench_train" "$root/examples/iris" | tee "$out/c.json"

anne_tfjs_packages "$root" run-train-bench || exit 0
tfjs="$root/bench/tfjs"
echo "== TensorFlow.js" >&2
node "$tfjs/train_bench.js" "$root/examples/iris" "${TFJS_RUNS:-5}" | tee "$out/tfjs.json"

node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const t = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
console.log("\n| model | ANNE C, s (min) | TensorFlow.js, s (min) | C faster: medians (minimums) |");
console.log("|---|---|---|---|");
for (const r of c.results) {
  const o = t.results.find((x) => x.model === r.model);
  const med = o.seconds_per_training / r.seconds_per_training, min = o.seconds_min / r.seconds_min;
  console.log(`| ${r.model} | ${r.seconds_per_training.toFixed(4)} (${r.seconds_min.toFixed(4)}) | ` +
              `${o.seconds_per_training.toFixed(2)} (${o.seconds_min.toFixed(2)}) | ` +
              `${Math.round(med)}x (${Math.round(min)}x) |`);
}' "$out/c.json" "$out/tfjs.json"
