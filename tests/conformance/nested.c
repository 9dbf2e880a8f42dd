/* SPDX-License-Identifier: MIT */
/*
 * Nested sets beyond the wake-up families: what an epoll fd reports when polled or watched, how
 * an inner set's state reaches the outer one, and what closing an inner set does.
 */
#define _GNU_SOURCE
#include "conformance.h"

/* An epoll fd is readable (IN|RDNORM) while it has a ready item, never writable. */
static void nested_poll_epfd(void)
{
	int ep, efd;

	conf_scenario("nested.poll_epfd");
	ep = xepoll();
	efd = xeventfd(0, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x1);
	check_poll0("empty_in", ep, POLLIN);
	check_poll0("empty_out", ep, POLLOUT);
	xwrite_u64(efd, 1);
	check_poll0("ready_in", ep, POLLIN);
	check_poll0("ready_in_out_rdnorm", ep, POLLIN | POLLOUT | POLLRDNORM);
	check_poll0("ready_out_only", ep, POLLOUT);
	check_poll0("ready_no_events", ep, 0);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 0x2);
	check_poll0("et_pending", ep, POLLIN);
	check_wait0("et_harvest", ep, 8);
	check_poll0("et_consumed", ep, POLLIN);
	xread_u64(efd);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0x3);
	check_poll0("lt_drained", ep, POLLIN);
	xclose(efd);
	xclose(ep);
}

/* The outer set sees the inner one as IN only, whatever it asks for, with its own data. */
static void nested_mask(void)
{
	int outer, inner, efd;

	conf_scenario("nested.mask");
	outer = xepoll();
	inner = xepoll();
	efd = xeventfd(1, 0);
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLOUT, 0x10);
	check_ctl("add_inner_all_bits", outer, EPOLL_CTL_ADD, inner,
		  EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM | EPOLLPRI | EPOLLRDHUP, 0x20);
	check_wait0("outer", outer, 8);
	check_wait0("inner", inner, 8);
	xctl(outer, EPOLL_CTL_MOD, inner, EPOLLOUT, 0x21);
	check_wait0("outer_out_only", outer, 8);
	xclose(efd);
	xclose(inner);
	xclose(outer);
}

/* An inner LT item whose condition went away is dropped when the outer set polls the inner one. */
static void nested_inner_drained(void)
{
	int outer, inner, efd;

	conf_scenario("nested.inner_drained");
	outer = xepoll();
	inner = xepoll();
	efd = xeventfd(0, EFD_NONBLOCK);
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN, 0x10);
	xctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 0x20);
	xwrite_u64(efd, 1);
	check_wait0("ready", outer, 8);
	xread_u64(efd);
	check_wait0("drained", outer, 8);
	check_wait0("inner_drained", inner, 8);
	xclose(efd);
	xclose(inner);
	xclose(outer);
}

/* An inner ET item harvested from the inner set is gone for the outer set too. */
static void nested_inner_harvested(void)
{
	int outer, inner, efd;

	conf_scenario("nested.inner_harvested");
	outer = xepoll();
	inner = xepoll();
	efd = xeventfd(0, 0);
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, 0x10);
	xctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 0x20);
	xwrite_u64(efd, 1);
	check_wait0("inner_first", inner, 8);
	check_wait0("outer_after", outer, 8);
	xwrite_u64(efd, 1);
	check_wait0("outer_first", outer, 8);
	check_wait0("inner_after_outer", inner, 8);
	check_wait0("outer_after_inner", outer, 8);
	xclose(efd);
	xclose(inner);
	xclose(outer);
}

/* Three levels: the event climbs through every set; HUP below still shows as IN above. */
static void nested_three_levels(void)
{
	int e0, e1, e2, p[2];

	conf_scenario("nested.three_levels");
	e0 = xepoll();
	e1 = xepoll();
	e2 = xepoll();
	xpipe(p);
	xctl(e2, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x2);
	xctl(e1, EPOLL_CTL_ADD, e2, EPOLLIN, 0x1);
	xctl(e0, EPOLL_CTL_ADD, e1, EPOLLIN, 0x0);
	check_wait0("idle", e0, 8);
	xwrite_bytes(p[1], 1);
	check_wait0("top", e0, 8);
	check_wait0("middle", e1, 8);
	check_wait0("bottom", e2, 8);
	xclose(p[1]);
	check_wait0("bottom_hup", e2, 8);
	check_wait0("top_after_hup", e0, 8);
	xclose(p[0]);
	check_wait0("top_after_source_closed", e0, 8);
	xclose(e2);
	xclose(e1);
	xclose(e0);
}

/* Closing an inner set removes it from the outer one: no report, DEL gives EBADF. */
static void nested_close_inner(void)
{
	int outer, inner, efd, dupfd;

	conf_scenario("nested.close_inner");
	outer = xepoll();
	inner = xepoll();
	efd = xeventfd(0, 0);
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN, 0x10);
	xctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 0x20);
	xclose(inner);
	xwrite_u64(efd, 1);
	check_wait0("after_close", outer, 8);
	check_ctl("del_closed", outer, EPOLL_CTL_DEL, inner, 0, 0);

	/* Through a dup the inner set stays alive and watched. */
	inner = xepoll();
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN, 0x11);
	xctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 0x21);
	dupfd = dup(inner);
	xclose(inner);
	check_wait0("closed_but_duplicated", outer, 8);
	check_wait0("through_dup", dupfd, 8);
	xclose(dupfd);
	check_wait0("last_reference_closed", outer, 8);
	xclose(efd);
	xclose(outer);
}

/* ONESHOT on the edge to an inner set disarms that edge only. */
static void nested_oneshot_edge(void)
{
	int outer, inner, efd;

	conf_scenario("nested.oneshot_edge");
	outer = xepoll();
	inner = xepoll();
	efd = xeventfd(1, 0);
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN, 0x10);
	xctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN | EPOLLONESHOT, 0x20);
	check_wait0("first", outer, 8);
	check_wait0("disarmed", outer, 8);
	check_wait0("inner_still_lt", inner, 8);
	xctl(outer, EPOLL_CTL_MOD, inner, EPOLLIN | EPOLLONESHOT, 0x21);
	check_wait0("rearmed", outer, 8);
	xclose(efd);
	xclose(inner);
	xclose(outer);
}

/* One inner set watched by two outer sets: both see it. */
static void nested_two_parents(void)
{
	int a, b, inner, efd;

	conf_scenario("nested.two_parents");
	a = xepoll();
	b = xepoll();
	inner = xepoll();
	efd = xeventfd(0, 0);
	xctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, 0x10);
	xctl(a, EPOLL_CTL_ADD, inner, EPOLLIN, 0xa);
	xctl(b, EPOLL_CTL_ADD, inner, EPOLLIN | EPOLLET, 0xb);
	xwrite_u64(efd, 1);
	check_wait0("parent_a", a, 8);
	check_wait0("parent_b", b, 8);
	check_wait0("parent_a_again", a, 8);
	check_wait0("parent_b_again", b, 8);
	xclose(efd);
	xclose(inner);
	xclose(b);
	xclose(a);
}

void area_nested(void)
{
	nested_poll_epfd();
	nested_mask();
	nested_inner_drained();
	nested_inner_harvested();
	nested_three_levels();
	nested_close_inner();
	nested_oneshot_edge();
	nested_two_parents();
}
