// SPDX-License-Identifier: MIT
/* Tracepoints: records land in the ring, and each hop is sampled once per NIC interrupt. */
#include <arch/cpu.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
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

KTEST(trace, later_hops_need_their_cause)
{
	bool was = trace_enabled;
	uint64_t run0 = trace_hists[TRACE_WAITER_RUN].n, read0 = trace_hists[TRACE_APP_READ].n;
	uint64_t wake0 = trace_hists[TRACE_SOCK_WAKE].n;

	trace_enabled = true;
	trace_point(TRACE_IRQ, NULL, 48);
	trace_point(TRACE_WAITER_RUN, NULL, 0);		/* no callback since: a timeout's wake-up */
	trace_point(TRACE_APP_READ, NULL, 64);		/* no socket wake-up since: older data */
	EXPECT_EQ(trace_hists[TRACE_WAITER_RUN].n, run0);
	EXPECT_EQ(trace_hists[TRACE_APP_READ].n, read0);
	trace_point(TRACE_SOCK_WAKE, NULL, 1);
	trace_point(TRACE_EP_CALLBACK, NULL, 1);
	trace_point(TRACE_WAITER_RUN, NULL, 0);
	trace_point(TRACE_APP_READ, NULL, 64);
	EXPECT_EQ(trace_hists[TRACE_WAITER_RUN].n, run0 + 1);
	EXPECT_EQ(trace_hists[TRACE_APP_READ].n, read0 + 1);
	EXPECT_EQ(trace_hists[TRACE_SOCK_WAKE].n, wake0 + 1);
	trace_point(TRACE_IRQ, NULL, TRACE_IRQ_TX | 49);	/* a transmit interrupt starts nothing */
	trace_point(TRACE_SOCK_WAKE, NULL, 1);
	EXPECT_EQ(trace_hists[TRACE_SOCK_WAKE].n, wake0 + 1);
	trace_enabled = was;
}

KTEST(trace, a_busy_poll_that_finds_frames_is_an_origin)
{
	bool was = trace_enabled;
	uint64_t cb0 = trace_hists[TRACE_EP_CALLBACK].n, bp0 = trace_hists[TRACE_BUSY_POLL].n;

	trace_enabled = true;
	trace_point(TRACE_IRQ, NULL, 48);
	trace_point(TRACE_EP_CALLBACK, NULL, 1);
	EXPECT_EQ(trace_hists[TRACE_EP_CALLBACK].n, cb0 + 1);
	trace_point(TRACE_BUSY_POLL, NULL, 8);		/* a new origin: the hops sample again */
	trace_point(TRACE_EP_CALLBACK, NULL, 1);
	trace_point(TRACE_EP_CALLBACK, NULL, 1);
	EXPECT_EQ(trace_hists[TRACE_EP_CALLBACK].n, cb0 + 2);
	EXPECT_EQ(trace_hists[TRACE_BUSY_POLL].n, bp0);	/* an origin is no hop */
	trace_enabled = was;
}

/* Instructions of a counted loop: "dec; jnz" n times. */
static __attribute__((noinline)) uint64_t tsc_over_loop(uint64_t n)
{
	uint64_t t0 = arch_cycles();
	__asm__ __volatile__("1: dec %0; jnz 1b" : "+r"(n) :: "cc");
	return arch_cycles() - t0;
}

#define COST_LOOPS	4096

static uint64_t tsc_over_tracepoints(bool on)
{
	bool was = trace_enabled;
	trace_enabled = on;
	uint64_t t0 = arch_cycles();
	for (int i = 0; i < COST_LOOPS; i++) {
		trace_point(TRACE_APP_READ, NULL, (uint32_t)i);
		__asm__ __volatile__("" ::: "memory");
	}
	uint64_t t = arch_cycles() - t0;
	trace_enabled = was;
	return t;
}

static uint64_t tsc_over_empty_loop(void)
{
	uint64_t t0 = arch_cycles();
	for (int i = 0; i < COST_LOOPS; i++)
		__asm__ __volatile__("" ::: "memory");
	return arch_cycles() - t0;
}

/* The cost of a tracepoint in TSC cycles, off and on, and what the TSC counts: under QEMU's
 * -icount shift=0 it advances exactly one per guest instruction, so the two loops below differ
 * by exactly 2000 (tools/bench/trace.sh --icount checks it) and the costs are instruction counts. */
KTEST(trace, cost_per_tracepoint)
{
	tsc_over_loop(1000);		/* translated once before it is timed (TCG) */
	tsc_over_empty_loop();
	tsc_over_tracepoints(false);
	uint64_t a = tsc_over_loop(1000), b = tsc_over_loop(2000);
	uint64_t base = tsc_over_empty_loop();
	uint64_t head0 = trace_head;
	uint64_t off = tsc_over_tracepoints(false);
	EXPECT_EQ(trace_head, head0);
	uint64_t on = tsc_over_tracepoints(true);
	EXPECT_EQ(trace_head, head0 + COST_LOOPS);
	int64_t loop_diff = (int64_t)(b - a);
	uint64_t off_x100 = off > base ? (off - base) * 100 / COST_LOOPS : 0;
	uint64_t on_x100 = on > base ? (on - base) * 100 / COST_LOOPS : 0;

	printk("trace: TSC over 1000 more loop iterations (2000 instructions): %lld\n",
	       (long long)loop_diff);
	printk("trace: cost per tracepoint, TSC cycles: off %llu.%02llu, on %llu.%02llu "
	       "(%d calls, empty loop subtracted)\n",
	       (unsigned long long)(off_x100 / 100), (unsigned long long)(off_x100 % 100),
	       (unsigned long long)(on_x100 / 100), (unsigned long long)(on_x100 % 100), COST_LOOPS);
	EXPECT_GT(on, off);
}
