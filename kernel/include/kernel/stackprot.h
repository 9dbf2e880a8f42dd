/* SPDX-License-Identifier: MIT */
/* The stack protector (kernel/stackprot.c): the compiler's guard and its set-up. */
#ifndef KERNEL_STACKPROT_H
#define KERNEL_STACKPROT_H

#include <stdint.h>

extern uint64_t __stack_chk_guard;

/** stackprot_init - draw the guard (arch_boot_random). boot.S calls it before kmain. */
void stackprot_init(void);
/** stackprot_source - where the guard came from ("RDRAND", "TSC mixing"). */
const char *stackprot_source(void);
/* The compiler's failure hook: panics naming the function whose stack was smashed. */
__attribute__((noreturn)) void __stack_chk_fail(void);

#endif
