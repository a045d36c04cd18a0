#!/usr/bin/env bash
# Regenerates the float32 TFLite graph models (convolutions, pooling, merges) and TFLite's outputs in
# tests/data/tflite_graph/ (checked by tests/test_tflite_graph.c), and TFLite's outputs of int8
# operators in tests/data/tflite_int8_ops.json (tests/test_tflite_int8_ops.c) and small int8 graphs in
# tests/data/tflite_int8_graph/ (tests/test_tflite_s8_merges.c): installs the pinned LiteRT.js
# (TFLite's runtime in WebAssembly) into reference/tflite-graph/node_modules and runs make_models.js,
# which writes each model with flatc from TFLite's schema and runs it in LiteRT. Needs node, npm and
# flatc (Debian: flatbuffers-compiler); exits 77 (skip) without them. The output is deterministic
# (seeded), so a clean run leaves git status unchanged (.ci/run fails when it does not).
set -euo pipefail
cd "$(dirname "$0")/../reference/tflite-graph"
for tool in node npm flatc; do
  if ! command -v "$tool" >/dev/null; then
    echo "regen-tflite-graph-references: $tool not found, keeping the committed references" >&2
    exit 77
  fi
done
# always from the lock file: a stale node_modules would make other references
npm ci --no-audit --no-fund --loglevel=error
rm -rf ../../tests/data/tflite_graph
# LiteRT's known log lines (no GPU or NPU in node, which CPU kernels it uses) are dropped by
# make_models.js itself, by exact pattern; any other line it prints, and a failure of a model
# (a LiteRT error, a disagreement with the float64 formulas), fails the script.
node make_models.js
test -f ../../tests/data/tflite_graph/index.json
# int8 operators run by TFLite, for the int8 kernels (tests/test_tflite_int8_ops.c)
node make_int8_ops.js
# small int8 graphs (merges, concatenation, padding, a residual block) for the int8 graph importer
# (tests/test_tflite_s8_merges.c): the .tflite files, LiteRT's outputs and TFLite's reference formulas'
node make_int8_graphs.js
test -f ../../tests/data/tflite_int8_graph/index.json
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git status --short -- ../../tests/data/tflite_graph ../../tests/data/tflite_int8_ops.json ../../tests/data/tflite_int8_graph
fi
