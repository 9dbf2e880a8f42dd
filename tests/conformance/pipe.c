/* SPDX-License-Identifier: MIT */
/*
 * Pipes as pollable files: HUP and ERR when an end closes, capacity counted in 4 KiB pages (16 of
 * them), when EPOLLOUT comes back while draining, and the pipe errors a poller meets.
 */
#define _GNU_SOURCE
#include "conformance.h"

#define PAGE 4096

/* Scratch for the big transfers (kept off the stacks, which are small in epunk). */
static char big[70000];

/* Write with the pipe in non-blocking mode and print the result. */
static void check_write(const char *check, int fd, size_t n)
{
	CHECK_RET(check, write(fd, big, n));
}

static void check_read(const char *check, int fd, size_t n)
{
	CHECK_RET(check, read(fd, big, n));
}

/* The read end sees IN|HUP while data remains after the writer left, then HUP alone, then EOF. */
static void pipe_hup_read_side(void)
{
	int ep, p[2];

	conf_scenario("pipe.hup_read_side");
	ep = xepoll();
	xpipe_nonblock(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLRDHUP, 0x10);
	xwrite_bytes(p[1], 3);
	xclose(p[1]);
	check_wait0("data_pending", ep, 8);
	check_poll0("poll_data_pending", p[0], POLLIN);
	check_read("read_data", p[0], 8);
	check_wait0("drained", ep, 8);
	check_poll0("poll_drained", p[0], POLLIN);
	check_read("read_eof", p[0], 8);
	xclose(p[0]);
	xclose(ep);
}

/* An empty pipe whose writer closed: HUP only; ET reports it once. */
static void pipe_hup_empty(void)
{
	int ep, p[2];

	conf_scenario("pipe.hup_empty");
	ep = xepoll();
	xpipe(p);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLET, 0x11);
	check_wait0("open", ep, 8);
	xclose(p[1]);
	check_wait0("writer_closed", ep, 8);
	check_wait0("again_et", ep, 8);
	check_poll0("poll", p[0], POLLIN | POLLOUT);
	xclose(p[0]);
	xclose(ep);
}

/* The write end sees OUT|ERR once the reader left; a write then fails with EPIPE. */
static void pipe_err_write_side(void)
{
	int ep, p[2];

	conf_scenario("pipe.err_write_side");
	ep = xepoll();
	xpipe_nonblock(p);
	xctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0x12);
	check_wait0("open", ep, 8);
	xclose(p[0]);
	check_wait0("reader_closed", ep, 8);
	check_poll0("poll", p[1], POLLOUT);
	check_write("write", p[1], 1);
	xclose(p[1]);
	xclose(ep);
}

/* A full pipe whose reader left: ERR without OUT (the buffers stay full). */
static void pipe_full_reader_closed(void)
{
	int ep, p[2];

	conf_scenario("pipe.full_reader_closed");
	ep = xepoll();
	xpipe_nonblock(p);
	check_write("fill", p[1], sizeof(big));
	xctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0x13);
	check_wait0("full", ep, 8);
	xclose(p[0]);
	check_wait0("reader_closed", ep, 8);
	check_write("write", p[1], 1);
	xclose(p[1]);
	xclose(ep);
}

/* 64 KiB in 16 pages; OUT comes back only when a whole page is free again. */
static void pipe_capacity_drain(void)
{
	int ep, p[2];

	conf_scenario("pipe.capacity_drain");
	ep = xepoll();
	xpipe_nonblock(p);
	xctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0x14);
	xctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x15);
	check_write("write_70000", p[1], sizeof(big));
	check_write("write_1_more", p[1], 1);
	check_wait0("full", ep, 8);
	check_poll0("poll_full", p[1], POLLOUT);
	check_read("read_1", p[0], 1);
	check_wait0("after_read_1", ep, 8);
	check_write("write_1_after_read_1", p[1], 1);
	check_read("read_4094", p[0], PAGE - 2);
	check_wait0("after_read_4095", ep, 8);
	check_read("read_1_more", p[0], 1);
	check_wait0("after_read_4096", ep, 8);
	check_write("write_4097", p[1], PAGE + 1);
	check_read("read_4096", p[0], PAGE);
	check_write("write_100", p[1], 100);
	check_write("write_4096", p[1], PAGE);
	check_read("read_all", p[0], sizeof(big));
	check_wait0("empty", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* A write joins the last page only if it fits there whole: 1000-byte writes fill 4000 a page. */
static void pipe_chunks(void)
{
	int p[2], writes = 0;
	long total = 0;
	ssize_t n;
	struct vbuf b;

	conf_scenario("pipe.chunks");
	xpipe_nonblock(p);
	while (writes < 1000 && (n = write(p[1], big, 1000)) > 0) {
		total += n;
		writes++;
	}
	vb_init(&b);
	vb_kv_int(&b, "writes", writes);
	vb_kv_int(&b, "bytes", total);
	vb_kv_str(&b, "stop", n < 0 ? errno_name(errno) : "short");
	check_str("writes_of_1000", b.s);
	xclose(p[0]);
	xclose(p[1]);

	xpipe_nonblock(p);
	check_write("one_byte", p[1], 1);
	check_write("then_65536", p[1], 65536);
	xclose(p[0]);
	xclose(p[1]);

	/* 15 full pages, then 4000 bytes in the 16th: 96 bytes fit, 200 do not. */
	xpipe_nonblock(p);
	check_write("pages_15", p[1], 15 * PAGE);
	check_write("last_4000", p[1], 4000);
	check_write("write_200", p[1], 200);
	check_write("write_96", p[1], 96);
	check_write("write_1", p[1], 1);
	xclose(p[0]);
	xclose(p[1]);

	/* A write larger than a page: the remainder part merges into the last page if it fits. */
	xpipe_nonblock(p);
	check_write("first_100", p[1], 100);
	check_write("then_5000", p[1], 5000);
	check_write("then_fill", p[1], sizeof(big));
	check_read("read_back", p[0], sizeof(big));
	xclose(p[0]);
	xclose(p[1]);
}

/* ET on the write end: a read of a full pipe wakes it, but it reports only once a page is free. */
static void pipe_et_out_drain(void)
{
	int ep, p[2];

	conf_scenario("pipe.et_out_drain");
	ep = xepoll();
	xpipe_nonblock(p);
	xctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLET, 0x16);
	check_wait0("initial", ep, 8);
	check_write("fill", p[1], sizeof(big));
	check_wait0("full", ep, 8);
	check_read("read_1", p[0], 1);
	check_wait0("after_read_1", ep, 8);
	check_read("read_4095", p[0], PAGE - 1);
	check_wait0("page_free", ep, 8);
	check_wait0("again", ep, 8);
	check_read("read_4096_not_full", p[0], PAGE);
	check_wait0("read_when_not_full", ep, 8);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

/* Non-blocking reads, wrong-direction I/O, pipe2 and F_SETFL flags. */
static void pipe_io_errors(void)
{
	int p[2];

	conf_scenario("pipe.io_errors");
	xpipe(p);
	CHECK_RET("getfl_read", fcntl(p[0], F_GETFL));
	CHECK_RET("getfl_write", fcntl(p[1], F_GETFL));
	CHECK_RET("getfd_read", fcntl(p[0], F_GETFD));
	CHECK_RET("setfl_nonblock", fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_RET("getfl_after", fcntl(p[0], F_GETFL));
	check_read("read_empty", p[0], 1);
	check_read("read_write_end", p[1], 1);
	CHECK_RET("write_read_end", write(p[0], big, 1));
	check_read("read_zero_bytes", p[0], 0);
	check_write("write_zero_bytes", p[1], 0);
	xclose(p[1]);
	check_read("read_eof", p[0], 1);
	xclose(p[0]);

	xpipe_nonblock(p);
	CHECK_RET("pipe2_nonblock_getfl_read", fcntl(p[0], F_GETFL));
	CHECK_RET("pipe2_nonblock_getfl_write", fcntl(p[1], F_GETFL));
	xclose(p[0]);
	xclose(p[1]);
	CHECK_RET("pipe2_bad_flags", pipe2(p, 1));
	CHECK_RET("read_closed", read(closed_fd(), big, 1));
}

/* poll() of pipe ends, a closed descriptor (NVAL) and a negative one (ignored). */
static void pipe_poll(void)
{
	struct pollfd pfd[4];
	struct vbuf b;
	int p[2], ret, err, i;

	conf_scenario("pipe.poll");
	xpipe(p);
	check_poll0("empty_read_end", p[0], POLLIN);
	check_poll0("empty_write_end", p[1], POLLIN | POLLOUT);
	xwrite_bytes(p[1], 1);
	pfd[0].fd = p[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = closed_fd();
	pfd[1].events = POLLIN;
	pfd[2].fd = -1;
	pfd[2].events = POLLIN;
	pfd[3].fd = p[1];
	pfd[3].events = POLLIN;
	for (i = 0; i < 4; i++)
		pfd[i].revents = 0x7fff;
	ret = poll(pfd, 4, 0);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	for (i = 0; i < 4; i++) {
		vb_str(&b, " ");
		vb_mask(&b, (uint16_t)pfd[i].revents);
	}
	check_str("four_entries", b.s);
	ret = poll(NULL, 0, 10);
	err = errno;
	check_ret("no_entries_10ms", ret, err);
	xclose(p[0]);
	xclose(p[1]);
}

void area_pipe(void)
{
	pipe_hup_read_side();
	pipe_hup_empty();
	pipe_err_write_side();
	pipe_full_reader_closed();
	pipe_capacity_drain();
	pipe_chunks();
	pipe_et_out_drain();
	pipe_io_errors();
	pipe_poll();
}
