// SPDX-License-Identifier: MIT
/* Architecture bring-up in the order the pieces depend on each other. */
#include <arch/memory.h>
#include <arch/setup.h>
#include <stddef.h>
#include "x86.h"

extern uint64_t boot_tsc;
extern uint64_t boot_info_ptr;

int arch_early_init(struct boot_info *bi, const char **why)
{
	cpu_init();
	idt_init();
	bi->boot_tsc = boot_tsc;
	return pvh_parse(boot_info_ptr ? phys_to_virt(boot_info_ptr) : NULL, bi, why);
}

void arch_init(struct boot_info *bi)
{
	mmu_init();
	bi->tsc_khz = tsc_calibrate(&bi->tsc_how);
	lapic_init();
}
