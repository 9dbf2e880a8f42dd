/* SPDX-License-Identifier: MIT */
/* <time.h>: clocks and sleeps. CLOCK_MONOTONIC and CLOCK_BOOTTIME count from boot (the same
 * clock: the machine never suspends); CLOCK_REALTIME is the CMOS clock read once, plus the time
 * since. Other clocks fail with EINVAL. No calendar functions (localtime, strftime, ...). */
#ifndef EPUNK_TIME_H
#define EPUNK_TIME_H

#include <stddef.h>
#include <uapi/time.h>

/* clock_nanosleep flag: @request is an absolute time of the clock (Linux's value). */
#define TIMER_ABSTIME	1

int clock_gettime(clockid_t clk, struct timespec *ts);
/** nanosleep - sleep on CLOCK_MONOTONIC; never interrupted, so @rem is never written. */
int nanosleep(const struct timespec *request, struct timespec *rem);
/**
 * clock_nanosleep - as POSIX says, returns 0 or an error number (EINVAL, EFAULT) and leaves
 * errno alone. Clocks: CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME.
 */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *request, struct timespec *rem);
/** time - seconds since 1970-01-01 UTC (CLOCK_REALTIME); also stored in *@t when @t is not NULL. */
time_t time(time_t *t);

#endif
