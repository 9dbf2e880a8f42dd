// SPDX-License-Identifier: MIT
/* Cycle/nanosecond conversion at whatever rate was calibrated (host: 1 GHz stand-in). */
#include <kernel/ktest.h>
#include <kernel/time.h>

KTEST(time, conversions_round_trip)
{
	uint64_t khz = time_tsc_khz();
	uint64_t one_s = cycles_to_ns(khz * 1000);
	EXPECT_GE(one_s, NSEC_PER_SEC - 1000);	/* within 1 ppm */
	EXPECT_LE(one_s, NSEC_PER_SEC + 1000);
	uint64_t c = ns_to_cycles(5 * NSEC_PER_MSEC);
	EXPECT_GE(c, khz * 5 - 5);
	EXPECT_LE(c, khz * 5 + 5);
	EXPECT_EQ(cycles_to_ns(0), 0);
}

KTEST(time, ktime_is_monotonic)
{
	uint64_t prev = ktime_ns();
	for (int i = 0; i < 1000; i++) {
		uint64_t now = ktime_ns();
		EXPECT_GE(now, prev);
		prev = now;
	}
}
