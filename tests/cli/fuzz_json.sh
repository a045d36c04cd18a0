#!/usr/bin/env bash
# Fuzzes ANNE JSON (tools/json/anne_json.c) through the importer's dispatcher, with --check,
# with libFuzzer, ASan and UBSan for ANNE_FUZZ_SECONDS (default 45): tests/fuzz/fuzz_json.*, docs/fuzzing.md.
# Fails on a crash, leak, UB, timeout or excess memory and names the input; skips when clang or
# libFuzzer is missing. Registered only in the build without ANNE_SANITIZE (the harness is sanitized).
. "$(dirname "$0")/lib/fuzz.sh"
fuzz_main json
