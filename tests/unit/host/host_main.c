// SPDX-License-Identifier: MIT
/* The host unit-test binary: kernel code built as a process, with printk on stdout.
 * usage: unittest [all | SUITE | SUITE.CASE[,...]] */
#include <kernel/boot.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct boot_info boot_info;

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
	int failed = ktest_run(argc > 1 ? argv[1] : "all");
	return failed ? 1 : 0;
}
