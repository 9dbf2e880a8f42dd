/* SPDX-License-Identifier: MIT */
/*
 * The vDSO (arch/x86_64/vdso/): a shared object built apart and carried in the kernel's .rodata,
 * which exec copies into every process (kernel/vdso.c) and names in AT_SYSINFO_EHDR. Its image
 * is position-independent, needs no relocation and its memory image is its file (checked at
 * build time). struct vdso_data sits at vdso_data_offset in it: the figures that turn the TSC
 * into the kernel's clocks (kernel/time.c, kernel/sys_misc.c), so that the vDSO's clocks are
 * exactly the system calls'. They are constant once the application runs: the TSC rate is
 * calibrated at boot and nothing steps CLOCK_REALTIME.
 */
#ifndef ARCH_VDSO_H
#define ARCH_VDSO_H

#include <stdint.h>

struct vdso_data {
	uint64_t tsc_zero;		/* TSC at ktime 0 */
	uint64_t ns_mult;		/* ns = (tsc - tsc_zero) * ns_mult >> 32 */
	uint64_t realtime_base_ns;	/* CLOCK_REALTIME at ktime 0 */
	uint32_t ready;			/* 0 until filled in: every call then goes to the kernel */
	uint32_t pad;
};

#ifndef VDSO_BUILD
extern const char vdso_image_start[], vdso_image_end[];
extern const uint64_t vdso_data_offset;
#endif

#endif
