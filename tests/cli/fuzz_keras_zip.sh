#!/usr/bin/env bash
# Fuzzes Keras 3 .keras import (tools/import/anne_keras_zip.c, anne_h5.c, anne_keras.c) on raw zips and on
# zips built from the fuzz input,
# with libFuzzer, ASan and UBSan for ANNE_FUZZ_SECONDS (default 45): tests/fuzz/fuzz_keras_zip.*, docs/fuzzing.md.
# Fails on a crash, leak, UB, timeout or excess memory and names the input; skips when clang or
# libFuzzer is missing. Registered only in the build without ANNE_SANITIZE (the harness is sanitized).
. "$(dirname "$0")/lib/fuzz.sh"
fuzz_main keras_zip
