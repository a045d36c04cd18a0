#!/usr/bin/env bash
# Fuzzes the model loader with libFuzzer (clang, ASan + UBSan) for ANNE_FUZZ_SECONDS (default 30),
# starting from a few valid models. Fails when the fuzzer finds a crash, a leak, UB or a hang;
# skips (exit 77) when clang or its libFuzzer runtime (Debian: libclang-rt-14-dev) is missing.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${ANNE_BINARY_DIR:-$(mktemp -d)}/fuzz"
seconds="${ANNE_FUZZ_SECONDS:-30}"
cc="${ANNE_FUZZ_CC:-clang}"
mkdir -p "$out/corpus" "$out/seeds" "$out/crashes" || exit 1

probe="$out/probe.c"
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$probe"
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "SKIP: $cc not found; install clang and libclang-rt-14-dev to fuzz the loader"
    exit 77
fi
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe" -o "$out/probe" >"$out/probe.log" 2>&1; then
    echo "SKIP: $cc cannot link -fsanitize=fuzzer (install libclang-rt-14-dev):"
    sed 's/^/  /' "$out/probe.log" | head -5
    exit 77
fi

# The loader is built with the CRC check off, so mutated bytes reach the structure checks.
flags=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -I "$root/runtime/include")  # warnings are the main build's job
runtime=("$root"/runtime/src/*.c)
"$cc" "${flags[@]}" -fsanitize=fuzzer,address,undefined -DANNE_CONFIG_CHECK_CRC=0 "${runtime[@]}" \
    "$root/tests/fuzz/fuzz_model_load.c" -lm -o "$out/fuzz_model_load" || { echo "FAIL: cannot build the fuzzer"; exit 1; }
"$cc" "${flags[@]}" -fsanitize=address,undefined "${runtime[@]}" "$root/tests/fuzz/fuzz_seeds.c" -lm \
    -o "$out/fuzz_seeds" || { echo "FAIL: cannot build the seed generator"; exit 1; }
"$out/fuzz_seeds" "$out/seeds" || { echo "FAIL: the seed generator failed"; exit 1; }

# libFuzzer's own error exit code is 77, which ctest would take for a skip: ask for 1 instead.
echo "fuzzing the model loader for ${seconds}s (corpus: $out/corpus)"
if ! "$out/fuzz_model_load" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$out/crashes/" \
    "$out/corpus" "$out/seeds" >"$out/fuzz.log" 2>&1; then
    tail -60 "$out/fuzz.log"
    echo "FAIL: the fuzzer found a problem; the input is in $out/crashes/ (rerun: $out/fuzz_model_load FILE)"
    exit 1
fi
grep -E '^stat::(number_of_executed_units|new_units_added)|^Done' "$out/fuzz.log"
echo "ok: no crash in ${seconds}s"
