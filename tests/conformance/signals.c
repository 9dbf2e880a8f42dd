/* SPDX-License-Identifier: MIT */
/*
 * Signals area: what a signal does to a call blocked in another thread (EINTR, or a restart
 * under SA_RESTART, as Linux decides per call: epoll_wait never restarts, read does), the masks
 * of epoll_pwait, epoll_pwait2, ppoll and sigsuspend (in force while the call waits, back after
 * the handler), what a handler is told (siginfo), sigtimedwait, ITIMER_REAL, SIGPIPE, and the
 * errors of the signal calls.
 *
 * A blocked call runs in a helper thread whose every wait is bounded (WAITER_TIMEOUT_MS); the
 * main thread sends the signal BLOCK_MS after starting it, so a kernel that never interrupts
 * shows up as a timeout result, not a hang.
 */
#define _GNU_SOURCE
#include "conformance.h"
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/time.h>

#define SIG_A	SIGUSR1
#define SIG_B	SIGUSR2

static volatile sig_atomic_t hits;		/* handler runs */
static volatile int last_code, last_pid_self, last_signo;

static void on_signal(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	hits++;
	last_signo = sig;
	last_code = info->si_code;
	last_pid_self = info->si_pid == getpid();
}

/* Handle @sig with on_signal; @flags adds SA_RESTART and the like. */
static void handle(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		conf_setup_failed("sigaction", errno);
}

static void set_default(int sig)
{
	signal(sig, SIG_DFL);
}

static const char *code_name(int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	default: return "other";
	}
}

/* ---- a call blocked in a helper thread ---- */

struct blocker {
	long (*call)(struct blocker *b);	/* the blocking call; returns its result */
	int fd;					/* what it works on */
	sigset_t mask;				/* a mask the call takes (pwait, ppoll, ...) */
	bool block_sig;				/* the thread blocks SIG_A itself */
	long ret;
	int err;
	int mask_after;				/* SIG_A blocked after the call returned? */
	int hits_after;				/* handler runs counted right after the return */
	volatile int done;
	pthread_t thread;
};

static void *blocker_main(void *arg)
{
	struct blocker *b = arg;
	if (b->block_sig) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIG_A);
		pthread_sigmask(SIG_BLOCK, &s, NULL);
	}
	errno = 0;
	b->ret = b->call(b);
	b->err = errno;
	b->hits_after = hits;
	sigset_t now;
	pthread_sigmask(SIG_BLOCK, NULL, &now);
	b->mask_after = sigismember(&now, SIG_A);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start @b, send SIG_A to its thread after BLOCK_MS (when @kick), run @then (may be NULL) after
 * SETTLE_MS, and join it within JOIN_BOUND_MS. False when it never returned (abandoned). */
static bool blocker_run(struct blocker *b, bool kick, void (*then)(struct blocker *))
{
	b->done = 0;
	if (pthread_create(&b->thread, NULL, blocker_main, b)) {
		conf_setup_failed("pthread_create", errno);
		return false;
	}
	sleep_ms(BLOCK_MS);
	if (kick)
		pthread_kill(b->thread, SIG_A);
	if (then) {
		sleep_ms(SETTLE_MS);
		then(b);
	}
	for (int ms = 0; ms < JOIN_BOUND_MS; ms += 10) {
		if (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE)) {
			pthread_join(b->thread, NULL);
			return true;
		}
		sleep_ms(10);
	}
	pthread_detach(b->thread);
	return false;
}

/* "ret=... hits=N" for a finished blocker, "timeout" for an abandoned one. */
static void check_blocker(const char *check, struct blocker *b, bool joined, int hits0)
{
	struct vbuf v;
	vb_init(&v);
	if (!joined) {
		vb_str(&v, "timeout");
	} else {
		vb_ret(&v, b->ret, b->err);
		vb_kv_int(&v, "handler_ran", b->hits_after - hits0);
		vb_kv_int(&v, "blocked_after", b->mask_after);
	}
	conf_check(check, v.s);
}

static long call_epoll_wait(struct blocker *b)
{
	struct epoll_event ev[4];
	return epoll_wait(b->fd, ev, 4, WAITER_TIMEOUT_MS);
}

static long call_epoll_pwait(struct blocker *b)
{
	struct epoll_event ev[4];
	return epoll_pwait(b->fd, ev, 4, WAITER_TIMEOUT_MS, &b->mask);
}

/* A short wait: it must time out when the mask keeps the signal out. */
static long call_epoll_pwait_short(struct blocker *b)
{
	struct epoll_event ev[4];
	return epoll_pwait(b->fd, ev, 4, BLOCK_MS + SETTLE_MS, &b->mask);
}

static long call_epoll_pwait2(struct blocker *b)
{
	struct epoll_event ev[4];
	struct timespec ts = { WAITER_TIMEOUT_MS / 1000, 0 };
	return epoll_pwait2(b->fd, ev, 4, &ts, &b->mask);
}

static long call_read_direct(struct blocker *b)
{
	char c;
	return read(b->fd, &c, 1);
}

static long call_ppoll(struct blocker *b)
{
	struct pollfd p = { .fd = b->fd, .events = POLLIN };
	struct timespec ts = { WAITER_TIMEOUT_MS / 1000, 0 };
	return ppoll(&p, 1, &ts, &b->mask);
}

static long call_poll(struct blocker *b)
{
	struct pollfd p = { .fd = b->fd, .events = POLLIN };
	return poll(&p, 1, WAITER_TIMEOUT_MS);
}

static long call_nanosleep(struct blocker *b)
{
	struct timespec req = { WAITER_TIMEOUT_MS / 1000, 0 }, rem = { 0, 0 };
	long r = nanosleep(&req, &rem);
	b->fd = rem.tv_sec > 0 || rem.tv_nsec > 0;	/* the rest was reported */
	return r;
}

static long call_sigsuspend(struct blocker *b)
{
	return sigsuspend(&b->mask);
}

static void nothing(struct blocker *b)
{
	(void)b;
}

static int pipe_w = -1;

static void feed_pipe(struct blocker *b)
{
	(void)b;
	if (write(pipe_w, "x", 1) != 1)
		conf_setup_failed("write", errno);
}

/* ---- scenarios ---- */

/* epoll_wait is never restarted: EINTR with or without SA_RESTART; epoll_pwait's and pwait2's
 * masks let the signal in (EINTR) or keep it out (a time-out, then the handler). */
static void signals_epoll(void)
{
	struct blocker b;
	int ep = xepoll();
	int h;

	conf_scenario("signals.epoll");
	for (int restart = 0; restart < 2; restart++) {
		handle(SIG_A, restart ? SA_RESTART : 0);
		memset(&b, 0, sizeof(b));
		b.call = call_epoll_wait;
		b.fd = ep;
		h = hits;
		check_blocker(restart ? "epoll_wait_sa_restart" : "epoll_wait",
			      &b, blocker_run(&b, true, NULL), h);
	}

	/* The thread blocks SIG_A; epoll_pwait's empty mask lets it in, then the old mask is back. */
	handle(SIG_A, SA_RESTART);
	memset(&b, 0, sizeof(b));
	b.call = call_epoll_pwait;
	b.fd = ep;
	b.block_sig = true;
	sigemptyset(&b.mask);
	h = hits;
	check_blocker("pwait_mask_lets_it_in", &b, blocker_run(&b, true, NULL), h);

	memset(&b, 0, sizeof(b));
	b.call = call_epoll_pwait2;
	b.fd = ep;
	b.block_sig = true;
	sigemptyset(&b.mask);
	h = hits;
	check_blocker("pwait2_mask_lets_it_in", &b, blocker_run(&b, true, NULL), h);

	/* The thread does not block SIG_A; epoll_pwait's mask does: the wait times out, and the
	 * signal is taken right after the call, once the old mask is back. */
	memset(&b, 0, sizeof(b));
	b.call = call_epoll_pwait_short;
	b.fd = ep;
	sigemptyset(&b.mask);
	sigaddset(&b.mask, SIG_A);
	h = hits;
	check_blocker("pwait_mask_keeps_it_out", &b, blocker_run(&b, true, NULL), h);

	/* A ready event wins over a pending signal. */
	memset(&b, 0, sizeof(b));
	int efd = xeventfd(1, 0);
	xctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 1);
	b.call = call_epoll_pwait;
	b.fd = ep;
	b.block_sig = true;
	sigfillset(&b.mask);
	h = hits;
	check_blocker("pwait_ready_full_mask", &b, blocker_run(&b, false, NULL), h);
	xclose(efd);
	xclose(ep);
	set_default(SIG_A);
}

/* read restarts under SA_RESTART (the data written later is what it returns), else EINTR;
 * poll and ppoll never restart; nanosleep reports the rest. */
static void signals_restart(void)
{
	struct blocker b;
	int p[2], h;

	conf_scenario("signals.restart");
	for (int restart = 0; restart < 2; restart++) {
		handle(SIG_A, restart ? SA_RESTART : 0);
		xpipe(p);
		pipe_w = p[1];
		memset(&b, 0, sizeof(b));
		b.call = call_read_direct;
		b.fd = p[0];
		h = hits;
		/* Without SA_RESTART the read ends at the signal; with it, at the byte. */
		check_blocker(restart ? "read_sa_restart" : "read_no_restart", &b,
			      blocker_run(&b, true, restart ? feed_pipe : nothing), h);
		xclose(p[0]);
		xclose(p[1]);
	}

	handle(SIG_A, SA_RESTART);
	xpipe(p);
	memset(&b, 0, sizeof(b));
	b.call = call_poll;
	b.fd = p[0];
	h = hits;
	check_blocker("poll_sa_restart", &b, blocker_run(&b, true, NULL), h);

	memset(&b, 0, sizeof(b));
	b.call = call_ppoll;
	b.fd = p[0];
	b.block_sig = true;
	sigemptyset(&b.mask);
	h = hits;
	check_blocker("ppoll_mask_lets_it_in", &b, blocker_run(&b, true, NULL), h);

	xclose(p[0]);
	xclose(p[1]);

	memset(&b, 0, sizeof(b));
	b.call = call_nanosleep;
	h = hits;
	bool joined = blocker_run(&b, true, NULL);
	check_blocker("nanosleep", &b, joined, h);
	check_int("nanosleep_rem", "reported", joined ? b.fd : -1);

	/* sigsuspend: the thread blocks SIG_A; the suspend mask lets it in; the old one is back. */
	memset(&b, 0, sizeof(b));
	b.call = call_sigsuspend;
	b.block_sig = true;
	sigemptyset(&b.mask);
	h = hits;
	check_blocker("sigsuspend", &b, blocker_run(&b, true, NULL), h);
	set_default(SIG_A);
}

/* What a handler is told, pending signals, and unblocking. */
static void signals_delivery(void)
{
	sigset_t s, old, pend;
	struct vbuf v;

	conf_scenario("signals.delivery");
	handle(SIG_A, 0);
	handle(SIG_B, 0);
	int h = hits;
	raise(SIG_A);
	vb_init(&v);
	vb_kv_int(&v, "ran", hits - h);
	vb_kv_str(&v, "code", code_name(last_code));
	vb_kv_int(&v, "signo", last_signo);
	vb_kv_int(&v, "pid_is_self", last_pid_self);
	conf_check("raise", v.s);

	h = hits;
	kill(getpid(), SIG_B);
	vb_init(&v);
	vb_kv_int(&v, "ran", hits - h);
	vb_kv_str(&v, "code", code_name(last_code));
	vb_kv_int(&v, "pid_is_self", last_pid_self);
	conf_check("kill_self", v.s);

	/* Blocked: pending, not run; unblocked: run before sigprocmask returns. */
	sigemptyset(&s);
	sigaddset(&s, SIG_A);
	sigprocmask(SIG_BLOCK, &s, &old);
	h = hits;
	raise(SIG_A);
	sigpending(&pend);
	vb_init(&v);
	vb_kv_int(&v, "ran", hits - h);
	vb_kv_int(&v, "pending", sigismember(&pend, SIG_A));
	conf_check("blocked", v.s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	vb_init(&v);
	vb_kv_int(&v, "ran", hits - h);
	sigpending(&pend);
	vb_kv_int(&v, "pending", sigismember(&pend, SIG_A));
	conf_check("unblocked", v.s);

	/* A pending signal made ignored is discarded. */
	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIG_A);
	signal(SIG_A, SIG_IGN);
	sigpending(&pend);
	check_int("ignored_discards", "pending", sigismember(&pend, SIG_A));
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* sigtimedwait takes a blocked pending signal; with none, EAGAIN at the time-out. */
	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIG_A);
	siginfo_t si;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int r = sigtimedwait(&s, &si, &ts);
	vb_init(&v);
	vb_kv_int(&v, "ret", r);
	vb_kv_str(&v, "code", code_name(si.si_code));
	conf_check("sigtimedwait", v.s);
	CHECK_RET("sigtimedwait_none", sigtimedwait(&s, &si, &ts));
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* SA_RESETHAND: the handler once, then the default. */
	struct sigaction sa, q;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIG_B, &sa, NULL);
	h = hits;
	raise(SIG_B);
	sigaction(SIG_B, NULL, &q);
	vb_init(&v);
	vb_kv_int(&v, "ran", hits - h);
	vb_kv_int(&v, "now_default", q.sa_handler == SIG_DFL);
	conf_check("resethand", v.s);

	/* SIGPIPE: ignored, EPIPE alone; handled, EPIPE and the handler. */
	int p[2];
	xpipe(p);
	xclose(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK_RET("epipe_ignored", write(p[1], "x", 1));
	handle(SIGPIPE, 0);
	h = hits;
	long wr = write(p[1], "x", 1);
	int we = errno;
	vb_init(&v);
	vb_ret(&v, wr, we);
	vb_kv_int(&v, "handler_ran", hits - h);
	vb_kv_int(&v, "signo", last_signo);
	conf_check("epipe_handled", v.s);
	signal(SIGPIPE, SIG_IGN);
	xclose(p[1]);

	/* AF_UNIX: a stream raises SIGPIPE (not with MSG_NOSIGNAL); datagram and seqpacket pairs
	 * give EPIPE alone. */
	static const struct { const char *name; int type; } kinds[] = {
		{ "unix_stream", SOCK_STREAM }, { "unix_dgram", SOCK_DGRAM },
		{ "unix_seqpacket", SOCK_SEQPACKET },
	};
	handle(SIGPIPE, 0);
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int sv[2];
		char name[64];
		if (socketpair(AF_UNIX, kinds[i].type, 0, sv)) {
			conf_setup_failed("socketpair", errno);
			continue;
		}
		xclose(sv[1]);
		for (int nosig = 0; nosig < 2; nosig++) {
			h = hits;
			long sr = send(sv[0], "x", 1, nosig ? MSG_NOSIGNAL : 0);
			int se = errno;
			vb_init(&v);
			vb_ret(&v, sr, se);
			vb_kv_int(&v, "sigpipe", hits - h);
			snprintf(name, sizeof(name), "%s_closed_peer%s", kinds[i].name,
				 nosig ? "_nosignal" : "");
			conf_check(name, v.s);
		}
		xclose(sv[0]);
	}
	signal(SIGPIPE, SIG_IGN);

	/* ITIMER_REAL: one SIGALRM after 50 ms, ending a pause. */
	handle(SIGALRM, 0);
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, cur;
	h = hits;
	setitimer(ITIMER_REAL, &it, NULL);
	int pr = pause();
	int pe = errno;
	getitimer(ITIMER_REAL, &cur);
	vb_init(&v);
	vb_ret(&v, pr, pe);
	vb_kv_int(&v, "ran", hits - h);
	vb_kv_int(&v, "signo", last_signo);
	vb_kv_int(&v, "disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	conf_check("itimer_pause", v.s);
	CHECK_RET("alarm_none_left", alarm(0));
	CHECK_RET("alarm_set", alarm(100));
	CHECK_RET("alarm_left", alarm(0));
	set_default(SIGALRM);
	set_default(SIG_A);
	set_default(SIG_B);
	signal(SIGPIPE, SIG_DFL);
}

/* The errors of the signal calls (raw system calls, so the C library checks nothing first). */
static void signals_errors(void)
{
	unsigned long set = 0, old = 0;
	char act[32] = { 0 };	/* the kernel's struct sigaction: handler, flags, restorer, mask */

	conf_scenario("signals.errors");
	CHECK_RET("sigaction_sig0", syscall(SYS_rt_sigaction, 0, NULL, act, 8));
	CHECK_RET("sigaction_sig65", syscall(SYS_rt_sigaction, 65, NULL, act, 8));
	CHECK_RET("sigaction_sig64", syscall(SYS_rt_sigaction, 64, NULL, act, 8));
	CHECK_RET("sigaction_kill_set", syscall(SYS_rt_sigaction, SIGKILL, act, NULL, 8));
	CHECK_RET("sigaction_stop_set", syscall(SYS_rt_sigaction, SIGSTOP, act, NULL, 8));
	CHECK_RET("sigaction_kill_query", syscall(SYS_rt_sigaction, SIGKILL, NULL, act, 8));
	CHECK_RET("sigaction_size4", syscall(SYS_rt_sigaction, SIG_A, NULL, act, 4));
	CHECK_RET("sigaction_size16", syscall(SYS_rt_sigaction, SIG_A, NULL, act, 16));
	CHECK_RET("sigaction_bad_act", syscall(SYS_rt_sigaction, SIG_A, hide_ptr((void *)8), NULL, 8));
	CHECK_RET("sigprocmask_how3", syscall(SYS_rt_sigprocmask, 3, &set, NULL, 8));
	CHECK_RET("sigprocmask_how3_noset", syscall(SYS_rt_sigprocmask, 3, NULL, &old, 8));
	CHECK_RET("sigprocmask_size4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	/* SIGKILL and SIGSTOP cannot be blocked: they are left out silently. */
	set = (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)) | (1UL << (SIG_B - 1));
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &old, 8);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, &set, 8);
	check_hex("sigprocmask_unblockable", "blocked", set);
	CHECK_RET("sigpending_size16", syscall(SYS_rt_sigpending, &set, 16));
	CHECK_RET("sigpending_size4", syscall(SYS_rt_sigpending, &set, 4));
	CHECK_RET("sigsuspend_size4", syscall(SYS_rt_sigsuspend, &set, 4));
	CHECK_RET("kill_sig65", syscall(SYS_kill, getpid(), 65));
	CHECK_RET("kill_sig_minus1", syscall(SYS_kill, getpid(), -1));
	CHECK_RET("kill_sig0_self", syscall(SYS_kill, getpid(), 0));
	CHECK_RET("kill_no_such_pid", syscall(SYS_kill, 999999, 0));
	CHECK_RET("tkill_tid0", syscall(SYS_tkill, 0, 0));
	CHECK_RET("tkill_tid_minus1", syscall(SYS_tkill, -1, 0));
	CHECK_RET("tkill_no_such_tid", syscall(SYS_tkill, 999999, 0));
	CHECK_RET("tkill_self_sig0", syscall(SYS_tkill, gettid(), 0));
	CHECK_RET("tgkill_tgid0", syscall(SYS_tgkill, 0, gettid(), 0));
	CHECK_RET("tgkill_other_tgid", syscall(SYS_tgkill, 999999, gettid(), 0));
	CHECK_RET("tgkill_sig65", syscall(SYS_tgkill, getpid(), gettid(), 65));
	CHECK_RET("tgkill_self_sig0", syscall(SYS_tgkill, getpid(), gettid(), 0));
	stack_t ss = { .ss_sp = malloc(65536), .ss_flags = 0, .ss_size = 1024 };
	CHECK_RET("sigaltstack_too_small", syscall(SYS_sigaltstack, &ss, NULL));
	ss.ss_flags = 7;
	ss.ss_size = 65536;
	CHECK_RET("sigaltstack_bad_flags", syscall(SYS_sigaltstack, &ss, NULL));
	ss.ss_flags = 0;
	CHECK_RET("sigaltstack_ok", syscall(SYS_sigaltstack, &ss, NULL));
	stack_t q;
	syscall(SYS_sigaltstack, NULL, &q);
	check_int("sigaltstack_query", "flags", q.ss_flags);
	ss.ss_flags = SS_DISABLE;
	CHECK_RET("sigaltstack_disable", syscall(SYS_sigaltstack, &ss, NULL));
	syscall(SYS_sigaltstack, NULL, &q);
	check_int("sigaltstack_disabled", "flags", q.ss_flags);
	free(ss.ss_sp);
	struct timespec bad = { 0, 1000000000L };
	sigemptyset((sigset_t *)&set);
	CHECK_RET("sigtimedwait_bad_ts", syscall(SYS_rt_sigtimedwait, &set, NULL, &bad, 8));
	CHECK_RET("sigtimedwait_size4", syscall(SYS_rt_sigtimedwait, &set, NULL, NULL, 4));
	struct itimerval it = { { 0, 0 }, { 0, 1000000 } };
	CHECK_RET("setitimer_usec_1e6", syscall(SYS_setitimer, ITIMER_REAL, &it, NULL));
	CHECK_RET("setitimer_which5", syscall(SYS_setitimer, 5, &it, NULL));
	CHECK_RET("getitimer_which5", syscall(SYS_getitimer, 5, &it));
	CHECK_RET("getitimer_null", syscall(SYS_getitimer, ITIMER_REAL, NULL));
}

void area_signals(void)
{
	signals_epoll();
	signals_restart();
	signals_delivery();
	signals_errors();
}
