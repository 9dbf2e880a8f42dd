/* SPDX-License-Identifier: MIT */
/*
 * Eventpoll conformance suite: what every area shares. The same sources build as a Linux program
 * (the oracle) and as an epunk application; `make conformance` diffs the two outputs line by line.
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* epoll_pwait2 through the system call: musl 1.2.3 has no wrapper for it (glibc 2.35+ does), and
 * the suite is one executable for every system. */
static inline int conf_epoll_pwait2(int epfd, struct epoll_event *ev, int maxevents,
				    const struct timespec *timeout, const sigset_t *mask)
{
	return (int)syscall(SYS_epoll_pwait2, epfd, ev, maxevents, timeout, mask, 8);
}
#define epoll_pwait2 conf_epoll_pwait2

/* The one signal number the suite names (in epoll_pwait masks only; nothing is delivered). */
#ifndef SIGUSR1
#define SIGUSR1 10
#endif

/*
 * Timing. Waiter threads get BLOCK_MS to reach their wait before anything is triggered, and
 * SETTLE_MS after a trigger to return; both are generous because epunk runs under emulation.
 * Every wait a helper thread makes is bounded by WAITER_TIMEOUT_MS, and the main thread gives up
 * on a thread after JOIN_BOUND_MS (printing "timeout"), so a broken implementation shows up as a
 * difference, never as a hang.
 */
#define BLOCK_MS		100
#define SETTLE_MS		150
#define WAITER_TIMEOUT_MS	3000
#define JOIN_BOUND_MS		6000

/* Largest maxevents Linux accepts: INT_MAX / sizeof(struct epoll_event). */
#define EP_MAX_EVENTS		(INT_MAX / 12)

/*
 * Values the compiler must not see through: calls made wrong on purpose (NULL arrays, negative
 * sizes) would otherwise trip glibc's access attributes at build time.
 */
static inline int hide_int(int v)
{
	volatile int x = v;

	return x;
}

static inline void *hide_ptr(void *p)
{
	void *volatile x = p;

	return x;
}

#define NULL_EVENTS ((struct epoll_event *)hide_ptr(NULL))

/* ---- output: one line per check, "<scenario>.<check>: <value>" ---- */

/** conf_scenario - name the scenario whose checks follow (a string literal, kept by pointer) */
void conf_scenario(const char *name);
/** conf_check - print one check line with an already formatted value, and count it */
void conf_check(const char *check, const char *value);
/** conf_checks - number of check lines printed so far */
unsigned conf_checks(void);
/** conf_setup_failed - report a setup step that failed: one line, a visible difference */
void conf_setup_failed(const char *what, int err);

/* A value under construction: appenders never overflow, they truncate. */
struct vbuf {
	char s[512];
	size_t n;
};

void vb_init(struct vbuf *b);
void vb_str(struct vbuf *b, const char *s);
void vb_int(struct vbuf *b, long long v);
void vb_hex(struct vbuf *b, unsigned long long v);
/* " key=value" pieces; the leading space is left out on an empty buffer. */
void vb_kv_int(struct vbuf *b, const char *key, long long v);
void vb_kv_hex(struct vbuf *b, const char *key, unsigned long long v);
void vb_kv_str(struct vbuf *b, const char *key, const char *v);
/* An event mask by name, in ascending bit order ("IN|OUT", "none" for 0). */
void vb_mask(struct vbuf *b, uint32_t mask);
/* "ret=N", or "ret=-1 errno=NAME" when ret is -1. */
void vb_ret(struct vbuf *b, long ret, int err);
/* An epoll_wait result: "ret=N" then " data:EVENTS" per returned event, or the error. */
void vb_events(struct vbuf *b, int ret, int err, const struct epoll_event *ev);

/** errno_name - the symbolic name of an errno value ("E?<n>" for one the table lacks) */
const char *errno_name(int err);

/* One-shot checks built from the helpers above. */
void check_ret(const char *check, long ret, int err);
void check_str(const char *check, const char *value);
void check_int(const char *check, const char *key, long long v);
void check_hex(const char *check, const char *key, unsigned long long v);
void check_mask(const char *check, uint32_t mask);
void check_events(const char *check, int ret, int err, const struct epoll_event *ev);

/* A call returning a new descriptor: "ret=fd" (and the fd is closed) or the error. */
void check_newfd(const char *check, int fd, int err);

#define CHECK_NEWFD(check, expr)					\
	do {								\
		int fd_ = (expr);					\
		int err_ = errno;					\
		check_newfd((check), fd_, err_);			\
	} while (0)

/* Run a call, keep its errno, and print its result as a check. */
#define CHECK_RET(check, expr)						\
	do {								\
		long ret_ = (long)(expr);				\
		int err_ = errno;					\
		check_ret((check), ret_, err_);				\
	} while (0)

/* ---- small wrappers: setup that must work (a failure prints a setup_failed line) ---- */

int xepoll(void);
void xpipe(int fds[2]);
void xpipe_nonblock(int fds[2]);
int xeventfd(unsigned int initval, int flags);
/* epoll_ctl that must succeed; data is the u64 the event carries. */
void xctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/* epoll_ctl returning -errno or 0, for checks that print their own line. */
int ctl_err(int epfd, int op, int fd, uint32_t events, uint64_t data);
/* epoll_ctl printed as a check ("ret=0" or "ret=-1 errno=NAME"). */
void check_ctl(const char *check, int epfd, int op, int fd, uint32_t events, uint64_t data);
void xwrite_u64(int fd, uint64_t v);
uint64_t xread_u64(int fd);
void xwrite_bytes(int fd, size_t n);
void xclose(int fd);
/* A descriptor number that is certainly not open right now (it was just closed). */
int closed_fd(void);

/* epoll_wait with timeout 0 into ev (at least 16 entries), printed as a check. */
void check_wait0(const char *check, int epfd, int maxevents);
/* poll() of one fd with timeout 0, printed as "ret=N revents=MASK". */
void check_poll0(const char *check, int fd, short events);

/* ---- time ---- */

int64_t now_ns(void);
void sleep_ms(unsigned ms);

/* ---- helper threads ---- */

/* How a waiter thread waits. */
enum wait_how {
	HOW_WAIT,		/* epoll_wait(fd, ev, maxevents, timeout_ms) */
	HOW_POLL_WAIT,		/* poll(fd, POLLIN, timeout_ms), then epoll_wait(fd, ev, maxevents,
				   0); polling again while the harvest comes back empty */
	HOW_PWAIT,		/* epoll_pwait with an empty signal mask */
	HOW_PWAIT2_NULL,	/* epoll_pwait2 with no timeout at all */
};

#define WAITER_EVENTS 16

struct waiter {
	int how;		/* enum wait_how */
	int fd;			/* the epoll fd waited on */
	int maxevents;		/* passed to the epoll call */
	int timeout_ms;		/* passed to the epoll_wait or poll call */
	int ret;		/* what the epoll call returned (0 when a poll returned 0) */
	int err;		/* errno when ret is -1 */
	int phase;		/* conf_phase when the wait returned */
	int done;		/* set (atomically) once ret/err/phase are final */
	bool joined;		/* waiter_finish joined it: waiter_put may free it */
	int64_t elapsed_ns;	/* from just before the wait to just after it */
	struct epoll_event ev[WAITER_EVENTS];	/* what it returned */
	pthread_t thread;
};

/*
 * The main thread moves the phase forward (0: waiters starting, 1: first trigger, 2: ...);
 * a waiter records the phase it returned in, which is how a scenario tells a wake-up caused by
 * its trigger from a release at the end.
 */
void conf_phase_set(int phase);
int conf_phase_get(void);

/** waiter_start - start a thread that waits once as told; NULL (and a setup line) on failure */
struct waiter *waiter_start(int how, int fd, int maxevents, int timeout_ms);
/*
 * waiter_finish - join a waiter within JOIN_BOUND_MS. Returns true when it was joined (the caller
 * then frees it with free()); false when it never returned, in which case it is abandoned (its
 * memory stays allocated for the thread) and the caller must print "timeout".
 */
bool waiter_finish(struct waiter *w);
/* Free a joined waiter; an abandoned one stays allocated for its thread. */
void waiter_put(struct waiter *w);
/* True when the waiter was joined and returned events in the given phase. */
bool waiter_woke_in(const struct waiter *w, int phase);
/* " key=1" or " key=0" for waiter_woke_in, or " key=timeout" for an abandoned waiter. */
void vb_woke(struct vbuf *b, const char *key, const struct waiter *w, int phase);

/*
 * A group of waiter threads. The group's kick eventfd is watched (LT) in every set a member waits
 * on, so that after the trigger phases the main thread can release whoever is still blocked
 * instead of letting them run into their timeout.
 */
#define WGROUP_MAX	12
#define KICK_DATA	0xffull

struct wgroup {
	struct waiter *w[WGROUP_MAX];	/* the members, in start order */
	int n;				/* how many were started */
	int kick;			/* the release eventfd */
	bool all_joined;		/* set by wgroup_release */
};

void wgroup_init(struct wgroup *g);
/* Watch the kick in epfd (every set a member waits on needs it). */
void wgroup_kick_in(struct wgroup *g, int epfd);
struct waiter *wgroup_wait(struct wgroup *g, int how, int fd, int maxevents);
/* Let the members block, then enter phase 1: the caller triggers right after. */
void wgroup_go(struct wgroup *g);
/* Let phase p settle and enter phase p + 1. */
void wgroup_next(struct wgroup *g);
/* Let the last phase settle, release everyone with the kick, join them. */
void wgroup_release(struct wgroup *g);
/* How many members returned events in phase p (-1 when one of them had to be abandoned). */
int wgroup_woken(const struct wgroup *g, int p);
/* " key=N" for wgroup_woken, or " key=timeout". */
void vb_woken(struct vbuf *b, const char *key, const struct wgroup *g, int p);
/* Free the members and close the kick. */
void wgroup_put(struct wgroup *g);

/* ---- areas ---- */

void area_abi(void);
void area_errors(void);
void area_lt_et(void);
void area_oneshot(void);
void area_exclusive(void);
void area_wakeup(void);
void area_nested(void);
void area_loops(void);
void area_close(void);
void area_pipe(void);
void area_signals(void);
void area_busy_poll(void);
void area_eventfd(void);
void area_rotation(void);
void area_timeouts(void);
void area_sockets(void);
void area_unix(void);

#endif
