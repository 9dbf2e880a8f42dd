// SPDX-License-Identifier: MIT
/* The epoll system calls: resolve descriptors, copy and check arguments in the order Linux does
 * (that order decides which errno wins when several apply), then call the eventpoll core. */
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/time.h>

#define NSEC_PER_MS_L	1000000LL

static long epoll_create_common(int flags)
{
	int err;
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	struct file *f = ep_create((unsigned)flags, &err);
	if (!f)
		return err;
	return fd_install_or_put(f, (unsigned)flags & O_CLOEXEC);
}

long sys_epoll_create1(int flags)
{
	return epoll_create_common(flags);
}

long sys_epoll_create(int size)
{
	if (size <= 0)
		return -EINVAL;
	return epoll_create_common(0);
}

long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	struct epoll_event epds;
	long err;

	/* Every op but DEL reads the event first: a bad pointer wins over bad descriptors. */
	if (op != EPOLL_CTL_DEL) {
		if (!uaccess_ok(event, sizeof(*event)))
			return -EFAULT;
		epds = *event;
	}
	struct file *ef = fd_get(epfd);
	if (!ef)
		return -EBADF;
	struct file *tf = fd_get(fd);
	if (!tf) {
		err = -EBADF;
		goto out_put_ep;
	}
	err = ep_ctl(ef, op, tf, fd, &epds);
	file_put(tf);
out_put_ep:
	file_put(ef);
	return err;
}

/*
 * do_epoll_wait, in the order Linux 6.18 checks (the conformance suite and the badsys table pin
 * it): the descriptor (EBADF), then maxevents (EINVAL), then that the array lies in user space
 * (EFAULT; NULL does), then that it is an epoll (EINVAL). The copy-out is what faults on NULL,
 * when there is an event to store, and ep_wait does the same.
 */
static long do_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int64_t timeout_ns)
{
	struct file *f = fd_get(epfd);
	if (!f)
		return -EBADF;
	long ret;
	if (maxevents <= 0 || maxevents > (int)(0x7fffffff / sizeof(struct epoll_event)))
		ret = -EINVAL;
	else if (!uaccess_range_ok(events, (size_t)maxevents * sizeof(struct epoll_event)))
		ret = -EFAULT;
	else
		ret = is_file_epoll(f) ? ep_wait(f, events, maxevents, timeout_ns) : -EINVAL;
	file_put(f);
	return ret;
}

static int64_t ms_to_timeout(int ms)
{
	return ms < 0 ? -1 : (int64_t)ms * NSEC_PER_MS_L;
}

/* epoll_pwait's and pwait2's mask: in force while the call waits; if a signal interrupts it,
 * until that signal's handler has run (Linux's set_user_sigmask and
 * restore_saved_sigmask_unless). */
static long wait_with_mask(int epfd, struct epoll_event *events, int maxevents, int64_t timeout,
			   const sigset_t *mask, size_t sigsetsize)
{
	if (!mask)
		return do_epoll_wait(epfd, events, maxevents, timeout);
	long err = signal_set_temp_mask(mask, sigsetsize);
	if (err)
		return err;
	long ret = do_epoll_wait(epfd, events, maxevents, timeout);
	signal_end_temp_mask(ret == -EINTR);
	return ret;
}

long sys_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
	return do_epoll_wait(epfd, events, maxevents, ms_to_timeout(timeout_ms));
}

long sys_epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
		     const sigset_t *mask, size_t sigsetsize)
{
	return wait_with_mask(epfd, events, maxevents, ms_to_timeout(timeout_ms), mask, sigsetsize);
}

long sys_epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		      const struct timespec *timeout, const sigset_t *mask, size_t sigsetsize)
{
	int64_t ns = -1;

	if (timeout) {
		if (!uaccess_ok(timeout, sizeof(*timeout)))
			return -EFAULT;
		struct timespec ts = *timeout;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		/* Saturate: a deadline centuries away is "forever" in practice. */
		if (ts.tv_sec > (INT64_MAX / 1000000000LL) - 1)
			ns = INT64_MAX;
		else
			ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	return wait_with_mask(epfd, events, maxevents, ns, mask, sigsetsize);
}
