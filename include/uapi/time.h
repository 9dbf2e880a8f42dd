/* SPDX-License-Identifier: MIT */
/* Time types of the system-call ABI (x86-64). */
#ifndef UAPI_TIME_H
#define UAPI_TIME_H

typedef long time_t;
typedef int clockid_t;

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

/* For SO_RCVTIMEO/SO_SNDTIMEO. */
struct timeval {
	time_t tv_sec;
	long tv_usec;		/* 0..999999 */
};

/* gettimeofday's time zone: obsolete; Linux gives zeros until it is set. */
struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

#define TIMER_ABSTIME		1	/* clock_nanosleep: the time is absolute */

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	3
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7

#endif
