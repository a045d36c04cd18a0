/* What the libFuzzer harnesses of the host tools share (docs/fuzzing.md): files served from memory
 * instead of the disk, fork() turned off, the checks every imported model must pass, and an
 * exclusion filter for known, not yet fixed defects. Linked with -Wl,--wrap=anne_file_read
 * -Wl,--wrap=fork (tests/fuzz/CMakeLists.txt), so the tools' code is fuzzed unchanged. */
#ifndef ANNE_FUZZ_SUPPORT_H
#define ANNE_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "anne_ir.h"

#ifdef __cplusplus
extern "C" {
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The folder the in-memory files live in: a harness names its files under it. An absolute path that
 * does not exist, so that nothing on the disk is ever read in its place. */
#define ANNE_FUZZ_DIR "/anne-fuzz/"

/* In-memory files: anne_file_read(path) of a path added here gets a fresh malloc'd copy of the bytes
 * (exactly size bytes and a NUL, as the real function, so ASan sees a read past the end); any other
 * path fails as a missing file would. realpath() resolves paths under ANNE_FUZZ_DIR among these files
 * (by name: there are no symbolic links in memory), so the tools' own path checks run. A read of a
 * path that climbs out of ANNE_FUZZ_DIR with ".." is a defect of the caller (a model must not read
 * files outside its folder): abort(), unless the environment sets ANNE_FUZZ_ALLOW_ESCAPE=1 (then it is
 * a missing file). Paths are compared once "." and ".." are applied. Data is borrowed, not copied. */
void anne_fuzz_vfs_reset(void);
void anne_fuzz_vfs_add(const char *path, const void *data, size_t size);

/* 1 when the input contains one of the comma-separated strings of ANNE_FUZZ_EXCLUDE (e.g.
 * "PReLU,prelu"): the harness then returns -1 at once, so a campaign goes on past a known defect
 * whose fix has not landed, and libFuzzer keeps no such input in its corpus. */
int anne_fuzz_excluded(const uint8_t *data, size_t size);

/* What any model an importer accepted must allow: ANNE JSON written from it reads back to the same
 * model, bit for bit (the HDF5 importers hand their result over this way; checked for models of up to
 * 2048 kernel values, as the shortest-digits printing is slow); when it serializes, the loader accepts
 * the bytes and prediction in exactly anne_model_arena_size() returns OK. abort()s otherwise, so
 * libFuzzer reports the input. */
void anne_fuzz_check_ir(const anne_ir *ir);

/* The loaded-model checks of fuzz_model_load.c: every layer decodes, class names are reachable,
 * prediction in exactly the arena size returns OK. */
void anne_fuzz_check_model(const anne_model *m);

/* With ANNE_FUZZ_VERBOSE=1 in the environment, prints what an import said (to see what an input
 * reaches when reproducing it: `ANNE_FUZZ_VERBOSE=1 ./fuzz_tfjs FILE`). */
void anne_fuzz_note(const char *what, int rc, const anne_error *err);

/* Prints why (to stderr) and abort()s. */
void anne_fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif /* ANNE_FUZZ_SUPPORT_H */
