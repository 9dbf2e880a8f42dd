// SPDX-License-Identifier: MIT
/* The trace ring and the per-hop latency histograms. One CPU: records are written with
 * interrupts off, so neither needs a lock. Built for the host too (unit tests). */
#include <arch/cpu.h>
#include <kernel/time.h>
#include <kernel/trace.h>

#define TRACE_RING	262144	/* records kept (a power of two): ~25,000 echoed requests */

bool trace_enabled;
/* Read by the gdb commands, only the records written (trace_head), so it is not zeroed at boot. */
struct trace_rec trace_ring[TRACE_RING] __attribute__((section(".bss.noinit")));
uint64_t trace_head;				/* records ever written */
struct trace_hist trace_hists[TRACE_NR_HOPS];	/* [hop]: latency from the last origin */
static uint64_t origin_tsc;			/* TSC of the last origin, 0: none yet */
static uint32_t seen_since_origin;		/* hops already sampled for that origin */
/* A hop is sampled only once what leads to it happened since the origin: a waiter woken by
 * its timeout, or a read of data that came earlier, is no latency of this frame. */
static const uint8_t trace_hop_needs[TRACE_NR_HOPS] = {
	[TRACE_WAITER_RUN] = TRACE_EP_CALLBACK,
	[TRACE_EPOLL_RETURN] = TRACE_EP_CALLBACK,
	[TRACE_APP_READ] = TRACE_SOCK_WAKE,
};


void trace_hist_add(struct trace_hist *h, uint64_t ns)
{
	unsigned b = ns ? 63 - (unsigned)__builtin_clzll(ns) : 0;
	if (b >= TRACE_HIST_BUCKETS)
		b = TRACE_HIST_BUCKETS - 1;
	h->count[b]++;
	h->n++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

uint64_t trace_hist_percentile(const struct trace_hist *h, unsigned pct)
{
	if (!h->n)
		return 0;
	uint64_t want = (h->n * pct + 99) / 100;	/* the want-th smallest sample */
	if (!want)
		want = 1;
	uint64_t seen = 0;
	for (unsigned b = 0; b < TRACE_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= want) {
			uint64_t upper = (2ULL << b) - 1;
			return upper < h->max_ns ? upper : h->max_ns;
		}
	}
	return h->max_ns;
}


void trace_record(enum trace_hop hop, uint64_t obj, uint32_t arg)
{
	unsigned long flags = arch_irq_save();
	uint64_t now = arch_cycles();
	struct trace_rec *r = &trace_ring[trace_head++ & (TRACE_RING - 1)];

	r->tsc = now;
	r->obj = obj;
	r->hop = hop;
	r->arg = arg;
	if (hop == TRACE_IRQ || hop == TRACE_BUSY_POLL) {
		if (arg & TRACE_IRQ_TX && hop == TRACE_IRQ)
			goto out;
		origin_tsc = now;
		seen_since_origin = 0;
	} else if (origin_tsc && !(seen_since_origin & (1u << hop)) &&
		   (!trace_hop_needs[hop] || (seen_since_origin & (1u << trace_hop_needs[hop])))) {
		seen_since_origin |= 1u << hop;
		trace_hist_add(&trace_hists[hop], cycles_to_ns(now - origin_tsc));
	}
out:
	arch_irq_restore(flags);
}

