// SPDX-License-Identifier: MIT
/* System calls about time, threads and the process.
 *
 * Clocks: CLOCK_MONOTONIC and CLOCK_BOOTTIME are ktime_ns() (nanoseconds since boot; the
 * machine never suspends, so they are one clock). CLOCK_REALTIME is the CMOS RTC's reading,
 * taken once on first use and carried forward by ktime: it has the RTC's 1-second granularity
 * as its accuracy, and nothing ever steps it. */
#include <arch/rtc.h>
#include <kernel/app.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mutex.h>
#include <kernel/page.h>
#include <kernel/poll.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <kernel/version.h>
#include <string.h>
#include <uapi/prctl.h>
#include <uapi/sysinfo.h>
#include <uapi/time.h>

#define SLEEP_MAX_NS	(1ULL << 62)	/* longer sleeps are cut to this (146 years) */

/* ---- clocks ---- */

static struct spinlock realtime_lock = SPINLOCK_INIT;	/* the first RTC read */
static bool realtime_ready;
static uint64_t realtime_base_ns;	/* wall-clock nanoseconds at ktime 0 */

uint64_t clock_realtime_base_ns(void)
{
	if (!__atomic_load_n(&realtime_ready, __ATOMIC_ACQUIRE)) {
		unsigned long flags = spin_lock_irqsave(&realtime_lock);
		if (!realtime_ready) {
			uint64_t wall = arch_rtc_unix_seconds() * NSEC_PER_SEC;
			uint64_t now = ktime_ns();
			realtime_base_ns = wall > now ? wall - now : 0;
			__atomic_store_n(&realtime_ready, true, __ATOMIC_RELEASE);
		}
		spin_unlock_irqrestore(&realtime_lock, flags);
	}
	return realtime_base_ns;
}

uint64_t clock_realtime_ns(void)
{
	return clock_realtime_base_ns() + ktime_ns();
}

/* The clock's time in nanoseconds: 0, or -EINVAL for a clock epunk does not keep. The raw,
 * coarse and boot-time clocks are the monotonic one (one clock source, no suspend); the CPU-time
 * clocks count the calling thread's time on the CPU (the process's: its one application). */
static int clock_ns(clockid_t clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_ns();
		return 0;
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = thread_cpu_time_ns(current_thread());
		return 0;
	default:
		return -EINVAL;
	}
}

/* Every clock ticks in nanoseconds (TSC-based). */
long sys_clock_getres(clockid_t clk, struct timespec *res)
{
	uint64_t ns;
	int err = clock_ns(clk, &ns);
	if (err)
		return err;
	if (!res)
		return 0;
	if (!uaccess_write_ok(res, sizeof(*res)))
		return -EFAULT;
	res->tv_sec = 0;
	res->tv_nsec = 1;
	return 0;
}

long sys_clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;
	int err = clock_ns(clk, &ns);
	if (err)
		return err;
	if (!uaccess_write_ok(ts, sizeof(*ts)))
		return -EFAULT;
	ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}

/* The wall clock to the microsecond. epunk keeps no time zone: @tz reads as Linux's does until
 * one is set, all zeros. Either pointer may be NULL. */
long sys_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	if (tv) {
		if (!uaccess_write_ok(tv, sizeof(*tv)))
			return -EFAULT;
		uint64_t ns = clock_realtime_ns();
		tv->tv_sec = (time_t)(ns / NSEC_PER_SEC);
		tv->tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
	}
	if (tz) {
		if (!uaccess_write_ok(tz, sizeof(*tz)))
			return -EFAULT;
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

/* The wall clock's seconds, also stored in *@tloc unless it is NULL. */
long sys_time(time_t *tloc)
{
	time_t now = (time_t)(clock_realtime_ns() / NSEC_PER_SEC);
	if (tloc) {
		if (!uaccess_write_ok(tloc, sizeof(*tloc)))
			return -EFAULT;
		*tloc = now;
	}
	return now;
}

/* Read and check a caller's timespec: -EFAULT, -EINVAL (negative, or tv_nsec out of range). */
static int timespec_in(const struct timespec *ts, uint64_t *ns)
{
	if (!uaccess_ok(ts, sizeof(*ts)))
		return -EFAULT;
	time_t sec = ts->tv_sec;
	long nsec = ts->tv_nsec;
	if (sec < 0 || nsec < 0 || nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)sec >= SLEEP_MAX_NS / NSEC_PER_SEC)
		*ns = SLEEP_MAX_NS;
	else
		*ns = (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
	return 0;
}

/* Sleep @ns unless a signal comes first. Returns the time left: 0 when it slept it all. */
static uint64_t sleep_interruptible(uint64_t ns)
{
	struct thread *me = current_thread();
	const char *chan = me->wait_chan;
	uint64_t end = ktime_ns() + ns, left = 0;

	me->wait_chan = "sleep";
	for (uint64_t now = ktime_ns(); now < end; now = ktime_ns()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending()) {
			left = end - now;
			break;
		}
		schedule_timeout(end - now);
	}
	set_current_state(TASK_RUNNING);
	me->wait_chan = chan;
	return left;
}

/* An interrupted sleep: the time left in @rem (when given), and EINTR once a handler ran.
 * Without one (a signal ignored after it was sent), the call restarts with its full request,
 * where Linux would sleep only the rest. */
static long sleep_interrupted(uint64_t left, struct timespec *rem)
{
	if (rem) {
		if (!uaccess_write_ok(rem, sizeof(*rem)))
			return -EFAULT;
		rem->tv_sec = (time_t)(left / NSEC_PER_SEC);
		rem->tv_nsec = (long)(left % NSEC_PER_SEC);
	}
	return -ERESTARTNOHAND;
}

long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
	uint64_t ns;
	int err = timespec_in(req, &ns);
	if (err)
		return err;
	uint64_t left = sleep_interruptible(ns);
	return left ? sleep_interrupted(left, rem) : 0;
}

long sys_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	uint64_t ns, now;
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;	/* as Linux: a thread cannot sleep on its own CPU time */
	int err = clock_ns(clk, &now);
	if (err)
		return err;
	err = timespec_in(req, &ns);
	if (err)
		return err;
	bool abs = flags & TIMER_ABSTIME;	/* other flag bits are ignored, as on Linux */
	if (abs) {
		if (ns <= now)
			return 0;
		ns -= now;
	}
	uint64_t left = sleep_interruptible(ns);
	if (!left)
		return 0;
	return sleep_interrupted(left, abs ? NULL : rem);	/* an absolute sleep has no rest */
}

/* ---- threads and the process ---- */

long sys_sched_yield(void)
{
	yield();
	return 0;
}

/* The one user, root: every id is 0. */
long sys_getuid(void)
{
	return 0;
}

/* Linux's struct utsname: six fields of 65 bytes. epunk speaks Linux 6.1's system-call ABI. */
struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(void *buf)
{
	static const struct utsname u = {
		"Linux", "epunk", "6.1.0-epunk", "#1 epunk " EPUNK_VERSION, "x86_64", "(none)",
	};
	if (!uaccess_write_ok(buf, sizeof(u)))
		return -EFAULT;
	memcpy(buf, &u, sizeof(u));
	return 0;
}

/* The machine: uptime on the monotonic clock, rounded up as Linux rounds it; memory is what the
 * page allocator manages and has free, in bytes (mem_unit 1, as a 64-bit Linux gives); procs
 * counts every thread, the kernel's included, as Linux counts its tasks (the idle thread is not
 * one). epunk keeps no load average (0), has no swap, shared memory or high memory. */
long sys_sysinfo(struct sysinfo *buf)
{
	struct sysinfo si = { 0 };
	struct page_stats ps;

	if (!uaccess_write_ok(buf, sizeof(si)))
		return -EFAULT;
	uint64_t up = ktime_ns();
	si.uptime = (long)((up + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
	page_stats(&ps);
	si.totalram = ps.total * PAGE_SIZE;
	si.freeram = ps.free * PAGE_SIZE;
	si.procs = (uint16_t)(thread_count() - 1);
	si.mem_unit = 1;
	memcpy(buf, &si, sizeof(si));
	return 0;
}

/* prctl: the calling thread's name (Linux's comm: 15 bytes and a NUL; the main thread's is the
 * process's in /proc/self/stat) and the process's transparent-huge-page switch (recorded and
 * reported: epunk never maps huge pages). Other options are EINVAL, as Linux's unknown ones. */
static bool thp_disabled;

long sys_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
	       unsigned long arg5)
{
	char name[THREAD_NAME_MAX];

	switch (option) {
	case PR_SET_NAME: {
		long len = uaccess_strncpy(name, (const char *)arg2, sizeof(name) - 1);
		if (len < 0)
			return len;
		name[len] = '\0';
		thread_set_name(current_thread(), name);
		return 0;
	}
	case PR_GET_NAME:
		thread_get_name(current_thread(), name);
		if (!uaccess_write_ok((void *)arg2, sizeof(name)))
			return -EFAULT;
		memcpy((void *)arg2, name, sizeof(name));
		return 0;
	case PR_SET_THP_DISABLE:
		if (arg3 || arg4 || arg5)
			return -EINVAL;
		WRITE_ONCE(thp_disabled, arg2 != 0);
		return 0;
	case PR_GET_THP_DISABLE:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return READ_ONCE(thp_disabled);
	default:
		return -EINVAL;
	}
}

/* One CPU: the affinity mask is CPU 0. */
long sys_sched_getaffinity(int pid, size_t len, unsigned long *mask)
{
	if (pid < 0)
		return -ESRCH;
	if (len < sizeof(*mask) || (len & (sizeof(*mask) - 1)))
		return -EINVAL;
	if (!uaccess_write_ok(mask, sizeof(*mask)))
		return -EFAULT;
	*mask = 1;
	return sizeof(*mask);
}

long sys_sched_setaffinity(int pid, size_t len, const unsigned long *mask)
{
	if (pid < 0)
		return -ESRCH;
	if (len < sizeof(*mask))
		return -EINVAL;
	if (!uaccess_ok(mask, sizeof(*mask)))
		return -EFAULT;
	return *mask & 1 ? 0 : -EINVAL;
}
