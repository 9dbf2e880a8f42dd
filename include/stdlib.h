/* SPDX-License-Identifier: MIT */
/* <stdlib.h>: the kernel's number parsing (kernel/stdlib.c). */
#ifndef EPUNK_STDLIB_H
#define EPUNK_STDLIB_H

#include <stddef.h>

/* C's strto* rules, saturating on overflow; they do not set errno (see kernel/stdlib.c). */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);
int abs(int v);
long labs(long v);

/*
 * The kernel's kmalloc underneath: every block is 16-byte aligned, at most 4 MiB
 * (KMALLOC_MAX_SIZE); larger requests and exhaustion give NULL with errno ENOMEM. malloc(0) and
 * realloc(p, 0) return a unique minimal block (never NULL unless memory is short). free() of a
 * pointer malloc did not return, or a double free, stops the kernel with a report.
 */
#endif
