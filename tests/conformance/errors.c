/* SPDX-License-Identifier: MIT */
/*
 * Errors area: every errno epoll_create/create1/ctl/wait/pwait/pwait2 can give for bad arguments,
 * and which one wins when several apply at once (Linux checks in a fixed order).
 */
#define _GNU_SOURCE
#include "conformance.h"
#include <sys/mman.h>

/* epoll_create wants size > 0 (otherwise ignored); epoll_create1 knows only EPOLL_CLOEXEC. */
static void errors_create(void)
{
	int fd;

	conf_scenario("errors.create");
	CHECK_NEWFD("size_0", epoll_create(0));
	CHECK_NEWFD("size_minus1", epoll_create(-1));
	CHECK_NEWFD("size_int_min", epoll_create(INT_MIN));
	CHECK_NEWFD("size_1", epoll_create(1));
	CHECK_NEWFD("size_int_max", epoll_create(INT_MAX));
	CHECK_NEWFD("create1_0", epoll_create1(0));
	CHECK_NEWFD("create1_cloexec", epoll_create1(EPOLL_CLOEXEC));
	CHECK_NEWFD("create1_nonblock", epoll_create1(O_NONBLOCK));
	CHECK_NEWFD("create1_bit0", epoll_create1(1));
	CHECK_NEWFD("create1_cloexec_nonblock", epoll_create1(EPOLL_CLOEXEC | O_NONBLOCK));
	CHECK_NEWFD("create1_all_bits", epoll_create1(-1));

	fd = epoll_create1(EPOLL_CLOEXEC);
	CHECK_RET("cloexec_getfd", fcntl(fd, F_GETFD));
	xclose(fd);
	fd = epoll_create(1);
	CHECK_RET("plain_getfd", fcntl(fd, F_GETFD));
	CHECK_RET("plain_getfl", fcntl(fd, F_GETFL));
	xclose(fd);
}

/* EBADF for either descriptor, whatever the op. */
static void errors_ctl_badf(void)
{
	int ep, p[2], bad;

	conf_scenario("errors.ctl_badf");
	ep = xepoll();
	xpipe(p);
	bad = closed_fd();
	check_ctl("add_closed_epfd", bad, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	check_ctl("add_minus1_epfd", -1, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	check_ctl("add_closed_fd", ep, EPOLL_CTL_ADD, bad, EPOLLIN, 0);
	check_ctl("add_minus1_fd", ep, EPOLL_CTL_ADD, -1, EPOLLIN, 0);
	check_ctl("add_int_max_fd", ep, EPOLL_CTL_ADD, INT_MAX, EPOLLIN, 0);
	check_ctl("mod_closed_fd", ep, EPOLL_CTL_MOD, bad, EPOLLIN, 0);
	check_ctl("del_closed_fd", ep, EPOLL_CTL_DEL, bad, 0, 0);
	check_ctl("del_closed_epfd", bad, EPOLL_CTL_DEL, p[0], 0, 0);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* EEXIST and ENOENT follow the (file, fd) pairs in the set. */
static void errors_ctl_state(void)
{
	int ep, p[2];

	conf_scenario("errors.ctl_state");
	ep = xepoll();
	xpipe(p);
	check_ctl("mod_unwatched", ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 0);
	check_ctl("del_unwatched", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	check_ctl("add", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	check_ctl("add_again", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	check_ctl("add_again_other_mask", ep, EPOLL_CTL_ADD, p[0], EPOLLOUT | EPOLLET, 0);
	check_ctl("mod", ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 0);
	check_ctl("del", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	check_ctl("del_again", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	check_ctl("mod_after_del", ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 0);
	check_ctl("add_after_del", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* EINVAL: unknown op, fd == epfd, epfd not an epoll, and every EPOLLEXCLUSIVE restriction. */
static void errors_ctl_einval(void)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} bad_excl[] = {
		{ "excl_oneshot", EPOLLONESHOT },
		{ "excl_pri", EPOLLPRI },
		{ "excl_rdhup", EPOLLRDHUP },
		{ "excl_rdnorm", EPOLLRDNORM },
		{ "excl_rdband", EPOLLRDBAND },
		{ "excl_wrnorm", EPOLLWRNORM },
		{ "excl_wrband", EPOLLWRBAND },
		{ "excl_msg", EPOLLMSG },
		{ "excl_unknown_bit", 0x00100000u },
	};
	int ep, ep2, p[2], efd, efd2;
	size_t i;

	conf_scenario("errors.ctl_einval");
	ep = xepoll();
	ep2 = xepoll();
	xpipe(p);
	efd = xeventfd(0, 0);
	efd2 = xeventfd(0, 0);
	check_ctl("op_0", ep, 0, p[0], EPOLLIN, 0);
	check_ctl("op_4", ep, 4, p[0], EPOLLIN, 0);
	check_ctl("op_minus1", ep, -1, p[0], EPOLLIN, 0);
	check_ctl("self_add", ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0);
	check_ctl("self_mod", ep, EPOLL_CTL_MOD, ep, EPOLLIN, 0);
	check_ctl("self_del", ep, EPOLL_CTL_DEL, ep, 0, 0);
	check_ctl("epfd_is_eventfd", efd, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	check_ctl("epfd_is_pipe", p[0], EPOLL_CTL_ADD, efd, EPOLLIN, 0);
	check_ctl("epfd_is_pipe_del", p[0], EPOLL_CTL_DEL, efd, 0, 0);

	check_ctl("add_plain", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	check_ctl("excl_mod", ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("excl_on_epoll", ep, EPOLL_CTL_ADD, ep2, EPOLLIN | EPOLLEXCLUSIVE, 0);
	for (i = 0; i < sizeof(bad_excl) / sizeof(bad_excl[0]); i++)
		check_ctl(bad_excl[i].name, ep, EPOLL_CTL_ADD, efd,
			  EPOLLIN | EPOLLEXCLUSIVE | bad_excl[i].bit, 0);
	check_ctl("excl_all_allowed_bits", ep, EPOLL_CTL_ADD, efd,
		  EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |
		  EPOLLEXCLUSIVE, 0);
	check_ctl("excl_alone", ep, EPOLL_CTL_ADD, efd2, EPOLLEXCLUSIVE, 0);
	check_ctl("mod_excl_item_plain", ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0);
	check_ctl("mod_excl_item_excl", ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("del_excl_item", ep, EPOLL_CTL_DEL, efd, 0, 0);
	check_ctl("add_after_excl_del", ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0);
	xclose(efd2);
	xclose(efd);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep2);
	xclose(ep);
}

/* The event is copied in for every op but DEL, so a NULL pointer faults for ADD and MOD only. */
static void errors_ctl_efault(void)
{
	int ep, p[2];

	conf_scenario("errors.ctl_efault");
	ep = xepoll();
	xpipe(p);
	CHECK_RET("add_null", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
	check_ctl("del_after_add_null", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	CHECK_RET("mod_null", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], NULL));
	CHECK_RET("del_null", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	CHECK_RET("del_null_unwatched", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* EPERM for a file without poll: after EFAULT and both EBADF, before every EINVAL check. */
static void errors_ctl_eperm(void)
{
	/* /dev/null has no poll method (Linux and epunk alike). */
	int ep, efd, bad, np;

	conf_scenario("errors.ctl_eperm");
	ep = xepoll();
	efd = xeventfd(0, 0);
	np = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (np < 0)
		conf_setup_failed("open_dev_null", errno);
	bad = closed_fd();
	check_ctl("add", ep, EPOLL_CTL_ADD, np, EPOLLIN, 0);
	check_ctl("mod", ep, EPOLL_CTL_MOD, np, EPOLLIN, 0);
	check_ctl("del", ep, EPOLL_CTL_DEL, np, 0, 0);
	check_ctl("epfd_not_epoll", efd, EPOLL_CTL_ADD, np, EPOLLIN, 0);
	check_ctl("excl_mod", ep, EPOLL_CTL_MOD, np, EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("bad_op", ep, 7, np, EPOLLIN, 0);
	CHECK_RET("null_event", epoll_ctl(ep, EPOLL_CTL_ADD, np, NULL));
	check_ctl("bad_epfd", bad, EPOLL_CTL_ADD, np, EPOLLIN, 0);
	xclose(np);
	xclose(efd);
	xclose(ep);
}


/* epoll_wait/pwait/pwait2 argument errors, and a NULL array that faults only on a copy. */
static void errors_wait(void)
{
	struct epoll_event ev[WAITER_EVENTS];
	struct timespec ts;
	sigset_t mask;
	int ep, efd, p[2], bad;

	conf_scenario("errors.wait");
	ep = xepoll();
	efd = xeventfd(0, 0);
	xpipe(p);
	bad = closed_fd();
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);

	CHECK_RET("closed_epfd", epoll_wait(bad, ev, 1, 0));
	CHECK_RET("minus1_epfd", epoll_wait(-1, ev, 1, 0));
	CHECK_RET("epfd_is_eventfd", epoll_wait(efd, ev, 1, 0));
	CHECK_RET("epfd_is_pipe", epoll_wait(p[0], ev, 1, 0));
	CHECK_RET("maxevents_0", epoll_wait(ep, ev, hide_int(0), 0));
	CHECK_RET("maxevents_minus1", epoll_wait(ep, ev, hide_int(-1), 0));
	CHECK_RET("maxevents_int_max", epoll_wait(ep, ev, hide_int(INT_MAX), 0));
	CHECK_RET("maxevents_limit_plus1", epoll_wait(ep, ev, hide_int(EP_MAX_EVENTS + 1), 0));
	CHECK_RET("maxevents_1_idle", epoll_wait(ep, ev, 1, 0));

	/* NULL events: nothing to copy is no fault; a ready event faults and stays pending. */
	CHECK_RET("null_idle", epoll_wait(ep, NULL_EVENTS, 1, 0));
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0xe1);
	xwrite_u64(efd, 1);
	CHECK_RET("null_ready_lt", epoll_wait(ep, NULL_EVENTS, 1, 0));
	check_wait0("after_fault_lt", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 0xe2);
	CHECK_RET("null_ready_et", epoll_wait(ep, NULL_EVENTS, 1, 0));
	check_wait0("after_fault_et", ep, 8);
	check_wait0("after_fault_et_again", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 0xe3);
	CHECK_RET("null_ready_oneshot", epoll_wait(ep, NULL_EVENTS, 1, 0));
	check_wait0("after_fault_oneshot", ep, 8);
	check_wait0("after_fault_oneshot_again", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0xe4);

	/*
	 * An array that was good a moment ago faults once it is read-only, PROT_NONE or unmapped
	 * (the event stays pending). Each change comes right after a good copy to the same page,
	 * with no other call between (results are printed afterwards), so that nothing the kernel
	 * remembers of the earlier check can stand in for the new one.
	 */
	static const struct { const char *check; int prot; } steps[] = {
		{ "array_read_only", PROT_READ }, { "array_prot_none", PROT_NONE },
		{ "array_writable_again", PROT_READ | PROT_WRITE }, { "array_unmapped", -1 },
	};
	long got[4][2];
	int err[4][2];
	struct epoll_event *arr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4; i++) {
		mprotect(arr, 4096, PROT_READ | PROT_WRITE);
		errno = 0;
		got[i][0] = epoll_wait(ep, arr, 1, 0);
		err[i][0] = errno;
		if (steps[i].prot < 0)
			munmap(arr, 4096);
		else
			mprotect(arr, 4096, steps[i].prot);
		errno = 0;
		got[i][1] = epoll_wait(ep, arr, 1, 0);
		err[i][1] = errno;
	}
	for (int i = 0; i < 4; i++) {
		check_ret("array_good_copy", got[i][0], err[i][0]);
		check_ret(steps[i].check, got[i][1], err[i][1]);
	}
	check_wait0("after_array_faults", ep, 8);
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_RET("eventfd_read_into_read_only", read(efd, ro, 8));
	check_wait0("after_read_into_read_only", ep, 8);
	CHECK_RET("eventfd_write_from_read_only", write(efd, ro, 8));
	munmap(ro, 4096);
	xwrite_u64(efd, 1);	/* the count back to 1, whether the faulted read took it or not */
	xread_u64(efd);
	xwrite_u64(efd, 1);

	CHECK_RET("pwait_closed_epfd", epoll_pwait(bad, ev, 1, 0, &mask));
	CHECK_RET("pwait_maxevents_0", epoll_pwait(ep, ev, hide_int(0), 0, &mask));
	CHECK_RET("pwait_epfd_is_eventfd", epoll_pwait(efd, ev, 1, 0, &mask));
	CHECK_RET("pwait_null_events_ready", epoll_pwait(ep, NULL_EVENTS, 1, 0, &mask));
	CHECK_RET("pwait_ready_mask", epoll_pwait(ep, ev, 1, 0, &mask));
	CHECK_RET("pwait_ready_no_mask", epoll_pwait(ep, ev, 1, 0, NULL));

	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	CHECK_RET("pwait2_sec_minus1", epoll_pwait2(ep, ev, 1, &ts, NULL));
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	CHECK_RET("pwait2_nsec_1e9", epoll_pwait2(ep, ev, 1, &ts, NULL));
	ts.tv_nsec = -1;
	CHECK_RET("pwait2_nsec_minus1", epoll_pwait2(ep, ev, 1, &ts, NULL));
	ts.tv_sec = 1;
	ts.tv_nsec = -1;
	CHECK_RET("pwait2_sec1_nsec_minus1", epoll_pwait2(ep, ev, 1, &ts, NULL));
	ts.tv_sec = 0;
	ts.tv_nsec = 999999999;
	CHECK_RET("pwait2_nsec_max_ready", epoll_pwait2(ep, ev, 1, &ts, NULL));
	ts.tv_sec = LONG_MAX;
	ts.tv_nsec = 999999999;
	CHECK_RET("pwait2_sec_long_max_ready", epoll_pwait2(ep, ev, 1, &ts, &mask));
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	CHECK_RET("pwait2_null_events_ready", epoll_pwait2(ep, NULL_EVENTS, 1, &ts, NULL));
	CHECK_RET("pwait2_closed_epfd", epoll_pwait2(bad, ev, 1, &ts, NULL));
	CHECK_RET("pwait2_maxevents_0", epoll_pwait2(ep, ev, hide_int(0), &ts, NULL));
	xread_u64(efd);
	CHECK_RET("pwait2_zero_idle", epoll_pwait2(ep, ev, 1, &ts, NULL));

	xclose(p[0]);
	xclose(p[1]);
	xclose(efd);
	xclose(ep);
}

/* Which errno wins when several apply: Linux's order of checks, pinned one pair at a time. */
static void errors_order(void)
{
	struct epoll_event ev[WAITER_EVENTS], one;
	struct timespec bad_ts, zero_ts;
	int ep, ep2, efd, p[2], bad, bad2;

	conf_scenario("errors.order");
	ep = xepoll();
	ep2 = xepoll();
	efd = xeventfd(0, 0);
	xpipe(p);
	bad = closed_fd();
	bad2 = closed_fd();
	bad_ts.tv_sec = -1;
	bad_ts.tv_nsec = 0;
	zero_ts.tv_sec = 0;
	zero_ts.tv_nsec = 0;
	memset(&one, 0, sizeof(one));
	one.events = EPOLLIN;

	/*
	 * epoll_wait: the fd first, then maxevents, then "is it an epoll" (the fd moved first in
	 * Linux 6.15); a NULL array faults only on a copy.
	 */
	CHECK_RET("wait_closed_epfd_maxevents_0", epoll_wait(bad, ev, hide_int(0), 0));
	CHECK_RET("wait_closed_epfd_maxevents_minus1", epoll_wait(bad, ev, hide_int(-1), 0));
	CHECK_RET("wait_closed_epfd_maxevents_too_big",
		  epoll_wait(bad, ev, hide_int(EP_MAX_EVENTS + 1), 0));
	CHECK_RET("wait_closed_epfd_null_events", epoll_wait(bad, NULL_EVENTS, 1, 0));
	CHECK_RET("wait_eventfd_null_events", epoll_wait(efd, NULL_EVENTS, 1, 0));
	CHECK_RET("wait_eventfd_maxevents_0", epoll_wait(efd, ev, hide_int(0), 0));
	CHECK_RET("wait_null_events_maxevents_0", epoll_wait(ep, NULL_EVENTS, hide_int(0), 0));
	CHECK_RET("pwait_closed_epfd_maxevents_0", epoll_pwait(bad, ev, hide_int(0), 0, NULL));

	/* epoll_pwait2: the timespec is checked before everything else. */
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, 0xe0);
	xwrite_u64(efd, 1);
	CHECK_RET("pwait2_bad_ts_closed_epfd", epoll_pwait2(bad, ev, 1, &bad_ts, NULL));
	CHECK_RET("pwait2_bad_ts_maxevents_0", epoll_pwait2(ep, ev, hide_int(0), &bad_ts, NULL));
	CHECK_RET("pwait2_bad_ts_eventfd", epoll_pwait2(efd, ev, 1, &bad_ts, NULL));
	CHECK_RET("pwait2_bad_ts_null_events_ready",
		  epoll_pwait2(ep, NULL_EVENTS, 1, &bad_ts, NULL));
	CHECK_RET("pwait2_bad_ts_ready", epoll_pwait2(ep, ev, 1, &bad_ts, NULL));
	check_wait0("pwait2_bad_ts_left_event_pending", ep, 8);
	CHECK_RET("pwait2_zero_ts_closed_epfd", epoll_pwait2(bad, ev, 1, &zero_ts, NULL));
	CHECK_RET("pwait2_no_ts_closed_epfd", epoll_pwait2(bad, ev, 1, NULL, NULL));
	CHECK_RET("pwait2_no_ts_maxevents_0", epoll_pwait2(ep, ev, hide_int(0), NULL, NULL));
	xctl(ep, EPOLL_CTL_DEL, efd, 0, 0);

	/* epoll_ctl: copy of the event, epfd, fd, (poll support), then the EINVAL group. */
	CHECK_RET("ctl_add_null_closed_epfd", epoll_ctl(bad, EPOLL_CTL_ADD, p[0], NULL));
	CHECK_RET("ctl_mod_null_closed_fd", epoll_ctl(ep, EPOLL_CTL_MOD, bad, NULL));
	CHECK_RET("ctl_del_null_closed_fd", epoll_ctl(ep, EPOLL_CTL_DEL, bad, NULL));
	CHECK_RET("ctl_mod_null_unwatched", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], NULL));
	CHECK_RET("ctl_add_null_self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, NULL));
	CHECK_RET("ctl_bad_op_null", epoll_ctl(ep, 7, p[0], NULL));
	CHECK_RET("ctl_bad_op_closed_epfd", epoll_ctl(bad, 7, p[0], &one));
	CHECK_RET("ctl_bad_op_closed_fd", epoll_ctl(ep, 7, bad, &one));
	CHECK_RET("ctl_bad_op_epfd_not_epoll", epoll_ctl(efd, 7, p[0], &one));
	CHECK_RET("ctl_bad_op_self", epoll_ctl(ep, 7, ep, &one));
	CHECK_RET("ctl_bad_op_unwatched", epoll_ctl(ep, 7, p[0], &one));
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
	CHECK_RET("ctl_bad_op_watched", epoll_ctl(ep, 7, p[0], &one));
	check_ctl("ctl_closed_epfd_closed_fd", bad, EPOLL_CTL_ADD, bad2, EPOLLIN, 0);
	check_ctl("ctl_epfd_not_epoll_closed_fd", efd, EPOLL_CTL_ADD, bad, EPOLLIN, 0);
	check_ctl("ctl_epfd_not_epoll_excl_mod", efd, EPOLL_CTL_MOD, p[0],
		  EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("ctl_self_excl_add", ep, EPOLL_CTL_ADD, ep, EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("ctl_excl_mod_unwatched", ep, EPOLL_CTL_MOD, p[1], EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("ctl_excl_oneshot_add_watched", ep, EPOLL_CTL_ADD, p[0],
		  EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0);
	check_ctl("ctl_excl_add_watched", ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0);
	/* ep2 watches ep: adding ep2 to ep would loop, but EXCLUSIVE on an epoll fails first. */
	xctl(ep2, EPOLL_CTL_ADD, ep, EPOLLIN, 0);
	check_ctl("ctl_excl_add_loop", ep, EPOLL_CTL_ADD, ep2, EPOLLIN | EPOLLEXCLUSIVE, 0);
	check_ctl("ctl_bad_op_loop", ep, 7, ep2, EPOLLIN, 0);
	check_ctl("ctl_add_loop", ep, EPOLL_CTL_ADD, ep2, EPOLLIN, 0);

	xclose(p[0]);
	xclose(p[1]);
	xclose(efd);
	xclose(ep2);
	xclose(ep);
}

void area_errors(void)
{
	errors_create();
	errors_ctl_badf();
	errors_ctl_state();
	errors_ctl_einval();
	errors_ctl_efault();
	errors_ctl_eperm();
	errors_wait();
	errors_order();
}
