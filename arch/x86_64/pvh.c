// SPDX-License-Identifier: MIT
/* The PVH boot protocol: QEMU passes hvm_start_info (Xen's public ABI) in %ebx. We accept it only
 * when its magic is right, and copy out what we need so nothing points into firmware memory. Pure
 * code: host-tested with fabricated start_info blocks. */
#include <arch/boot.h>
#include <string.h>
#include <arch/memory.h>
#include <kernel/errno.h>
#include <kernel/compiler.h>

#define HVM_START_MAGIC	0x336ec578

struct boot_info boot_info;

struct hvm_start_info {
	uint32_t magic;		/* HVM_START_MAGIC */
	uint32_t version;	/* 0: no memory map fields; 1: memmap_* valid */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;	/* NUL-terminated, or 0 */
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;	/* array of hvm_memmap_entry */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

static void sort_regions(struct boot_info *bi)
{
	for (int i = 1; i < bi->nr_mem; i++) {
		struct mem_region r = bi->mem[i];
		int j = i;
		for (; j > 0 && bi->mem[j - 1].base > r.base; j--)
			bi->mem[j] = bi->mem[j - 1];
		bi->mem[j] = r;
	}
}

int pvh_parse(const void *start_info, struct boot_info *bi, const char **why)
{
	const struct hvm_start_info *si = start_info;

	if (!si) {
		*why = "no boot information: this kernel must be started through PVH (QEMU -kernel)";
		return -EINVAL;
	}
	if (si->magic != HVM_START_MAGIC) {
		*why = "unknown boot protocol: start_info magic is not PVH's 0x336ec578";
		return -EINVAL;
	}
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries) {
		*why = "PVH start_info carries no memory map (version 0): cannot find RAM";
		return -EINVAL;
	}
	bi->protocol = "PVH";
	bi->cmdline[0] = '\0';
	if (si->cmdline_paddr) {
		const char *c = phys_to_virt(si->cmdline_paddr);
		size_t n = 0;
		while (c[n] && n < BOOT_CMDLINE_MAX - 1) {
			bi->cmdline[n] = c[n];
			n++;
		}
		if (c[n]) {
			*why = "kernel command line longer than 1023 bytes";
			return -EINVAL;
		}
		bi->cmdline[n] = '\0';
	}
	const struct hvm_memmap_entry *e = phys_to_virt(si->memmap_paddr);
	bi->nr_mem = 0;
	bi->ram_bytes = 0;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		if (!e[i].size)
			continue;
		if (bi->nr_mem == BOOT_MAX_REGIONS) {
			*why = "memory map has more regions than the kernel keeps (32)";
			return -EINVAL;
		}
		bi->mem[bi->nr_mem++] = (struct mem_region){ e[i].addr, e[i].size, e[i].type };
		if (e[i].type == MEM_RAM)
			bi->ram_bytes += e[i].size;
	}
	if (!bi->ram_bytes) {
		*why = "memory map lists no RAM";
		return -EINVAL;
	}
	sort_regions(bi);
	bi->nr_modules = 0;
	if (si->nr_modules && si->modlist_paddr) {
		/* The list need not be 8-byte aligned (QEMU puts it after the command line): each
		 * entry is copied out rather than read in place. */
		const char *list = phys_to_virt(si->modlist_paddr);
		for (uint32_t i = 0; i < si->nr_modules; i++) {
			struct hvm_modlist_entry m;
			memcpy(&m, list + i * sizeof(m), sizeof(m));
			if (!m.size)
				continue;
			if (bi->nr_modules == BOOT_MAX_MODULES) {
				*why = "more boot modules than the kernel keeps (4)";
				return -EINVAL;
			}
			if (m.paddr + m.size < m.paddr) {
				*why = "a boot module's range wraps around";
				return -EINVAL;
			}
			bi->modules[bi->nr_modules++] = (struct boot_module){ m.paddr, m.size };
		}
	}
	return 0;
}

bool boot_addr_is_ram(uint64_t addr, uint64_t len)
{
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->type == MEM_RAM && addr >= r->base && addr + len <= r->base + r->size &&
		    addr + len >= addr)
			return true;
	}
	return false;
}

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_RAM: return "RAM";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI: return "ACPI data";
	case MEM_NVS: return "ACPI NVS";
	case MEM_UNUSABLE: return "unusable";
	default: return "unknown";
	}
}
