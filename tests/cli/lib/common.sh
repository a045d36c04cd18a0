# The preamble the CLI test scripts share (sourced: `. "$(dirname "$0")/lib/common.sh"`; this folder is
# not globbed by tests/CMakeLists.txt, so it is no test itself): the anne binary or a skip, a private
# temporary folder removed on exit, failure and skip counting, and helpers that run anne and look at
# its output.
# Skips: a script that cannot run at all prints "SKIP: why" and exits 77 (ctest: Skipped); one that
# cannot run a part calls skip_part, and finish then exits 77 as well, never 0: a test that did not
# run everything must not read as Passed. The precondition of a part is what this machine has (a
# tool, a ../shared file), never what the code under test makes of it. `ANNE_NO_SKIP=1 make test`
# (CI) fails on any skip.
set -u

ANNE=${ANNE:-build/anne}
if [ ! -x "$ANNE" ]; then
    echo "SKIP: the anne binary ($ANNE) is not built"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
skipped=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# skip_part MESSAGE: a part of the test cannot run on this machine (MESSAGE says what to install)
skip_part() {
    echo "SKIP: $*"
    skipped=$((skipped + 1))
}

# run EXPECTED_EXIT ARGS...: runs anne, keeps stdout/stderr in $TMP/out, $TMP/err
run() {
    local want=$1
    shift
    "$ANNE" "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "anne $* exited $got, expected $want (stderr: $(head -c 300 "$TMP/err"))"
    fi
}

# stderr_is TEXT: the last command's stderr is exactly the line TEXT
stderr_is() {
    local got
    got=$(cat "$TMP/err")
    [ "$got" = "$1" ] || fail "stderr is '$got', expected '$1'"
}

# stderr_has TEXT / stdout_has TEXT: the last command's output contains TEXT (a fixed string)
stderr_has() {
    grep -qF -- "$1" "$TMP/err" || fail "stderr lacks '$1'; it was: $(head -c 400 "$TMP/err")"
}

stdout_has() {
    grep -qF -- "$1" "$TMP/out" || fail "stdout lacks '$1'; it was: $(head -c 600 "$TMP/out")"
}

# json_value KEY: the first "KEY": value of the last command's JSON output (white space removed)
json_value() {
    tr -d ' \t\n' <"$TMP/out" | grep -o "\"$1\":[^,}]*" | head -n 1 | cut -d: -f2-
}

# finish MESSAGE: exit 1 with the failure count; else print MESSAGE and exit 0, or 77 when a part
# was skipped
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)"
        exit 1
    fi
    if [ "$skipped" -ne 0 ]; then
        echo "$1, but $skipped part(s) skipped (see SKIP above): exit 77"
        exit 77
    fi
    echo "$1"
    exit 0
}
