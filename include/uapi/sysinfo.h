/* SPDX-License-Identifier: MIT */
/* sysinfo(2)'s structure: Linux's x86-64 layout (linux/sysinfo.h), 112 bytes. */
#ifndef UAPI_SYSINFO_H
#define UAPI_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

struct sysinfo {
	long uptime;			/* seconds since boot */
	unsigned long loads[3];		/* 1, 5 and 15 minute load averages, << 16 */
	unsigned long totalram;		/* memory sizes, in units of mem_unit bytes */
	unsigned long freeram;
	unsigned long sharedram;
	unsigned long bufferram;
	unsigned long totalswap;
	unsigned long freeswap;
	uint16_t procs;			/* tasks */
	uint16_t pad;
	unsigned long totalhigh;
	unsigned long freehigh;
	uint32_t mem_unit;		/* bytes in a unit of the sizes above */
};
_Static_assert(sizeof(struct sysinfo) == 112 && offsetof(struct sysinfo, procs) == 80 &&
	       offsetof(struct sysinfo, mem_unit) == 104,
	       "struct sysinfo is Linux's x86-64 layout");

#endif
