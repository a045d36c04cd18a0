/* The arguments and the saving step of `anne plot` and `anne draw` (anne_picture_cli.h). */
#include "anne_picture_cli.h"

#include <string.h>

#include "anne_cli.h"

int anne_picture_args_parse(anne_picture_args *a, const char *cmd, const char *usage, void (*help)(FILE *out),
                            const char *what, int argc, char **argv) {
    const anne_cli_opt opts[] = {
        {"-o", "--output", NULL, 0, &a->out, NULL, NULL, "-o needs a file name"},
        {"--title", NULL, NULL, 0, &a->title, NULL, NULL, "--title needs a text"},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {cmd, usage, help, opts, &a->in, 1, "too many arguments ('%s')"};
    int n_pos, rc;
    memset(a, 0, sizeof *a);
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (a->in == NULL) return anne_cli_spec_error(&spec, "expected %s", what);
    if (a->out == NULL) return anne_cli_spec_error(&spec, "needs -o OUT.svg");
    return -1;
}

const char *anne_picture_basename(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

int anne_picture_finish(anne_svg *svg, int rc, const char *cmd, const anne_picture_args *a, anne_error *err) {
    if (rc == 0) rc = anne_svg_save(svg, a->out, err);
    anne_svg_free(svg);
    return rc == 0 ? 0 : anne_cli_fail(cmd, err->msg);
}
