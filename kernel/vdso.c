// SPDX-License-Identifier: MIT
/* The vDSO in a process (arch/vdso.h): its image copied into a read-and-execute region at
 * MM_VDSO_BASE, with the clock figures filled in. */
#include <arch/vdso.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/vdso.h>
#include <uapi/mman.h>

int vdso_map(uint64_t *base)
{
	size_t size = (size_t)(vdso_image_end - vdso_image_start);
	struct vdso_data d = { .ready = 1 };
	int rc;

	if (vdso_data_offset + sizeof(d) > size)
		return -EINVAL;
	time_tsc_params(&d.tsc_zero, &d.ns_mult);
	d.realtime_base_ns = clock_realtime_base_ns();
	rc = mm_map_fixed(MM_VDSO_BASE, size, PROT_READ | PROT_EXEC, 0);
	if (!rc)
		rc = mm_populate(MM_VDSO_BASE, size);
	if (!rc)
		rc = mm_write(MM_VDSO_BASE, vdso_image_start, size);
	if (!rc)
		rc = mm_write(MM_VDSO_BASE + vdso_data_offset, &d, sizeof(d));
	if (!rc)
		*base = MM_VDSO_BASE;
	return rc;
}
