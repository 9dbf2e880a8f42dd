// SPDX-License-Identifier: MIT
/*
 * The vDSO: the shared object every application finds at AT_SYSINFO_EHDR, as on Linux, with
 * Linux's x86-64 entry points and version (LINUX_2.6): __vdso_clock_gettime, __vdso_gettimeofday,
 * __vdso_time, __vdso_clock_getres, __vdso_getcpu. The clocks the kernel computes from the TSC
 * alone (the monotonic, boot-time, raw, coarse and real-time clocks) are computed here the same
 * way, without entering the kernel; any other clock, or a vDSO not filled in, makes the system
 * call. Like Linux's, these calls write through the pointers they are given: a bad one faults in
 * the application (SIGSEGV) rather than returning EFAULT.
 *
 * Built as a position-independent shared object with no relocations and no writable data
 * (vdso.lds); the kernel copies it into each process with its data (kernel/vdso.c,
 * arch/vdso.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <arch/vdso.h>

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7
#define NR_clock_gettime		228
#define NR_clock_getres			229
#define NR_gettimeofday			96
#define NR_time				201
#define NR_getcpu			309
#define NSEC_PER_SEC			1000000000ULL

struct vdso_timespec { int64_t tv_sec; long tv_nsec; };
struct vdso_timeval { int64_t tv_sec; long tv_usec; };
struct vdso_timezone { int tz_minuteswest; int tz_dsttime; };

/* Filled in by the kernel in each process's copy; read-only to the application. */
__attribute__((visibility("hidden"), used, section(".vdso_data")))
const volatile struct vdso_data vdso_data;

static long vdso_syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b)
			     : "rcx", "r11", "memory");
	return ret;
}

static long vdso_syscall3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return ret;
}

/* kernel/time.c's ktime_ns(), from the same TSC reading. */
static uint64_t vdso_ktime_ns(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	uint64_t cycles = (((uint64_t)hi << 32) | lo) - vdso_data.tsc_zero;
	return (uint64_t)(((unsigned __int128)cycles * vdso_data.ns_mult) >> 32);
}

/* The clock's nanoseconds; false for a clock (or a state) the kernel must answer. */
static int vdso_clock_ns(int clk, uint64_t *ns)
{
	if (!vdso_data.ready)
		return 0;
	switch (clk) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = vdso_ktime_ns();
		return 1;
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = vdso_data.realtime_base_ns + vdso_ktime_ns();
		return 1;
	default:
		return 0;
	}
}

int __vdso_clock_gettime(int clk, struct vdso_timespec *ts)
{
	uint64_t ns;
	if (!vdso_clock_ns(clk, &ns))
		return (int)vdso_syscall2(NR_clock_gettime, clk, (long)ts);
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}

int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	uint64_t ns;
	if (!vdso_clock_ns(CLOCK_REALTIME, &ns))
		return (int)vdso_syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
		tv->tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
	}
	if (tz) {
		tz->tz_minuteswest = 0;	/* no time zone is ever set: Linux's zeros */
		tz->tz_dsttime = 0;
	}
	return 0;
}

int64_t __vdso_time(int64_t *t)
{
	uint64_t ns;
	if (!vdso_clock_ns(CLOCK_REALTIME, &ns))
		return vdso_syscall2(NR_time, (long)t, 0);
	int64_t s = (int64_t)(ns / NSEC_PER_SEC);
	if (t)
		*t = s;
	return s;
}

/* Every clock the vDSO answers ticks in nanoseconds, as the kernel's clock_getres says. */
int __vdso_clock_getres(int clk, struct vdso_timespec *res)
{
	uint64_t ns;
	if (!vdso_clock_ns(clk, &ns))
		return (int)vdso_syscall2(NR_clock_getres, clk, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}

/* One CPU, one node. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	if (!vdso_data.ready)
		return vdso_syscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

/* The names without the prefix, as Linux's vDSO also exports them. */
int clock_gettime(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *, struct vdso_timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
