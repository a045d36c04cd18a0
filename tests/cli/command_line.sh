#!/usr/bin/env bash
# The command line around the commands (docs/cli.md): `anne help CMD` is `anne CMD --help`; the
# top-level help names convert's formats; a CSV argument `-` reads standard input and --no-header reads
# a CSV without a header row, each giving what the same data in a file with a header gives; the man
# page and the bash completion generated from the help texts at build time (they render, they offer
# every command and convert's options) and installed by `cmake --install`.
. "$(dirname "$0")/lib/common.sh"
ROOT=$(pwd)
iris="$ROOT/examples/iris"
commands=$("$ANNE" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] || fail "no commands in anne --help"

# --- help -----------------------------------------------------------------------------------------
for c in $commands; do
    [ "$c" = help ] && continue
    "$ANNE" "$c" --help >"$TMP/a" 2>&1 || fail "anne $c --help exited $?"
    "$ANNE" help "$c" >"$TMP/b" 2>"$TMP/b.err" || fail "anne help $c exited $?"
    [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b" && [ ! -s "$TMP/b.err" ] || fail "anne help $c is not anne $c --help"
done
run 2 help nope
grep -q "unknown command 'nope'" "$TMP/err" || fail "anne help nope: $(head -1 "$TMP/err")"
for c in $commands; do grep -q "^  $c " "$TMP/err" || fail "anne help nope does not list $c"; done
run 0 help help
grep -q "^commands:" "$TMP/out" || fail "anne help help does not print the commands"
run 2 help predict eval
run 0 --help
for w in .h5 .keras "JSON + weights" TF.js model.json .tflite "ANNE JSON" "C source" .anne; do
    grep -A1 "^  convert" "$TMP/out" | grep -q -F "$w" || fail "the top-level help's convert line lacks '$w'"
done
run 0 convert --help
grep -q "\.tflite" "$TMP/out" || fail "anne convert --help does not name .tflite"
run 2
grep -q "^  convert" "$TMP/err" || fail "anne without a command does not list the commands"

# --- standard input: the same results as the file --------------------------------------------------
"$ANNE" convert "$iris/iris_8_neurons.json" "$TMP/m.anne" >/dev/null || fail "convert iris"
test_csv="$iris/iris_test.csv"
"$ANNE" predict "$TMP/m.anne" "$test_csv" --label Species >"$TMP/file.out" || fail "predict from the file"
"$ANNE" predict "$TMP/m.anne" - --label Species <"$test_csv" >"$TMP/stdin.out" || fail "predict from stdin"
cmp -s "$TMP/file.out" "$TMP/stdin.out" || fail "predict: stdin differs from the file"
"$ANNE" eval "$TMP/m.anne" "$test_csv" --label Species --json >"$TMP/file.out" || fail "eval from the file"
cat "$test_csv" | "$ANNE" eval "$TMP/m.anne" - --label Species --json >"$TMP/stdin.out" || fail "eval from a pipe"
cmp -s "$TMP/file.out" "$TMP/stdin.out" || fail "eval: stdin differs from the file"
train=(--label Species --layers 3:relu,1:sigmoid --epochs 3 --seed 5 --quiet)
"$ANNE" train "$iris/iris_train.csv" "${train[@]}" -o "$TMP/t_file.anne" >/dev/null || fail "train from the file"
"$ANNE" train - "${train[@]}" -o "$TMP/t_stdin.anne" <"$iris/iris_train.csv" >/dev/null || fail "train from stdin"
cmp -s "$TMP/t_file.anne" "$TMP/t_stdin.anne" || fail "train: stdin gives another model than the file"
"$ANNE" quantize "$TMP/m.anne" "$TMP/q_file.anne" --to int8 --calib "$iris/iris_train.csv" --label Species \
    >/dev/null || fail "quantize from the file"
"$ANNE" quantize "$TMP/m.anne" "$TMP/q_stdin.anne" --to int8 --calib - --label Species <"$iris/iris_train.csv" \
    >/dev/null || fail "quantize --calib - from stdin"
cmp -s "$TMP/q_file.anne" "$TMP/q_stdin.anne" || fail "quantize: --calib - gives another model than the file"
# messages name <stdin>; standard input is read once
printf 'a,b,c,d\n1,2,3\n' | "$ANNE" predict "$TMP/m.anne" - >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] || fail "a ragged stdin did not exit 1"
stderr_is "anne predict: <stdin>: line 2 has 3 columns, expected 4 (as the header)"
"$ANNE" quantize "$TMP/m.anne" "$TMP/q2.anne" --to int8 --calib - --eval - --label Species <"$iris/iris_train.csv" \
    >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] && [ ! -e "$TMP/q2.anne" ] || fail "two CSV arguments - did not fail"
stderr_is "anne quantize: <stdin>: already read for another argument (only one CSV file can be -)"
"$ANNE" predict "$TMP/m.anne" - </dev/null >"$TMP/out" 2>"$TMP/err"
stderr_is "anne predict: <stdin>: empty file, expected a header row"

# --- --no-header: columns by index from 0 ---------------------------------------------------------
tail -n +2 "$test_csv" >"$TMP/nohdr.csv"
"$ANNE" predict "$TMP/m.anne" "$test_csv" --label Species >"$TMP/file.out"
"$ANNE" predict "$TMP/m.anne" "$TMP/nohdr.csv" --no-header --label 4 >"$TMP/nohdr.out" || fail "predict --no-header"
cmp -s "$TMP/file.out" "$TMP/nohdr.out" || fail "predict --no-header --label 4 differs from the file with its header"
"$ANNE" eval "$TMP/m.anne" "$test_csv" --label Species --json >"$TMP/file.out"
"$ANNE" eval "$TMP/m.anne" - --no-header --label=4 --json <"$TMP/nohdr.csv" >"$TMP/nohdr.out" ||
    fail "eval --no-header from stdin"
cmp -s "$TMP/file.out" "$TMP/nohdr.out" || fail "eval --no-header differs from the file with its header"
# every row is data: without --no-header the first row would be the header (one row fewer)
n_with=$("$ANNE" predict "$TMP/m.anne" "$TMP/nohdr.csv" --no-header --label 4 | wc -l)
n_without=$("$ANNE" predict "$TMP/m.anne" "$TMP/nohdr.csv" --label 0 2>/dev/null | wc -l)
[ "$n_with" -eq $((n_without + 1)) ] || fail "--no-header read $n_with lines, the header read $n_without"
run 1 predict "$TMP/m.anne" "$TMP/nohdr.csv" --no-header --label Species
stderr_is "anne predict: $TMP/nohdr.csv: no column \"Species\" (the columns are \"0\", \"1\", \"2\", \"3\", \"4\")"
printf '1,2,3,4\n5,6,7\n' >"$TMP/ragged.csv"
run 1 predict "$TMP/m.anne" "$TMP/ragged.csv" --no-header
stderr_is "anne predict: $TMP/ragged.csv: line 2 has 3 columns, expected 4 (as the first row)"
printf '1,2,x,4\n' >"$TMP/bad.csv"
run 1 predict "$TMP/m.anne" "$TMP/bad.csv" --no-header
stderr_is "anne predict: $TMP/bad.csv: line 1, column \"2\": \"x\" is not a number"
: >"$TMP/empty.csv"
run 1 predict "$TMP/m.anne" "$TMP/empty.csv" --no-header
stderr_is "anne predict: $TMP/empty.csv: empty file, expected rows of data"
"$ANNE" train "$TMP/nohdr.csv" --no-header --label 4 --layers 3:relu,1:sigmoid --epochs 3 --seed 5 --quiet \
    -o "$TMP/t_nohdr.anne" >/dev/null || fail "train --no-header"
"$ANNE" train "$test_csv" --label Species --layers 3:relu,1:sigmoid --epochs 3 --seed 5 --quiet \
    -o "$TMP/t_hdr.anne" >/dev/null || fail "train with the header"
cmp -s "$TMP/t_nohdr.anne" "$TMP/t_hdr.anne" || fail "train --no-header gives another model"
mkdir -p "$TMP/c1" "$TMP/c2"
"$ANNE" convert "$TMP/m.anne" "$TMP/c1/m.c" --test "$test_csv" --label Species >/dev/null || fail "convert --test"
"$ANNE" convert "$TMP/m.anne" "$TMP/c2/m.c" --test - --no-header --label 4 <"$TMP/nohdr.csv" >/dev/null ||
    fail "convert --test - --no-header"
diff <(grep -v '^ \*\|^/\*' "$TMP/c1/m_test.c") <(grep -v '^ \*\|^/\*' "$TMP/c2/m_test.c") >/dev/null ||
    fail "convert --test from stdin without a header: other rows"
run 2 convert "$TMP/m.anne" "$TMP/c2/m.c" --no-header

# --- the man page and the completion, generated at build time --------------------------------------
bin="${ANNE_BINARY_DIR:-$(dirname "$ANNE")}"
man_page="$bin/anne.1"
completion="$bin/anne.bash-completion"
if [ ! -f "$man_page" ] || [ ! -f "$completion" ]; then
    fail "the build made no anne.1 or anne.bash-completion in $bin"
else
    if command -v groff >/dev/null 2>&1; then
        groff -man -Tutf8 -ww -P-cbou "$man_page" >"$TMP/man.txt" 2>"$TMP/man.err" || fail "groff failed on anne.1"
        [ ! -s "$TMP/man.err" ] || fail "groff warns on anne.1: $(head -3 "$TMP/man.err")"
    elif command -v man >/dev/null 2>&1; then
        MANPAGER=cat man -l "$man_page" | col -b >"$TMP/man.txt" 2>"$TMP/man.err" || fail "man -l failed on anne.1"
    else
        skip_part "neither groff nor man renders anne.1 here"
    fi
    if [ -s "$TMP/man.txt" ]; then
        for c in $commands; do
            [ "$c" = help ] && continue
            grep -q "^   $c\$" "$TMP/man.txt" || fail "the man page has no section for $c"
        done
        # convert's help, verbatim (hyphens as hyphen-minus, so options copy as typed)
        grep -q -- "--test DATA.csv" "$TMP/man.txt" || fail "the man page lacks convert's --test"
    fi
    # the completion, asked as bash asks it
    complete_words() { # complete_words WORD...: the candidates for the last word
        bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _anne; printf "%s\n" "${COMPREPLY[@]}"' \
            _ "$completion" "$@" | sort
    }
    offered=$(complete_words anne "")
    for c in $commands; do
        grep -qx "$c" <<<"$offered" || fail "the completion does not offer the command $c"
    done
    [ "$(complete_words anne he)" = help ] || fail "anne he<TAB> is not help"
    [ "$(complete_words anne help con)" = convert ] || fail "anne help con<TAB> is not convert"
    offered=$(complete_words anne convert m.h5 --)
    # every option of convert's option table (the lines that start with two spaces and a dash)
    for o in $("$ANNE" convert --help | grep -E '^  -' | grep -o -E -- '--[a-z][a-z-]*' | sort -u); do
        grep -qx -- "$o" <<<"$offered" || fail "the completion does not offer convert's $o"
    done
    for o in --test --rows --label --no-header --name --classes --weights --check; do
        grep -qx -- "$o" <<<"$offered" || fail "the completion does not offer convert $o"
    done
    for o in $offered; do
        "$ANNE" convert --help | grep -q -- "$o" || fail "the completion offers $o, which convert --help does not name"
    done
    [ "$(complete_words anne predict m.anne --no)" = --no-header ] || fail "anne predict --no<TAB> is not --no-header"
fi

# --- installed beside the tool ---------------------------------------------------------------------
if [ -n "${ANNE_BINARY_DIR:-}" ] && [ -f "$ANNE_BINARY_DIR/cmake_install.cmake" ]; then
    cmake --install "$ANNE_BINARY_DIR" --prefix "$TMP/inst" >/dev/null 2>&1 || fail "cmake --install failed"
    cmp -s "$TMP/inst/share/man/man1/anne.1" "$man_page" || fail "cmake --install did not install anne.1"
    cmp -s "$TMP/inst/share/bash-completion/completions/anne" "$completion" ||
        fail "cmake --install did not install the completion as share/bash-completion/completions/anne"
else
    skip_part "the install check needs ANNE_BINARY_DIR (run through ctest)"
fi
finish "ok: help CMD, standard input, --no-header, the generated man page and completion"
