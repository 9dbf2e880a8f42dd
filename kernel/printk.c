// SPDX-License-Identifier: MIT
/* printk and the fatal paths. Output goes to the console (kernel/console.c), which stops taking
 * its lock once a panic is under way, so the report always gets out. */
#include <arch/cpu.h>
#include <kernel/console.h>
#include <kernel/printk.h>

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	console_write(buf, len);
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

void oops_begin(void)
{
	arch_irq_disable();
	if (!console_unlock_for_panic()) {
		static const char msg[] = "\nFault while reporting a fault: giving up\n";
		console_write(msg, sizeof(msg) - 1);
		arch_exit(EXIT_PANIC);
	}
}

static NORETURN void panic_finish(const char *fmt, va_list ap, bool backtrace)
{
	printk("\nKernel panic: ");
	vprintk(fmt, ap);
	printk("\n");
	if (backtrace)
		arch_backtrace(0, arch_frame_address());
	printk("epunk: halted after panic (exit status %d)\n", EXIT_PANIC);
	arch_exit(EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	oops_begin();
	va_start(ap, fmt);
	panic_finish(fmt, ap, true);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	panic_finish(fmt, ap, false);
}
