/* SPDX-License-Identifier: MIT */
/*
 * Closing and duplicating descriptors: an item is keyed by (file, fd number) and goes away only
 * when the file's last reference is closed; descriptor numbers are allocated lowest-first.
 */
#define _GNU_SOURCE
#include "conformance.h"

/* Closing the only descriptor of a watched file removes it: no events, DEL says EBADF. */
static void close_watched(void)
{
	int ep, p[2], efd;

	conf_scenario("close.watched");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x10);
	xwrite_bytes(p[1], 1);
	check_wait0("before_close", ep, 8);
	xclose(p[0]);
	check_wait0("after_close", ep, 8);
	check_ctl("del_closed", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	/* The number comes back for the next file, which is a new, unwatched file. */
	efd = xeventfd(1, 0);
	check_str("number_reused", efd == p[0] ? "yes" : "no");
	check_wait0("new_file_same_number", ep, 8);
	check_ctl("del_new_file", ep, EPOLL_CTL_DEL, efd, 0, 0);
	check_ctl("add_new_file", ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x11);
	check_wait0("new_file_watched", ep, 8);
	xclose(efd);
	xclose(p[1]);
	xclose(ep);
}

/* Closing a watched fd while a dup keeps the file open leaves its item, events and data alive. */
static void close_dup(void)
{
	int ep, p[2], d;

	conf_scenario("close.dup");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0xa);
	d = dup(p[0]);
	xclose(p[0]);
	xwrite_bytes(p[1], 1);
	check_wait0("event_after_close", ep, 8);
	check_ctl("del_closed_number", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	check_ctl("del_dup", ep, EPOLL_CTL_DEL, d, 0, 0);
	check_ctl("mod_dup", ep, EPOLL_CTL_MOD, d, EPOLLIN, 0xb);
	check_ctl("add_dup", ep, EPOLL_CTL_ADD, d, EPOLLIN, 0xb);
	check_wait0("both_items", ep, 8);
	check_ctl("del_dup_again", ep, EPOLL_CTL_DEL, d, 0, 0);
	check_wait0("orphan_item_only", ep, 8);
	xclose(d);
	check_wait0("after_last_close", ep, 8);
	xclose(p[1]);
	xclose(ep);
}

/* dup2 back onto the original number names the old item again. */
static void close_dup_restore(void)
{
	int ep, efd, d;

	conf_scenario("close.dup_restore");
	ep = xepoll();
	efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x20);
	d = dup(efd);
	xclose(efd);
	CHECK_RET("dup2_back", dup2(d, efd) == efd ? 0 : -1);
	check_ctl("mod_restored", ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0x21);
	check_wait0("restored", ep, 8);
	check_ctl("del_restored", ep, EPOLL_CTL_DEL, efd, 0, 0);
	check_wait0("after_del", ep, 8);
	xclose(d);
	xclose(efd);
	xclose(ep);
}

/* dup2 over a watched number closes the watched file: its item is gone, the number is unwatched. */
static void close_dup2_over(void)
{
	int ep, p[2], efd;

	conf_scenario("close.dup2_over");
	ep = xepoll();
	xpipe(p);
	efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x30);
	xwrite_bytes(p[1], 1);
	CHECK_RET("dup2_over", dup2(efd, p[0]) == p[0] ? 0 : -1);
	check_wait0("after_dup2", ep, 8);
	check_ctl("del_number", ep, EPOLL_CTL_DEL, p[0], 0, 0);
	check_ctl("add_number", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x31);
	check_wait0("watched_again", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(efd);
	xclose(ep);
}

/* dup3 is dup2 with flags: same number is EINVAL, O_CLOEXEC the only flag. */
static void close_dup3(void)
{
	int efd, d, d2;

	conf_scenario("close.dup3");
	efd = xeventfd(0, 0);
	d = closed_fd();
	CHECK_RET("same_fd", dup3(efd, efd, 0));
	CHECK_RET("bad_flags", dup3(efd, d, O_NONBLOCK));
	CHECK_RET("cloexec", dup3(efd, d, O_CLOEXEC) == d ? 0 : -1);
	CHECK_RET("cloexec_getfd", fcntl(d, F_GETFD));
	CHECK_RET("dup2_same_fd", dup2(efd, efd) == efd ? 0 : -1);
	CHECK_RET("dup2_closed_src", dup2(closed_fd(), efd));
	d2 = dup(d);
	CHECK_RET("dup_clears_cloexec", fcntl(d2, F_GETFD));
	xclose(d2);
	xclose(d);
	xclose(efd);
}

/* Closing the epoll fd leaves the watched files working; closing a watched file twice is EBADF. */
static void close_epfd(void)
{
	int ep, efd;

	conf_scenario("close.epfd");
	ep = xepoll();
	efd = xeventfd(0, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x40);
	CHECK_RET("close_epfd", close(ep));
	CHECK_RET("close_epfd_again", close(ep));
	CHECK_RET("wait_closed_epfd", epoll_wait(ep, NULL_EVENTS, 1, 0));
	xwrite_u64(efd, 3);
	check_hex("read_after", "value", xread_u64(efd));
	CHECK_RET("close_minus1", close(-1));
	xclose(efd);
}

/* New descriptors take the lowest free number. */
static void close_lowest_free(void)
{
	int a, b, c, x, y, p[2];
	struct vbuf v;

	/* Only numbers freed here are compared: fds the environment keeps open do not matter. */
	conf_scenario("close.lowest_free");
	a = xepoll();
	b = xeventfd(0, 0);
	c = xepoll();
	xclose(b);
	xclose(a);
	xpipe(p);
	vb_init(&v);
	vb_kv_str(&v, "read_end", p[0] == a ? "first_hole" : p[0] == b ? "second_hole" : "other");
	vb_kv_str(&v, "write_end", p[1] == a ? "first_hole" : p[1] == b ? "second_hole" : "other");
	check_str("pipe_fills_holes", v.s);
	xclose(p[1]);
	x = dup(c);
	y = xeventfd(0, 0);
	vb_init(&v);
	vb_kv_str(&v, "dup", x == b ? "freed_number" : "other");
	vb_kv_str(&v, "next", y > c ? "above_all" : "other");
	check_str("dup_takes_lowest", v.s);
	xclose(y);
	xclose(x);
	xclose(p[0]);
	xclose(c);
}

/* The close-on-exec flag as each creator sets it, and F_SETFD changing it. */
static void close_cloexec(void)
{
	int fd, p[2];

	conf_scenario("close.cloexec");
	fd = xeventfd(0, EFD_CLOEXEC);
	CHECK_RET("eventfd_cloexec", fcntl(fd, F_GETFD));
	CHECK_RET("setfd_0", fcntl(fd, F_SETFD, 0));
	CHECK_RET("after_setfd_0", fcntl(fd, F_GETFD));
	xclose(fd);
	fd = xeventfd(0, 0);
	CHECK_RET("eventfd_plain", fcntl(fd, F_GETFD));
	CHECK_RET("setfd_cloexec", fcntl(fd, F_SETFD, FD_CLOEXEC));
	CHECK_RET("after_setfd_cloexec", fcntl(fd, F_GETFD));
	xclose(fd);
	if (pipe2(p, O_CLOEXEC) < 0)
		conf_setup_failed("pipe2", errno);
	CHECK_RET("pipe2_cloexec_read", fcntl(p[0], F_GETFD));
	CHECK_RET("pipe2_cloexec_write", fcntl(p[1], F_GETFD));
	xclose(p[0]);
	xclose(p[1]);
	CHECK_RET("getfd_closed", fcntl(closed_fd(), F_GETFD));
}

void area_close(void)
{
	close_watched();
	close_dup();
	close_dup_restore();
	close_dup2_over();
	close_dup3();
	close_epfd();
	close_lowest_free();
	close_cloexec();
}
