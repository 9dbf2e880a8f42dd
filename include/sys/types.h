/* SPDX-License-Identifier: MIT */
/* <sys/types.h>: the POSIX scalar types epunk's API uses. */
#ifndef EPUNK_SYS_TYPES_H
#define EPUNK_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
typedef unsigned int socklen_t;
typedef long suseconds_t;
typedef unsigned long useconds_t;

#endif
