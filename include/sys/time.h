/* SPDX-License-Identifier: MIT */
/* <sys/time.h>: struct timeval (for SO_RCVTIMEO/SO_SNDTIMEO). No gettimeofday: use
 * clock_gettime(CLOCK_REALTIME). */
#ifndef EPUNK_SYS_TIME_H
#define EPUNK_SYS_TIME_H

#include <sys/types.h>
#include <uapi/time.h>

#endif
