/* Host-side error reporting: a message with context (file, layer, value, what was expected) that
 * the command prints on stderr. Functions that can fail return -1 and fill an anne_error. */
#ifndef ANNE_ERROR_H
#define ANNE_ERROR_H

#include <stddef.h>

#include "anne.h"

typedef struct anne_error {
    char msg[1024];
} anne_error;

/* Formats the message (printf style) into err when err is not NULL. Always returns -1. */
int anne_error_set(anne_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Puts "prefix: " in front of the message already in err (e.g. the file name). Returns -1. */
int anne_error_prefix(anne_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* ANNE_ERROR_H */
