/* SPDX-License-Identifier: MIT */
/*
 * Order and fairness of reports: the ready list is FIFO in order of readiness, a level-triggered
 * item goes to the back after each report, so maxevents smaller than the ready set rotates.
 */
#define _GNU_SOURCE
#include "conformance.h"

#define NFDS 5

static void make_set(int *ep, int *efd, unsigned initval, const uint32_t *mode)
{
	int i;

	*ep = xepoll();
	for (i = 0; i < NFDS; i++) {
		efd[i] = xeventfd(initval, EFD_NONBLOCK);
		xctl(*ep, EPOLL_CTL_ADD, efd[i], mode[i], 0x10 + i);
	}
}

static void close_set(int ep, const int *efd)
{
	int i;

	for (i = 0; i < NFDS; i++)
		xclose(efd[i]);
	xclose(ep);
}

/* Five LT items ready at ADD, maxevents 2: [0 1] [2 3] [4 0] [1 2]. */
static void rotation_lt(void)
{
	static const uint32_t mode[NFDS] = { EPOLLIN, EPOLLIN, EPOLLIN, EPOLLIN, EPOLLIN };
	int ep, efd[NFDS];

	conf_scenario("rotation.lt");
	make_set(&ep, efd, 1, mode);
	check_wait0("wait_1", ep, 2);
	check_wait0("wait_2", ep, 2);
	check_wait0("wait_3", ep, 2);
	check_wait0("wait_4", ep, 2);
	check_wait0("wait_all", ep, 8);
	close_set(ep, efd);
}

/* The same with ET: each item once, then nothing. */
static void rotation_et(void)
{
	static const uint32_t mode[NFDS] = {
		EPOLLIN | EPOLLET, EPOLLIN | EPOLLET, EPOLLIN | EPOLLET, EPOLLIN | EPOLLET,
		EPOLLIN | EPOLLET,
	};
	int ep, efd[NFDS];

	conf_scenario("rotation.et");
	make_set(&ep, efd, 1, mode);
	check_wait0("wait_1", ep, 2);
	check_wait0("wait_2", ep, 2);
	check_wait0("wait_3", ep, 2);
	check_wait0("wait_4", ep, 2);
	close_set(ep, efd);
}

/* LT and ET mixed; maxevents 1 cycles through the LT ones. */
static void rotation_mixed(void)
{
	static const uint32_t mode[NFDS] = {
		EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN,
	};
	int ep, efd[NFDS];

	conf_scenario("rotation.mixed");
	make_set(&ep, efd, 1, mode);
	check_wait0("wait_1", ep, 1);
	check_wait0("wait_2", ep, 1);
	check_wait0("wait_3", ep, 1);
	check_wait0("wait_4", ep, 1);
	check_wait0("wait_5", ep, 1);
	check_wait0("wait_6", ep, 1);
	check_wait0("wait_all", ep, 8);
	close_set(ep, efd);
}

/* Readiness order, not ADD order; a second event on a queued item does not move it. */
static void rotation_arrival(void)
{
	static const uint32_t mode[NFDS] = { EPOLLIN, EPOLLIN, EPOLLIN, EPOLLIN, EPOLLIN };
	int ep, efd[NFDS];

	conf_scenario("rotation.arrival");
	make_set(&ep, efd, 0, mode);
	check_wait0("idle", ep, 8);
	xwrite_u64(efd[3], 1);
	xwrite_u64(efd[0], 1);
	xwrite_u64(efd[4], 1);
	xwrite_u64(efd[3], 1);
	check_wait0("order_3_0_4", ep, 8);
	check_wait0("again", ep, 8);
	/* Items drained while queued are dropped; the rest keep their places. */
	xread_u64(efd[0]);
	xwrite_u64(efd[1], 1);
	check_wait0("after_drain_and_new", ep, 8);
	close_set(ep, efd);
}

/* With maxevents 2 the items not reported stay ahead of the ones just reported. */
static void rotation_partial(void)
{
	static const uint32_t mode[NFDS] = { EPOLLIN, EPOLLIN, EPOLLIN, EPOLLIN, EPOLLIN };
	int ep, efd[NFDS];

	conf_scenario("rotation.partial");
	make_set(&ep, efd, 1, mode);
	check_wait0("wait_1", ep, 2);
	xread_u64(efd[2]);
	xread_u64(efd[3]);
	check_wait0("two_drained", ep, 2);
	xwrite_u64(efd[2], 1);
	check_wait0("one_refilled", ep, 2);
	check_wait0("wait_all", ep, 8);
	close_set(ep, efd);
}

void area_rotation(void)
{
	rotation_lt();
	rotation_et();
	rotation_mixed();
	rotation_arrival();
	rotation_partial();
}
