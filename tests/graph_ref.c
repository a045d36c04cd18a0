/* The reference side of tests/cli/graph_commands.sh: what the `anne` command must agree with, computed
 * with the runtime and the C library only (nothing of the tools under test).
 *   graph_ref write OUT.anne            the sample graph model (tests/sample_graph.h), as `anne_mcu_host
 *                                       graph` writes it for the emulated boards
 *   graph_ref predict DATA.csv          anne_model_predict() of the sample graph (built again here) on
 *                                       every row of DATA.csv (a header line, then numbers separated by
 *                                       commas, every column an input): one line per row, the outputs
 *                                       printed with %.9g, separated by commas
 *   graph_ref f32                       reads numbers (separated by blanks or commas) from stdin and prints
 *                                       each rounded to float with %.9g, one a line: two decimal texts of
 *                                       the same float come out as the same text
 * Exit 0, or 1 with a message on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "sample_graph.h"

static int anne__fail(const char *what, const char *detail) {
    fprintf(stderr, "graph_ref: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

static int anne__write(const char *path) {
    void *bytes = NULL;
    size_t size = 0;
    FILE *f;
    int ok;
    anne_status st = anne_sample_graph(&bytes, &size);
    if (st != ANNE_OK) return anne__fail("cannot build the sample graph", anne_status_str(st));
    f = fopen(path, "wb");
    ok = f != NULL && fwrite(bytes, 1, size, f) == size;
    if (f != NULL && fclose(f) != 0) ok = 0;
    free(bytes);
    return ok ? 0 : anne__fail("cannot write", path);
}

/* The sample graph built here again (not read from the file the command reads) on every row. */
static int anne__predict(const char *csv_path) {
    size_t size = 0, cap = 0;
    void *bytes = NULL;
    FILE *csv = fopen(csv_path, "r");
    char *line = NULL;
    float *in = NULL, *out = NULL;
    void *arena = NULL;
    anne_model m;
    anne_status st = anne_sample_graph(&bytes, &size);
    int rc = 1, header = 1;
    if (st == ANNE_OK) st = anne_model_load(&m, bytes, size);
    if (st != ANNE_OK || csv == NULL) {
        rc = anne__fail(st != ANNE_OK ? "cannot load the sample graph" : "cannot open",
                        st != ANNE_OK ? anne_status_str(st) : csv_path);
        goto done;
    }
    in = malloc((size_t)m.n_inputs * sizeof *in);
    out = malloc((size_t)m.n_outputs * sizeof *out);
    arena = malloc(anne_model_arena_size(&m) + 4u);
    if (in == NULL || out == NULL || arena == NULL) {
        anne__fail("out of memory", NULL);
        goto done;
    }
    while (getline(&line, &cap, csv) > 0) {
        char *p = line, *end;
        uint16_t k;
        if (header) {
            header = 0;
            continue;
        }
        for (k = 0; k < m.n_inputs; k++) {
            in[k] = (float)strtod(p, &end); /* as the tools read CSV numbers: strtod, then float */
            if (end == p || (*end != ',' && k + 1u < m.n_inputs)) {
                anne__fail("a row is not numbers, or not one per input", line);
                goto done;
            }
            p = end + 1;
        }
        st = anne_model_predict(&m, out, in, arena, anne_model_arena_size(&m));
        if (st != ANNE_OK) {
            anne__fail("predict", anne_status_str(st));
            goto done;
        }
        for (k = 0; k < m.n_outputs; k++) printf("%s%.9g", k ? "," : "", (double)out[k]);
        printf("\n");
    }
    rc = 0;
done:
    if (csv != NULL) fclose(csv);
    free(line);
    free(bytes);
    free(in);
    free(out);
    free(arena);
    return rc;
}

static int anne__f32(void) {
    char word[128];
    int c, n = 0;
    while ((c = getchar()) != EOF || n > 0) {
        if (c != EOF && c != ',' && c != ' ' && c != '\t' && c != '\n' && n + 1 < (int)sizeof word) {
            word[n++] = (char)c;
            continue;
        }
        if (n > 0) {
            word[n] = '\0';
            printf("%.9g\n", (double)(float)strtod(word, NULL));
            n = 0;
        }
        if (c == EOF) break;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "write") == 0) return anne__write(argv[2]);
    if (argc == 3 && strcmp(argv[1], "predict") == 0) return anne__predict(argv[2]);
    if (argc == 2 && strcmp(argv[1], "f32") == 0) return anne__f32();
    fprintf(stderr, "usage: graph_ref write OUT.anne | predict DATA.csv | f32 < NUMBERS\n");
    return 2;
}
