/* SPDX-License-Identifier: MIT */
/* Kernel console output, formatted printing, and the fatal paths (panic, BUG_ON). */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <kernel/compiler.h>
#include <stdarg.h>

/**
 * kvsnprintf - format into @buf like C's vsnprintf.
 * Supports %d %i %u %x %X %o %p %s %c %% with the flags '-' '0' and a width (number or '*'),
 * the length modifiers hh h l ll z t j, and a precision for %s. Always NUL-terminates when
 * @size > 0. Returns the length the full output would have had.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

/** printk - format and write to the console. Safe from interrupt context. */
int printk(const char *fmt, ...) PRINTF_LIKE(1, 2);
int vprintk(const char *fmt, va_list ap);

/** panic - print the message and a backtrace, then exit QEMU with EXIT_PANIC. */
NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

/**
 * oops_begin - start a fatal report: interrupts off, console lock bypassed from now on.
 * A second fault during the report exits at once.
 */
void oops_begin(void);
/** die - end a fatal report begun with oops_begin: print the message, exit (no backtrace). */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define BUG_ON(cond) do { \
	if (unlikely(cond)) \
		panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
} while (0)

#endif
