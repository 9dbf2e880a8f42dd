// SPDX-License-Identifier: MIT
/* The host unit-test binary: kernel code built as a process, with printk on stdout.
 * usage: unittest [all | SUITE | SUITE.CASE[,...]] */
#include <kernel/boot.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct boot_info boot_info;

/* The RAM the page allocator manages on the host (a global: it stays reachable for LeakSanitizer). */
#define HOST_ARENA_SIZE	(64UL << 20)
static void *host_arena;

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

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	time_init(1000000, 0);
	host_arena = aligned_alloc(PAGE_SIZE, HOST_ARENA_SIZE);
	if (!host_arena || page_range_add((uintptr_t)host_arena, HOST_ARENA_SIZE)) {
		fprintf(stderr, "unittest: cannot set up the %lu MiB page arena\n", HOST_ARENA_SIZE >> 20);
		return 1;
	}
	kmalloc_init();
	int failed = ktest_run(argc > 1 ? argv[1] : "all");
	return failed ? 1 : 0;
}
