/* SPDX-License-Identifier: MIT */
/* Bringing the CPU up: what kmain asks of the architecture, in order. */
#ifndef ARCH_SETUP_H
#define ARCH_SETUP_H

#include <arch/boot.h>

/**
 * arch_early_init - parse the boot protocol into @bi and install the descriptor tables.
 * Returns 0, or a negative errno with *@why naming the problem (the console works either way).
 */
int arch_early_init(struct boot_info *bi, const char **why);
/** arch_init - paging, clock calibration (fills bi->tsc_khz/tsc_how), LAPIC and its timer. */
void arch_init(struct boot_info *bi);

#endif
