# The generated C of a graph model against the model file (sourced after common.sh, whose run, fail and
# skip_part it uses; this folder is not globbed by tests/CMakeLists.txt).
#
# same_bits_as_c SOURCE MODEL.anne WHAT: converts SOURCE (anything `anne convert` reads) to C, compiles
# it with the runtime's sources under the strict flags, and runs gen_predict() beside
# anne_model_predict() of MODEL.anne (SOURCE's model) on 20 pseudo-random rows in -6 ... 6: every output
# the same bits. WHAT names the model in messages. Skipped without a C compiler ($CC, default cc).
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
    cat >"$TMP/c/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "gen.h"
int main(int argc, char **argv) {
    static uint32_t file[1 << 16], arena[1 << 14], arena_c[(gen_ARENA_BYTES + 3) / 4];
    float in[gen_INPUTS], a[gen_OUTPUTS], b[gen_OUTPUTS];
    anne_model m;
    size_t n, s, i;
    FILE *f = fopen(argv[1], "rb");
    (void)argc;
    if (f == NULL) return 2;
    n = fread(file, 1, sizeof file, f);
    fclose(f);
    if (anne_model_load(&m, file, n) != ANNE_OK || gen_validate() != ANNE_OK) return 3;
    for (s = 0; s < 20; s++) {
        for (i = 0; i < gen_INPUTS; i++) in[i] = (float)((int)((s * 131 + i * 71) % 97) - 48) / 8.0f;
        if (gen_predict(in, a, arena_c) != ANNE_OK || anne_model_predict(&m, b, in, arena, sizeof arena) != ANNE_OK) return 4;
        if (memcmp(a, b, sizeof a) != 0) return 5;
    }
    printf("same bits\n");
    return 0;
}
C
    if "$CC" -std=c99 -Wall -Wextra -Werror -O1 -Iruntime/include -I"$TMP/c" -o "$TMP/c/run" "$TMP/c/gen.c" \
        "$TMP/c/main.c" runtime/src/*.c -lm 2>"$TMP/c/err"; then
        out=$("$TMP/c/run" "$model") || fail "generated C of $what: exit $?, $out"
    else
        fail "generated C of $what does not compile: $(head -c 600 "$TMP/c/err")"
    fi
}
