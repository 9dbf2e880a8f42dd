// SPDX-License-Identifier: MIT
/* The stack protector's guard and its failure path. The kernel is built with
 * -fstack-protector-strong -mstack-protector-guard=global: a protected function stores
 * __stack_chk_guard below its return address on entry and calls __stack_chk_fail when the copy
 * differs on return. boot.S calls stackprot_init before kmain, so every protected frame but
 * none that are live sees one guard value; the functions here run outside that rule and are
 * built without the protector. */
#include <arch/cpu.h>
#include <kernel/compiler.h>
#include <kernel/ksym.h>
#include <kernel/printk.h>
#include <kernel/stackprot.h>

/* Non-zero from the start so a frame entered before stackprot_init still checks a value; its
 * low byte is zero, so a string overrun (strcpy) stops at the guard and reads cannot leak it. */
uint64_t __stack_chk_guard = 0x595e9fbd94fda700ULL;

static const char *guard_source = "built-in constant";

__attribute__((no_stack_protector)) void stackprot_init(void)
{
	__stack_chk_guard = arch_boot_random(&guard_source) & ~0xffULL;
}

const char *stackprot_source(void)
{
	return guard_source;
}

/* Called from the epilogue of the function whose guard copy was overwritten: the return address
 * lies inside it, so it can be named. Its own frame holds no buffer to check. */
__attribute__((noreturn, no_stack_protector)) void __stack_chk_fail(void)
{
	char sym[96];

	ksym_format((uint64_t)(uintptr_t)__builtin_return_address(0) - 1, sym, sizeof(sym));
	panic("stack protector: the stack of %s was overwritten past a local buffer "
	      "(guard changed before return)", sym);
}
