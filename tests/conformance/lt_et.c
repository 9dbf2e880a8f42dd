/* SPDX-License-Identifier: MIT */
/*
 * Level- and edge-triggered reporting on one waiter: what each wait returns as data arrives and
 * is consumed, which writes make an edge, and how MOD re-polls.
 */
#define _GNU_SOURCE
#include "conformance.h"

/* Level-triggered: reported on every wait for as long as the condition holds. */
static void lt_et_pipe_lt(void)
{
	char buf[8];
	int ep, p[2];

	conf_scenario("lt_et.pipe_lt");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x10);
	check_wait0("empty", ep, 8);
	xwrite_bytes(p[1], 2);
	check_wait0("after_write_1", ep, 8);
	check_wait0("after_write_2", ep, 8);
	CHECK_RET("read_1", read(p[0], buf, 1));
	check_wait0("one_byte_left", ep, 8);
	CHECK_RET("read_2", read(p[0], buf, 1));
	check_wait0("drained", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* ET on a pipe: one report per wake-up, and every write wakes, even one that changes nothing. */
static void lt_et_pipe_et(void)
{
	char buf[8];
	int ep, p[2];

	conf_scenario("lt_et.pipe_et");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLET, 0x11);
	check_wait0("empty", ep, 8);
	xwrite_bytes(p[1], 1);
	check_wait0("after_write", ep, 8);
	check_wait0("again", ep, 8);
	xwrite_bytes(p[1], 1);
	check_wait0("second_write_still_readable", ep, 8);
	check_wait0("again_2", ep, 8);
	CHECK_RET("read_1", read(p[0], buf, 1));
	check_wait0("after_partial_read", ep, 8);
	CHECK_RET("read_2", read(p[0], buf, 1));
	check_wait0("after_drain", ep, 8);
	xwrite_bytes(p[1], 3);
	check_wait0("write_after_drain", ep, 8);
	xwrite_bytes(p[1], 3);
	xwrite_bytes(p[1], 3);
	check_wait0("two_writes_one_report", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* ET write side: writable once at ADD; reads of a pipe that was not full do not wake it. */
static void lt_et_pipe_et_out(void)
{
	char buf[8];
	int ep, p[2];

	conf_scenario("lt_et.pipe_et_out");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLET, 0x12);
	check_wait0("initial", ep, 8);
	check_wait0("again", ep, 8);
	xwrite_bytes(p[1], 4);
	check_wait0("after_write", ep, 8);
	CHECK_RET("read", read(p[0], buf, 2));
	check_wait0("after_read_not_full", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, p[1], EPOLLOUT | EPOLLET, 0x13);
	check_wait0("after_mod", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* ET on an eventfd: every write (even of 0) and every read wakes, each giving a report. */
static void lt_et_eventfd_et(void)
{
	int ep, efd;

	conf_scenario("lt_et.eventfd_et");
	ep = xepoll();
	efd = xeventfd(0, EFD_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLOUT | EPOLLET, 0x20);
	check_wait0("initial_out", ep, 8);
	check_wait0("again", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("after_write_1", ep, 8);
	check_wait0("again_2", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("after_write_1_more", ep, 8);
	xwrite_u64(efd, 0);
	check_wait0("after_write_0", ep, 8);
	check_hex("read", "value", xread_u64(efd));
	check_wait0("after_read", ep, 8);
	check_wait0("again_3", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* Level-triggered eventfd: readable until read, a plain read takes the whole counter. */
static void lt_et_eventfd_lt(void)
{
	int ep, efd;

	conf_scenario("lt_et.eventfd_lt");
	ep = xepoll();
	efd = xeventfd(2, EFD_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x21);
	check_wait0("counter_2", ep, 8);
	check_wait0("again", ep, 8);
	check_hex("read", "value", xread_u64(efd));
	check_wait0("counter_0", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* MOD re-polls the file: switching LT/ET or re-arming reports a condition that is already true. */
static void lt_et_mod_switch(void)
{
	int ep, efd;

	conf_scenario("lt_et.mod_switch");
	ep = xepoll();
	efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x30);
	check_wait0("lt", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 0x31);
	check_wait0("mod_to_et", ep, 8);
	check_wait0("et_consumed", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 0x32);
	check_wait0("mod_same_et", ep, 8);
	check_wait0("et_consumed_2", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0x33);
	check_wait0("mod_to_lt", ep, 8);
	check_wait0("lt_again", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* MOD to a mask already satisfied reports it; MOD to an unsatisfied one drops the report. */
static void lt_et_mod_repoll(void)
{
	int ep, p[2];

	conf_scenario("lt_et.mod_repoll");
	ep = xepoll();
	xpipe(p);
	xwrite_bytes(p[1], 1);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLOUT, 0x40);
	check_wait0("interest_out_on_read_end", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 0x41);
	check_wait0("mod_to_in", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, p[0], EPOLLOUT, 0x42);
	check_wait0("mod_back_to_out", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLOUT, 0x43);
	check_wait0("mod_in_out", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* A ready item whose condition goes away before the wait is not reported (re-polled on harvest). */
static void lt_et_stale(void)
{
	char buf[8];
	int ep, p[2], efd;

	conf_scenario("lt_et.stale");
	ep = xepoll();
	xpipe(p);
	efd = xeventfd(0, EFD_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLET, 0x50);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, 0x51);
	xwrite_bytes(p[1], 1);
	xwrite_u64(efd, 5);
	CHECK_RET("read_pipe", read(p[0], buf, 1));
	xread_u64(efd);
	check_wait0("both_consumed_before_wait", ep, 8);
	xwrite_bytes(p[1], 1);
	check_wait0("new_write", ep, 8);
	xclose(efd);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* One file watched twice (LT, ET via a dup): each keeps its rule; the later ADD reports first. */
static void lt_et_both_on_one_file(void)
{
	int ep, efd, efd2;

	conf_scenario("lt_et.both_on_one_file");
	ep = xepoll();
	efd = xeventfd(0, 0);
	efd2 = dup(efd);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x60);
	xctl(ep, EPOLL_CTL_ADD, efd2, EPOLLIN | EPOLLET, 0x61);
	check_wait0("idle", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("after_write", ep, 8);
	check_wait0("again", ep, 8);
	xclose(efd2);
	xclose(efd);
	xclose(ep);
}

void area_lt_et(void)
{
	lt_et_pipe_lt();
	lt_et_pipe_et();
	lt_et_pipe_et_out();
	lt_et_eventfd_et();
	lt_et_eventfd_lt();
	lt_et_mod_switch();
	lt_et_mod_repoll();
	lt_et_stale();
	lt_et_both_on_one_file();
}
