/* SPDX-License-Identifier: MIT */
/*
 * EPOLLEXCLUSIVE: several epoll sets watch one file exclusively, one thread blocked on each; a
 * wake-up of the file reaches the first set (in wait-queue order) that has a blocked waiter and
 * is interested in the event, and stops there. Sets passed over do not even queue the event.
 */
#define _GNU_SOURCE
#include "conformance.h"

#define NSETS 3

/* " key=e0,e2": the sets (by index in ep) whose waiter returned events in phase p. */
static void vb_sets_woken(struct vbuf *b, const char *key, const struct wgroup *g, int p,
			  const int *ep)
{
	bool any = false;
	char name[8];
	int i, j;

	if (!g->all_joined) {
		vb_kv_str(b, key, "timeout");
		return;
	}
	vb_kv_str(b, key, "");
	for (i = 0; i < NSETS; i++) {
		for (j = 0; j < g->n; j++) {
			if (g->w[j]->fd != ep[i] || !waiter_woke_in(g->w[j], p))
				continue;
			snprintf(name, sizeof(name), "%se%d", any ? "," : "", i);
			vb_str(b, name);
			any = true;
		}
	}
	if (!any)
		vb_str(b, "none");
}

/* After the release (kick closed): what each set reports now with timeout 0. */
static void check_sets_after(const char *check, const int *ep)
{
	struct epoll_event ev[WAITER_EVENTS];
	struct vbuf b;
	char key[8];
	int i, ret;

	vb_init(&b);
	for (i = 0; i < NSETS; i++) {
		ret = epoll_wait(ep[i], ev, WAITER_EVENTS, 0);
		snprintf(key, sizeof(key), "e%d", i);
		vb_kv_int(&b, key, ret);
	}
	check_str(check, b.s);
}

/*
 * Run one exclusive scenario: set i watches fd with mask[i] and has a waiter of kind how[i] (none
 * when negative); `writes` triggers, one per phase, each writing to wfd. Prints who woke in each
 * phase and what every set reports afterwards.
 */
static void exclusive_run(int fd, int wfd, bool is_eventfd, const uint32_t *mask, const int *how,
			  int writes)
{
	struct wgroup g;
	struct vbuf b;
	char key[16];
	int ep[NSETS], i;

	for (i = 0; i < NSETS; i++)
		ep[i] = xepoll();
	for (i = 0; i < NSETS; i++)
		xctl(ep[i], EPOLL_CTL_ADD, fd, mask[i], 0x1000 + i);
	wgroup_init(&g);
	for (i = 0; i < NSETS; i++)
		wgroup_kick_in(&g, ep[i]);
	for (i = 0; i < NSETS; i++)
		if (how[i] >= 0)
			wgroup_wait(&g, how[i], ep[i], 1);
	wgroup_go(&g);
	for (i = 0; i < writes; i++) {
		if (i)
			wgroup_next(&g);
		if (is_eventfd)
			xwrite_u64(wfd, 1);
		else
			xwrite_bytes(wfd, 1);
	}
	wgroup_release(&g);
	vb_init(&b);
	for (i = 0; i < writes; i++) {
		snprintf(key, sizeof(key), "write%d_count", i + 1);
		vb_woken(&b, key, &g, i + 1);
		snprintf(key, sizeof(key), "write%d_sets", i + 1);
		vb_sets_woken(&b, key, &g, i + 1, ep);
	}
	check_str("woken", b.s);
	wgroup_put(&g);
	check_sets_after("after", ep);
	for (i = 0; i < NSETS; i++)
		xclose(ep[i]);
}

/* Three sets watch one eventfd exclusively, each with a blocked waiter: exactly one wakes. */
static void exclusive_one_of_three_eventfd(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { HOW_WAIT, HOW_WAIT, HOW_WAIT };
	int efd;

	conf_scenario("exclusive.one_of_three_eventfd");
	efd = xeventfd(0, 0);
	exclusive_run(efd, efd, true, mask, how, 1);
	xclose(efd);
}

/* The same on a pipe's read end. */
static void exclusive_one_of_three_pipe(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { HOW_WAIT, HOW_WAIT, HOW_WAIT };
	int p[2];

	conf_scenario("exclusive.one_of_three_pipe");
	xpipe(p);
	exclusive_run(p[0], p[1], false, mask, how, 1);
	xclose(p[0]);
	xclose(p[1]);
}

/* Edge-triggered exclusive items behave the same way. */
static void exclusive_et(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLET | EPOLLEXCLUSIVE, EPOLLIN | EPOLLET | EPOLLEXCLUSIVE,
		EPOLLIN | EPOLLET | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { HOW_WAIT, HOW_WAIT, HOW_WAIT };
	int efd;

	conf_scenario("exclusive.et");
	efd = xeventfd(0, 0);
	exclusive_run(efd, efd, true, mask, how, 1);
	xclose(efd);
}

/* Once the first set's waiter has returned, the next write passes it over to the next set. */
static void exclusive_successive_writes(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { HOW_WAIT, HOW_WAIT, HOW_WAIT };
	int efd;

	conf_scenario("exclusive.successive_writes");
	efd = xeventfd(0, 0);
	exclusive_run(efd, efd, true, mask, how, 3);
	xclose(efd);
}

/* With no blocked waiter anywhere, every exclusive set queues the event. */
static void exclusive_no_waiters(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { -1, -1, -1 };
	int efd;

	conf_scenario("exclusive.no_waiters");
	efd = xeventfd(0, 0);
	exclusive_run(efd, efd, true, mask, how, 1);
	xclose(efd);
}

/* A non-exclusive watcher always wakes (it is queued before the exclusive ones), plus one more. */
static void exclusive_mixed(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN,
	};
	static const int how[NSETS] = { HOW_WAIT, HOW_WAIT, HOW_WAIT };
	int efd;

	conf_scenario("exclusive.mixed");
	efd = xeventfd(0, 0);
	exclusive_run(efd, efd, true, mask, how, 1);
	xclose(efd);
}

/* An exclusive item not interested in the event (OUT on a read end) does not use up the wake-up. */
static void exclusive_filtered(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLOUT | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { HOW_WAIT, HOW_WAIT, HOW_WAIT };
	int p[2];

	conf_scenario("exclusive.filtered");
	xpipe(p);
	exclusive_run(p[0], p[1], false, mask, how, 1);
	xclose(p[0]);
	xclose(p[1]);
}

/* A set whose waiter is in poll() does not count as having a waiter: it and the next one wake. */
static void exclusive_poll_waiter(void)
{
	static const uint32_t mask[NSETS] = {
		EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE,
	};
	static const int how[NSETS] = { HOW_POLL_WAIT, HOW_WAIT, HOW_WAIT };
	int efd;

	conf_scenario("exclusive.poll_waiter");
	efd = xeventfd(0, 0);
	exclusive_run(efd, efd, true, mask, how, 1);
	xclose(efd);
}

void area_exclusive(void)
{
	exclusive_one_of_three_eventfd();
	exclusive_one_of_three_pipe();
	exclusive_et();
	exclusive_successive_writes();
	exclusive_no_waiters();
	exclusive_mixed();
	exclusive_filtered();
	exclusive_poll_waiter();
}
