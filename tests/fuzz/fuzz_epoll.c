// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the eventpoll system-call layer (kernel/sys_epoll.c, sys_file.c, pipe.c,
 * eventfd.c, eventpoll.c, file.c) built for the host, driven by an operation sequence decoded
 * from the input and checked against a reference model kept here. The model knows every
 * descriptor, file, pipe ring, eventfd counter and epoll registration, and mirrors the ready
 * lists and wait queues, so it predicts each return value and errno, and every epoll_wait
 * result exactly, order included (level- and edge-triggered, one-shot, nested instances). Any
 * difference aborts with a message; so does a sanitizer report or a leak after the sequence
 * closes everything. Waits never sleep: a timeout is 0 (or a few ns) unless the model says an
 * event is ready, and pipes and eventfds are always non-blocking.
 *
 * Input: a sequence of operations, one opcode byte followed by its argument bytes; a missing
 * byte reads as 0. The descriptor table is limited to FD_LIMIT and the watch count to
 * MAX_WATCHES, so EMFILE and ENOSPC are reachable.
 */
#include <kernel/errno.h>
#include <kernel/eventfd.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/pipe.h>
#include <kernel/printk.h>
#include <kernel/syscall.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "harness_libc.h"

#include "fuzz_input.h"
#include "host_env.h"

#define FD_LIMIT	20		/* descriptors 0..19; 20 and 21 are decoded too (EBADF) */
#define FD_SPAN		22
#define MAX_WATCHES	40
#define NFILES		64		/* model files (at most FD_LIMIT alive) */
#define NREGS		(MAX_WATCHES + 1)
#define NEST_MAX	4		/* EP_MAX_NESTS */
#define PRIVATE_BITS	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EXCL_OK_BITS	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
			 EPOLLEXCLUSIVE)
#define SLOT		4096
#define NSLOTS		16
#define BAD_PTR		((void *)64)	/* in the unmapped first page: uaccess_ok refuses it */

enum kind { K_FREE, K_PIPE_R, K_PIPE_W, K_EVENTFD, K_EPOLL };

struct mslot {
	uint32_t off, len;
	bool packet;
	uint64_t pos;			/* stream position of its first unread byte */
};

struct mpipe {
	struct mslot s[NSLOTS];		/* s[0] is the tail */
	int n;
	bool readers, writers, poll_usage;
	uint64_t wpos;			/* stream position: the data is a function of it */
	unsigned serial;
};

struct mfile {
	enum kind kind;
	int refs;			/* descriptors */
	int other;			/* pipe: the other end's file, -1 once released */
	struct mpipe *pipe;		/* shared by both ends */
	bool direct;			/* pipe write end in packet mode */
	uint64_t count;			/* eventfd */
	bool semaphore;
	int q[NREGS], nq;		/* the file's wait queue: registrations in wake order */
	int rdl[NREGS], nrdl;		/* epoll: the ready list */
};

struct mreg {
	bool used;
	int ep, file, fd;
	uint32_t events;		/* with ERR|HUP added; PRIVATE_BITS only once disarmed */
	bool linked;
};

static struct mfile mf[NFILES];
static struct mreg mr[NREGS];
static int fdt[FD_LIMIT];		/* descriptor -> model file, -1 free */
static unsigned pipe_serial;
static int op_no;

#define FAIL(...) do { \
	printk("fuzz_epoll: op %d: ", op_no); \
	printk(__VA_ARGS__); \
	printk("\n"); \
	abort(); \
} while (0)

#define CHECK_RET(what, got, want) do { \
	long g_ = (got), w_ = (want); \
	if (g_ != w_) \
		FAIL("%s returned %ld, the model expects %ld", what, g_, w_); \
} while (0)

/* ---- the input ---------------------------------------------------------------------------- */

static int get_fd(void)
{
	uint8_t b = get8();
	switch (b) {
	case 255: return -1;
	case 254: return INT_MIN;
	case 253: return INT_MAX;
	case 252: return 1 << 20;
	}
	return b % FD_SPAN;
}

/* ---- model: files, wait queues, ready lists ------------------------------------------------- */

static int file_new(enum kind k)
{
	for (int i = 0; i < NFILES; i++) {
		if (mf[i].kind == K_FREE) {
			memset(&mf[i], 0, sizeof(mf[i]));
			mf[i].kind = k;
			mf[i].other = -1;
			return i;
		}
	}
	FAIL("model: out of files");
}

static int fd_lowest_free(int min)
{
	for (int fd = min < 0 ? 0 : min; fd < FD_LIMIT; fd++)
		if (fdt[fd] < 0)
			return fd;
	return -EMFILE;
}

static int fd_file(int fd)
{
	return fd >= 0 && fd < FD_LIMIT ? fdt[fd] : -1;
}

static void list_del_int(int *a, int *n, int v)
{
	for (int i = 0; i < *n; i++) {
		if (a[i] == v) {
			memmove(a + i, a + i + 1, (size_t)(*n - i - 1) * sizeof(*a));
			(*n)--;
			return;
		}
	}
}

static void link_reg(int r)
{
	struct mfile *ep = &mf[mr[r].ep];
	if (mr[r].linked)
		return;
	mr[r].linked = true;
	ep->rdl[ep->nrdl++] = r;
}

static void unlink_reg(int r)
{
	if (!mr[r].linked)
		return;
	mr[r].linked = false;
	list_del_int(mf[mr[r].ep].rdl, &mf[mr[r].ep].nrdl, r);
}

static bool has_parents(int fi)
{
	for (int r = 0; r < NREGS; r++)
		if (mr[r].used && mr[r].file == fi)
			return true;
	return false;
}

static int nregs(void)
{
	int n = 0;
	for (int r = 0; r < NREGS; r++)
		n += mr[r].used;
	return n;
}

static void wake(int fi, uint32_t key, int depth);

/* ep_poll_callback. */
static void callback(int r, uint32_t key, int depth)
{
	if (!(mr[r].events & ~PRIVATE_BITS))
		return;
	if (key && !(key & mr[r].events))
		return;
	link_reg(r);
	wake(mr[r].ep, EPOLLIN, depth + 1);	/* ep_poll_safewake */
}

static void wake(int fi, uint32_t key, int depth)
{
	int q[NREGS], n = mf[fi].nq;

	if (depth > NEST_MAX + 2)
		FAIL("model: wake-up recursion too deep (a loop got in)");
	memcpy(q, mf[fi].q, sizeof(q));
	for (int i = 0; i < n; i++)
		callback(q[i], key, depth);
}

/* ---- model: readiness ------------------------------------------------------------------------ */

static uint32_t poll_file(int fi, int depth);

static uint32_t item_poll(int r, int depth)
{
	return poll_file(mr[r].file, depth) & mr[r].events;
}

/* ep_eventpoll_poll: the first ready item makes it readable; unready ones before it leave. */
static uint32_t poll_epoll(int fi, int depth)
{
	struct mfile *ep = &mf[fi];
	if (depth > NEST_MAX + 2)
		FAIL("model: poll recursion too deep");
	while (ep->nrdl) {
		int r = ep->rdl[0];
		if (item_poll(r, depth + 1))
			return EPOLLIN | EPOLLRDNORM;
		unlink_reg(r);
	}
	return 0;
}

static uint32_t poll_file(int fi, int depth)
{
	struct mfile *f = &mf[fi];
	uint32_t m = 0;

	switch (f->kind) {
	case K_PIPE_R:
		f->pipe->poll_usage = true;
		if (f->pipe->n)
			m |= EPOLLIN | EPOLLRDNORM;
		if (!f->pipe->writers)
			m |= EPOLLHUP;
		break;
	case K_PIPE_W:
		f->pipe->poll_usage = true;
		if (f->pipe->n < NSLOTS)
			m |= EPOLLOUT | EPOLLWRNORM;
		if (!f->pipe->readers)
			m |= EPOLLERR;
		break;
	case K_EVENTFD:
		if (f->count)
			m |= EPOLLIN;
		if (f->count == UINT64_MAX)
			m |= EPOLLERR;
		if (f->count < UINT64_MAX - 1)
			m |= EPOLLOUT;
		break;
	case K_EPOLL:
		m = poll_epoll(fi, depth);
		break;
	default:
		FAIL("model: poll of a free file");
	}
	return m;
}

/* ---- model: registrations and release --------------------------------------------------------- */

static void reg_remove(int r)
{
	unlink_reg(r);
	list_del_int(mf[mr[r].file].q, &mf[mr[r].file].nq, r);
	mr[r].used = false;
}

static void file_release(int fi)
{
	struct mfile *f = &mf[fi];

	for (int r = 0; r < NREGS; r++)		/* eventpoll_release */
		if (mr[r].used && mr[r].file == fi)
			reg_remove(r);
	switch (f->kind) {
	case K_PIPE_R:
	case K_PIPE_W: {
		struct mpipe *p = f->pipe;
		if (f->kind == K_PIPE_R)
			p->readers = false;
		else
			p->writers = false;
		if (f->other >= 0) {
			/* One side gone, the other still there: it hears of it with no key. */
			wake(f->other, 0, 0);
			mf[f->other].other = -1;
		} else {
			free(p);
		}
		break;
	}
	case K_EPOLL:
		for (int r = 0; r < NREGS; r++)
			if (mr[r].used && mr[r].ep == fi)
				reg_remove(r);
		break;
	default:
		break;
	}
	f->kind = K_FREE;
	f->pipe = NULL;
}

static void model_close(int fd)
{
	int fi = fdt[fd];
	fdt[fd] = -1;
	if (--mf[fi].refs == 0)
		file_release(fi);
}

static void model_install(int fd, int fi)
{
	if (fdt[fd] >= 0)
		model_close(fd);
	fdt[fd] = fi;
	mf[fi].refs++;
}

/* ---- model: loop and path checks (ep_loop_check, reverse_path_check) --------------------------- */

static bool reaches(int from, int target, int depth)
{
	if (depth > NEST_MAX + 2)
		FAIL("model: loop in the epoll graph");
	for (int r = 0; r < NREGS; r++) {
		if (!mr[r].used || mr[r].ep != from || mf[mr[r].file].kind != K_EPOLL)
			continue;
		if (mr[r].file == target || reaches(mr[r].file, target, depth + 1))
			return true;
	}
	return false;
}

static int height(int ep, int depth)
{
	int h = 0;
	if (depth > NEST_MAX + 2)
		FAIL("model: loop in the epoll graph");
	for (int r = 0; r < NREGS; r++)
		if (mr[r].used && mr[r].ep == ep && mf[mr[r].file].kind == K_EPOLL) {
			int s = height(mr[r].file, depth + 1) + 1;
			h = s > h ? s : h;
		}
	return h;
}

static int upwards(int ep, int depth)
{
	int u = 0;
	if (depth > NEST_MAX + 2)
		FAIL("model: loop in the epoll graph");
	for (int r = 0; r < NREGS; r++)
		if (mr[r].used && mr[r].file == ep) {
			int s = upwards(mr[r].ep, depth + 1) + 1;
			u = s > u ? s : u;
		}
	return u;
}

static bool loop_refused(int ep, int to)
{
	return reaches(to, ep, 0) || height(to, 0) + 1 + upwards(ep, 0) > NEST_MAX;
}

static const int path_limits[NEST_MAX + 1] = { 1000, 500, 100, 50, 10 };
static int path_count[NEST_MAX + 1];

static bool path_walk(int fi, int depth)
{
	if (depth > NEST_MAX)
		return false;
	for (int r = 0; r < NREGS; r++) {
		if (!mr[r].used || mr[r].file != fi)
			continue;
		if (!has_parents(mr[r].ep)) {
			if (depth && ++path_count[depth] > path_limits[depth])
				return false;
		} else if (!path_walk(mr[r].ep, depth + 1)) {
			return false;
		}
	}
	return true;
}

static bool path_ok_for(int fi)
{
	memset(path_count, 0, sizeof(path_count));
	return path_walk(fi, 0);
}

/* Every non-epoll file below @ep (the loop check lists them for the path check). */
static bool paths_below_ok(int ep, bool *seen, int depth)
{
	if (depth > NEST_MAX + 2)
		FAIL("model: loop in the epoll graph");
	for (int r = 0; r < NREGS; r++) {
		if (!mr[r].used || mr[r].ep != ep)
			continue;
		int f = mr[r].file;
		if (mf[f].kind == K_EPOLL) {
			if (!paths_below_ok(f, seen, depth + 1))
				return false;
		} else if (!seen[f]) {
			seen[f] = true;
			if (!path_ok_for(f))
				return false;
		}
	}
	return true;
}

/* ---- operations ------------------------------------------------------------------------------- */

static void op_epoll_create(bool one)
{
	uint8_t b = get8();
	long want, got;

	if (one) {
		int flags = b == 0 ? 0 : b == 1 ? EPOLL_CLOEXEC : (int)(1u << (b % 32));
		want = flags & ~EPOLL_CLOEXEC ? -EINVAL : fd_lowest_free(0);
		got = sys_epoll_create1(flags);
	} else {
		int size = (int8_t)b;
		want = size <= 0 ? -EINVAL : fd_lowest_free(0);
		got = sys_epoll_create(size);
	}
	CHECK_RET("epoll_create", got, want);
	if (got >= 0)
		model_install((int)got, file_new(K_EPOLL));
}

static void op_pipe(void)
{
	uint8_t b = get8();
	int flags = O_NONBLOCK | (b & 1 ? O_CLOEXEC : 0) | (b & 2 ? O_DIRECT : 0) |
		    (b & 4 ? (int)(1u << (b >> 3)) : 0);
	int fds[2] = { -7, -7 };
	bool badptr = !(b & 4) && (b & 0x18) == 0x18;
	long want;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		want = -EINVAL;
	else if (fd_lowest_free(0) < 0)
		want = -EMFILE;
	else {
		int r = fd_lowest_free(0);
		fdt[r] = 0;	/* reserve to find the second */
		want = fd_lowest_free(0) < 0 ? -EMFILE : badptr ? -EFAULT : 0;
		fdt[r] = -1;
	}
	long got = sys_pipe2(badptr ? BAD_PTR : fds, flags);
	CHECK_RET("pipe2", got, want);
	if (got)
		return;
	if (fds[0] != fd_lowest_free(0))
		FAIL("pipe2 gave read end %d, the model expects %d", fds[0], fd_lowest_free(0));
	int rf = file_new(K_PIPE_R);
	model_install(fds[0], rf);
	if (fds[1] != fd_lowest_free(0))
		FAIL("pipe2 gave write end %d, the model expects %d", fds[1], fd_lowest_free(0));
	int wf = file_new(K_PIPE_W);
	model_install(fds[1], wf);
	struct mpipe *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->readers = p->writers = true;
	p->serial = ++pipe_serial;
	mf[rf].pipe = mf[wf].pipe = p;
	mf[rf].other = wf;
	mf[wf].other = rf;
	mf[wf].direct = flags & O_DIRECT;
}

static void op_eventfd(void)
{
	uint8_t b = get8();
	unsigned init = b & 0x80 ? get32() : b & 3;
	int flags = EFD_NONBLOCK | (b & 4 ? EFD_SEMAPHORE : 0) | (b & 8 ? EFD_CLOEXEC : 0) |
		    (b & 0x10 ? (int)(1u << (b & 0x1f)) : 0);
	long want = flags & ~EFD_FLAGS_SET ? -EINVAL : fd_lowest_free(0);
	long got = sys_eventfd2(init, flags);
	CHECK_RET("eventfd2", got, want);
	if (got < 0)
		return;
	int fi = file_new(K_EVENTFD);
	mf[fi].count = init;
	mf[fi].semaphore = flags & EFD_SEMAPHORE;
	model_install((int)got, fi);
}

static void op_close(void)
{
	int fd = get_fd();
	long want = fd_file(fd) < 0 ? -EBADF : 0;
	CHECK_RET("close", sys_close(fd), want);
	if (!want)
		model_close(fd);
}

static void op_dup(void)
{
	uint8_t how = get8();
	int oldfd = get_fd(), newfd = get_fd();
	int fi = fd_file(oldfd);
	long want, got;

	switch (how % 4) {
	case 0:
		want = fi < 0 ? -EBADF : fd_lowest_free(0);
		got = sys_dup(oldfd);
		break;
	case 1:
		if (oldfd == newfd)
			want = fi < 0 ? -EBADF : newfd;
		else
			want = newfd < 0 || newfd >= FD_LIMIT || fi < 0 ? -EBADF : newfd;
		got = sys_dup2(oldfd, newfd);
		break;
	case 2: {
		int flags = how & 4 ? O_CLOEXEC : how & 8 ? (int)(1u << (how >> 3)) : 0;
		if (flags & ~O_CLOEXEC || oldfd == newfd)
			want = -EINVAL;
		else
			want = newfd < 0 || newfd >= FD_LIMIT || fi < 0 ? -EBADF : newfd;
		got = sys_dup3(oldfd, newfd, flags);
		break;
	}
	default:	/* fcntl(F_DUPFD), newfd as the minimum */
		if (fi < 0)
			want = -EBADF;
		else if (newfd < 0 || newfd >= FD_LIMIT)
			want = -EINVAL;
		else
			want = fd_lowest_free(newfd);
		got = sys_fcntl(oldfd, how & 4 ? F_DUPFD_CLOEXEC : F_DUPFD, (unsigned long)(long)newfd);
		break;
	}
	CHECK_RET("dup", got, want);
	if (got >= 0 && got != oldfd)
		model_install((int)got, fi);
}

static uint8_t pattern(unsigned serial, uint64_t pos)
{
	return (uint8_t)(pos * 131 + (pos >> 9) + serial * 7);
}

static size_t get_len(void)
{
	static const size_t lens[] = { 0, 1, 7, 8, 16, 100, 4095, 4096, 4097, 8192, 12000, 65536, 70000 };
	uint8_t b = get8();
	return b < 128 ? lens[b % (sizeof(lens) / sizeof(lens[0]))] : (size_t)(b - 127) * 37;
}

/* anon_pipe_write, as the model sees it. */
static long model_pipe_write(struct mfile *wf, size_t len, bool badbuf)
{
	struct mpipe *p = wf->pipe;
	bool was_empty = false;
	size_t done = 0;
	long ret = 0;

	if (!len)
		return 0;
	if (!p->readers) {
		ret = -EPIPE;
		goto out;
	}
	was_empty = !p->n;
	size_t chars = len % SLOT;
	if (chars && !was_empty) {
		struct mslot *s = &p->s[p->n - 1];
		if (!s->packet && s->off + s->len + chars <= SLOT) {
			if (badbuf) {
				ret = -EFAULT;
				goto out;
			}
			s->len += chars;
			p->wpos += chars;
			done = chars;
			ret = (long)chars;
			if (done == len)
				goto out;
		}
	}
	for (;;) {
		if (p->n == NSLOTS) {
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		if (badbuf) {
			if (!ret)
				ret = -EFAULT;
			break;
		}
		size_t c = len - done < SLOT ? len - done : SLOT;
		p->s[p->n++] = (struct mslot){ 0, (uint32_t)c, wf->direct, p->wpos };
		p->wpos += c;
		done += c;
		ret += (long)c;
		if (done == len)
			break;
	}
out:
	if ((was_empty || p->poll_usage) && wf->other >= 0)
		wake(wf->other, EPOLLIN | EPOLLRDNORM, 0);
	return ret;
}

/* The stretches of the stream a read returns, in order. */
static struct chunk {
	uint64_t pos;
	size_t len;
} chunks[NSLOTS + 1];
static int nchunks;

static long model_pipe_read(struct mfile *rf, size_t len, bool badbuf)
{
	struct mpipe *p = rf->pipe;
	bool wake_writer = false;
	size_t left = len;
	long ret = 0;

	nchunks = 0;
	if (!len)
		return 0;
	while (p->n) {
		struct mslot *s = &p->s[0];
		size_t chars = s->len < left ? s->len : left;
		if (badbuf) {
			if (!ret)
				ret = -EFAULT;
			break;
		}
		ret += (long)chars;
		chunks[nchunks++] = (struct chunk){ s->pos, chars };
		s->pos += chars;
		s->off += (uint32_t)chars;
		s->len -= (uint32_t)chars;
		if (s->packet) {
			left = chars;
			s->len = 0;
		}
		if (!s->len) {
			wake_writer |= p->n == NSLOTS;
			memmove(p->s, p->s + 1, (size_t)(p->n - 1) * sizeof(*s));
			p->n--;
		}
		left -= chars;
		if (!left)
			break;
	}
	if (!ret && !p->n && p->writers)
		ret = -EAGAIN;
	if (wake_writer && rf->other >= 0)
		wake(rf->other, EPOLLOUT | EPOLLWRNORM, 0);
	return ret;
}

static void op_write(void)
{
	int fd = get_fd();
	uint8_t how = get8();
	bool badbuf = how & 1;
	int fi = fd_file(fd);
	struct mfile *f = fi >= 0 ? &mf[fi] : NULL;
	size_t len;
	uint8_t *buf;
	long want;

	if (f && f->kind == K_EVENTFD) {
		static const uint64_t vals[] = { 0, 1, 2, UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 2 };
		uint64_t v = how & 0x80 ? get64() : vals[(how >> 1) % 6];
		len = how & 0x40 ? (how & 0x20 ? 4 : 16) : 8;
		buf = malloc(len);
		memcpy(buf, &v, len < 8 ? len : 8);
		if (len != 8)
			want = -EINVAL;
		else if (badbuf)
			want = -EFAULT;
		else if (v == UINT64_MAX)
			want = -EINVAL;
		else if (UINT64_MAX - f->count > v) {
			want = 8;
			f->count += v;
			wake(fi, EPOLLIN, 0);
		} else {
			want = -EAGAIN;
		}
		CHECK_RET("eventfd write", sys_write(fd, badbuf ? NULL : buf, len), want);
		free(buf);
		return;
	}
	len = get_len();
	buf = malloc(len ? len : 1);
	uint64_t pos = f && f->kind == K_PIPE_W ? f->pipe->wpos : 0;	/* before the model moves it */
	unsigned serial = f && f->kind == K_PIPE_W ? f->pipe->serial : 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(serial, pos + i);
	if (f && f->kind == K_EPOLL)
		want = -EINVAL;		/* Linux: an epoll has no write operation */
	else if (!f || f->kind != K_PIPE_W)
		want = -EBADF;
	else
		want = model_pipe_write(f, len, badbuf);
	CHECK_RET("pipe write", sys_write(fd, badbuf ? NULL : buf, len), want);
	free(buf);
}

static void op_read(void)
{
	int fd = get_fd();
	uint8_t how = get8();
	bool badbuf = how & 1;
	int fi = fd_file(fd);
	struct mfile *f = fi >= 0 ? &mf[fi] : NULL;
	size_t len;
	long want;

	if (f && f->kind == K_EVENTFD) {
		len = how & 0x40 ? (how & 0x20 ? 4 : 16) : 8;
		uint64_t v = 0, expect = 0;
		uint8_t *buf = malloc(len);
		if (len < 8) {
			want = -EINVAL;
		} else if (!f->count) {
			want = -EAGAIN;
		} else {
			expect = f->semaphore ? 1 : f->count;
			f->count -= expect;
			wake(fi, EPOLLOUT, 0);
			want = badbuf ? -EFAULT : 8;
		}
		CHECK_RET("eventfd read", sys_read(fd, badbuf ? NULL : buf, len), want);
		if (want == 8) {
			memcpy(&v, buf, 8);
			if (v != expect)
				FAIL("eventfd read %llu, the model expects %llu", (unsigned long long)v,
				     (unsigned long long)expect);
		}
		free(buf);
		return;
	}
	len = get_len();
	uint8_t *buf = malloc(len ? len : 1);
	if (f && f->kind == K_EPOLL)
		want = -EINVAL;		/* Linux: an epoll has no read operation */
	else if (!f || f->kind != K_PIPE_R)
		want = -EBADF;
	else
		want = model_pipe_read(f, len, badbuf);
	CHECK_RET("pipe read", sys_read(fd, badbuf ? NULL : buf, len), want);
	if (want > 0) {
		size_t at = 0;
		for (int c = 0; c < nchunks; c++)
			for (size_t i = 0; i < chunks[c].len; i++, at++)
				if (buf[at] != pattern(f->pipe->serial, chunks[c].pos + i))
					FAIL("pipe read: byte %zu of %ld is wrong", at, want);
	}
	free(buf);
}

static uint32_t get_events(void)
{
	static const uint32_t bits[16] = {
		EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND,
		EPOLLWRNORM, EPOLLWRBAND, EPOLLRDHUP, EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT,
		EPOLLET, 1u << 20, EPOLLMSG,
	};
	uint16_t v = (uint16_t)(get8() << 8 | get8());
	uint32_t e = 0;
	for (int i = 0; i < 16; i++)
		if (v & (1u << i))
			e |= bits[i];
	return e;
}

static int free_reg_slot(void)
{
	for (int r = 0; r < NREGS; r++)
		if (!mr[r].used)
			return r;
	FAIL("model: out of registrations");
}

/* The model's ep_ctl: returns the expected result and applies it. */
static long model_ctl(int epfd, int op, int fd, uint32_t events, bool badptr, int *newreg)
{
	int ef = fd_file(epfd), tf = fd_file(fd);

	*newreg = -1;
	if (op != EPOLL_CTL_DEL && badptr)
		return -EFAULT;
	if (ef < 0 || tf < 0)
		return -EBADF;
	if (ef == tf || mf[ef].kind != K_EPOLL)
		return -EINVAL;
	bool tep = mf[tf].kind == K_EPOLL;
	if (op != EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (tep || (events & ~EXCL_OK_BITS)))
			return -EINVAL;
	}
	bool full_check = false;
	if (op == EPOLL_CTL_ADD && (has_parents(ef) || tep)) {
		full_check = true;
		if (tep && loop_refused(ef, tf))
			return -ELOOP;
	}
	int r;
	for (r = 0; r < NREGS; r++)
		if (mr[r].used && mr[r].ep == ef && mr[r].file == tf && mr[r].fd == fd)
			break;
	bool found = r < NREGS;
	switch (op) {
	case EPOLL_CTL_ADD: {
		if (found)
			return -EEXIST;
		if (nregs() >= MAX_WATCHES)
			return -ENOSPC;
		r = free_reg_slot();
		mr[r] = (struct mreg){ .used = true, .ep = ef, .file = tf, .fd = fd,
				       .events = events | EPOLLERR | EPOLLHUP };
		if (full_check) {
			bool ok;
			if (tep) {
				bool seen[NFILES] = { false };
				ok = paths_below_ok(tf, seen, 0);
			} else {
				ok = path_ok_for(tf);
			}
			if (!ok) {
				mr[r].used = false;
				return -EINVAL;
			}
		}
		struct mfile *q = &mf[tf];
		if (events & EPOLLEXCLUSIVE) {
			q->q[q->nq++] = r;
		} else {
			memmove(q->q + 1, q->q, (size_t)q->nq * sizeof(int));
			q->q[0] = r;
			q->nq++;
		}
		*newreg = r;
		if (item_poll(r, 1) && !mr[r].linked) {
			link_reg(r);
			wake(ef, EPOLLIN, 0);
		}
		return 0;
	}
	case EPOLL_CTL_DEL:
		if (!found)
			return -ENOENT;
		reg_remove(r);
		return 0;
	case EPOLL_CTL_MOD:
		if (!found)
			return -ENOENT;
		if (mr[r].events & EPOLLEXCLUSIVE)
			return -EINVAL;
		*newreg = r;
		mr[r].events = events | EPOLLERR | EPOLLHUP;
		if (item_poll(r, 1) && !mr[r].linked) {
			link_reg(r);
			wake(ef, EPOLLIN, 0);
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static void op_ctl(void)
{
	uint8_t how = get8();
	int epfd = get_fd(), fd = get_fd();
	uint32_t events = get_events();
	static const int ops[4] = { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, 0 };
	int op = how & 0x80 ? (int)(how & 0x7f) - 8 : ops[how % 4];
	bool badptr = (how & 0x70) == 0x70 && !(how & 0x80);
	struct epoll_event *ev = malloc(sizeof(*ev));
	int newreg;

	/* The data word names the registration the model expects, so results can be matched. */
	long want = model_ctl(epfd, op, fd, events, badptr, &newreg);
	ev->events = events;
	ev->data.u64 = newreg >= 0 ? (uint64_t)newreg : 0xdeadbeefULL;
	CHECK_RET("epoll_ctl", sys_epoll_ctl(epfd, op, fd, badptr ? (how & 8 ? NULL : BAD_PTR) : ev), want);
	free(ev);
}

/* ep_send_events: the expected events in order, applied to the model; the count or -EFAULT. */
static int model_send_events(int ef, int maxevents, bool badbuf, struct epoll_event *out)
{
	struct mfile *ep = &mf[ef];
	int tx[NREGS], ntx = ep->nrdl, res = 0, i;

	memcpy(tx, ep->rdl, sizeof(tx));
	for (i = 0; i < ntx; i++)
		mr[tx[i]].linked = false;
	ep->nrdl = 0;
	for (i = 0; i < ntx; i++) {
		int r = tx[i];
		if (res >= maxevents)
			break;
		uint32_t rev = item_poll(r, 1);
		if (!rev)
			continue;
		if (badbuf) {
			if (!res)
				res = -EFAULT;
			break;
		}
		out[res].events = rev;
		out[res].data.u64 = (uint64_t)r;
		res++;
		if (mr[r].events & EPOLLONESHOT) {
			mr[r].events &= PRIVATE_BITS;
		} else if (!(mr[r].events & EPOLLET)) {
			mr[r].linked = true;
			ep->rdl[ep->nrdl++] = r;
		}
	}
	/* What was not consumed goes back in front. */
	int rest = ntx - i;
	memmove(ep->rdl + rest, ep->rdl, (size_t)ep->nrdl * sizeof(int));
	for (int k = 0; k < rest; k++) {
		ep->rdl[k] = tx[i + k];
		mr[tx[i + k]].linked = true;
	}
	ep->nrdl += rest;
	return res;
}

/* Whether a wait would find something (without changing the model): for infinite timeouts. */
static bool model_would_report(int ef)
{
	static struct mfile save_f[NFILES];
	static struct mreg save_r[NREGS];
	struct epoll_event tmp[NREGS];

	memcpy(save_f, mf, sizeof(mf));
	memcpy(save_r, mr, sizeof(mr));
	bool pu[NFILES];
	for (int i = 0; i < NFILES; i++)
		pu[i] = mf[i].pipe ? mf[i].pipe->poll_usage : false;
	int n = model_send_events(ef, NREGS, false, tmp);
	memcpy(mf, save_f, sizeof(mf));
	memcpy(mr, save_r, sizeof(mr));
	for (int i = 0; i < NFILES; i++)
		if (mf[i].pipe)
			mf[i].pipe->poll_usage = pu[i];
	return n > 0;
}

static void op_wait(int kind)
{
	uint8_t how = get8(), mb = get8();
	int epfd = get_fd();
	int ef = fd_file(epfd);
	int maxevents = mb == 255 ? -1 : mb == 254 ? INT_MAX / 12 + 1 : mb == 253 ? INT_MAX / 12 :
			mb == 0 ? 0 : 1 + mb % 12;
	int nbuf = maxevents > NREGS ? NREGS : maxevents > 0 ? maxevents : 1;
	struct epoll_event *buf = malloc((size_t)nbuf * sizeof(*buf));
	struct epoll_event expect[NREGS];
	struct epoll_event *ubuf = how & 1 ? (how & 2 ? NULL : BAD_PTR) : buf;
	sigset_t *mask = malloc(sizeof(*mask));
	struct timespec *ts = malloc(sizeof(*ts));
	long want = 0, got;
	bool forever = false;

	/* The argument checks before the descriptor, per call. */
	const sigset_t *umask = NULL;
	size_t sigsize = KERNEL_SIGSET_SIZE;
	const struct timespec *uts = ts;
	*ts = (struct timespec){ 0, 0 };
	if (kind >= 1) {
		switch ((how >> 2) & 7) {
		case 0: umask = NULL; break;
		case 1: umask = mask; break;
		case 2: umask = mask; sigsize = 4; break;
		case 3: umask = (const sigset_t *)BAD_PTR; break;
		case 4: umask = NULL; sigsize = 1000; break;
		default: umask = mask; break;
		}
		if (umask && sigsize != KERNEL_SIGSET_SIZE)
			want = -EINVAL;
		else if (umask == (const sigset_t *)BAD_PTR)
			want = -EFAULT;
	}
	if (kind == 2) {
		long ts_err = 0;
		switch ((how >> 5) & 7) {
		case 0: uts = NULL; forever = true; break;
		case 1: uts = (const struct timespec *)BAD_PTR; ts_err = -EFAULT; break;
		case 2: ts->tv_nsec = 1000000000L; ts_err = -EINVAL; break;
		case 3: ts->tv_sec = -1; ts_err = -EINVAL; break;
		case 4: ts->tv_nsec = -1; ts_err = -EINVAL; break;
		case 5: ts->tv_nsec = how & 0x10 ? 1000 : 1; break;
		default: break;
		}
		if (ts_err)
			want = ts_err;	/* the timeout is checked before the mask */
	} else if (how & 0x80) {
		forever = true;
	}
	if (!want) {
		if (ef < 0)
			want = -EBADF;
		else if (maxevents <= 0 || maxevents > INT_MAX / 12)
			want = -EINVAL;
		else if (mf[ef].kind != K_EPOLL)
			want = -EINVAL;
	}
	/* Block forever only when the model says something is ready: the host cannot sleep. */
	if (!want && forever && !model_would_report(ef))
		forever = false;
	if (kind == 2 && !forever && !uts)
		uts = ts;
	if (!want && mf[ef].nrdl)
		want = model_send_events(ef, maxevents, ubuf != buf, expect);

	int tmo = forever ? -1 : 0;
	switch (kind) {
	case 0: got = sys_epoll_wait(epfd, ubuf, maxevents, tmo); break;
	case 1: got = sys_epoll_pwait(epfd, ubuf, maxevents, tmo, umask, sigsize); break;
	default: got = sys_epoll_pwait2(epfd, ubuf, maxevents, uts, umask, sigsize); break;
	}
	CHECK_RET("epoll_wait", got, want);
	for (long i = 0; i < got; i++) {
		if (buf[i].events != expect[i].events || buf[i].data.u64 != expect[i].data.u64)
			FAIL("epoll_wait event %ld: {%#x, reg %llu}, the model expects {%#x, reg %llu}",
			     i, buf[i].events, (unsigned long long)buf[i].data.u64, expect[i].events,
			     (unsigned long long)expect[i].data.u64);
	}
	free(buf);
	free(mask);
	free(ts);
}

static void check_counts(void)
{
	int n = 0;
	for (int fd = 0; fd < FD_LIMIT; fd++)
		n += fdt[fd] >= 0;
	CHECK_RET("fd_count", fd_count(), n);
	CHECK_RET("ep_watches", ep_watches(), nregs());
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (host_env_init(64UL << 20) || fd_set_limit(FD_LIMIT))
		abort();
	ep_set_max_watches(MAX_WATCHES);
	for (int fd = 0; fd < FD_LIMIT; fd++)
		fdt[fd] = -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long files0 = files_alive();

	input_start(data, size);
	op_no = 0;
	while (in_left) {
		uint8_t op = get8();
		switch (op % 13) {
		case 0: op_epoll_create(true); break;
		case 1: op_epoll_create(false); break;
		case 2: op_pipe(); break;
		case 3: op_eventfd(); break;
		case 4: op_close(); break;
		case 5: op_dup(); break;
		case 6: op_write(); break;
		case 7: op_read(); break;
		case 8: case 9: op_ctl(); break;
		case 10: op_wait(0); break;
		case 11: op_wait(1); break;
		default: op_wait(2); break;
		}
		check_counts();
		op_no++;
	}
	/* Close everything: nothing may be left behind. */
	for (int fd = 0; fd < FD_LIMIT; fd++) {
		if (fdt[fd] >= 0) {
			CHECK_RET("final close", sys_close(fd), 0);
			model_close(fd);
		}
	}
	check_counts();
	CHECK_RET("files_alive", files_alive(), files0);
	CHECK_RET("pipes_alive", pipes_alive(), 0);
	for (int i = 0; i < NFILES; i++)
		if (mf[i].kind != K_FREE)
			FAIL("model: file %d still alive", i);
	return 0;
}
