/* SPDX-License-Identifier: MIT */
/* <fcntl.h>: O_* flags, F_* commands, FD_CLOEXEC (Linux's values) and fcntl(). There is no
 * file system, hence no open(). */
#ifndef EPUNK_FCNTL_H
#define EPUNK_FCNTL_H

#include <sys/types.h>
#include <uapi/fcntl.h>

/** fcntl - F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL; -1 and errno on failure. */
int fcntl(int fd, int cmd, ...);

#endif
