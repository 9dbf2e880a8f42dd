/* SPDX-License-Identifier: MIT */
/*
 * ABI area: the packed struct epoll_event, the flag and errno values, how data travels unchanged
 * through the kernel, and which mask bits are accepted and reported.
 */
#define _GNU_SOURCE
#include "conformance.h"

/* struct epoll_event is packed on x86-64: 12 bytes, data at offset 4, no alignment. */
static void abi_layout(void)
{
	struct epoll_event pair[2];

	conf_scenario("abi.layout");
	check_int("sizeof_event", "bytes", (long long)sizeof(struct epoll_event));
	check_int("offsetof_data", "bytes", (long long)offsetof(struct epoll_event, data));
	check_int("alignof_event", "bytes", (long long)_Alignof(struct epoll_event));
	check_int("array_stride", "bytes", (long long)((char *)&pair[1] - (char *)&pair[0]));
	check_int("sizeof_data", "bytes", (long long)sizeof(epoll_data_t));
}

/* The numeric values an application compiles in are Linux's. */
static void abi_constants(void)
{
	struct vbuf b;

	conf_scenario("abi.constants");
	vb_init(&b);
	vb_kv_hex(&b, "IN", (uint32_t)EPOLLIN);
	vb_kv_hex(&b, "PRI", (uint32_t)EPOLLPRI);
	vb_kv_hex(&b, "OUT", (uint32_t)EPOLLOUT);
	vb_kv_hex(&b, "ERR", (uint32_t)EPOLLERR);
	vb_kv_hex(&b, "HUP", (uint32_t)EPOLLHUP);
	vb_kv_hex(&b, "RDNORM", (uint32_t)EPOLLRDNORM);
	vb_kv_hex(&b, "RDBAND", (uint32_t)EPOLLRDBAND);
	vb_kv_hex(&b, "WRNORM", (uint32_t)EPOLLWRNORM);
	vb_kv_hex(&b, "WRBAND", (uint32_t)EPOLLWRBAND);
	vb_kv_hex(&b, "MSG", (uint32_t)EPOLLMSG);
	vb_kv_hex(&b, "RDHUP", (uint32_t)EPOLLRDHUP);
	check_str("event_bits", b.s);

	vb_init(&b);
	vb_kv_hex(&b, "EXCLUSIVE", (uint32_t)EPOLLEXCLUSIVE);
	vb_kv_hex(&b, "WAKEUP", (uint32_t)EPOLLWAKEUP);
	vb_kv_hex(&b, "ONESHOT", (uint32_t)EPOLLONESHOT);
	vb_kv_hex(&b, "ET", (uint32_t)EPOLLET);
	check_str("input_bits", b.s);

	vb_init(&b);
	vb_kv_int(&b, "ADD", EPOLL_CTL_ADD);
	vb_kv_int(&b, "DEL", EPOLL_CTL_DEL);
	vb_kv_int(&b, "MOD", EPOLL_CTL_MOD);
	vb_kv_hex(&b, "EPOLL_CLOEXEC", EPOLL_CLOEXEC);
	check_str("epoll_ops", b.s);

	vb_init(&b);
	vb_kv_hex(&b, "EFD_SEMAPHORE", EFD_SEMAPHORE);
	vb_kv_hex(&b, "EFD_CLOEXEC", EFD_CLOEXEC);
	vb_kv_hex(&b, "EFD_NONBLOCK", EFD_NONBLOCK);
	check_str("eventfd_flags", b.s);

	vb_init(&b);
	vb_kv_hex(&b, "O_NONBLOCK", O_NONBLOCK);
	vb_kv_hex(&b, "O_CLOEXEC", O_CLOEXEC);
	vb_kv_int(&b, "F_GETFD", F_GETFD);
	vb_kv_int(&b, "F_SETFD", F_SETFD);
	vb_kv_int(&b, "F_GETFL", F_GETFL);
	vb_kv_int(&b, "F_SETFL", F_SETFL);
	vb_kv_int(&b, "FD_CLOEXEC", FD_CLOEXEC);
	check_str("fcntl_values", b.s);

	vb_init(&b);
	vb_kv_hex(&b, "POLLIN", POLLIN);
	vb_kv_hex(&b, "POLLPRI", POLLPRI);
	vb_kv_hex(&b, "POLLOUT", POLLOUT);
	vb_kv_hex(&b, "POLLERR", POLLERR);
	vb_kv_hex(&b, "POLLHUP", POLLHUP);
	vb_kv_hex(&b, "POLLNVAL", POLLNVAL);
	check_str("poll_bits", b.s);

	vb_init(&b);
	vb_kv_int(&b, "EPERM", EPERM);
	vb_kv_int(&b, "ENOENT", ENOENT);
	vb_kv_int(&b, "EBADF", EBADF);
	vb_kv_int(&b, "EAGAIN", EAGAIN);
	vb_kv_int(&b, "EFAULT", EFAULT);
	vb_kv_int(&b, "EEXIST", EEXIST);
	vb_kv_int(&b, "EINVAL", EINVAL);
	vb_kv_int(&b, "EPIPE", EPIPE);
	vb_kv_int(&b, "ELOOP", ELOOP);
	check_str("errno_values", b.s);
}

/* data is opaque: every u64 comes back bit for bit, whatever member was set. */
static void abi_data(void)
{
	static const uint64_t values[] = {
		0, 0xffffffffffffffffull, 0x8000000000000001ull, 0xdeadbeefcafef00dull,
	};
	static int anchor;
	struct epoll_event ev[WAITER_EVENTS], in;
	struct vbuf b;
	int ep, efd[4], i, ret, err;

	conf_scenario("abi.data");
	ep = xepoll();
	for (i = 0; i < 4; i++) {
		efd[i] = xeventfd(1, 0);
		xctl(ep, EPOLL_CTL_ADD, efd[i], EPOLLIN, values[i]);
	}
	check_wait0("u64_values", ep, 8);

	/* Only the fd member set: the rest of the union is whatever the caller left there. */
	memset(&in, 0, sizeof(in));
	in.events = EPOLLIN;
	in.data.fd = efd[0];
	xctl(ep, EPOLL_CTL_DEL, efd[1], 0, 0);
	xctl(ep, EPOLL_CTL_DEL, efd[2], 0, 0);
	xctl(ep, EPOLL_CTL_DEL, efd[3], 0, 0);
	if (epoll_ctl(ep, EPOLL_CTL_MOD, efd[0], &in) < 0)
		conf_setup_failed("mod_fd", errno);
	memset(ev, 0, sizeof(ev));
	ret = epoll_wait(ep, ev, 8, 0);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_str(&b, "fd", ret == 1 && ev[0].data.fd == efd[0] ? "same" : "different");
	check_str("fd_member", b.s);

	memset(&in, 0, sizeof(in));
	in.events = EPOLLIN;
	in.data.ptr = &anchor;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, efd[0], &in) < 0)
		conf_setup_failed("mod_ptr", errno);
	memset(ev, 0, sizeof(ev));
	ret = epoll_wait(ep, ev, 8, 0);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_kv_str(&b, "ptr", ret == 1 && ev[0].data.ptr == &anchor ? "same" : "different");
	check_str("ptr_member", b.s);

	memset(&in, 0, sizeof(in));
	in.events = EPOLLIN;
	in.data.u32 = 0x12345678u;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, efd[0], &in) < 0)
		conf_setup_failed("mod_u32", errno);
	check_wait0("u32_member", ep, 8);

	/* MOD replaces the data of the very next report. */
	xctl(ep, EPOLL_CTL_MOD, efd[0], EPOLLIN, 0x0123456789abcdefull);
	check_wait0("mod_new_data", ep, 8);

	for (i = 0; i < 4; i++)
		xclose(efd[i]);
	xclose(ep);
}

/* epoll_wait writes exactly the events it returns and not one entry more. */
static void abi_untouched(void)
{
	struct epoll_event ev[4];
	struct vbuf b;
	int ep, efd, ret, err, i;
	bool clean = true;

	conf_scenario("abi.untouched");
	ep = xepoll();
	efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x77);
	memset(ev, 0xa5, sizeof(ev));
	ret = epoll_wait(ep, ev, 4, 0);
	err = errno;
	for (i = 12; i < (int)sizeof(ev); i++)
		if (((unsigned char *)ev)[i] != 0xa5)
			clean = false;
	vb_init(&b);
	vb_events(&b, ret, err, ev);
	vb_kv_str(&b, "rest", clean ? "untouched" : "written");
	check_str("one_of_four", b.s);
	xclose(efd);
	xclose(ep);
}

/* Input-only bits (RDHUP, PRI, WAKEUP, unknown) are accepted; reports keep to the interest set. */
static void abi_masks(void)
{
	int ep, p[2], efd;

	conf_scenario("abi.masks");
	ep = xepoll();
	xpipe(p);
	efd = xeventfd(0, 0);
	check_ctl("add_in_rdhup_pri", ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLRDHUP | EPOLLPRI, 1);
	check_ctl("add_out_wakeup", ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLWAKEUP, 2);
	check_ctl("add_unknown_bit", ep, EPOLL_CTL_ADD, efd, EPOLLIN | 0x00100000u, 3);
	check_wait0("wait_empty_pipe", ep, 8);
	xwrite_bytes(p[1], 1);
	check_wait0("wait_with_data", ep, 8);
	check_ctl("mod_all_read_bits", ep, EPOLL_CTL_MOD, p[0],
		  EPOLLIN | EPOLLRDNORM | EPOLLRDBAND | EPOLLPRI | EPOLLRDHUP | EPOLLMSG, 1);
	check_ctl("mod_all_write_bits", ep, EPOLL_CTL_MOD, p[1],
		  EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND, 2);
	xwrite_u64(efd, 1);
	check_wait0("wait_rdnorm_wrnorm", ep, 8);
	/* Asking for OUT on a read end and IN on a write end reports nothing. */
	check_ctl("mod_read_end_out", ep, EPOLL_CTL_MOD, p[0], EPOLLOUT, 1);
	check_ctl("mod_write_end_in", ep, EPOLL_CTL_MOD, p[1], EPOLLIN, 2);
	check_ctl("del_eventfd", ep, EPOLL_CTL_DEL, efd, 0, 0);
	check_wait0("wait_wrong_direction", ep, 8);
	xclose(efd);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* EPOLLERR and EPOLLHUP are reported whatever the interest mask, even an empty one. */
static void abi_errhup(void)
{
	int ep, a[2], c[2];

	conf_scenario("abi.errhup");
	ep = xepoll();
	xpipe(a);
	xpipe(c);
	xwrite_bytes(a[1], 3);
	xctl(ep, EPOLL_CTL_ADD, a[0], 0, 0xa0);		/* read end, no interest at all */
	xctl(ep, EPOLL_CTL_ADD, c[1], EPOLLIN, 0xc1);	/* write end, interest it never has */
	check_wait0("no_interest_data_pending", ep, 8);
	xclose(a[1]);
	check_wait0("read_end_writer_closed", ep, 8);
	xclose(c[0]);
	check_wait0("write_end_reader_closed", ep, 8);
	xctl(ep, EPOLL_CTL_MOD, a[0], EPOLLOUT, 0xa0);
	xctl(ep, EPOLL_CTL_MOD, c[1], EPOLLOUT, 0xc1);
	check_wait0("after_mod_out", ep, 8);
	xclose(a[0]);
	xclose(c[1]);
	xclose(ep);
}

void area_abi(void)
{
	abi_layout();
	abi_constants();
	abi_data();
	abi_untouched();
	abi_masks();
	abi_errhup();
}
