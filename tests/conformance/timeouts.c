/* SPDX-License-Identifier: MIT */
/*
 * Timeouts of epoll_wait/pwait/pwait2: 0 returns at once, a finite one no earlier than asked,
 * a negative one (or no timespec) waits until an event. Times print only as classifications.
 */
#define _GNU_SOURCE
#include "conformance.h"

#define MS 1000000ll
#define LATE_NS (2000 * MS)

/* "ret=0 elapsed=ok" when at least min_ns and under 2 s passed, else "short" or "long". */
static void check_timed(const char *check, int ret, int err, int64_t elapsed, int64_t min_ns)
{
	struct vbuf b;

	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_str(&b, "elapsed", elapsed < min_ns ? "short" : elapsed >= LATE_NS ? "long" : "ok");
	check_str(check, b.s);
}

/* Timeout 0 never blocks; finite timeouts expire no earlier than asked. */
static void timeouts_finite(void)
{
	struct epoll_event ev[WAITER_EVENTS];
	struct timespec ts;
	sigset_t mask;
	int64_t t;
	int ep, ret, err;

	conf_scenario("timeouts.finite");
	ep = xepoll();
	sigemptyset(&mask);

	t = now_ns();
	ret = epoll_wait(ep, ev, 1, 0);
	err = errno;
	check_timed("wait_0", ret, err, now_ns() - t, 0);

	t = now_ns();
	ret = epoll_wait(ep, ev, 1, 50);
	err = errno;
	check_timed("wait_50ms", ret, err, now_ns() - t, 50 * MS);

	t = now_ns();
	ret = epoll_pwait(ep, ev, 1, 30, &mask);
	err = errno;
	check_timed("pwait_30ms", ret, err, now_ns() - t, 30 * MS);

	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	t = now_ns();
	ret = epoll_pwait2(ep, ev, 1, &ts, NULL);
	err = errno;
	check_timed("pwait2_0", ret, err, now_ns() - t, 0);

	ts.tv_nsec = 1;
	t = now_ns();
	ret = epoll_pwait2(ep, ev, 1, &ts, NULL);
	err = errno;
	check_timed("pwait2_1ns", ret, err, now_ns() - t, 1);

	ts.tv_nsec = 1 * MS;
	t = now_ns();
	ret = epoll_pwait2(ep, ev, 1, &ts, &mask);
	err = errno;
	check_timed("pwait2_1ms", ret, err, now_ns() - t, 1 * MS);

	ts.tv_nsec = 10 * MS;
	t = now_ns();
	ret = epoll_pwait2(ep, ev, 1, &ts, NULL);
	err = errno;
	check_timed("pwait2_10ms", ret, err, now_ns() - t, 10 * MS);

	xclose(ep);
}

/* A ready event returns at once, whatever the timeout. */
static void timeouts_ready(void)
{
	struct epoll_event ev[WAITER_EVENTS];
	struct timespec ts;
	int64_t t;
	int ep, efd, ret, err;

	conf_scenario("timeouts.ready");
	ep = xepoll();
	efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x1);
	t = now_ns();
	ret = epoll_wait(ep, ev, 1, INT_MAX);
	err = errno;
	check_timed("wait_int_max", ret, err, now_ns() - t, 0);
	t = now_ns();
	ret = epoll_wait(ep, ev, 1, -1);
	err = errno;
	check_timed("wait_infinite", ret, err, now_ns() - t, 0);
	ts.tv_sec = 3600;
	ts.tv_nsec = 0;
	t = now_ns();
	ret = epoll_pwait2(ep, ev, 1, &ts, NULL);
	err = errno;
	check_timed("pwait2_1h", ret, err, now_ns() - t, 0);
	t = now_ns();
	ret = epoll_pwait2(ep, ev, 1, NULL, NULL);
	err = errno;
	check_timed("pwait2_null", ret, err, now_ns() - t, 0);
	xclose(efd);
	xclose(ep);
}

/*
 * A waiter blocked with no deadline (or one far away) returns when another thread makes an
 * item ready: it must have been blocked (phase 1, not 0) and return that one event.
 */
static void blocked_until_event(const char *check, int how, int timeout_ms)
{
	struct waiter *w;
	struct vbuf b;
	int ep, efd;

	ep = xepoll();
	efd = xeventfd(0, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x2);
	conf_phase_set(0);
	w = waiter_start(how, ep, 4, timeout_ms);
	sleep_ms(BLOCK_MS);
	conf_phase_set(1);
	xwrite_u64(efd, 1);
	vb_init(&b);
	if (!waiter_finish(w)) {
		vb_str(&b, "timeout");
	} else {
		vb_events(&b, w->ret, w->err, w->ev);
		vb_kv_int(&b, "phase", w->phase);
	}
	check_str(check, b.s);
	waiter_put(w);
	xclose(efd);
	xclose(ep);
}

/* No deadline (negative timeout, NULL timespec) blocks until another thread makes an event. */
static void timeouts_blocking(void)
{
	conf_scenario("timeouts.blocking");
	blocked_until_event("wait_infinite", HOW_WAIT, -1);
	blocked_until_event("wait_minus7", HOW_WAIT, -7);
	blocked_until_event("wait_int_min", HOW_WAIT, INT_MIN);
	blocked_until_event("wait_2s", HOW_WAIT, 2000);
	blocked_until_event("pwait_infinite", HOW_PWAIT, -1);
	blocked_until_event("pwait2_null", HOW_PWAIT2_NULL, 0);
	blocked_until_event("poll_then_wait", HOW_POLL_WAIT, -1);
}

void area_timeouts(void)
{
	timeouts_finite();
	timeouts_ready();
	timeouts_blocking();
}
