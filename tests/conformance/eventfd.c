/* SPDX-License-Identifier: MIT */
/*
 * eventfd as a pollable file: readiness at 0, above 0 and at the ceiling 0xfffffffffffffffe,
 * semaphore mode, EAGAIN and EINVAL cases, and the wake-ups a poller sees.
 */
#define _GNU_SOURCE
#include "conformance.h"

#define EFD_MAX 0xfffffffffffffffeull

/* The counter decides the mask: 0 is OUT, above 0 IN|OUT, the ceiling IN only. */
static void eventfd_readiness(void)
{
	int ep, efd;

	conf_scenario("eventfd.readiness");
	ep = xepoll();
	efd = xeventfd(0, EFD_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLOUT, 0x1);
	check_wait0("counter_0", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("counter_1", ep, 8);
	xwrite_u64(efd, EFD_MAX - 1);
	check_wait0("counter_max", ep, 8);
	check_poll0("poll_counter_max", efd, POLLIN | POLLOUT);
	check_hex("read_max", "value", xread_u64(efd));
	check_wait0("after_read", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* The initial value is a full unsigned int; a plain read takes all and resets to 0. */
static void eventfd_initval(void)
{
	uint64_t v;
	int efd;

	conf_scenario("eventfd.initval");
	efd = xeventfd(0xffffffffu, EFD_NONBLOCK);
	check_hex("read_initval", "value", xread_u64(efd));
	v = 0;
	CHECK_RET("read_again", read(efd, &v, sizeof(v)));
	xclose(efd);
	efd = xeventfd(5, 0);
	xwrite_u64(efd, 7);
	check_hex("sum", "value", xread_u64(efd));
	xclose(efd);
}

/* Semaphore mode: each read returns 1 and decrements by one. */
static void eventfd_semaphore(void)
{
	struct vbuf b;
	uint64_t v;
	int ep, efd, i;
	ssize_t n;

	conf_scenario("eventfd.semaphore");
	ep = xepoll();
	efd = xeventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x2);
	vb_init(&b);
	for (i = 0; i < 4; i++) {
		v = 0;
		n = read(efd, &v, sizeof(v));
		if (n < 0)
			vb_kv_str(&b, "read", errno_name(errno));
		else
			vb_kv_hex(&b, "read", v);
	}
	check_str("reads", b.s);
	check_wait0("empty", ep, 8);
	xwrite_u64(efd, 2);
	check_wait0("after_write_2", ep, 8);
	check_hex("read_one", "value", xread_u64(efd));
	check_wait0("one_left", ep, 8);
	xclose(efd);
	xclose(ep);
}

/* EAGAIN: reading 0, writing past the ceiling; writing 0 is always allowed. */
static void eventfd_eagain(void)
{
	uint64_t v;
	int efd;

	conf_scenario("eventfd.eagain");
	efd = xeventfd(0, EFD_NONBLOCK);
	v = 0;
	CHECK_RET("read_at_0", read(efd, &v, sizeof(v)));
	v = EFD_MAX;
	CHECK_RET("write_max", write(efd, &v, sizeof(v)));
	v = 1;
	CHECK_RET("write_1_at_max", write(efd, &v, sizeof(v)));
	v = 0;
	CHECK_RET("write_0_at_max", write(efd, &v, sizeof(v)));
	check_hex("read", "value", xread_u64(efd));
	v = EFD_MAX - 1;
	CHECK_RET("write_max_minus_1", write(efd, &v, sizeof(v)));
	v = 1;
	CHECK_RET("write_1_to_max", write(efd, &v, sizeof(v)));
	CHECK_RET("write_1_over", write(efd, &v, sizeof(v)));
	xclose(efd);
}

/* EINVAL: the value ~0, reads shorter than 8 bytes, writes of any length but 8. */
static void eventfd_einval(void)
{
	uint64_t v[2];
	int efd;

	conf_scenario("eventfd.einval");
	efd = xeventfd(1, EFD_NONBLOCK);
	v[0] = 0xffffffffffffffffull;
	CHECK_RET("write_all_ones", write(efd, v, 8));
	CHECK_RET("read_7", read(efd, v, 7));
	CHECK_RET("read_0", read(efd, v, 0));
	v[0] = 1;
	CHECK_RET("write_7", write(efd, v, 7));
	CHECK_RET("write_4", write(efd, v, 4));
	v[0] = 2;
	v[1] = 0x55;
	CHECK_RET("write_16", write(efd, v, 16));
	v[0] = v[1] = 0;
	CHECK_RET("read_16", read(efd, v, 16));
	check_hex("read_16_value", "value", v[0]);
	check_hex("read_16_untouched", "value", v[1]);
	CHECK_NEWFD("bad_flags", eventfd(0, 0x4));
	CHECK_NEWFD("bad_flags_high", eventfd(0, 0x40000000));
	xclose(efd);
}

/* File flags of an eventfd. */
static void eventfd_flags(void)
{
	int efd;

	conf_scenario("eventfd.flags");
	efd = xeventfd(0, 0);
	CHECK_RET("getfl_plain", fcntl(efd, F_GETFL));
	CHECK_RET("getfd_plain", fcntl(efd, F_GETFD));
	xclose(efd);
	efd = xeventfd(0, EFD_NONBLOCK | EFD_CLOEXEC | EFD_SEMAPHORE);
	CHECK_RET("getfl_all", fcntl(efd, F_GETFL));
	CHECK_RET("getfd_all", fcntl(efd, F_GETFD));
	CHECK_RET("setfl_clear_nonblock", fcntl(efd, F_SETFL, 0));
	CHECK_RET("getfl_after", fcntl(efd, F_GETFL));
	xclose(efd);
}

/* ET on OUT: every read wakes the writer side, so each read re-reports OUT. */
static void eventfd_et_out(void)
{
	int ep, efd;

	conf_scenario("eventfd.et_out");
	ep = xepoll();
	efd = xeventfd(4, EFD_NONBLOCK | EFD_SEMAPHORE);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLOUT | EPOLLET, 0x3);
	check_wait0("initial", ep, 8);
	check_wait0("again", ep, 8);
	xread_u64(efd);
	check_wait0("after_read", ep, 8);
	xwrite_u64(efd, 1);
	check_wait0("after_write", ep, 8);
	xclose(efd);
	xclose(ep);
}

void area_eventfd(void)
{
	eventfd_readiness();
	eventfd_initval();
	eventfd_semaphore();
	eventfd_eagain();
	eventfd_einval();
	eventfd_flags();
	eventfd_et_out();
}
