// SPDX-License-Identifier: MIT
/* Tracing's boot options and its report (kernel/include/kernel/trace.h); the ring and the
 * histograms are in trace_core.c. */
#include <arch/cpu.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <string.h>

extern struct trace_hist trace_hists[TRACE_NR_HOPS];

static const char *const hop_names[TRACE_NR_HOPS] = {
	[TRACE_IRQ] = "NIC interrupt", [TRACE_BH] = "bottom half",
	[TRACE_LWIP_IN] = "frame to lwIP", [TRACE_SOCK_WAKE] = "socket wake-up",
	[TRACE_EP_CALLBACK] = "ep_poll_callback", [TRACE_WAITER_RUN] = "waiter running",
	[TRACE_EPOLL_RETURN] = "epoll_wait returns", [TRACE_APP_READ] = "app read",
	[TRACE_BUSY_POLL] = "busy poll finds",
};

const char *trace_hop_name(enum trace_hop hop)
{
	return hop < TRACE_NR_HOPS ? hop_names[hop] : "?";
}

void trace_report(void)
{
	printk("trace: latency from the NIC interrupt or the busy poll that found the frame, ns "
	       "(log2 buckets: upper bounds)\n");
	printk("  %-20s %9s %9s %9s %9s %9s\n", "hop", "samples", "p50", "p90", "p99", "max");
	for (int h = TRACE_BH; h < TRACE_NR_HOPS; h++) {
		if (h == TRACE_BUSY_POLL)
			continue;	/* an origin */
		const struct trace_hist *t = &trace_hists[h];
		printk("  %-20s %9llu %9llu %9llu %9llu %9llu\n", hop_names[h],
		       (unsigned long long)t->n,
		       (unsigned long long)trace_hist_percentile(t, 50),
		       (unsigned long long)trace_hist_percentile(t, 90),
		       (unsigned long long)trace_hist_percentile(t, 99),
		       (unsigned long long)t->max_ns);
	}
}

/* The TSC, for gdb's "epunk measure" (an inferior call at each breakpoint): not inlined, so
 * that the instructions it adds between two readings are the same every time. */
__attribute__((noinline, used)) uint64_t trace_tsc(void)
{
	return arch_cycles();
}

static uint64_t report_every_ns;

static void *report_main(void *arg)
{
	(void)arg;
	for (;;) {
		nsleep(report_every_ns);
		trace_report();
	}
	return NULL;
}

int trace_init(void)
{
	const char *v = cmdline_get("trace");
	if (v) {
		if (strcmp(v, "on") && strcmp(v, "off"))
			return -EINVAL;
		trace_enabled = !strcmp(v, "on");
	}
	v = cmdline_get("trace_report");
	if (v) {
		long s;
		if (cmdline_number(v, 1, 3600, &s))
			return -EINVAL;
		report_every_ns = (uint64_t)s * NSEC_PER_SEC;
		trace_enabled = true;
		if (!thread_create("trace_report", report_main, NULL, 0))
			return -ENOMEM;
	}
	return 0;
}
