/* SPDX-License-Identifier: MIT */
/* <fcntl.h>: O_* flags, F_* commands, FD_CLOEXEC (Linux's values), fcntl() and open(). There is
 * no file system: open() knows /dev/null and /dev/zero, and says ENOENT for anything else. */
#ifndef EPUNK_FCNTL_H
#define EPUNK_FCNTL_H

#include <sys/types.h>
#include <uapi/fcntl.h>

/** fcntl - F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL; -1 and errno on failure. */
int fcntl(int fd, int cmd, ...);
/** open/openat - /dev/null or /dev/zero; ENOENT otherwise. The mode argument is ignored. */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
#define AT_FDCWD	(-100)

#endif
