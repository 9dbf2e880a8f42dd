// SPDX-License-Identifier: MIT
/* The system-call table: Linux x86-64 numbers to the sys_* functions of every subsystem. Each
 * entry is a thunk that turns the six raw arguments into the typed ones, so the table stays
 * type-correct. */
#include <arch/syscall.h>
#include <kernel/errno.h>
#include <arch/user.h>
#include <kernel/futex.h>
#include <kernel/mm.h>
#include <kernel/path.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <net/sys_socket.h>

typedef long (*syscall_fn)(long, long, long, long, long, long);

#define THUNK(name, call) \
	static long thunk_##name(long a1, long a2, long a3, long a4, long a5, long a6) \
	{ \
		(void)a1; (void)a2; (void)a3; (void)a4; (void)a5; (void)a6; \
		return call; \
	}

THUNK(read, sys_read((int)a1, (void *)a2, (size_t)a3))
THUNK(write, sys_write((int)a1, (const void *)a2, (size_t)a3))
THUNK(readv, sys_readv((int)a1, (const struct iovec *)a2, (int)a3))
THUNK(writev, sys_writev((int)a1, (const struct iovec *)a2, (int)a3))
THUNK(pread64, sys_pread64((int)a1, (void *)a2, (size_t)a3, (long long)a4))
THUNK(pwrite64, sys_pwrite64((int)a1, (const void *)a2, (size_t)a3, (long long)a4))
/* On x86-64 the offset's low word (a4) carries all 64 bits (Linux's pos_from_hilo). */
THUNK(preadv, sys_preadv((int)a1, (const struct iovec *)a2, (int)a3, (long long)a4))
THUNK(pwritev, sys_pwritev((int)a1, (const struct iovec *)a2, (int)a3, (long long)a4))
THUNK(lseek, sys_lseek((int)a1, (long long)a2, (unsigned)a3))
THUNK(getdents64, sys_getdents64((int)a1, (void *)a2, (unsigned)a3))
THUNK(getcwd, sys_getcwd((char *)a1, (unsigned long)a2))
THUNK(chdir, sys_chdir((const char *)a1))
THUNK(fchdir, sys_fchdir((int)a1))
THUNK(umask, sys_umask((int)a1))
THUNK(close, sys_close((int)a1))
THUNK(open, sys_open((const char *)a1, (int)a2, (unsigned)a3))
THUNK(openat, sys_openat((int)a1, (const char *)a2, (int)a3, (unsigned)a4))
THUNK(stat, sys_stat((const char *)a1, (struct stat *)a2))
THUNK(fstat, sys_fstat((int)a1, (struct stat *)a2))
THUNK(lstat, sys_lstat((const char *)a1, (struct stat *)a2))
THUNK(newfstatat, sys_newfstatat((int)a1, (const char *)a2, (struct stat *)a3, (int)a4))
THUNK(readlink, sys_readlink((const char *)a1, (char *)a2, (int)a3))
THUNK(readlinkat, sys_readlinkat((int)a1, (const char *)a2, (char *)a3, (int)a4))
THUNK(poll, sys_poll((struct pollfd *)a1, (nfds_t)a2, (int)a3))
THUNK(ppoll, sys_ppoll((struct pollfd *)a1, (nfds_t)a2, (const struct timespec *)a3,
		       (const sigset_t *)a4, (size_t)a5))
THUNK(pipe, sys_pipe((int *)a1))
THUNK(pipe2, sys_pipe2((int *)a1, (int)a2))
THUNK(dup, sys_dup((int)a1))
THUNK(dup2, sys_dup2((int)a1, (int)a2))
THUNK(dup3, sys_dup3((int)a1, (int)a2, (int)a3))
THUNK(fcntl, sys_fcntl((int)a1, (int)a2, (unsigned long)a3))
THUNK(eventfd, sys_eventfd((unsigned)a1))
THUNK(eventfd2, sys_eventfd2((unsigned)a1, (int)a2))
THUNK(epoll_create, sys_epoll_create((int)a1))
THUNK(epoll_create1, sys_epoll_create1((int)a1))
THUNK(epoll_ctl, sys_epoll_ctl((int)a1, (int)a2, (int)a3, (struct epoll_event *)a4))
THUNK(epoll_wait, sys_epoll_wait((int)a1, (struct epoll_event *)a2, (int)a3, (int)a4))
THUNK(epoll_pwait, sys_epoll_pwait((int)a1, (struct epoll_event *)a2, (int)a3, (int)a4,
				   (const sigset_t *)a5, (size_t)a6))
THUNK(epoll_pwait2, sys_epoll_pwait2((int)a1, (struct epoll_event *)a2, (int)a3,
				     (const struct timespec *)a4, (const sigset_t *)a5, (size_t)a6))
THUNK(clock_gettime, sys_clock_gettime((clockid_t)a1, (struct timespec *)a2))
THUNK(clock_getres, sys_clock_getres((clockid_t)a1, (struct timespec *)a2))
THUNK(nanosleep, sys_nanosleep((const struct timespec *)a1, (struct timespec *)a2))
THUNK(clock_nanosleep, sys_clock_nanosleep((clockid_t)a1, (int)a2, (const struct timespec *)a3,
					   (struct timespec *)a4))
THUNK(gettimeofday, sys_gettimeofday((struct timeval *)a1, (struct timezone *)a2))
THUNK(time, sys_time((time_t *)a1))
THUNK(sched_yield, sys_sched_yield())
THUNK(getpid, sys_getpid())
THUNK(gettid, sys_gettid())
THUNK(exit, sys_exit((int)a1))
THUNK(ioctl, sys_ioctl((int)a1, (unsigned)a2, (unsigned long)a3))
THUNK(mmap, sys_mmap((unsigned long)a1, (unsigned long)a2, (unsigned long)a3, (unsigned long)a4,
		     (unsigned long)a5, (unsigned long)a6))
THUNK(munmap, sys_munmap((unsigned long)a1, (unsigned long)a2))
THUNK(mprotect, sys_mprotect((unsigned long)a1, (unsigned long)a2, (unsigned long)a3))
THUNK(mremap, sys_mremap((unsigned long)a1, (unsigned long)a2, (unsigned long)a3,
			 (unsigned long)a4, (unsigned long)a5))
THUNK(brk, sys_brk((unsigned long)a1))
THUNK(madvise, sys_madvise((unsigned long)a1, (unsigned long)a2, (int)a3))
THUNK(rt_sigaction, sys_rt_sigaction((int)a1, (const void *)a2, (void *)a3, (size_t)a4))
THUNK(rt_sigprocmask, sys_rt_sigprocmask((int)a1, (const sigset_t *)a2, (sigset_t *)a3, (size_t)a4))
THUNK(sigaltstack, sys_sigaltstack((const void *)a1, (void *)a2))
THUNK(rt_sigreturn, sys_rt_sigreturn())
THUNK(rt_sigpending, sys_rt_sigpending((sigset_t *)a1, (size_t)a2))
THUNK(rt_sigsuspend, sys_rt_sigsuspend((const sigset_t *)a1, (size_t)a2))
THUNK(rt_sigtimedwait, sys_rt_sigtimedwait((const sigset_t *)a1, (siginfo_t *)a2, (const void *)a3,
					   (size_t)a4))
THUNK(kill, sys_kill((int)a1, (int)a2))
THUNK(tkill, sys_tkill((int)a1, (int)a2))
THUNK(tgkill, sys_tgkill((int)a1, (int)a2, (int)a3))
THUNK(pause, sys_pause())
THUNK(alarm, sys_alarm((unsigned)a1))
THUNK(setitimer, sys_setitimer((int)a1, (const void *)a2, (void *)a3))
THUNK(getitimer, sys_getitimer((int)a1, (void *)a2))
THUNK(clone, sys_clone((unsigned long)a1, (unsigned long)a2, (int *)a3, (int *)a4,
		       (unsigned long)a5))
THUNK(set_tid_address, sys_set_tid_address((int *)a1))
THUNK(futex, sys_futex((uint32_t *)a1, (int)a2, (uint32_t)a3, (const struct timespec *)a4,
		       (uint32_t *)a5, (uint32_t)a6))
THUNK(set_robust_list, sys_set_robust_list((struct robust_list_head *)a1, (size_t)a2))
THUNK(get_robust_list, sys_get_robust_list((int)a1, (struct robust_list_head **)a2, (size_t *)a3))
THUNK(arch_prctl, sys_arch_prctl((int)a1, (unsigned long)a2))
THUNK(uname, sys_uname((void *)a1))
THUNK(prctl, sys_prctl((int)a1, (unsigned long)a2, (unsigned long)a3, (unsigned long)a4,
		       (unsigned long)a5))
THUNK(sysinfo, sys_sysinfo((struct sysinfo *)a1))
THUNK(getuid, sys_getuid())
THUNK(getrandom, sys_getrandom((void *)a1, (size_t)a2, (unsigned)a3))
THUNK(sched_getaffinity, sys_sched_getaffinity((int)a1, (size_t)a2, (unsigned long *)a3))
THUNK(sched_setaffinity, sys_sched_setaffinity((int)a1, (size_t)a2, (const unsigned long *)a3))
THUNK(exit_group, sys_exit_group((int)a1))
THUNK(prlimit64, sys_prlimit64((int)a1, (int)a2, (const struct rlimit *)a3, (struct rlimit *)a4))
/* Sockets (net/sys_socket.c). */
THUNK(socket, sys_socket((int)a1, (int)a2, (int)a3))
THUNK(socketpair, sys_socketpair((int)a1, (int)a2, (int)a3, (int *)a4))
THUNK(bind, sys_bind((int)a1, (const struct sockaddr *)a2, (socklen_t)a3))
THUNK(listen, sys_listen((int)a1, (int)a2))
THUNK(accept, sys_accept((int)a1, (struct sockaddr *)a2, (socklen_t *)a3))
THUNK(accept4, sys_accept4((int)a1, (struct sockaddr *)a2, (socklen_t *)a3, (int)a4))
THUNK(connect, sys_connect((int)a1, (const struct sockaddr *)a2, (socklen_t)a3))
THUNK(sendto, sys_sendto((int)a1, (const void *)a2, (size_t)a3, (int)a4,
			 (const struct sockaddr *)a5, (socklen_t)a6))
THUNK(recvfrom, sys_recvfrom((int)a1, (void *)a2, (size_t)a3, (int)a4, (struct sockaddr *)a5,
			     (socklen_t *)a6))
THUNK(shutdown, sys_shutdown((int)a1, (int)a2))
THUNK(getsockname, sys_getsockname((int)a1, (struct sockaddr *)a2, (socklen_t *)a3))
THUNK(getpeername, sys_getpeername((int)a1, (struct sockaddr *)a2, (socklen_t *)a3))
THUNK(setsockopt, sys_setsockopt((int)a1, (int)a2, (int)a3, (const void *)a4, (socklen_t)a5))
THUNK(getsockopt, sys_getsockopt((int)a1, (int)a2, (int)a3, (void *)a4, (socklen_t *)a5))

#define ENTRY(name) [SYS_##name] = thunk_##name

static const syscall_fn syscall_table[SYSCALL_MAX] = {
	ENTRY(read), ENTRY(write), ENTRY(readv), ENTRY(writev), ENTRY(close),
	ENTRY(pread64), ENTRY(pwrite64), ENTRY(preadv), ENTRY(pwritev), ENTRY(lseek),
	ENTRY(getdents64), ENTRY(getcwd), ENTRY(chdir), ENTRY(fchdir), ENTRY(umask),
	ENTRY(open), ENTRY(openat), ENTRY(stat), ENTRY(fstat), ENTRY(lstat), ENTRY(newfstatat),
	ENTRY(readlink), ENTRY(readlinkat),
	ENTRY(poll), ENTRY(ppoll), ENTRY(pipe), ENTRY(pipe2),
	ENTRY(dup), ENTRY(dup2), ENTRY(dup3), ENTRY(fcntl),
	ENTRY(eventfd), ENTRY(eventfd2),
	ENTRY(epoll_create), ENTRY(epoll_create1), ENTRY(epoll_ctl),
	ENTRY(epoll_wait), ENTRY(epoll_pwait), ENTRY(epoll_pwait2),
	ENTRY(clock_gettime), ENTRY(clock_getres), ENTRY(nanosleep), ENTRY(clock_nanosleep),
	ENTRY(gettimeofday), ENTRY(time),
	ENTRY(sched_yield), ENTRY(getpid), ENTRY(gettid), ENTRY(exit), ENTRY(exit_group),
	ENTRY(prlimit64), ENTRY(ioctl),
	ENTRY(mmap), ENTRY(munmap), ENTRY(mprotect), ENTRY(mremap), ENTRY(brk), ENTRY(madvise),
	ENTRY(rt_sigaction), ENTRY(rt_sigprocmask), ENTRY(sigaltstack), ENTRY(rt_sigreturn),
	ENTRY(rt_sigpending), ENTRY(rt_sigsuspend), ENTRY(rt_sigtimedwait), ENTRY(kill),
	ENTRY(tkill), ENTRY(tgkill), ENTRY(pause), ENTRY(alarm), ENTRY(setitimer), ENTRY(getitimer),
	ENTRY(clone), ENTRY(set_tid_address), ENTRY(futex), ENTRY(set_robust_list),
	ENTRY(get_robust_list), ENTRY(arch_prctl), ENTRY(prctl), ENTRY(uname),
	ENTRY(sysinfo), ENTRY(getrandom), ENTRY(sched_getaffinity), ENTRY(sched_setaffinity),
	[SYS_getuid] = thunk_getuid, [SYS_geteuid] = thunk_getuid, [SYS_getgid] = thunk_getuid,
	[SYS_getegid] = thunk_getuid, [SYS_getppid] = thunk_getuid,
	ENTRY(socket), ENTRY(socketpair), ENTRY(bind), ENTRY(listen), ENTRY(accept), ENTRY(accept4), ENTRY(connect),
	ENTRY(sendto), ENTRY(recvfrom), ENTRY(shutdown), ENTRY(getsockname), ENTRY(getpeername),
	ENTRY(setsockopt), ENTRY(getsockopt),
};

bool syscall_exists(long nr)
{
	return nr >= 0 && nr < SYSCALL_MAX && syscall_table[nr];
}

/* build/syscall_names.c, generated from Linux's asm/unistd_64.h. */
extern const char *const syscall_names[SYSCALL_MAX];
static uint8_t reported[(SYSCALL_MAX + 7) / 8];
static bool reported_beyond;	/* a number outside the table was named */
static unsigned long unknown_calls;

/* A number with no entry: -ENOSYS, counted, and, for an application, named on the console the
 * first time (numbers beyond the table: the first of them only). */
static long unknown(long nr)
{
	__atomic_add_fetch(&unknown_calls, 1, __ATOMIC_RELAXED);
	bool in = nr >= 0 && nr < SYSCALL_MAX;
	if (!current_thread()->user)
		return -ENOSYS;		/* a kernel thread (the tests) knows what it asked */
	if (in && (__atomic_fetch_or(&reported[nr / 8], 1u << (nr % 8), __ATOMIC_RELAXED) &
		   (1u << (nr % 8))))
		return -ENOSYS;
	if (!in && __atomic_exchange_n(&reported_beyond, true, __ATOMIC_RELAXED))
		return -ENOSYS;
	if (in)
		printk("epunk: system call %ld (%s) is not implemented: -ENOSYS\n", nr,
		       syscall_names[nr] ? syscall_names[nr] : "unknown");
	else
		printk("epunk: system call %ld is beyond the table: -ENOSYS (further such numbers are "
		       "not named)\n", nr);
	return -ENOSYS;
}

unsigned long syscall_unknown_count(void)
{
	return __atomic_load_n(&unknown_calls, __ATOMIC_RELAXED);
}

long syscall_dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	if (!syscall_exists(nr))
		return unknown(nr);
	return syscall_table[nr](a1, a2, a3, a4, a5, a6);
}
