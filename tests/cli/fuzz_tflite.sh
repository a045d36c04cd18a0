#!/usr/bin/env bash
# Fuzzes the .tflite importer (tools/import/anne_tflite.cc), then load and predict on what it converts,
# with libFuzzer, ASan and UBSan for ANNE_FUZZ_SECONDS (default 45): tests/fuzz/fuzz_tflite.*, docs/fuzzing.md.
# Fails on a crash, leak, UB, timeout or excess memory and names the input; skips when clang or
# libFuzzer is missing. Registered only in the build without ANNE_SANITIZE (the harness is sanitized).
. "$(dirname "$0")/lib/fuzz.sh"
fuzz_main tflite
