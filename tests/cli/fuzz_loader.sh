#!/usr/bin/env bash
# Fuzzes the runtime's model loader (tests/fuzz/fuzz_model_load.c, the CRC check off so that mutated bytes
# reach the structure checks) with libFuzzer, ASan and UBSan for ANNE_FUZZ_SECONDS (default 45), from valid
# models written by tests/fuzz/fuzz_seeds.c. Fails on a crash, leak, UB or hang, naming the input; skips
# when clang or libFuzzer (Debian: libclang-rt-14-dev) is missing. docs/fuzzing.md.
. "$(dirname "$0")/lib/fuzz.sh"
fuzz_main model_load
