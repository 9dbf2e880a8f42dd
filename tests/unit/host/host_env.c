// SPDX-License-Identifier: MIT
/* The kernel's environment on the host, shared by the unit-test binary and the fuzz targets:
 * printk on stdout, panic as abort(), a page arena for the page allocator and the slabs. */
#include <arch/boot.h>
#include <kernel/console.h>
#include <kernel/eventpoll.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/rcu.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "host_env.h"

/* The RAM the page allocator manages on the host (a global: it stays reachable for LeakSanitizer). */
static void *host_arena;

#ifndef HOST_FAKE_CLOCK
uint64_t arch_cycles(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
#endif

unsigned long mm_gen = 1;	/* no thread's memo (generation 0) is ever valid here */

bool uaccess_user_mapped(const void *p, size_t len, bool write)
{
	(void)p;
	(void)len;
	(void)write;
	return true;	/* the host process's memory: the copy is what faults */
}

bool uaccess_kernel_ok(const void *p, size_t len)
{
	(void)p;
	(void)len;
	return false;	/* host test buffers lie in the host process's user space */
}

void console_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printk("panic: ");
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	abort();
}

void arch_exit(int status)
{
	fflush(stdout);
	_exit(status);
}

void arch_backtrace(unsigned long rip, unsigned long rbp)
{
	(void)rip;
	(void)rbp;
}

int host_env_init(size_t arena_bytes)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* a panic's message must not die in the buffer */
	time_init(1000000, 0);
	host_arena = aligned_alloc(PAGE_SIZE, arena_bytes);
	if (!host_arena || page_range_add((uintptr_t)host_arena, arena_bytes)) {
		fprintf(stderr, "host: cannot set up the %zu MiB page arena\n", arena_bytes >> 20);
		return -1;
	}
	kmalloc_init();
	rcu_init();
	if (eventpoll_init()) {
		fprintf(stderr, "host: cannot create eventpoll's caches\n");
		return -1;
	}
	return 0;
}
