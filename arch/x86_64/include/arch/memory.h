/* SPDX-License-Identifier: MIT */
/* The virtual address space: user space below USER_TOP (empty until an application is loaded),
 * every physical address below DIRECT_LIMIT at DIRECT_BASE + address (the direct map: page
 * allocator memory, device registers, boot data), and the kernel image at KERNEL_BASE + its
 * physical address. linker.ld and boot.S use KERNEL_BASE too. */
#ifndef ARCH_MEMORY_H
#define ARCH_MEMORY_H

#define USER_TOP	0x00007ffffffff000	/* first address above user space */
#define DIRECT_BASE	0xffff888000000000	/* the direct map of physical memory */
#define DIRECT_LIMIT	0x0000000100000000	/* physical addresses mapped at boot: the low 4 GiB */
#define KERNEL_BASE	0xffffffff80000000	/* the image: virtual = physical + KERNEL_BASE */

#ifndef __ASSEMBLY__
#include <stdint.h>

/** phys_to_virt - the direct-map address of physical address @pa. */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_BASE);
}

/** virt_to_phys - the physical address behind a direct-map or kernel-image address. */
static inline uint64_t virt_to_phys(const volatile void *va)
{
	uintptr_t v = (uintptr_t)va;
	return v >= KERNEL_BASE ? v - KERNEL_BASE : v - DIRECT_BASE;
}
#endif

#endif
