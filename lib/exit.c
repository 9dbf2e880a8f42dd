// SPDX-License-Identifier: MIT
/* Leaving the program: exit() with atexit handlers, _Exit, abort() and assert's failure path.
 * The program is the whole machine: exit_group ends QEMU with the status. */
#include <assert.h>
#include <kernel/console.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ATEXIT_MAX	32
/* Linux reports an abort as 128 + SIGABRT = 134; the kernel can report 0..126 only. */
#define ABORT_STATUS	126

static struct spinlock atexit_lock = SPINLOCK_INIT;
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;
static int exiting;	/* set by the first exit(): a handler calling exit() does not rerun them */

int atexit(void (*fn)(void))
{
	int ret = -1;
	unsigned long flags = spin_lock_irqsave(&atexit_lock);
	if (atexit_count < ATEXIT_MAX) {
		atexit_fns[atexit_count++] = fn;
		ret = 0;
	}
	spin_unlock_irqrestore(&atexit_lock, flags);
	return ret;
}

void exit(int status)
{
	if (!__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL)) {
		/* Handlers may register more handlers: take them one at a time, newest first. */
		for (;;) {
			unsigned long flags = spin_lock_irqsave(&atexit_lock);
			void (*fn)(void) = atexit_count ? atexit_fns[--atexit_count] : NULL;
			spin_unlock_irqrestore(&atexit_lock, flags);
			if (!fn)
				break;
			fn();
		}
	}
	_exit(status);
}

void _Exit(int status)
{
	_exit(status);
}

/* Straight to the console when fd 2 is not open, so the reason is never lost. */
static void say(const char *msg, size_t len)
{
	if (write(STDERR_FILENO, msg, len) != (ssize_t)len)
		console_write(msg, len);
}

void abort(void)
{
	static const char msg[] = "abort() called\n";
	say(msg, sizeof(msg) - 1);
	_exit(ABORT_STATUS);
}

void epunk_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s:%d: %s: Assertion `%s' failed.\n", file, line, func,
			 expr);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	say(buf, (size_t)n);
	abort();
}
