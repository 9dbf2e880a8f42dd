/* SPDX-License-Identifier: MIT */
/* The undefined-behaviour sanitizer (make DEBUG=1; kernel/ubsan.c holds the handlers). */
#ifndef KERNEL_UBSAN_H
#define KERNEL_UBSAN_H

#include <stdbool.h>

/* CONFIG_UBSAN is defined by make DEBUG=1, whose objects carry -fsanitize=undefined. */
#ifdef CONFIG_UBSAN
static inline bool ubsan_enabled(void) { return true; }
#else
static inline bool ubsan_enabled(void) { return false; }
#endif

#endif
