#!/usr/bin/env bash
# Fuzzes the CSV reader (tools/data/anne_csv.c): cells, lines, columns by name, features, labels,
# with libFuzzer, ASan and UBSan for ANNE_FUZZ_SECONDS (default 45): tests/fuzz/fuzz_csv.*, docs/fuzzing.md.
# Fails on a crash, leak, UB, timeout or excess memory and names the input; skips when clang or
# libFuzzer is missing. Registered only in the build without ANNE_SANITIZE (the harness is sanitized).
. "$(dirname "$0")/lib/fuzz.sh"
fuzz_main csv
