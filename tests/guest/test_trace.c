// SPDX-License-Identifier: MIT
/* Tracepoints: records land in the ring, and each hop is sampled once per NIC interrupt. */
#include <kernel/ktest.h>
#include <kernel/trace.h>

extern struct trace_hist trace_hists[TRACE_NR_HOPS];
extern uint64_t trace_head;

KTEST(trace, one_sample_per_hop_per_interrupt)
{
	bool was = trace_enabled;
	uint64_t head0 = trace_head, n0 = trace_hists[TRACE_EP_CALLBACK].n;

	trace_enabled = false;
	trace_point(TRACE_IRQ, NULL, 48);
	EXPECT_EQ(trace_head, head0);			/* off: nothing recorded */
	trace_enabled = true;
	trace_point(TRACE_IRQ, NULL, 48);
	trace_point(TRACE_EP_CALLBACK, NULL, 1);
	trace_point(TRACE_EP_CALLBACK, NULL, 1);	/* same interrupt: not sampled again */
	EXPECT_EQ(trace_head, head0 + 3);
	EXPECT_EQ(trace_hists[TRACE_EP_CALLBACK].n, n0 + 1);
	trace_point(TRACE_IRQ, NULL, 48);
	trace_point(TRACE_EP_CALLBACK, NULL, 1);
	EXPECT_EQ(trace_hists[TRACE_EP_CALLBACK].n, n0 + 2);
	trace_enabled = was;
}
