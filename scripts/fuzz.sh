#!/usr/bin/env bash
# A long fuzzing campaign (docs/fuzzing.md): every libFuzzer harness of tests/fuzz/, or the ones named, one
# after the other, each for SECONDS with JOBS worker processes (libFuzzer's -fork mode: a crash, leak,
# timeout or OOM is saved and the campaign goes on). The corpus grows in a folder outside the
# repository and is reused by the next campaign. At the end: executions, coverage (cov, ft: libFuzzer's
# last status line) and crashes per harness.
#
#   scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-o DIR] [HARNESS...]
#     -t SECONDS  per harness (default 3600)
#     -j JOBS     worker processes per harness (default: the cores minus one, at least 1)
#     -o DIR      work folder (default build-fuzz): DIR/build, DIR/corpus/H, DIR/crashes/H, DIR/logs
#   HARNESS: model_load json csv tfjs tflite keras_h5 keras_zip (default: all)
#
# Environment as for the ctest fuzz tests (tests/cli/lib/fuzz.sh): to go past a known defect whose fix
# is pending, ANNE_FUZZ_EXCLUDE="PReLU", ANNE_FUZZ_ALLOW_ESCAPE=1 or ANNE_FUZZ_CMAKE_ARGS=
# "-DANNE_FUZZ_NO_SANITIZE=alignment"; to fuzz another tree, "-DANNE_FUZZ_SOURCE_DIR=/tmp/old-tree".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/cli/lib/fuzz.sh

seconds=3600
jobs=$(($(nproc 2>/dev/null || echo 2) - 1))
[ "$jobs" -ge 1 ] || jobs=1
out=build-fuzz
while getopts "t:j:o:h" opt; do
    case $opt in
    t) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    o) out=$OPTARG ;;
    *)
        sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
    esac
done
shift $((OPTIND - 1))
names=("$@")
[ ${#names[@]} -gt 0 ] || read -r -a names <<<"$FUZZ_HARNESSES"
for n in "${names[@]}"; do
    case " $FUZZ_HARNESSES " in
    *" $n "*) ;;
    *)
        echo "scripts/fuzz.sh: no harness \"$n\" (the harnesses: $FUZZ_HARNESSES)" >&2
        exit 2
        ;;
    esac
done
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)
export ANNE_FUZZ_WORK="$out"
fuzz_setup # builds into $out/build (exits 77 when clang or libFuzzer is missing)
mkdir -p "$out/logs" || exit 1
stamp=$(date +%Y%m%d-%H%M%S)
summary="$out/logs/summary-$stamp.txt"
printf '%-11s %12s %8s %8s %8s %8s %8s  %s\n' harness executions exec/s cov ft corpus crashes log >"$summary"

for n in "${names[@]}"; do
    corpus="$out/corpus/$n"
    crashes="$out/crashes/$n"
    log="$out/logs/$n-$stamp.log"
    mkdir -p "$corpus" "$crashes" || exit 1
    if ! fuzz_seeds "$n" "$out/seeds/$n"; then
        echo "scripts/fuzz.sh: cannot make the seeds of $n" >&2
        exit 1
    fi
    mapfile -t inputs < <(fuzz_inputs "$n" "$out/seeds/$n")
    before=$(find "$crashes" -type f | wc -l)
    echo "$(date +%H:%M:%S) fuzz_$n: ${seconds}s, $jobs job(s), corpus $corpus, log $log"
    "$FUZZ_BIN/fuzz_$n" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$seconds" "${FUZZ_LIMITS[@]}" -artifact_prefix="$crashes/" "$corpus" "${inputs[@]}" \
        >"$log" 2>&1
    # the last status line of -fork mode: "#EXECS: cov: C ft: F corp: N exec/s E oom/timeout/crash: ..."
    last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<<"$last")
    corp=$(sed -E 's/.* corp: ([0-9]+).*/\1/' <<<"$last")
    secs=$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$last")
    rate="?"
    [ -n "$execs" ] && [ "${secs:-0}" -gt 0 ] && rate=$((execs / secs))
    found=$(($(find "$crashes" -type f | wc -l) - before))
    printf '%-11s %12s %8s %8s %8s %8s %8s  %s\n' "$n" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "$found" "$log" >>"$summary"
    if [ "$found" -gt 0 ]; then
        echo "  $found new input(s) in $crashes: reproduce with ANNE_FUZZ_VERBOSE=1 $FUZZ_BIN/fuzz_$n FILE"
    fi
done

echo
echo "$(date '+%Y-%m-%d %H:%M'), $(uname -m), $(nproc) cores, $jobs job(s) per harness, ${seconds}s each:"
cat "$summary"
echo "(exec/s: executions / seconds fuzzed, all jobs; cov/ft: libFuzzer's last -fork status line; summary: $summary)"
