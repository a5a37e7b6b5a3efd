/* An injected disk fault for tests: while the file named by $TOHYO_FAILSYNC_FLAG exists,
 * fsync(2) and fdatasync(2) of any file whose name ends in $TOHYO_FAILSYNC_SUFFIX (default
 * "-wal") fail with EIO after doing nothing. SQLite has then written the commit's frames
 * with write(2) but hears that they may not be on the disk: the fault that made a refused
 * vote count after a crash (issue 12). Loaded with LD_PRELOAD into a real server. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int should_fail(int fd) {
    const char *flag = getenv("TOHYO_FAILSYNC_FLAG");
    const char *suffix = getenv("TOHYO_FAILSYNC_SUFFIX");
    struct stat st;
    char link[64], target[4096];
    size_t want;
    ssize_t n;
    if (flag == NULL || stat(flag, &st) != 0) return 0;
    if (suffix == NULL) suffix = "-wal";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = '\0';
    want = strlen(suffix);
    return (size_t)n >= want && strcmp(target + n - want, suffix) == 0;
}

int fdatasync(int fd) {
    static int (*real)(int) = NULL;
    if (should_fail(fd)) { errno = EIO; return -1; }
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    return real(fd);
}

int fsync(int fd) {
    static int (*real)(int) = NULL;
    if (should_fail(fd)) { errno = EIO; return -1; }
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    return real(fd);
}
