/*
 * A crash injected from outside the runner, for CrashIsolationIT: LD_PRELOADed, it wraps open()
 * and, when libvips or GLib (not the JVM) opens a file whose name says so, brings the process down:
 *   poison-segv  writes through a NULL pointer (SIGSEGV; the JVM reports it and aborts)
 *   poison-abort abort() (SIGABRT)
 *   poison-kill  SIGKILL, as the kernel's OOM killer sends
 *   poison-once  SIGSEGV the first time only (it leaves NAME.crashed beside the file)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int from_libvips(void *caller) {
  Dl_info info;
  if (!dladdr(caller, &info) || !info.dli_fname) {
    return 0;
  }
  return strstr(info.dli_fname, "vips") != NULL || strstr(info.dli_fname, "glib") != NULL;
}

static void maybe_crash(const char *path, void *caller) {
  if (path == NULL || strstr(path, "poison-") == NULL || strstr(path, ".crashed") != NULL
      || !from_libvips(caller)) {
    return;
  }
  if (strstr(path, "poison-once") != NULL) {
    char sentinel[4096];
    snprintf(sentinel, sizeof sentinel, "%s.crashed", path);
    struct stat st;
    if (stat(sentinel, &st) == 0) {
      return;
    }
    int fd = ((int (*)(const char *, int, ...)) dlsym(RTLD_NEXT, "open"))(
        sentinel, O_CREAT | O_WRONLY, 0644);
    if (fd >= 0) {
      close(fd);
    }
    *(volatile int *) 0 = 0;
  }
  if (strstr(path, "poison-segv") != NULL) {
    *(volatile int *) 0 = 0;
  }
  if (strstr(path, "poison-abort") != NULL) {
    abort();
  }
  if (strstr(path, "poison-kill") != NULL) {
    kill(getpid(), SIGKILL);
  }
}

#define WRAP_OPEN(name)                                                                  \
  int name(const char *path, int flags, ...) {                                           \
    maybe_crash(path, __builtin_return_address(0));                                      \
    mode_t mode = 0;                                                                     \
    if (flags & (O_CREAT | O_TMPFILE)) {                                                 \
      va_list args;                                                                      \
      va_start(args, flags);                                                             \
      mode = va_arg(args, mode_t);                                                       \
      va_end(args);                                                                      \
    }                                                                                    \
    return ((int (*)(const char *, int, ...)) dlsym(RTLD_NEXT, #name))(path, flags, mode); \
  }

#define WRAP_OPENAT(name)                                                                \
  int name(int dir, const char *path, int flags, ...) {                                  \
    maybe_crash(path, __builtin_return_address(0));                                      \
    mode_t mode = 0;                                                                     \
    if (flags & (O_CREAT | O_TMPFILE)) {                                                 \
      va_list args;                                                                      \
      va_start(args, flags);                                                             \
      mode = va_arg(args, mode_t);                                                       \
      va_end(args);                                                                      \
    }                                                                                    \
    return ((int (*)(int, const char *, int, ...)) dlsym(RTLD_NEXT, #name))(dir, path, flags, mode); \
  }

WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)
