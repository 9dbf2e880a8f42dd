/* SPDX-License-Identifier: MIT */
/* <sys/mman.h>: the memory-mapping constants (Linux's). */
#ifndef EPUNK_SYS_MMAN_H
#define EPUNK_SYS_MMAN_H

#include <uapi/mman.h>

#endif
