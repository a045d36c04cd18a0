/* Host-side error messages with context. */
#include "anne_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int anne_error_set(anne_error *err, const char *fmt, ...) {
    va_list ap;
    if (err == NULL) return -1;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int anne_error_prefix(anne_error *err, const char *fmt, ...) {
    char prefix[512];
    size_t plen, mlen;
    va_list ap;
    if (err == NULL) return -1;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix - 2u, fmt, ap);
    va_end(ap);
    strcat(prefix, ": ");
    plen = strlen(prefix);
    mlen = strlen(err->msg);
    if (plen + mlen >= sizeof err->msg) mlen = sizeof err->msg - plen - 1u; /* keep the end cut, not the context */
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
    return -1;
}
