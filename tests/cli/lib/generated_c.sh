# The generated C of a graph model against the model file (sourced after common.sh, whose run, fail and
# skip_part it uses; this folder is not globbed by tests/CMakeLists.txt).
#
# same_bits_as_c SOURCE MODEL.anne WHAT: converts SOURCE (anything `anne convert` reads) to C, compiles
# it with the runtime's sources under the strict flags, and runs gen_predict() beside
# anne_model_predict() of MODEL.anne (SOURCE's model) on 20 pseudo-random rows in -6 ... 6 (lib/same_bits.c):
# every output the same bits. WHAT names the model in messages. Skipped without a C compiler ($CC, default cc).
same_bits_as_c() {
    local src=$1 model=$2 what=$3 out
    CC=${CC:-cc}
    if ! command -v "$CC" >/dev/null; then
        skip_part "no C compiler ($CC) for the generated C of $what"
        return
    fi
    mkdir -p "$TMP/c"
    run 0 convert "$src" "$TMP/c/gen.c"
    grep -q "anne_graph_run_s8" "$TMP/c/gen.c" || fail "generated C of $what does not run the int8 graph runner"
    cp tests/cli/lib/same_bits.c "$TMP/c/main.c"
    if "$CC" -std=c99 -Wall -Wextra -Werror -O1 -Iruntime/include -I"$TMP/c" -o "$TMP/c/run" "$TMP/c/gen.c" \
        "$TMP/c/main.c" runtime/src/*.c -lm 2>"$TMP/c/err"; then
        out=$("$TMP/c/run" "$model") || fail "generated C of $what: exit $?, $out"
    else
        fail "generated C of $what does not compile: $(head -c 600 "$TMP/c/err")"
    fi
}
