// SPDX-License-Identifier: MIT
/* printk and the fatal paths. Output goes to the serial console under a lock that interrupt
 * handlers may also take; once a panic is under way the lock is ignored so the report always
 * gets out, even when the fault happened inside printk. */
#include <arch/cpu.h>
#include <drivers/serial.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

static struct spinlock console_lock = SPINLOCK_INIT;
static int panicking;	/* set once: console_lock no longer taken */

void console_write(const char *s, size_t len)
{
	if (READ_ONCE(panicking)) {
		serial_write(s, len);
		return;
	}
	/* One lock for printk and the console file: lines never interleave mid-line. */
	unsigned long flags = spin_lock_irqsave(&console_lock);
	serial_write(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

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
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		static const char msg[] = "\nFault while reporting a fault: giving up\n";
		serial_write(msg, sizeof(msg) - 1);
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
