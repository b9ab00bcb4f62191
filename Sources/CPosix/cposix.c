// renameat2(2) is declared by glibc only under _GNU_SOURCE, which Swift's Glibc module does not
// import; this shim calls it through the system call so it works with any glibc.
#define _GNU_SOURCE
#include "cposix.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int rename2(const char *from, const char *to, unsigned int flags) {
#ifdef SYS_renameat2
  return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#else
  errno = ENOSYS;
  return -1;
#endif
}

int tokenplan_rename_exchange(const char *from, const char *to) { return rename2(from, to, RENAME_EXCHANGE); }

int tokenplan_rename_noreplace(const char *from, const char *to) { return rename2(from, to, RENAME_NOREPLACE); }
