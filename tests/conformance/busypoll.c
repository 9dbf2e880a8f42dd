/* SPDX-License-Identifier: MIT */
/*
 * Busy polling area: the ioctls of Linux 6.9 on an epoll instance (EPIOCSPARAMS, EPIOCGPARAMS:
 * values kept, each EINVAL, EFAULT, ENOTTY on other files and for other requests) and the socket
 * options SO_BUSY_POLL, SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET. The suite runs as root on
 * both sides, so what Linux grants with CAP_NET_ADMIN is granted.
 */
#define _GNU_SOURCE
#include "conformance.h"
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Spelled here: the C library's headers may predate them. */
struct conf_epoll_params {
	uint32_t busy_poll_usecs;
	uint16_t busy_poll_budget;
	uint8_t prefer_busy_poll;
	uint8_t pad;
};
#define CONF_EPIOCSPARAMS	0x40088a01UL
#define CONF_EPIOCGPARAMS	0x80088a02UL
#define CONF_SO_BUSY_POLL	46
#define CONF_SO_PREFER_BUSY_POLL 69
#define CONF_SO_BUSY_POLL_BUDGET 70

static void check_params(const char *check, int ep)
{
	struct conf_epoll_params p;
	struct vbuf v;
	memset(&p, 0xa5, sizeof(p));
	long r = ioctl(ep, CONF_EPIOCGPARAMS, &p);
	int e = errno;
	vb_init(&v);
	vb_ret(&v, r, e);
	if (r == 0) {
		vb_kv_int(&v, "usecs", p.busy_poll_usecs);
		vb_kv_int(&v, "budget", p.busy_poll_budget);
		vb_kv_int(&v, "prefer", p.prefer_busy_poll);
		vb_kv_int(&v, "pad", p.pad);
	}
	conf_check(check, v.s);
}

static void set_params(const char *check, int ep, uint32_t usecs, uint16_t budget, uint8_t prefer,
		       uint8_t pad)
{
	struct conf_epoll_params p = { usecs, budget, prefer, pad };
	CHECK_RET(check, ioctl(ep, CONF_EPIOCSPARAMS, &p));
}

static void busy_ioctls(void)
{
	int ep = xepoll(), p[2];

	conf_scenario("busy_poll.ioctl");
	check_params("fresh", ep);
	set_params("set_valid", ep, 100, 16, 1, 0);
	check_params("after_set", ep);
	set_params("pad_nonzero", ep, 5, 8, 0, 1);
	set_params("prefer_2", ep, 5, 8, 2, 0);
	set_params("usecs_int_max", ep, 0x7fffffffu, 8, 0, 0);
	set_params("usecs_above_int_max", ep, 0x80000000u, 8, 0, 0);
	set_params("budget_65_as_root", ep, 5, 65, 0, 0);
	set_params("budget_max_as_root", ep, 5, 65535, 0, 0);
	check_params("after_errors", ep);
	set_params("off", ep, 0, 0, 0, 0);
	check_params("after_off", ep);
	CHECK_RET("set_null", ioctl(ep, CONF_EPIOCSPARAMS, hide_ptr(NULL)));
	CHECK_RET("get_null", ioctl(ep, CONF_EPIOCGPARAMS, hide_ptr(NULL)));
	CHECK_RET("other_request", ioctl(ep, 0x8a03, 0));
	int n;
	CHECK_RET("fionread", ioctl(ep, FIONREAD, &n));
	struct conf_epoll_params q = { 10, 8, 0, 0 };
	xpipe(p);
	CHECK_RET("set_on_pipe", ioctl(p[0], CONF_EPIOCSPARAMS, &q));
	CHECK_RET("get_on_pipe", ioctl(p[0], CONF_EPIOCGPARAMS, &q));
	int efd = xeventfd(0, 0);
	CHECK_RET("set_on_eventfd", ioctl(efd, CONF_EPIOCSPARAMS, &q));
	xclose(efd);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
}

static void check_opt(const char *check, int fd, int name)
{
	int v = -7;
	socklen_t len = sizeof(v);
	struct vbuf b;
	long r = getsockopt(fd, SOL_SOCKET, name, &v, &len);
	int e = errno;
	vb_init(&b);
	vb_ret(&b, r, e);
	if (r == 0) {
		vb_kv_int(&b, "value", v);
		vb_kv_int(&b, "len", len);
	}
	conf_check(check, b.s);
}

static void set_opt(const char *check, int fd, int name, int v)
{
	CHECK_RET(check, setsockopt(fd, SOL_SOCKET, name, &v, sizeof(v)));
}

static void busy_sockopts(void)
{
	static const struct { const char *name; int domain, type; } kinds[] = {
		{ "tcp", AF_INET, SOCK_STREAM }, { "udp", AF_INET, SOCK_DGRAM },
		{ "unix", AF_UNIX, SOCK_STREAM },
	};
	char name[96];

	conf_scenario("busy_poll.sockopt");
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int fd = socket(kinds[i].domain, kinds[i].type, 0);
		if (fd < 0) {
			conf_setup_failed("socket", errno);
			continue;
		}
#define NAME(what) (snprintf(name, sizeof(name), "%s_%s", kinds[i].name, what), name)
		check_opt(NAME("busy_poll_default"), fd, CONF_SO_BUSY_POLL);
		check_opt(NAME("prefer_default"), fd, CONF_SO_PREFER_BUSY_POLL);
		check_opt(NAME("budget_default"), fd, CONF_SO_BUSY_POLL_BUDGET);
		set_opt(NAME("busy_poll_50"), fd, CONF_SO_BUSY_POLL, 50);
		check_opt(NAME("busy_poll_after"), fd, CONF_SO_BUSY_POLL);
		set_opt(NAME("busy_poll_minus1"), fd, CONF_SO_BUSY_POLL, -1);
		set_opt(NAME("prefer_1"), fd, CONF_SO_PREFER_BUSY_POLL, 1);
		set_opt(NAME("prefer_7"), fd, CONF_SO_PREFER_BUSY_POLL, 7);
		check_opt(NAME("prefer_after"), fd, CONF_SO_PREFER_BUSY_POLL);
		set_opt(NAME("budget_100"), fd, CONF_SO_BUSY_POLL_BUDGET, 100);
		check_opt(NAME("budget_after"), fd, CONF_SO_BUSY_POLL_BUDGET);
		set_opt(NAME("budget_65536"), fd, CONF_SO_BUSY_POLL_BUDGET, 65536);
		set_opt(NAME("budget_minus1"), fd, CONF_SO_BUSY_POLL_BUDGET, -1);
		set_opt(NAME("busy_poll_0"), fd, CONF_SO_BUSY_POLL, 0);
		int two = 5;
		CHECK_RET(NAME("busy_poll_short_len"),
			  setsockopt(fd, SOL_SOCKET, CONF_SO_BUSY_POLL, &two, 2));
#undef NAME
		xclose(fd);
	}
}

void area_busy_poll(void)
{
	busy_ioctls();
	busy_sockopts();
}
