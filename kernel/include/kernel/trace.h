/* SPDX-License-Identifier: MIT */
/* Tracepoints along the data path, stamped with the TSC: compiled in always, off by default
 * (trace=on, or set trace_enabled from gdb). Each records into a ring buffer and, for the hops
 * after a frame's origin (the NIC's receive interrupt, or the busy poll that found it), adds the
 * time since that origin to the hop's latency histogram (log2 buckets in ns): one sample per hop
 * per origin, the first time the hop is reached. */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>

enum trace_hop {
	TRACE_IRQ,		/* NIC interrupt entry (vnet_irq) */
	TRACE_BH,		/* bottom half starts polling (vnet_rx_poll) */
	TRACE_LWIP_IN,		/* a frame handed to lwIP (vnetif_rx) */
	TRACE_SOCK_WAKE,	/* a socket wakes its wait queue with a readiness mask */
	TRACE_EP_CALLBACK,	/* ep_poll_callback queues an epitem */
	TRACE_WAITER_RUN,	/* a thread asleep in epoll_wait runs again */
	TRACE_EPOLL_RETURN,	/* epoll_wait returns events to the application */
	TRACE_APP_READ,		/* the application reads a socket */
	TRACE_BUSY_POLL,	/* a busy poll (epoll_wait) finds received frames: an origin too */
	TRACE_NR_HOPS
};

struct trace_rec {
	uint64_t tsc;		/* when */
	uint64_t obj;		/* what: vnet, socket, epitem, file... */
	uint32_t hop;		/* enum trace_hop */
	uint32_t arg;		/* vector, mask, count... */
};

/* TRACE_IRQ's arg: the CPU vector, with this bit for a transmit queue's interrupt. Those are
 * recorded but do not start a latency measurement: only a receive interrupt does. */
#define TRACE_IRQ_TX	0x80000000u
/* ... and this one when bottom halves were off as it came (a thread in a bottom-half-off section,
 * or a bottom half running): its own bottom half waits for that section to end. */
#define TRACE_IRQ_BH_OFF	0x40000000u

#define TRACE_HIST_BUCKETS	48	/* bucket b holds [2^b, 2^(b+1)) ns; bucket 0 also 0 */

struct trace_hist {
	uint64_t count[TRACE_HIST_BUCKETS];
	uint64_t n;		/* samples */
	uint64_t max_ns;
};

extern bool trace_enabled;

void trace_record(enum trace_hop hop, uint64_t obj, uint32_t arg);

/** trace_point - record @hop if tracing is on: a load and a predictable branch when it is off. */
static inline void trace_point(enum trace_hop hop, const void *obj, uint32_t arg)
{
	if (unlikely(READ_ONCE(trace_enabled)))
		trace_record(hop, (uintptr_t)obj, arg);
}

/* Histogram arithmetic (pure, host-tested). */
void trace_hist_add(struct trace_hist *h, uint64_t ns);
/** trace_hist_percentile - upper bound (ns) of the bucket holding the @pct-th percentile,
 * capped at the largest sample; 0 for an empty histogram. */
uint64_t trace_hist_percentile(const struct trace_hist *h, unsigned pct);

/** trace_init - apply trace= and trace_report=SECONDS; 0 or -EINVAL for a bad value. */
int trace_init(void);
/** trace_report - print each hop's latency from its origin: samples, p50/p90/p99/max. */
void trace_report(void);
const char *trace_hop_name(enum trace_hop hop);

#endif
