/* SPDX-License-Identifier: MIT */
/* What the boot protocol told us: memory map, command line, and how the clock was found. */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_REGIONS	32
#define BOOT_CMDLINE_MAX	1024
#define BOOT_MAX_MODULES	4

/* Memory region types, as in the E820 map the boot protocol passes on. */
enum mem_type {
	MEM_RAM = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,
	MEM_NVS = 4,
	MEM_UNUSABLE = 5,
};

struct mem_region {
	uint64_t base;		/* physical start */
	uint64_t size;		/* bytes */
	uint32_t type;		/* enum mem_type */
};

/* A file the boot loader put in memory (QEMU -initrd). */
struct boot_module {
	uint64_t base;		/* physical start */
	uint64_t size;		/* bytes */
};

struct boot_info {
	const char *protocol;			/* "PVH" */
	char cmdline[BOOT_CMDLINE_MAX];		/* -append text, NUL-terminated */
	struct mem_region mem[BOOT_MAX_REGIONS];/* sorted by base */
	int nr_mem;
	uint64_t ram_bytes;			/* sum of MEM_RAM sizes */
	uint64_t tsc_khz;			/* TSC frequency */
	const char *tsc_how;			/* how tsc_khz was found */
	uint64_t boot_tsc;			/* TSC at the first instruction */
	struct boot_module modules[BOOT_MAX_MODULES];	/* in the boot loader's order */
	int nr_modules;
};

extern struct boot_info boot_info;

/**
 * pvh_parse - fill @bi from the PVH hvm_start_info at @start_info.
 * Returns 0, or -EINVAL with *@why naming the problem (no start_info, bad magic, no memory map,
 * command line too long).
 */
int pvh_parse(const void *start_info, struct boot_info *bi, const char **why);

/** boot_addr_is_ram - whether [@addr, @addr + @len) lies inside one RAM region. */
bool boot_addr_is_ram(uint64_t addr, uint64_t len);

/** mem_type_name - "RAM", "reserved", ... for the banner. */
const char *mem_type_name(uint32_t type);

#endif
