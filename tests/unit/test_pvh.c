// SPDX-License-Identifier: MIT
/* The PVH start_info parser on fabricated blocks: accepted, rejected with a reason, copied out. */
#include <arch/memory.h>
#include <arch/boot.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <string.h>

struct fake_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct fake_memmap {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static struct fake_memmap map[] = {
	{ 0x100000, 0x7f00000, 1, 0 },	/* out of order on purpose */
	{ 0, 0x9fc00, 1, 0 },
	{ 0x9fc00, 0x400, 2, 0 },
	{ 0xfeffc000, 0x4000, 2, 0 },
	{ 0x5000000, 0, 1, 0 },		/* empty: dropped */
};

static struct boot_info bi;	/* large: keep it off the stack */

static void fill(struct fake_start_info *si, const char *cmdline)
{
	memset(si, 0, sizeof(*si));
	si->magic = 0x336ec578;
	si->version = 1;
	si->cmdline_paddr = virt_to_phys(cmdline);
	si->memmap_paddr = virt_to_phys(map);
	si->memmap_entries = 5;
}

KTEST(pvh, parses_map_and_cmdline)
{
	struct fake_start_info si;
	const char *why = NULL;

	fill(&si, "ktest=all quiet");
	ASSERT_EQ(pvh_parse(&si, &bi, &why), 0);
	EXPECT_STREQ(bi.protocol, "PVH");
	EXPECT_STREQ(bi.cmdline, "ktest=all quiet");
	ASSERT_EQ(bi.nr_mem, 4);
	EXPECT_EQ(bi.mem[0].base, 0);
	EXPECT_EQ(bi.mem[1].base, 0x9fc00);
	EXPECT_EQ(bi.mem[2].base, 0x100000);
	EXPECT_EQ(bi.mem[3].type, MEM_RESERVED);
	EXPECT_EQ(bi.ram_bytes, 0x9fc00 + 0x7f00000);
}

KTEST(pvh, rejects_unknown_protocols)
{
	struct fake_start_info si;
	const char *why = NULL;

	EXPECT_EQ(pvh_parse(NULL, &bi, &why), -EINVAL);
	EXPECT_TRUE(why && strstr(why, "PVH"));
	fill(&si, "");
	si.magic = 0x2badb002;	/* Multiboot's */
	why = NULL;
	EXPECT_EQ(pvh_parse(&si, &bi, &why), -EINVAL);
	EXPECT_TRUE(why && strstr(why, "unknown boot protocol"));
	fill(&si, "");
	si.version = 0;
	EXPECT_EQ(pvh_parse(&si, &bi, &why), -EINVAL);
	EXPECT_TRUE(why && strstr(why, "memory map"));
}

KTEST(pvh, rejects_overlong_cmdline)
{
	static char longline[BOOT_CMDLINE_MAX + 10];
	struct fake_start_info si;
	const char *why = NULL;

	memset(longline, 'x', sizeof(longline) - 1);
	fill(&si, longline);
	EXPECT_EQ(pvh_parse(&si, &bi, &why), -EINVAL);
	EXPECT_TRUE(why && strstr(why, "longer than"));
}

/* QEMU puts the module list right after the command line: it may be only 4-byte aligned. The
 * entries are read all the same (under UBSan too, which reports a misaligned read). */
KTEST(pvh, reads_a_misaligned_module_list)
{
	struct fake_start_info si;
	const char *why = NULL;
	static uint64_t storage[16];
	char *list = (char *)storage + 4;	/* 4 bytes off an 8-byte boundary */
	const uint64_t entries[2][4] = {
		{ 0x200000, 0x3000, 0, 0 },	/* paddr, size, cmdline_paddr, reserved */
		{ 0x400000, 0x1000, 0, 0 },
	};

	fill(&si, "app=x");
	memcpy(list, entries, sizeof(entries));
	si.nr_modules = 2;
	si.modlist_paddr = virt_to_phys(list);
	ASSERT_EQ(pvh_parse(&si, &bi, &why), 0);
	ASSERT_EQ(bi.nr_modules, 2);
	EXPECT_EQ(bi.modules[0].base, 0x200000);
	EXPECT_EQ(bi.modules[0].size, 0x3000);
	EXPECT_EQ(bi.modules[1].base, 0x400000);
	EXPECT_EQ(bi.modules[1].size, 0x1000);
}
