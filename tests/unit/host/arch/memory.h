/* SPDX-License-Identifier: MIT */
/* Host stand-in for arch/memory.h: the host process's addresses are the "physical" ones. */
#ifndef ARCH_MEMORY_H
#define ARCH_MEMORY_H

#include <stdint.h>

#define USER_TOP	0x00007ffffffff000	/* as arch/memory.h: Linux's TASK_SIZE_MAX */

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline uint64_t virt_to_phys(const volatile void *va)
{
	return (uint64_t)(uintptr_t)va;
}

#endif
