// SPDX-License-Identifier: MIT
/* The time functions that are not system calls themselves: time(), sleep(), usleep(). */
#include <time.h>
#include <unistd.h>

time_t time(time_t *t)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts))
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

/* No signal can cut a sleep short, so there is never time left over to report. */
unsigned int sleep(unsigned int seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };
	nanosleep(&ts, NULL);
	return 0;
}

/* glibc's behaviour: any value is accepted (POSIX once allowed EINVAL from 1,000,000 up). */
int usleep(useconds_t usec)
{
	struct timespec ts = { (time_t)(usec / 1000000), (long)(usec % 1000000) * 1000 };
	return nanosleep(&ts, NULL);
}
