/* SPDX-License-Identifier: MIT */
/*
 * Conformance suite helpers: check lines, value formatting (errno names, event masks), setup
 * wrappers, time and the waiter threads. Nothing here prints a number that differs between worlds.
 */
#define _GNU_SOURCE
#include "conformance.h"

static const char *cur_scenario = "?";
static unsigned nr_checks;
static int phase;

void conf_scenario(const char *name)
{
	cur_scenario = name;
}

void conf_check(const char *check, const char *value)
{
	printf("%s.%s: %s\n", cur_scenario, check, value);
	nr_checks++;
}

unsigned conf_checks(void)
{
	return nr_checks;
}

void conf_setup_failed(const char *what, int err)
{
	printf("%s.setup_failed: %s errno=%s\n", cur_scenario, what, errno_name(err));
}

/* ---- value formatting ---- */

void vb_init(struct vbuf *b)
{
	b->s[0] = '\0';
	b->n = 0;
}

void vb_str(struct vbuf *b, const char *s)
{
	while (*s && b->n + 1 < sizeof(b->s))
		b->s[b->n++] = *s++;
	b->s[b->n] = '\0';
}

void vb_int(struct vbuf *b, long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	vb_str(b, tmp);
}

void vb_hex(struct vbuf *b, unsigned long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "0x%llx", v);
	vb_str(b, tmp);
}

static void vb_key(struct vbuf *b, const char *key)
{
	if (b->n)
		vb_str(b, " ");
	vb_str(b, key);
	vb_str(b, "=");
}

void vb_kv_int(struct vbuf *b, const char *key, long long v)
{
	vb_key(b, key);
	vb_int(b, v);
}

void vb_kv_hex(struct vbuf *b, const char *key, unsigned long long v)
{
	vb_key(b, key);
	vb_hex(b, v);
}

void vb_kv_str(struct vbuf *b, const char *key, const char *v)
{
	vb_key(b, key);
	vb_str(b, v);
}

/* Bit names by value (not by macro: glibc has no EPOLLNVAL), in the order they are printed. */
static const struct {
	uint32_t bit;
	const char *name;
} mask_names[] = {
	{ 0x00000001u, "IN" },
	{ 0x00000002u, "PRI" },
	{ 0x00000004u, "OUT" },
	{ 0x00000008u, "ERR" },
	{ 0x00000010u, "HUP" },
	{ 0x00000020u, "NVAL" },
	{ 0x00000040u, "RDNORM" },
	{ 0x00000080u, "RDBAND" },
	{ 0x00000100u, "WRNORM" },
	{ 0x00000200u, "WRBAND" },
	{ 0x00000400u, "MSG" },
	{ 0x00002000u, "RDHUP" },
	{ 0x10000000u, "EXCLUSIVE" },
	{ 0x20000000u, "WAKEUP" },
	{ 0x40000000u, "ONESHOT" },
	{ 0x80000000u, "ET" },
};

void vb_mask(struct vbuf *b, uint32_t mask)
{
	bool first = true;
	size_t i;

	if (!mask) {
		vb_str(b, "none");
		return;
	}
	for (i = 0; i < sizeof(mask_names) / sizeof(mask_names[0]); i++) {
		if (!(mask & mask_names[i].bit))
			continue;
		if (!first)
			vb_str(b, "|");
		vb_str(b, mask_names[i].name);
		mask &= ~mask_names[i].bit;
		first = false;
	}
	if (mask) {
		if (!first)
			vb_str(b, "|");
		vb_hex(b, mask);
	}
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" },
	{ ESPIPE, "ESPIPE" },
	{ EPIPE, "EPIPE" },
	{ ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" },
	{ ELOOP, "ELOOP" },
	{ EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EPROTOTYPE, "EPROTOTYPE" },
	{ ENOPROTOOPT, "ENOPROTOOPT" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ECONNABORTED, "ECONNABORTED" },
	{ ECONNRESET, "ECONNRESET" },
	{ ENOBUFS, "ENOBUFS" },
	{ EISCONN, "EISCONN" },
	{ ENOTCONN, "ENOTCONN" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" },
};

const char *errno_name(int err)
{
	static char unknown[24];
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(unknown, sizeof(unknown), "E?%d", err);
	return unknown;
}

void vb_ret(struct vbuf *b, long ret, int err)
{
	vb_kv_int(b, "ret", ret);
	if (ret == -1)
		vb_kv_str(b, "errno", errno_name(err));
}

void vb_events(struct vbuf *b, int ret, int err, const struct epoll_event *ev)
{
	int i;

	vb_ret(b, ret, err);
	for (i = 0; i < ret && i < WAITER_EVENTS; i++) {
		vb_str(b, " ");
		vb_hex(b, ev[i].data.u64);
		vb_str(b, ":");
		vb_mask(b, ev[i].events);
	}
}

void check_ret(const char *check, long ret, int err)
{
	struct vbuf b;

	vb_init(&b);
	vb_ret(&b, ret, err);
	conf_check(check, b.s);
}

void check_newfd(const char *check, int fd, int err)
{
	if (fd >= 0) {
		conf_check(check, "ret=fd");
		xclose(fd);
	} else {
		check_ret(check, fd, err);
	}
}

void check_str(const char *check, const char *value)
{
	conf_check(check, value);
}

void check_int(const char *check, const char *key, long long v)
{
	struct vbuf b;

	vb_init(&b);
	vb_kv_int(&b, key, v);
	conf_check(check, b.s);
}

void check_hex(const char *check, const char *key, unsigned long long v)
{
	struct vbuf b;

	vb_init(&b);
	vb_kv_hex(&b, key, v);
	conf_check(check, b.s);
}

void check_mask(const char *check, uint32_t mask)
{
	struct vbuf b;

	vb_init(&b);
	vb_str(&b, "events=");
	vb_mask(&b, mask);
	conf_check(check, b.s);
}

void check_events(const char *check, int ret, int err, const struct epoll_event *ev)
{
	struct vbuf b;

	vb_init(&b);
	vb_events(&b, ret, err, ev);
	conf_check(check, b.s);
}

void check_wait0(const char *check, int epfd, int maxevents)
{
	struct epoll_event ev[WAITER_EVENTS];
	int ret, err;

	memset(ev, 0, sizeof(ev));
	ret = epoll_wait(epfd, ev, maxevents, 0);
	err = errno;
	check_events(check, ret, err, ev);
}

void check_poll0(const char *check, int fd, short events)
{
	struct pollfd p;
	struct vbuf b;
	int ret, err;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	ret = poll(&p, 1, 0);
	err = errno;
	vb_init(&b);
	vb_ret(&b, ret, err);
	vb_str(&b, " revents=");
	vb_mask(&b, (uint16_t)p.revents);
	conf_check(check, b.s);
}

/* ---- setup wrappers ---- */

int xepoll(void)
{
	int fd = epoll_create1(0);

	if (fd < 0)
		conf_setup_failed("epoll_create1", errno);
	return fd;
}

void xpipe(int fds[2])
{
	if (pipe(fds) < 0) {
		conf_setup_failed("pipe", errno);
		fds[0] = fds[1] = -1;
	}
}

void xpipe_nonblock(int fds[2])
{
	if (pipe2(fds, O_NONBLOCK) < 0) {
		conf_setup_failed("pipe2", errno);
		fds[0] = fds[1] = -1;
	}
}

int xeventfd(unsigned int initval, int flags)
{
	int fd = eventfd(initval, flags);

	if (fd < 0)
		conf_setup_failed("eventfd", errno);
	return fd;
}

int ctl_err(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = data;
	if (epoll_ctl(epfd, op, fd, &ev) < 0)
		return -errno;
	return 0;
}

void xctl(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	int err = ctl_err(epfd, op, fd, events, data);

	if (err)
		conf_setup_failed("epoll_ctl", -err);
}

void check_ctl(const char *check, int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev;
	int ret, err;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = data;
	ret = epoll_ctl(epfd, op, fd, &ev);
	err = errno;
	check_ret(check, ret, err);
}

void xwrite_u64(int fd, uint64_t v)
{
	if (write(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		conf_setup_failed("write_u64", errno);
}

uint64_t xread_u64(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		conf_setup_failed("read_u64", errno);
	return v;
}

void xwrite_bytes(int fd, size_t n)
{
	static const char bytes[64] = "0123456789abcdef0123456789abcdef"
				      "0123456789abcdef0123456789abcde";

	if (n > sizeof(bytes) || write(fd, bytes, n) != (ssize_t)n)
		conf_setup_failed("write_bytes", errno);
}

void xclose(int fd)
{
	if (close(fd) < 0)
		conf_setup_failed("close", errno);
}

int closed_fd(void)
{
	int fd = xeventfd(0, 0);

	xclose(fd);
	return fd;
}

/* ---- time ---- */

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sleep_ms(unsigned ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- waiter threads ---- */

void conf_phase_set(int p)
{
	__atomic_store_n(&phase, p, __ATOMIC_SEQ_CST);
}

int conf_phase_get(void)
{
	return __atomic_load_n(&phase, __ATOMIC_SEQ_CST);
}

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p;
	sigset_t mask;
	int64_t start = now_ns();
	int ret = 0, err = 0;

	switch (w->how) {
	case HOW_WAIT:
		ret = epoll_wait(w->fd, w->ev, w->maxevents, w->timeout_ms);
		err = errno;
		break;
	case HOW_POLL_WAIT:
		/* As a program would: poll, harvest, poll again if another thread was faster. */
		for (;;) {
			int left = w->timeout_ms;

			if (left >= 0) {
				left -= (int)((now_ns() - start) / 1000000);
				if (left < 0)
					left = 0;
			}
			p.fd = w->fd;
			p.events = POLLIN;
			p.revents = 0;
			ret = poll(&p, 1, left);
			err = errno;
			if (ret <= 0)
				break;
			ret = epoll_wait(w->fd, w->ev, w->maxevents, 0);
			err = errno;
			if (ret != 0)
				break;
		}
		break;
	case HOW_PWAIT:
		sigemptyset(&mask);
		ret = epoll_pwait(w->fd, w->ev, w->maxevents, w->timeout_ms, &mask);
		err = errno;
		break;
	case HOW_PWAIT2_NULL:
		ret = epoll_pwait2(w->fd, w->ev, w->maxevents, NULL, NULL);
		err = errno;
		break;
	}
	w->elapsed_ns = now_ns() - start;
	w->ret = ret;
	w->err = err;
	w->phase = conf_phase_get();
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

struct waiter *waiter_start(int how, int fd, int maxevents, int timeout_ms)
{
	struct waiter *w = malloc(sizeof(*w));
	int err;

	if (!w) {
		conf_setup_failed("malloc", ENOMEM);
		return NULL;
	}
	memset(w, 0, sizeof(*w));
	w->how = how;
	w->fd = fd;
	w->maxevents = maxevents;
	w->timeout_ms = timeout_ms;
	err = pthread_create(&w->thread, NULL, waiter_main, w);
	if (err) {
		conf_setup_failed("pthread_create", err);
		free(w);
		return NULL;
	}
	return w;
}

bool waiter_finish(struct waiter *w)
{
	unsigned waited = 0;

	if (!w)
		return false;
	while (!__atomic_load_n(&w->done, __ATOMIC_SEQ_CST)) {
		if (waited >= JOIN_BOUND_MS)
			return false;
		sleep_ms(10);
		waited += 10;
	}
	pthread_join(w->thread, NULL);
	w->joined = true;
	return true;
}

void waiter_put(struct waiter *w)
{
	if (w && w->joined)
		free(w);
}

bool waiter_woke_in(const struct waiter *w, int p)
{
	return w && w->joined && w->phase == p && w->ret > 0;
}

void vb_woke(struct vbuf *b, const char *key, const struct waiter *w, int p)
{
	if (!w || !w->joined)
		vb_kv_str(b, key, "timeout");
	else
		vb_kv_int(b, key, waiter_woke_in(w, p));
}

/* ---- waiter groups ---- */

void wgroup_init(struct wgroup *g)
{
	memset(g, 0, sizeof(*g));
	g->kick = xeventfd(0, 0);
	conf_phase_set(0);
}

void wgroup_kick_in(struct wgroup *g, int epfd)
{
	xctl(epfd, EPOLL_CTL_ADD, g->kick, EPOLLIN, KICK_DATA);
}

struct waiter *wgroup_wait(struct wgroup *g, int how, int fd, int maxevents)
{
	struct waiter *w;

	if (g->n >= WGROUP_MAX)
		return NULL;
	w = waiter_start(how, fd, maxevents, WAITER_TIMEOUT_MS);
	g->w[g->n++] = w;
	return w;
}

void wgroup_go(struct wgroup *g)
{
	(void)g;
	sleep_ms(BLOCK_MS);
	conf_phase_set(1);
}

void wgroup_next(struct wgroup *g)
{
	(void)g;
	sleep_ms(SETTLE_MS);
	conf_phase_set(conf_phase_get() + 1);
}

void wgroup_release(struct wgroup *g)
{
	int i;

	sleep_ms(SETTLE_MS);
	conf_phase_set(100);
	xwrite_u64(g->kick, 1);
	g->all_joined = true;
	for (i = 0; i < g->n; i++)
		if (!waiter_finish(g->w[i]))
			g->all_joined = false;
}

int wgroup_woken(const struct wgroup *g, int p)
{
	int i, n = 0;

	if (!g->all_joined)
		return -1;
	for (i = 0; i < g->n; i++)
		n += waiter_woke_in(g->w[i], p);
	return n;
}

void vb_woken(struct vbuf *b, const char *key, const struct wgroup *g, int p)
{
	int n = wgroup_woken(g, p);

	if (n < 0)
		vb_kv_str(b, key, "timeout");
	else
		vb_kv_int(b, key, n);
}

void wgroup_put(struct wgroup *g)
{
	int i;

	for (i = 0; i < g->n; i++)
		waiter_put(g->w[i]);
	g->n = 0;
	xclose(g->kick);
}
