// SPDX-License-Identifier: MIT
/* Deliberate crashes, each run alone (ktest=crash.NAME) by tests/run.sh, which expects the
 * report (exception, symbolized RIP, backtrace) and the panic exit status. */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/ubsan.h>

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

/* Stores @n bytes from @p up: out of line, so the compiler cannot see the overrun coming. */
static __attribute__((noinline)) void fill_bytes(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((volatile char *)p)[i] = (char)0xa5;
}

/* A local array makes -fstack-protector-strong guard this frame. The write runs from buf up to
 * the saved frame pointer (exclusive): over the guard copy, sparing the frame chain so the
 * report's backtrace still walks. */
static __attribute__((noipa)) int stack_smash_victim(void)
{
	char buf[16];
	fill_bytes(buf, (size_t)((char *)__builtin_frame_address(0) - buf));
	return buf[0];
}

KTEST_EXPLICIT(crash, stack_smash)
{
	stack_smash_victim();
	barrier();
	ktest_fail(ktest_ctx, __FILE__, __LINE__, "the overwritten guard went unnoticed");
}

static const uint64_t rodata_word = 1;

KTEST_EXPLICIT(crash, write_rodata)
{
	crash_write((volatile uint64_t *)(uintptr_t)&rodata_word);
}

/* A "ret" copied into a stack buffer: the stack is NX. */
KTEST_EXPLICIT(crash, exec_stack)
{
	volatile uint8_t code[16] = { 0xc3 };
	((void (*)(void))(uintptr_t)code)();
	barrier();
}

/* Undefined behaviour the DEBUG=1 kernel's UBSan must report (a plain build runs on, shifts
 * whatever the CPU gives, and fails the case). */
KTEST_EXPLICIT(crash, ubsan_shift)
{
	volatile int amount = 40;
	volatile int r = 1 << amount;
	ktest_fail(ktest_ctx, __FILE__, __LINE__, "1 << 40 gave %d and nothing reported it%s", r,
		   ubsan_enabled() ? "" : " (UBSan is only in make DEBUG=1 builds)");
}
