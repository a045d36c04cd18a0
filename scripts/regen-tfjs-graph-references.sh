#!/usr/bin/env bash
# Regenerates the TensorFlow.js graph models (convolutions, pooling, merges) and their predictions in
# tests/data/tfjs_graph/ (checked by tests/test_tfjs_graph.c): installs the pinned pure-JS packages
# (never tfjs-node) into reference/tfjs-graph/node_modules and runs make_models.js. Needs node and npm;
# exits 77 (skip) without them. The output is deterministic (seeded), so a clean run leaves git status
# unchanged (.ci/run fails when it does not).
set -euo pipefail
cd "$(dirname "$0")/../reference/tfjs-graph"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "regen-tfjs-graph-references: node/npm not found, keeping the committed references" >&2
  exit 77
fi
# always from the lock file: a stale node_modules would make other references
npm ci --no-audit --no-fund --loglevel=error
rm -rf ../../tests/data/tfjs_graph
# Only tfjs' banner about tfjs-node is filtered out; a failure of node fails the script (pipefail), and
# grep's status 1 (every line was banner) is no failure.
node make_models.js 2>&1 | { grep -v -e '^=*$' -e 'tfjs-node' -e 'looks like you are running' || [ $? -eq 1 ]; }
test -f ../../tests/data/tfjs_graph/index.json
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git status --short -- ../../tests/data/tfjs_graph
fi
