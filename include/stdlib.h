/* SPDX-License-Identifier: MIT */
/* <stdlib.h>: numbers from strings, memory, and leaving the program. The kernel uses the first
 * part too; the rest is lib/'s. */
#ifndef EPUNK_STDLIB_H
#define EPUNK_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1

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
void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

/**
 * exit - run the atexit handlers (last registered first), then leave the machine the way
 * returning @status from main() does: QEMU exits with @status & 0xff, and a value above 126 (the
 * most its exit code carries) is reported as 126 with a line saying so. Beware that 100, 124 and
 * 125 are also what a kernel panic, a timeout and a QEMU failure report.
 */
__attribute__((noreturn)) void exit(int status);
/** _Exit - the same without the atexit handlers. */
__attribute__((noreturn)) void _Exit(int status);
/** abort - print "abort() called" on stderr and exit with status 126 (Linux's 134 is out of
 * the kernel's range), without the atexit handlers. */
__attribute__((noreturn)) void abort(void);
/** atexit - register @fn for exit(); at most 32 handlers (then -1). */
int atexit(void (*fn)(void));

#endif
