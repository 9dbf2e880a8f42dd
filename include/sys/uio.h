/* SPDX-License-Identifier: MIT */
/* <sys/uio.h>: struct iovec, readv() and writev() (at most IOV_MAX vectors). */
#ifndef EPUNK_SYS_UIO_H
#define EPUNK_SYS_UIO_H

#include <sys/types.h>
#include <uapi/uio.h>

ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);

#endif
