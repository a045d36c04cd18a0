#!/usr/bin/env bash
# Fuzzes Keras .h5 import (tools/import/anne_keras_h5.c, anne_h5.c, anne_keras.c) on HDF5 images written
# from the fuzz input with libhdf5,
# with libFuzzer, ASan and UBSan for ANNE_FUZZ_SECONDS (default 45): tests/fuzz/fuzz_keras_h5.*, docs/fuzzing.md.
# Fails on a crash, leak, UB, timeout or excess memory and names the input; skips when clang or
# libFuzzer is missing. Registered only in the build without ANNE_SANITIZE (the harness is sanitized).
. "$(dirname "$0")/lib/fuzz.sh"
fuzz_main keras_h5
