// SPDX-License-Identifier: MIT
/* prlimit64: RLIMIT_NOFILE maps onto the descriptor table's limit (one value serves as soft and
 * hard limit, up to FD_MAX_LIMIT); other resources read as unlimited and cannot be changed. */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/syscall.h>
#include <uapi/resource.h>

#define FD_MAX_LIMIT	(1 << 20)	/* Linux's fs.nr_open default */

long sys_prlimit64(int pid, int resource, const struct rlimit *new, struct rlimit *old)
{
	struct rlimit rl = { 0, 0 };

	if (pid != 0 && pid != 1)
		return -ESRCH;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new) {
		if (!uaccess_ok(new, sizeof(*new)))
			return -EFAULT;
		rl = *new;
		if (rl.rlim_cur > rl.rlim_max)
			return -EINVAL;
		if (resource != RLIMIT_NOFILE)
			return -EINVAL;
		if (rl.rlim_cur > FD_MAX_LIMIT)
			return -EPERM;
	}
	if (old) {
		if (!uaccess_write_ok(old, sizeof(*old)))
			return -EFAULT;
		if (resource == RLIMIT_NOFILE) {
			old->rlim_cur = (rlim_t)fd_get_limit();
			old->rlim_max = FD_MAX_LIMIT;
		} else {
			old->rlim_cur = old->rlim_max = RLIM_INFINITY;
		}
	}
	if (new) {
		int err = fd_set_limit(rl.rlim_cur < 3 ? 3 : (int)rl.rlim_cur);
		if (err)
			return err == -EBUSY ? -EINVAL : err;
	}
	return 0;
}
