#!/usr/bin/env bash
# Regenerates the TensorFlow.js reference training runs in tests/data/tfjs_train/ (checked by
# tests/test_train_tfjs.c): installs the pinned pure-JS packages (never tfjs-node) and runs
# reference/tfjs/train_reference.js. Needs node and npm; exits 77 (skip) without them. The output is
# deterministic (seeded), so a clean run leaves git status unchanged (.ci/run fails when it does not).
set -euo pipefail
cd "$(dirname "$0")/../reference/tfjs"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "regen-tfjs-references: node/npm not found, keeping the committed references" >&2
  exit 77
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
node train_reference.js
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git status --short -- ../../tests/data/tfjs_train
fi
