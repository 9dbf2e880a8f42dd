/* SPDX-License-Identifier: MIT */
/* The CMOS real-time clock: the wall-clock time the machine starts with. */
#ifndef ARCH_RTC_H
#define ARCH_RTC_H

#include <stdint.h>

/**
 * arch_rtc_unix_seconds - the RTC's date and time as seconds since 1970-01-01 00:00 UTC (the
 * RTC is taken to hold UTC, as QEMU's does by default). Waits for an update in progress to end
 * (at most ~2 ms) and reads until two reads agree. Returns 0 when the clock holds no valid date.
 * Thread context; takes no lock, so callers must not read it concurrently.
 */
uint64_t arch_rtc_unix_seconds(void);

#endif
