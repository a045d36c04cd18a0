#!/usr/bin/env bash
# Generated C with hostile names (the "Hostile input" audit): model names, class names, layer names and
# file names that hold "/*", "*/", a newline, quotes, backslashes, trigraphs ("??="), non-ASCII bytes,
# a leading digit, a C keyword, the runtime's own name space or nothing at all. The generated C must
# compile with the runtime under -std=c99 -pedantic -Wall -Wextra -Werror (and its header as C++),
# NAME.c must include the header actually written (`--name P` with OUT.c: OUT.h), the names must
# read back byte for byte from the embedded model, and a file name that cannot stand in an #include
# is refused before anything is written. Needs a C compiler ($CC or cc); skips without one.
. "$(dirname "$0")/lib/common.sh"

CC=${CC:-cc}
CXX=${CXX:-c++}
if ! command -v "$CC" >/dev/null; then
    echo "SKIP: no C compiler ($CC): install gcc or set CC"
    exit 77
fi
STRICT=(-std=c99 -pedantic -Wall -Wextra -Werror)

# the runtime, compiled once with the same flags
mkdir -p "$TMP/rt"
for src in runtime/src/*.c; do
    "$CC" "${STRICT[@]}" -O1 -Iruntime/include -c "$src" -o "$TMP/rt/$(basename "$src" .c).o" 2>>"$TMP/rt.err" ||
        fail "runtime source $src does not compile"
done
ar rcs "$TMP/libanne_rt.a" "$TMP"/rt/*.o

# The driver, for any prefix (-DP=prefix) and header (-DHEADER='"x.h"'): validates and runs the model,
# then prints its name and class names as the embedded bytes hold them; exits 4 or 5 when the header's
# P_NAME, P_CLASSES or P_CLASS_NAMES say otherwise.
cat >"$TMP/driver.c" <<'C'
#include <stdio.h>
#include <string.h>
#include HEADER
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define N(s) CAT(P, s)
int main(void) {
    static float arena[N(_ARENA_BYTES) / 4 + 1];
    float in[N(_INPUTS)] = {0}, out[N(_OUTPUTS)];
    const anne_model *m = N(_model)();
    uint16_t k;
    if (N(_validate)() != ANNE_OK) return 2;
    if (N(_predict)(in, out, arena) != ANNE_OK) return 3;
    printf("name=%s|", m->name);
    for (k = 0; k < m->n_classes; k++) printf("class=%s|", anne_model_class_name(m, k));
    /* the header's macros hold the same names as the embedded model, byte for byte */
    if (strcmp(N(_NAME), m->name) != 0 || N(_CLASSES) != m->n_classes) return 4;
#if N(_CLASSES) > 0
    {
        static const char *const names[N(_CLASSES)] = N(_CLASS_NAMES);
        for (k = 0; k < m->n_classes; k++) {
            if (strcmp(names[k], anne_model_class_name(m, k)) != 0) return 5;
        }
    }
#endif
    return 0;
}
C

# compiles DIR/C_FILE and the driver (prefix P, header H) with the runtime; runs it into DIR/names
# (and the driver as C++, when there is a C++ compiler, for the header)
compile_run() {
    local dir=$1 cfile=$2 p=$3 h=$4 what=$5
    if ! "$CC" "${STRICT[@]}" -Iruntime/include -I"$dir" -c "$dir/$cfile" -o "$dir/gen.o" 2>"$dir/cc.err"; then
        fail "$what: the generated C does not compile: $(head -c 700 "$dir/cc.err")"
        return 1
    fi
    if ! "$CC" "${STRICT[@]}" -Iruntime/include -I"$dir" "-DP=$p" "-DHEADER=\"$h\"" -o "$dir/run" "$TMP/driver.c" \
        "$dir/gen.o" "$TMP/libanne_rt.a" -lm 2>"$dir/cc.err"; then
        fail "$what: the driver does not compile with the generated header: $(head -c 700 "$dir/cc.err")"
        return 1
    fi
    if command -v "$CXX" >/dev/null &&
        ! "$CXX" -std=c++11 -Wall -Wextra -Werror -Iruntime/include -I"$dir" "-DP=$p" "-DHEADER=\"$h\"" -x c++ \
            -c "$TMP/driver.c" -o "$dir/cxx.o" 2>"$dir/cc.err"; then
        fail "$what: the generated header does not compile as C++: $(head -c 700 "$dir/cc.err")"
    fi
    "$dir/run" >"$dir/names" || fail "$what: the compiled model does not run (exit $?)"
}

# prefix_of: the prefix `anne convert` reported in $TMP/out
prefix_of() {
    sed -n 's/.*, prefix \([A-Za-z0-9_]*\)).*/\1/p' "$TMP/out"
}

# --- hostile --name values: each compiles, its prefix is an identifier, the name reads back ----------
cat >"$TMP/model.json" <<'J'
{"layers": [{"units": 3, "activation": "softmax", "kernel": [[1, 0, -1], [0, 1, 1]], "bias": [0, 0, 0]}]}
J
k=0
while IFS= read -r -d '' name; do
    k=$((k + 1))
    d="$TMP/n$k"
    mkdir "$d"
    printable=$(printf '%s' "$name" | od -An -c | tr -s ' ' | head -c 80)
    if ! "$ANNE" convert "$TMP/model.json" "$d/gen.c" --name "$name" >"$TMP/out" 2>"$TMP/err"; then
        fail "convert --name [$printable]: $(cat "$TMP/err")"
        continue
    fi
    ! grep -q Sanitizer "$TMP/err" || fail "convert --name [$printable]: a sanitizer report: $(head -c 300 "$TMP/err")"
    p=$(prefix_of)
    [[ "$p" =~ ^[A-Za-z][A-Za-z0-9_]*$ ]] || fail "--name [$printable]: the prefix '$p' is not a plain identifier"
    case "$p" in
    anne | anne_* | ANNE* | _*) fail "--name [$printable]: the prefix '$p' is in a reserved name space" ;;
    esac
    compile_run "$d" gen.c "$p" gen.h "--name [$printable]" || continue
    printf 'name=%s|' "$name" >"$d/want"
    cmp -s "$d/names" "$d/want" ||
        fail "--name [$printable]: the embedded name reads back as $(od -c "$d/names" | head -3)"
done < <(printf '%s\0' 'a/*b' 'x*/y' 'end*' $'two\nlines' 'say "hi"' 'back\slash\' "it's" '1net' 'int' 'static' \
    'ünïcødé' 'anne' 'anne_model' 'ANNE' 'Anne_status' '_stdint' '__x' 'what??/' '??=' '??)??(' 'a b-c.d' \
    $'tab\there' $'\x01\x7f' 'config' "$(printf 'x%.0s' {1..300})" "$(printf '9%.0s' {1..300})")

# prefixes made of the same rules (docs/codegen.md)
expect_prefix() { # NAME WANT
    "$ANNE" convert "$TMP/model.json" "$TMP/p.c" --name "$1" >"$TMP/out" 2>"$TMP/err" || fail "convert --name '$1'"
    [ "$(prefix_of)" = "$2" ] || fail "--name '$1': prefix '$(prefix_of)', expected '$2'"
}
expect_prefix 'my-net' my_net
expect_prefix '1net' m_1net
expect_prefix 'int' int
expect_prefix 'anne' m_anne
expect_prefix 'ANNE_model' m_ANNE_model
expect_prefix 'annex' annex
expect_prefix '_stdint' m__stdint

# an empty --name: the model has no name, the prefix is OUT's
d="$TMP/empty" && mkdir "$d"
"$ANNE" convert "$TMP/model.json" "$d/gen.c" --name '' >"$TMP/out" 2>"$TMP/err" ||
    fail "convert --name '': $(cat "$TMP/err")"
[ "$(prefix_of)" = gen ] || fail "--name '': prefix '$(prefix_of)', expected gen"
compile_run "$d" gen.c gen gen.h "--name ''" && [ "$(cat "$d/names")" = "name=|" ] ||
    fail "--name '': the name reads back as $(cat "$d/names")"

# --- hostile names inside the model: its name, class names, layer names ------------------------------
d="$TMP/inside" && mkdir "$d"
cat >"$TMP/inside.json" <<'J'
{"name": "*/ model /* \"q\" \\ ??= \n\u00e9 //", "layers": [
  {"name": "*/ layer \"one\" /*", "units": 4, "activation": "relu", "kernel": [[1, 0, -1, 2], [0, 1, 1, -2]]},
  {"name": "??/\n", "units": 3, "activation": "softmax", "kernel": [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]}],
 "classes": ["*/ c0 /*", "c\"1\\", "??=\u00e9\n"]}
J
"$ANNE" convert "$TMP/inside.json" "$d/gen.c" >"$TMP/out" 2>"$TMP/err" || fail "convert inside.json: $(cat "$TMP/err")"
if compile_run "$d" gen.c gen gen.h "names inside the model"; then
    printf 'name=*/ model /* "q" \\ ??= \n\303\251 //|class=*/ c0 /*|class=c"1\\|class=??=\303\251\n|' >"$d/want"
    cmp -s "$d/names" "$d/want" || fail "names inside the model read back as $(od -c "$d/names" | head -5)"
fi
# the text in the comment is escaped, not dropped
grep -qF 'Model "*\057 model \057* \"q\" \\ ?\?= \n\303\251 //"' "$d/gen.c" ||
    fail "the model's name in the comment: $(grep -F 'Model "' "$d/gen.c")"

# --- file names: OUT's base name as the prefix, the #include naming the header written ---------------
# the example of docs/codegen.md: out/net.c --name my_net writes out/net.c and out/net.h
d="$TMP/doc" && mkdir -p "$d/out"
"$ANNE" convert "$TMP/model.json" "$d/out/net.c" --name my_net >"$TMP/out" 2>"$TMP/err" || fail "convert --name my_net"
[ -f "$d/out/net.h" ] && [ ! -e "$d/out/my_net.h" ] || fail "--name my_net: the header is not out/net.h"
grep -q '^#include "net.h"$' "$d/out/net.c" ||
    fail "out/net.c does not include net.h: $(grep '#include' "$d/out/net.c")"
compile_run "$d/out" net.c my_net net.h "out/net.c --name my_net"

k=0
for base in 'my net' '1' 'int' 'ünï' 'annex' '.hidden' 'a*b'; do
    k=$((k + 1))
    d="$TMP/f$k" && mkdir "$d"
    if ! "$ANNE" convert "$TMP/model.json" "$d/$base.c" >"$TMP/out" 2>"$TMP/err"; then
        fail "convert to '$base.c': $(cat "$TMP/err")"
        continue
    fi
    compile_run "$d" "$base.c" "$(prefix_of)" "$base.h" "OUT '$base.c'"
done
d="$TMP/bare" && mkdir "$d"
"$ANNE" convert "$TMP/model.json" "$d/.c" >"$TMP/out" 2>"$TMP/err" || fail "convert to '.c': $(cat "$TMP/err")"
[ "$(prefix_of)" = m_ ] || fail "OUT '.c': prefix '$(prefix_of)', expected m_"
compile_run "$d" .c m_ .h "OUT '.c'"

# names an #include cannot hold, and the runtime's header names (NAME.h includes "anne.h", which would
# find an anne.h beside it first): refused, nothing written
for base in 'q"uote' 'back\slash' "apo'strophe" $'new\nline' 'tri??=graph' anne ANNE anne_quant anne_config; do
    d="$TMP/bad" && rm -rf "$d" && mkdir "$d"
    run 1 convert "$TMP/model.json" "$d/$base.c"
    case "$base" in
    anne* | ANNE*) stderr_has "would take the place of the runtime's own" ;;
    *) stderr_has "cannot be written in an #include" ;;
    esac
    ! grep -q Sanitizer "$TMP/err" || fail "OUT '$base.c': a sanitizer report: $(head -c 300 "$TMP/err")"
    [ -z "$(ls -A "$d")" ] || fail "a refused OUT name left files: $(ls -A "$d")"
done

finish "hostile codegen: all names compiled, read back, or refused"
