// SPDX-License-Identifier: MIT
/* The latency histogram: log2 buckets, percentiles as bucket upper bounds capped at the max. */
#include <kernel/ktest.h>
#include <kernel/trace.h>

KTEST(trace, histogram_buckets_and_percentiles)
{
	static struct trace_hist h;

	EXPECT_EQ(trace_hist_percentile(&h, 50), 0);	/* empty */
	for (int i = 0; i < 90; i++)
		trace_hist_add(&h, 1000);		/* bucket 9: [512, 1024) ... 1000 */
	for (int i = 0; i < 9; i++)
		trace_hist_add(&h, 5000);		/* bucket 12: [4096, 8192) */
	trace_hist_add(&h, 100000);			/* bucket 16 */
	EXPECT_EQ(h.n, 100);
	EXPECT_EQ(h.count[9], 90);
	EXPECT_EQ(h.count[12], 9);
	EXPECT_EQ(h.count[16], 1);
	EXPECT_EQ(trace_hist_percentile(&h, 50), 1023);
	EXPECT_EQ(trace_hist_percentile(&h, 90), 1023);
	EXPECT_EQ(trace_hist_percentile(&h, 99), 8191);
	EXPECT_EQ(trace_hist_percentile(&h, 100), 100000);	/* capped at the max sample */
	trace_hist_add(&h, 0);
	EXPECT_EQ(h.count[0], 1);
	trace_hist_add(&h, ~0ULL);			/* clamped into the last bucket */
	EXPECT_EQ(h.count[TRACE_HIST_BUCKETS - 1], 1);
}
