/* Whole-file reading and atomic writing for the host tools: inputs are refused unless they are regular
 * files (without blocking on a FIFO); outputs are staged in private temporary files that a signal
 * handler removes if the process is ended before they are committed. */
#define _XOPEN_SOURCE 700 /* realpath(), fsync(), S_ISSOCK() */
#include "anne_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* "a FIFO": what a file that is not a regular file is, for messages. */
static const char *anne__kind(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

int anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err) {
    struct stat st;
    unsigned char *buf;
    size_t n = 0, want;
    int fd, flags, e;
    *data = NULL;
    *size = 0;
    /* O_NONBLOCK: opening a FIFO would wait for a writer (forever); nothing is read before fstat()
     * has said that this is a regular file, and then reads block as usual */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return anne_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        e = errno;
        close(fd);
        return anne_error_set(err, "%s: cannot open: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return anne_error_set(err, "%s: is %s, expected a regular file", path, anne__kind(st.st_mode));
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        e = errno;
        close(fd);
        return anne_error_set(err, "%s: cannot read: %s", path, strerror(e));
    }
    if ((unsigned long long)st.st_size > ANNE_FILE_MAX_BYTES) {
        close(fd);
        return anne_error_set(err, "%s: file too large (%lld bytes, at most %zu)", path, (long long)st.st_size,
                              (size_t)ANNE_FILE_MAX_BYTES);
    }
    want = (size_t)st.st_size;
    buf = malloc(want + 1u); /* malloc is aligned for any type */
    if (buf == NULL) {
        close(fd);
        return anne_error_set(err, "%s: out of memory", path);
    }
    while (n < want) {
        ssize_t got = read(fd, buf + n, want - n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break; /* an error, or the file shrank while it was read */
        n += (size_t)got;
    }
    e = errno;
    close(fd);
    if (n != want) {
        free(buf);
        return anne_error_set(err, "%s: read error: %s", path, n < want && e != 0 ? strerror(e) : "the file changed");
    }
    buf[n] = 0;
    *data = buf;
    *size = n;
    return 0;
}

int anne_file_read_fd(int fd, const char *name, unsigned char **data, size_t *size, anne_error *err) {
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    *data = NULL;
    *size = 0;
    for (;;) {
        ssize_t got;
        if (n + 1u >= cap) { /* room for one more byte and the NUL */
            size_t grown = cap ? cap * 2u : 65536u;
            unsigned char *g;
            if (cap > ANNE_FILE_MAX_BYTES) {
                free(buf);
                return anne_error_set(err, "%s: too large (more than %zu bytes)", name, (size_t)ANNE_FILE_MAX_BYTES);
            }
            g = realloc(buf, grown + 1u);
            if (g == NULL) {
                free(buf);
                return anne_error_set(err, "%s: out of memory", name);
            }
            buf = g;
            cap = grown;
        }
        got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return anne_error_set(err, "%s: read error: %s", name, strerror(e));
        }
        if (got == 0) break;
        n += (size_t)got;
        if (n > ANNE_FILE_MAX_BYTES) {
            free(buf);
            return anne_error_set(err, "%s: too large (more than %zu bytes)", name, (size_t)ANNE_FILE_MAX_BYTES);
        }
    }
    buf[n] = 0;
    *data = buf;
    *size = n;
    return 0;
}

/* ---- the staged temporary files and the signals that end the process ------------------------------
 * A fixed list of the paths of staged temporary files (copies, made with the signals blocked before a
 * file is created, so the list always names every one that exists). The handler may only do
 * async-signal-safe things: it unlink()s what the list names and re-raises the signal with its
 * default action. A process forked after staging (the HDF5 reader) inherits the list and the handler,
 * but the files are its parent's: the handler leaves them alone there. */

static char anne__staged[ANNE_FILE_MAX_STAGED][PATH_MAX];
static volatile sig_atomic_t anne__staged_used[ANNE_FILE_MAX_STAGED];
static pid_t anne__owner;       /* the process that staged them */
static int anne__installed;

static const int anne__signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE};
#define ANNE__N_SIGNALS (sizeof anne__signals / sizeof anne__signals[0])

static void anne__on_signal(int sig) {
    sigset_t set;
    size_t i;
    if (getpid() == anne__owner) {
        for (i = 0; i < ANNE_FILE_MAX_STAGED; i++) {
            if (anne__staged_used[i]) (void)unlink(anne__staged[i]);
        }
    }
    (void)signal(sig, SIG_DFL);
    (void)raise(sig);           /* pending while the handler runs: delivered when unblocked */
    (void)sigemptyset(&set);
    (void)sigaddset(&set, sig);
    (void)sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Blocks the handled signals (*old: the mask to restore with anne__unblock()). */
static void anne__block(sigset_t *old) {
    sigset_t set;
    size_t i;
    sigemptyset(&set);
    for (i = 0; i < ANNE__N_SIGNALS; i++) sigaddset(&set, anne__signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void anne__unblock(const sigset_t *old) {
    sigprocmask(SIG_SETMASK, old, NULL);
}

/* Installs the handler for the signals whose action is the default (one ignored, as under nohup, or
 * handled by someone else stays so), and ignores SIGXFSZ: a write past a file-size limit then fails
 * with EFBIG, an error that removes the temporary file, instead of killing the process. */
static void anne__install(void) {
    struct sigaction sa, old;
    size_t i;
    if (anne__installed) return;
    anne__installed = 1;
    anne__owner = getpid();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = anne__on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < ANNE__N_SIGNALS; i++) sigaddset(&sa.sa_mask, anne__signals[i]);
    for (i = 0; i < ANNE__N_SIGNALS; i++) {
        if (sigaction(anne__signals[i], NULL, &old) == 0 && (old.sa_flags & SA_SIGINFO) == 0 &&
            old.sa_handler == SIG_DFL) {
            sigaction(anne__signals[i], &sa, NULL);
        }
    }
    if (sigaction(SIGXFSZ, NULL, &old) == 0 && (old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_DFL) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGXFSZ, &sa, NULL);
    }
}

/* A free entry of the list, or -1 (called with the signals blocked). */
static int anne__free_slot(void) {
    int i;
    for (i = 0; i < ANNE_FILE_MAX_STAGED; i++) {
        if (!anne__staged_used[i]) return i;
    }
    return -1;
}

/* ---- writing ------------------------------------------------------------------------------------ */

/* write() until done (EINTR retried); -1 with errno. */
static int anne__write_fd(int fd, const void *data, size_t size) {
    const unsigned char *p = data;
    while (size > 0) {
        ssize_t w = write(fd, p, size < ((size_t)1 << 30) ? size : ((size_t)1 << 30));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            return -1;
        }
        p += w;
        size -= (size_t)w;
    }
    return 0;
}

static int anne__write_error(anne_error *err, const char *path, int e) {
    return anne_error_set(err, "%s: write failed: %s%s", path, strerror(e),
                          e == EFBIG ? " (the file-size limit, ulimit -f)" : "");
}

/* Writes straight to a path that is not a regular file (/dev/null, /dev/stdout, a FIFO): such a
 * target cannot be replaced by a rename, and must not be (renaming over /dev/null as root would put
 * a regular file in its place). Never creates the path, and refuses it if it has become a regular
 * file since it was staged (writing into it in place could leave it half-written). */
static int anne__write_direct(const char *path, const void *data, size_t size, anne_error *err) {
    struct stat sb;
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC), e;
    if (fd < 0) return anne_error_set(err, "%s: cannot open for writing: %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0 || S_ISREG(sb.st_mode)) {
        close(fd);
        return anne_error_set(err, "%s: changed into a regular file while it was being written: not written", path);
    }
    if (anne__write_fd(fd, data, size) != 0) {
        e = errno;
        close(fd);
        return anne__write_error(err, path, e);
    }
    if (close(fd) != 0) return anne__write_error(err, path, errno);
    return 0;
}

/* The mode fopen() gives a new file: 0666 less the umask. */
static mode_t anne__new_file_mode(void) {
    mode_t mask = umask(077);
    umask(mask);
    return (mode_t)(0666 & ~mask);
}

/* Random letters and digits for temporary names (not for secrecy: O_EXCL makes the name safe; the
 * randomness only makes a name someone planted unlikely to be met). */
static uint64_t anne__random(void) {
    static uint64_t state;
    struct timespec ts;
    uint64_t z;
    if (state == 0) {
        clock_gettime(CLOCK_REALTIME, &ts);
        state = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
                (uint64_t)(uintptr_t)&ts;
    }
    state += 0x9E3779B97F4A7C15u; /* splitmix64 */
    z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Creates the temporary file ".BASE.tmpXXXXXX" beside st->path with O_CREAT|O_EXCL (it never follows
 * a symbolic link or opens anything that was there), mode 0600 until it is committed, and enters it in
 * the list of staged files before any signal can come. *fd: open for writing. */
static int anne__create_tmp(anne_file_stage *st, int *fd, anne_error *err) {
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const char *slash = strrchr(st->path, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - st->path) + 1u : 0u;
    size_t base_len = strlen(st->path + dir_len), len;
    int attempt, slot, e = EEXIST;
    sigset_t old;
    if (base_len > NAME_MAX - 11u) base_len = NAME_MAX - 11u; /* "." BASE ".tmp" XXXXXX fits a name */
    len = dir_len + 1u + base_len + 10u;
    if (len >= PATH_MAX) return anne_error_set(err, "%s: cannot create: %s", st->path, strerror(ENAMETOOLONG));
    st->tmp = malloc(len + 1u);
    if (st->tmp == NULL) return anne_error_set(err, "%s: out of memory", st->path);
    memcpy(st->tmp, st->path, dir_len);
    st->tmp[dir_len] = '.';
    memcpy(st->tmp + dir_len + 1u, st->path + dir_len, base_len);
    memcpy(st->tmp + dir_len + 1u + base_len, ".tmp", 4);
    st->tmp[len] = '\0';
    for (attempt = 0; attempt < 100 && e == EEXIST; attempt++) {
        uint64_t r = anne__random();
        size_t k;
        for (k = 0; k < 6; k++, r /= 62u) st->tmp[len - 6u + k] = letters[r % 62u];
        anne__block(&old);
        slot = anne__free_slot();
        if (slot < 0) {
            anne__unblock(&old);
            free(st->tmp);
            st->tmp = NULL;
            return anne_error_set(err, "%s: more than %d outputs at once", st->path, ANNE_FILE_MAX_STAGED);
        }
        anne__install();
        *fd = open(st->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
        e = errno;
        if (*fd >= 0) {
            memcpy(anne__staged[slot], st->tmp, len + 1u);
            anne__staged_used[slot] = 1;
            st->slot = slot;
            anne__unblock(&old);
            return 0;
        }
        anne__unblock(&old);
    }
    free(st->tmp);
    st->tmp = NULL;
    return anne_error_set(err, "%s: cannot create: %s", st->path, strerror(e));
}

/* Removes the staged temporary file (if any) and its entry in the list. */
static void anne__drop_tmp(anne_file_stage *st) {
    sigset_t old;
    if (st->fd >= 0) close(st->fd);
    st->fd = -1;
    if (st->tmp == NULL) return;
    anne__block(&old);
    (void)unlink(st->tmp);
    if (st->slot >= 0) anne__staged_used[st->slot] = 0;
    anne__unblock(&old);
}

/* Writes the temporary file beside st->path, complete and flushed to the disk; it stays open, private,
 * until the commit gives it its final mode. */
static int anne__write_tmp(anne_file_stage *st, const void *data, size_t size, anne_error *err) {
    int e = 0;
    if (anne__create_tmp(st, &st->fd, err) != 0) return -1;
    if (anne__write_fd(st->fd, data, size) != 0) e = errno;
    if (e == 0 && fsync(st->fd) != 0 && errno != EINVAL && errno != EROFS) e = errno;
    if (e != 0) {
        anne__write_error(err, st->path, e);
        return -1; /* the caller aborts: the temporary file is removed */
    }
    return 0;
}

/* Gives a staged temporary file its final mode and closes it: an existing file's permissions, or for a
 * new one what fopen() would have given it (a file system without modes, such as FAT, may refuse that:
 * then the new file's mode is its business). */
static int anne__finish_tmp(anne_file_stage *st, anne_error *err) {
    int e = 0;
    if (fchmod(st->fd, st->keep_mode ? st->mode : anne__new_file_mode()) != 0 && st->keep_mode) e = errno;
    if (close(st->fd) != 0 && e == 0) e = errno;
    st->fd = -1;
    return e != 0 ? anne__write_error(err, st->path, e) : 0;
}

static char *anne__strdup(const char *s) {
    size_t n = strlen(s) + 1u;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

int anne_file_stage_write(anne_file_stage *st, const char *path, const void *data, size_t size, anne_error *err) {
    struct stat sb;
    memset(st, 0, sizeof *st);
    st->slot = -1;
    st->fd = -1;
    if (lstat(path, &sb) != 0) {
        if (errno != ENOENT) return anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
        st->path = anne__strdup(path);
    } else if (S_ISLNK(sb.st_mode)) {
        /* a symlink: replace what it points to, and keep the link */
        st->path = realpath(path, NULL);
        if (st->path == NULL) {
            return anne_error_set(err, "%s: a symbolic link whose target cannot be resolved: %s", path,
                                  strerror(errno));
        }
        if (stat(st->path, &sb) != 0) {
            anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
            anne_file_abort(st);
            return -1;
        }
        st->exists = 1;
    } else {
        st->exists = 1;
        st->path = anne__strdup(path);
    }
    if (st->path == NULL) return anne_error_set(err, "%s: out of memory", path);
    if (st->exists) {
        st->dev = sb.st_dev;
        st->ino = sb.st_ino;
    }
    if (st->exists && S_ISDIR(sb.st_mode)) {
        anne_error_set(err, "%s: is a directory", path);
        anne_file_abort(st);
        return -1;
    }
    if (st->exists && !S_ISREG(sb.st_mode)) { /* a device or FIFO: written at commit, if it can be */
        if (access(st->path, W_OK) != 0) {
            anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
            anne_file_abort(st);
            return -1;
        }
        st->data = data;
        st->size = size;
        return 0;
    }
    st->mode = sb.st_mode & 07777;
    st->keep_mode = st->exists;
    if (anne__write_tmp(st, data, size, err) != 0) {
        anne_file_abort(st);
        return -1;
    }
    return 0;
}

void anne_file_abort(anne_file_stage *st) {
    anne__drop_tmp(st);
    free(st->tmp);
    free(st->path);
    memset(st, 0, sizeof *st);
    st->slot = -1;
    st->fd = -1;
}

int anne_file_commit_all(anne_file_stage *stages, size_t n, anne_error *err) {
    sigset_t old;
    size_t i;
    int rc = 0;
    /* devices and FIFOs first: writing them cannot be undone and may still fail (a reader gone), and
     * may wait (a FIFO without a reader) with the signals free to end the process: the temporary
     * files are then removed and no output has been replaced */
    for (i = 0; i < n && rc == 0; i++) {
        if (stages[i].path != NULL && stages[i].tmp == NULL) {
            rc = anne__write_direct(stages[i].path, stages[i].data, stages[i].size, err);
        }
    }
    for (i = 0; i < n && rc == 0; i++) {
        if (stages[i].fd >= 0) rc = anne__finish_tmp(&stages[i], err);
    }
    /* then the renames, with the signals held until all are done: together or (on an error) the rest
     * not at all */
    anne__block(&old);
    for (i = 0; i < n && rc == 0; i++) {
        anne_file_stage *st = &stages[i];
        if (st->tmp == NULL) continue;
        if (rename(st->tmp, st->path) != 0) {
            rc = anne_error_set(err, "%s: write failed: %s", st->path, strerror(errno));
            continue; /* removed below */
        }
        if (st->slot >= 0) anne__staged_used[st->slot] = 0;
        free(st->tmp);
        st->tmp = NULL;
    }
    anne__unblock(&old);
    for (i = 0; i < n; i++) anne_file_abort(&stages[i]);
    return rc;
}

int anne_file_commit(anne_file_stage *st, anne_error *err) {
    return anne_file_commit_all(st, 1, err);
}

int anne_file_write_all(const anne_file_output *outputs, size_t n, anne_error *err) {
    anne_file_stage st[ANNE_FILE_MAX_STAGED];
    size_t i, j, staged = 0;
    int rc = 0;
    if (n > ANNE_FILE_MAX_STAGED) return anne_error_set(err, "more than %d outputs at once", ANNE_FILE_MAX_STAGED);
    for (i = 0; i < n && rc == 0; i++) {
        if (anne_file_stage_write(&st[i], outputs[i].path, outputs[i].data, outputs[i].size, err) != 0) {
            rc = -1;
            break;
        }
        staged = i + 1u;
        for (j = 0; j < i && rc == 0; j++) {
            if (strcmp(st[j].path, st[i].path) == 0 ||
                (st[j].exists && st[i].exists && st[j].dev == st[i].dev && st[j].ino == st[i].ino)) {
                rc = anne_error_set(err, "%s and %s are the same file: nothing written", outputs[j].path,
                                    outputs[i].path);
            }
        }
    }
    if (rc != 0) {
        for (i = 0; i < staged; i++) anne_file_abort(&st[i]);
        return -1;
    }
    return anne_file_commit_all(st, n, err);
}

int anne_file_write(const char *path, const void *data, size_t size, anne_error *err) {
    anne_file_output out;
    out.path = path;
    out.data = data;
    out.size = size;
    return anne_file_write_all(&out, 1, err);
}
