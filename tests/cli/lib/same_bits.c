/* The generated C of a model (gen.c, gen.h) against the runtime loading the model's .anne file (argv[1]):
 * 20 inputs, the outputs equal bit for bit. Prints "same bits"; exits 2-5 on the first difference. */
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
