// SPDX-License-Identifier: MIT
/* Deliberate crashes, each run alone (ktest=crash.NAME) by tests/run.sh, which expects the
 * report (exception, symbolized RIP, backtrace) and the panic exit status. */
#include <kernel/ktest.h>
#include <kernel/printk.h>

/* noinline, and a barrier after each call so it is not a tail call: the backtrace should name
 * both crash_write and the test case. */
static __attribute__((noinline)) void crash_write(volatile uint64_t *p)
{
	*p = 0x1234;
}
#define crash_write(p) do { crash_write(p); barrier(); } while (0)

KTEST_EXPLICIT(crash, null_deref)
{
	crash_write((volatile uint64_t *)0);
}

KTEST_EXPLICIT(crash, gp_noncanonical)
{
	crash_write((volatile uint64_t *)0x8000000000000000ULL);
}

KTEST_EXPLICIT(crash, panic)
{
	panic("deliberate panic from ktest (value %d)", 42);
}

KTEST_EXPLICIT(crash, write_text)
{
	crash_write((volatile uint64_t *)(uintptr_t)&(crash_write));
}

static uint8_t data_code[16] = { 0xc3 };	/* ret, in a writable, non-executable page */

KTEST_EXPLICIT(crash, exec_data)
{
	((void (*)(void))(uintptr_t)data_code)();
	barrier();
}
