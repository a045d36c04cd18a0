# shellcheck shell=bash
# What the fuzz tests (tests/cli/fuzz_*.sh) and the campaign script (scripts/fuzz.sh) share (sourced; this
# folder is not globbed as tests): building the libFuzzer harnesses of tests/fuzz/ with clang, ASan and
# UBSan, their seeds, and one fuzzing run with the limits CI uses. docs/fuzzing.md explains the harnesses.
#
#   fuzz_setup              sets FUZZ_ROOT, FUZZ_WORK, FUZZ_BIN; exits 77 when clang or libFuzzer is
#                           missing, 1 when the harnesses do not build
#   fuzz_seeds NAME DIR     writes the seeds made at run time (from tests/data, ../shared/fixtures)
#   fuzz_main NAME          a ctest run: NAME for ANNE_FUZZ_SECONDS (default 45), then exit 0 or 1
#
# Environment: ANNE_FUZZ_SECONDS, ANNE_FUZZ_CC / ANNE_FUZZ_CXX (default clang / clang++), ANNE_FUZZ_WORK
# (default $ANNE_BINARY_DIR/fuzz, else build-fuzz/ctest), ANNE_FUZZ_CMAKE_ARGS (e.g.
# "-DANNE_FUZZ_NO_SANITIZE=alignment"; tests/fuzz/CMakeLists.txt), ANNE_SHARED_DIR, and ANNE_FUZZ_EXCLUDE,
# ANNE_FUZZ_ALLOW_ESCAPE, ANNE_FUZZ_VERBOSE (read by the harnesses: tests/fuzz/fuzz_support.h).
set -u

# UBSan's report with the stack; ASan's leak check on (libFuzzer's default, stated)
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

FUZZ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
FUZZ_HARNESSES="model_load json csv tfjs tflite keras_h5 keras_zip"

# The limits of every run: 10 s for one input, 2 GB resident, 512 MB in one malloc (no input of these
# harnesses needs more: an imported model holds at most 4 Mi weights, 16 MB).
FUZZ_LIMITS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512)

fuzz_setup() {
    local cc="${ANNE_FUZZ_CC:-clang}" cxx="${ANNE_FUZZ_CXX:-clang++}" probe
    FUZZ_WORK="${ANNE_FUZZ_WORK:-${ANNE_BINARY_DIR:+$ANNE_BINARY_DIR/fuzz}}"
    FUZZ_WORK="${FUZZ_WORK:-$FUZZ_ROOT/build-fuzz/ctest}"
    FUZZ_BIN="$FUZZ_WORK/build"
    mkdir -p "$FUZZ_WORK" || exit 1
    if ! command -v "$cc" >/dev/null 2>&1 || ! command -v "$cxx" >/dev/null 2>&1; then
        echo "SKIP: $cc / $cxx not found; install clang and libclang-rt-14-dev to fuzz"
        exit 77
    fi
    probe="$FUZZ_WORK/probe-$$" # one per process: ctest runs several fuzz tests at once
    echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
        >"$probe.c"
    if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
        echo "SKIP: $cc cannot link -fsanitize=fuzzer (install libclang-rt-14-dev):"
        sed 's/^/  /' "$probe.log" | head -5
        rm -f "$probe" "$probe.c" "$probe.log"
        exit 77
    fi
    rm -f "$probe" "$probe.c" "$probe.log"
    if ! command -v flock >/dev/null 2>&1; then
        echo "FAIL: flock (util-linux) is needed to build the harnesses once for all fuzz tests"
        exit 1
    fi
    # one build for all the fuzz tests that ctest runs side by side: the first builds, the others wait
    if ! (
        flock 9
        # shellcheck disable=SC2086 # ANNE_FUZZ_CMAKE_ARGS holds several arguments
        cmake -S "$FUZZ_ROOT/tests/fuzz" -B "$FUZZ_BIN" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
            ${ANNE_FUZZ_CMAKE_ARGS:-} >"$FUZZ_WORK/build.log" 2>&1 &&
            cmake --build "$FUZZ_BIN" -j "${ANNE_FUZZ_BUILD_JOBS:-2}" >>"$FUZZ_WORK/build.log" 2>&1
    ) 9>"$FUZZ_WORK/build.lock"; then
        tail -40 "$FUZZ_WORK/build.log"
        echo "FAIL: the fuzz harnesses do not build (log: $FUZZ_WORK/build.log)"
        exit 1
    fi
}

# A TF.js model folder as one fuzz_tfjs input: model.json, a NUL, the shards in manifest order.
_fuzz_tfjs_seed() {
    local dir=$1 out=$2 paths p
    paths=$(tr -d '\n' <"$dir/model.json" | grep -o '"paths" *: *\[[^]]*\]' | grep -o '"[^"]*"' | grep -v '^"paths"$' |
        tr -d '"') || return 0
    {
        cat "$dir/model.json"
        printf '\0'
        for p in $paths; do cat "$dir/$p" 2>/dev/null; done
    } >"$out"
}

# fuzz_seeds NAME DIR: the seeds made at run time (the checked-in ones are in tests/fuzz/seeds/NAME).
# The fixtures are used in place, never copied into the repository (their README).
fuzz_seeds() {
    local name=$1 out=$2 fx="${ANNE_SHARED_DIR:-$FUZZ_ROOT/../shared}/fixtures/keras" data="$FUZZ_ROOT/tests/data" f d
    rm -rf "$out" && mkdir -p "$out" || return 1
    case $name in
    model_load)
        "$FUZZ_BIN/fuzz_seeds" "$out" || return 1
        ;;
    json)
        cp "$data"/*.json "$out"/
        mkdir -p "$out/anne" && "$FUZZ_BIN/fuzz_seeds" "$out/anne" || return 1 # .anne bytes reach the dispatcher
        ;;
    csv)
        cp "$data"/csv/*.csv "$out"/
        [ -f "$fx/k3_h5_iris_mit/iris.csv" ] && cp "$fx/k3_h5_iris_mit/iris.csv" "$out/"
        ;;
    tfjs)
        for d in "$data"/tfjs_import/*/ "$fx/tfjs_iris_legacy_2018/"; do
            [ -f "$d/model.json" ] && _fuzz_tfjs_seed "$d" "$out/$(basename "$d")"
        done
        # graph models (convolutions, pooling, merges), the small ones
        for d in "$data"/tfjs_graph/*/; do
            [ -f "$d/weights.bin" ] && [ "$(stat -c %s "$d/weights.bin")" -le 8000 ] &&
                _fuzz_tfjs_seed "$d" "$out/graph_$(basename "$d")"
        done
        ;;
    tflite)
        # the checked-in JSON sources (tests/fuzz/tflite/) made binary by flatc
        (cd "$out" && flatc -b "$FUZZ_ROOT/tools/import/tflite/tflite_subset.fbs" "$FUZZ_ROOT"/tests/fuzz/tflite/*.json) ||
            return 1
        for f in "$fx"/*/*.tflite "$data"/tflite_graph/*/model.tflite; do
            [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 20000 ] && cp "$f" "$out/$(basename "$(dirname "$f")")_$(basename "$f")"
        done
        ;;
    keras_h5 | keras_zip)
        # Keras files described (fuzz_keras_layout.h) by fuzz_keras_seed, one process for all of them
        local models=() w
        for d in "$data"/tfjs_import/*/; do models+=("${d%/}/model.json"); done
        for d in "$data"/tfjs_graph/*/; do
            [ "$(stat -c %s "$d/weights.bin")" -le 8000 ] && models+=("${d%/}/model.json")
        done
        if [ "$name" = keras_h5 ]; then
            for f in "$fx"/*/*.h5 "$fx"/*/*/*.h5 "$fx"/*/*.hdf5; do
                [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 40000 ] && models+=("$f")
            done
            # to_json() architectures with their weights: NAME.json + NAME_weights.h5, model.json + model.h5
            for f in "$fx"/*/*.json "$fx"/*/*/*.json; do
                w="${f%.json}_weights.h5"
                [ "$(basename "$f")" = model.json ] && w="$(dirname "$f")/model.h5"
                [ -f "$f" ] && [ -f "$w" ] && models+=("$f+$w")
            done
        else
            # real .keras zips, as they are and described
            for f in "$fx"/*/*.keras; do
                if [ -f "$f" ] && [ "$(head -c 2 "$f")" = PK ] && [ "$(stat -c %s "$f")" -le 60000 ]; then
                    cp "$f" "$out/raw_$(basename "$f")"
                    models+=("$f")
                fi
            done
        fi
        # weights-only files and unreadable models are reported and skipped
        "$FUZZ_BIN/fuzz_keras_seed" "${name#keras_}" "$out" "${models[@]}" 2>/dev/null || return 1
        ;;
    *)
        echo "no harness \"$name\" (the harnesses: $FUZZ_HARNESSES)" >&2
        return 1
        ;;
    esac
    return 0
}

# The seed folders and the dictionary of harness NAME, as libFuzzer arguments (after the corpus). The
# reproducers of defects found before (tests/fuzz/crashes/NAME) run first, as regression tests.
fuzz_inputs() {
    local name=$1 gen=$2 dict=""
    case $name in
    json) dict=json.dict ;;
    csv) dict=csv.dict ;;
    tfjs | keras_h5 | keras_zip) dict=keras.dict ;;
    esac
    [ -n "$dict" ] && echo "-dict=$FUZZ_ROOT/tests/fuzz/$dict"
    [ -d "$FUZZ_ROOT/tests/fuzz/seeds/$name" ] && echo "$FUZZ_ROOT/tests/fuzz/seeds/$name"
    [ -d "$FUZZ_ROOT/tests/fuzz/crashes/$name" ] && echo "$FUZZ_ROOT/tests/fuzz/crashes/$name"
    echo "$gen"
}

# fuzz_main NAME: the ctest run of harness NAME.
fuzz_main() {
    local name=$1 seconds="${ANNE_FUZZ_SECONDS:-45}" dir bin log args=() f
    fuzz_setup
    dir="$FUZZ_WORK/$name"
    bin="$FUZZ_BIN/fuzz_$name"
    log="$dir/fuzz.log"
    mkdir -p "$dir/corpus" "$dir/crashes" || exit 1
    if ! fuzz_seeds "$name" "$dir/seeds"; then
        echo "FAIL: cannot make the seeds of fuzz_$name"
        exit 1
    fi
    mapfile -t args < <(fuzz_inputs "$name" "$dir/seeds")
    touch "$dir/start"
    echo "fuzzing fuzz_$name for ${seconds}s (corpus: $dir/corpus)"
    # libFuzzer's own error exit code is 77, which ctest would take for a skip: ask for 1 instead
    if ! "$bin" -max_total_time="$seconds" "${FUZZ_LIMITS[@]}" -error_exitcode=1 -timeout_exitcode=1 \
        -print_final_stats=1 -artifact_prefix="$dir/crashes/" "$dir/corpus" "${args[@]}" >"$log" 2>&1; then
        grep -v '^#[0-9]' "$log" | tail -60
        echo "FAIL: fuzz_$name found a problem (full log: $log); the input:"
        find "$dir/crashes" -type f -newer "$dir/start" 2>/dev/null | while read -r f; do
            echo "  $f"
            echo "  reproduce: ANNE_FUZZ_VERBOSE=1 $bin $f"
        done
        exit 1
    fi
    grep -E '^#[0-9]+.*DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
    echo "ok: fuzz_$name: no problem in ${seconds}s"
    exit 0
}
