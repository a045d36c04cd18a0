/* What `anne plot` and `anne draw` share: their arguments (one input, -o OUT.svg, --title TEXT) and
 * the end of a run (the picture saved atomically, or the error printed). */
#ifndef ANNE_PICTURE_CLI_H
#define ANNE_PICTURE_CLI_H

#include <stdio.h>

#include "anne_error.h"
#include "anne_svg.h"

typedef struct anne_picture_args {
    const char *in;             /* HISTORY.csv or MODEL */
    const char *out;            /* -o */
    const char *title;          /* --title, or NULL */
} anne_picture_args;

/* Parses argv (argv[0] is cmd). Returns -1 to go on, else the exit code: 0 after --help, 2 after a
 * usage error (also for a missing input, named `what`, or a missing -o). */
int anne_picture_args_parse(anne_picture_args *a, const char *cmd, const char *usage, void (*help)(FILE *out),
                            const char *what, int argc, char **argv);

/* The file name of a path (what follows its last '/'), the default title. */
const char *anne_picture_basename(const char *path);

/* Ends a run: when rc is 0, saves svg to a->out atomically; frees svg. Returns the exit code (0, or 1
 * with "anne <cmd>: <message>" on stderr). */
int anne_picture_finish(anne_svg *svg, int rc, const char *cmd, const anne_picture_args *a, anne_error *err);

#endif /* ANNE_PICTURE_CLI_H */
