/* Host timing of batch-1 inference (see anne_timing.h for the method). */
#include "anne_timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

static double anne__now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int anne__cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int anne_time_predict(anne_timing *t, const anne_model *model, const float *x, size_t n_rows, void *arena,
                      size_t arena_size, size_t calls, int repeats) {
    static volatile float sink; /* keeps the outputs alive */
    double *runs;
    float out[64];
    int r;
    if (model->n_outputs > 64 || n_rows == 0 || calls == 0 || repeats < 1) return -1;
    runs = malloc((size_t)repeats * sizeof *runs);
    if (runs == NULL) return -1;
    for (r = -1; r < repeats; r++) { /* r = -1: warm-up */
        size_t i, row = 0;
        float acc = 0.0f;
        double t0 = anne__now_ns();
        for (i = 0; i < calls; i++) {
            if (anne_model_predict(model, out, x + row * model->n_inputs, arena, arena_size) != ANNE_OK) {
                free(runs);
                return -1;
            }
            acc += out[0];
            if (++row == n_rows) row = 0;
        }
        sink = acc;
        (void)sink; /* a volatile read: the compiler must keep the sums */
        if (r >= 0) runs[r] = (anne__now_ns() - t0) / (double)calls;
    }
    qsort(runs, (size_t)repeats, sizeof *runs, anne__cmp_double);
    t->median_ns = runs[repeats / 2];
    t->min_ns = runs[0];
    free(runs);
    return 0;
}

void anne_host_describe(char *buf, size_t cap) {
    char cpu[256] = "unknown CPU", line[512];
    struct utsname u;
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f != NULL && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(cpu, sizeof cpu, "%s", colon + 2);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    }
    if (f != NULL) fclose(f);
    if (uname(&u) == 0) {
        snprintf(buf, cap, "%s, %s %s", cpu, u.sysname, u.machine);
    } else {
        snprintf(buf, cap, "%s", cpu);
    }
}
