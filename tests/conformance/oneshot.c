/* SPDX-License-Identifier: MIT */
/*
 * EPOLLONESHOT: one report, then the item is disarmed (even for ERR/HUP) until MOD re-arms it;
 * MOD re-polls, so a condition that is already true is reported at once.
 */
#define _GNU_SOURCE
#include "conformance.h"

/* One report, nothing after more writes, MOD re-arms and reports what is pending. */
static void oneshot_basic(void)
{
	int ep, efd;

	conf_scenario("oneshot.basic");
	ep = xepoll();
	efd = xeventfd(0, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLONESHOT, 0x100);
	check_wait0("idle", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("first", ep, 8);
	check_wait0("disarmed", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("write_while_disarmed", ep, 8);
	check_ctl("rearm", ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 0x101);
	check_wait0("after_rearm", ep, 8);
	check_wait0("disarmed_again", ep, 8);
	check_ctl("mod_plain", ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0x102);
	check_wait0("level_1", ep, 8);
	check_wait0("level_2", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* ONESHOT with ET: disarmed after the edge, re-armed by MOD. */
static void oneshot_et(void)
{
	int ep, efd;

	conf_scenario("oneshot.et");
	ep = xepoll();
	efd = xeventfd(0, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET | EPOLLONESHOT, 0x110);
	xwrite_u64(efd, 1);
	check_wait0("first", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("disarmed", ep, 8);
	check_ctl("rearm", ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET | EPOLLONESHOT, 0x111);
	check_wait0("after_rearm", ep, 8);
	check_wait0("after_rearm_again", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* A disarmed item does not even report HUP; re-arming reports IN|HUP together. */
static void oneshot_disarmed_hup(void)
{
	int ep, p[2];

	conf_scenario("oneshot.disarmed_hup");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLONESHOT, 0x120);
	xwrite_bytes(p[1], 1);
	check_wait0("first", ep, 8);
	xclose(p[1]);
	check_wait0("hup_while_disarmed", ep, 8);
	check_ctl("rearm", ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 0x121);
	check_wait0("after_rearm", ep, 8);
	check_ctl("del_disarmed", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	check_ctl("del_again", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	xclose(p[0]);
	xclose(ep);
}

/* An item disarmed by ONESHOT is still in the set: ADD gives EEXIST, MOD and DEL work. */
static void oneshot_still_member(void)
{
	int ep, efd;

	conf_scenario("oneshot.still_member");
	ep = xepoll();
	efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLONESHOT, 0x130);
	check_wait0("first", ep, 8);
	check_ctl("add_disarmed", ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x131);
	check_ctl("mod_to_out_oneshot", ep, EPOLL_CTL_MOD, efd, EPOLLOUT | EPOLLONESHOT, 0x132);
	check_wait0("out_report", ep, 8);
	check_wait0("disarmed", ep, 8);
	check_ctl("del", ep, EPOLL_CTL_DEL, efd, 0, 0);
	xclose(efd);
	xclose(ep);
}

/* With maxevents 1, a ONESHOT item among LT items is reported once, the LT ones keep rotating. */
static void oneshot_among_lt(void)
{
	int ep, a, b, c;

	conf_scenario("oneshot.among_lt");
	ep = xepoll();
	a = xeventfd(1, 0);
	b = xeventfd(1, 0);
	c = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 0xa);
	xctl(ep, EPOLL_CTL_ADD, b, EPOLLIN | EPOLLONESHOT, 0xb);
	xctl(ep, EPOLL_CTL_ADD, c, EPOLLIN, 0xc);
	check_wait0("wait_1", ep, 1);
	check_wait0("wait_2", ep, 1);
	check_wait0("wait_3", ep, 1);
	check_wait0("wait_4", ep, 1);
	check_wait0("wait_all", ep, 8);
	xclose(c);
	xclose(b);
	xclose(a);
	xclose(ep);
}

/* Two threads blocked on one set, one ONESHOT LT item: only one of them gets it. */
static void oneshot_two_waiters(void)
{
	struct wgroup g;
	struct vbuf b;
	int ep, efd;

	conf_scenario("oneshot.two_waiters");
	ep = xepoll();
	efd = xeventfd(0, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLONESHOT, 0x140);
	wgroup_init(&g);
	wgroup_kick_in(&g, ep);
	wgroup_wait(&g, HOW_WAIT, ep, 1);
	wgroup_wait(&g, HOW_WAIT, ep, 1);
	wgroup_go(&g);
	xwrite_u64(efd, 1);
	wgroup_release(&g);
	vb_init(&b);
	vb_woken(&b, "woken", &g, 1);
	check_str("count", b.s);
	wgroup_put(&g);
	xclose(efd);
	xclose(ep);
}

void area_oneshot(void)
{
	oneshot_basic();
	oneshot_et();
	oneshot_disarmed_hup();
	oneshot_still_member();
	oneshot_among_lt();
	oneshot_two_waiters();
}
