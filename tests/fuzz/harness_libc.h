/* SPDX-License-Identifier: MIT */
/* The C-library functions the fuzz harnesses call. The harnesses are built against the kernel's
 * headers (-nostdinc: the kernel's ABI types would clash with the C library's), so they declare
 * these few themselves; the C library they are linked with defines them. Messages go through
 * printk (tests/unit/host/host_env.c prints it on stdout). */
#ifndef FUZZ_HARNESS_LIBC_H
#define FUZZ_HARNESS_LIBC_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);
char *getenv(const char *name);
__attribute__((noreturn)) void abort(void);

#endif
