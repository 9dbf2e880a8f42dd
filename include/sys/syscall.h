/* SPDX-License-Identifier: MIT */
/* <sys/syscall.h>: the SYS_* numbers for syscall() (Linux x86-64 numbering). */
#ifndef EPUNK_SYS_SYSCALL_H
#define EPUNK_SYS_SYSCALL_H

#include <uapi/unistd.h>

#endif
