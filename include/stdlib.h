/* SPDX-License-Identifier: MIT */
/* <stdlib.h>: the subset epunk provides (numbers from strings so far). */
#ifndef EPUNK_STDLIB_H
#define EPUNK_STDLIB_H

#include <stddef.h>

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);
int abs(int v);
long labs(long v);

#endif
