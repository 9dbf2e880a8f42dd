// SPDX-License-Identifier: MIT
/* What boot set up: the memory map, the clock, and the page rights of each kernel section. */
#include <arch/cpu.h>
#include <arch/memory.h>
#include <arch/mmu.h>
#include <arch/boot.h>
#include <kernel/ktest.h>
#include <kernel/time.h>
#include <string.h>

extern char __text_start[], __rodata_start[], __data_start[], __bss_start[];
extern char boot_stack[];

KTEST(boot, memory_map)
{
	EXPECT_STREQ(boot_info.protocol, "PVH");
	ASSERT_GE(boot_info.nr_mem, 2);
	EXPECT_GE(boot_info.ram_bytes, 16ULL << 20);
	for (int i = 1; i < boot_info.nr_mem; i++)
		EXPECT_GE(boot_info.mem[i].base, boot_info.mem[i - 1].base + boot_info.mem[i - 1].size);
	EXPECT_TRUE(boot_addr_is_ram(virt_to_phys(__text_start), 4096));
	EXPECT_FALSE(boot_addr_is_ram(0xfee00000, 4));
}

KTEST(boot, clock_is_calibrated)
{
	EXPECT_GE(boot_info.tsc_khz, 100000);		/* 100 MHz */
	EXPECT_LE(boot_info.tsc_khz, 10000000);		/* 10 GHz */
	EXPECT_TRUE(boot_info.tsc_how != NULL);
	uint64_t t0 = ktime_ns();
	EXPECT_GT(t0, 0);
	uint64_t c0 = arch_cycles();
	while (arch_cycles() - c0 < boot_info.tsc_khz)	/* 1 ms of cycles */
		;
	uint64_t dt = ktime_ns() - t0;
	EXPECT_GE(dt, 1000000);
	/* The vCPU can be descheduled on a busy host: a loose ceiling only catches a broken
	 * conversion (a wrong scale would be off by orders of magnitude). */
	EXPECT_LE(dt, 50000000);
}

KTEST(boot, section_rights)
{
	struct page_rights r;

	r = arch_mmu_query(0);
	EXPECT_FALSE(r.present);			/* NULL guard */
	r = arch_mmu_query((uintptr_t)__text_start);
	EXPECT_TRUE(r.present && r.executable && !r.writable);
	r = arch_mmu_query((uintptr_t)__rodata_start);
	EXPECT_TRUE(r.present && !r.executable && !r.writable);
	r = arch_mmu_query((uintptr_t)__data_start);
	EXPECT_TRUE(r.present && !r.executable && r.writable && !r.uncached);
	r = arch_mmu_query((uintptr_t)boot_stack);
	EXPECT_TRUE(r.present && !r.executable && r.writable);
	r = arch_mmu_query((uintptr_t)phys_to_virt(0xfee00000));	/* LAPIC: device memory */
	EXPECT_TRUE(r.present && r.uncached && !r.executable);
	r = arch_mmu_query((uintptr_t)phys_to_virt(32ULL << 20));	/* plain RAM */
	EXPECT_TRUE(r.present && !r.uncached && !r.executable && r.writable);
	/* The image's direct-map alias: never executable, text and rodata never writable. */
	r = arch_mmu_query((uintptr_t)phys_to_virt(virt_to_phys(__text_start)));
	EXPECT_TRUE(r.present && !r.executable && !r.writable);
	r = arch_mmu_query((uintptr_t)phys_to_virt(virt_to_phys(__rodata_start)));
	EXPECT_TRUE(r.present && !r.executable && !r.writable);
	/* User space is empty until an application is loaded; low addresses are not the kernel's. */
	r = arch_mmu_query(1ULL << 20);
	EXPECT_FALSE(r.present);
	r = arch_mmu_query(0x400000);
	EXPECT_FALSE(r.present);
}
