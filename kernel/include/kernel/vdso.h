/* SPDX-License-Identifier: MIT */
/* The vDSO in a process (kernel/vdso.c, arch/vdso.h). */
#ifndef KERNEL_VDSO_H
#define KERNEL_VDSO_H

#include <stdint.h>

/** vdso_map - map the vDSO, its clock figures filled in, into the process being loaded; its
 * address (AT_SYSINFO_EHDR) in *@base. 0, or a negative errno. */
int vdso_map(uint64_t *base);

#endif
