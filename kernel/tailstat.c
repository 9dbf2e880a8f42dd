// SPDX-License-Identifier: MIT
/* TEMPORARY instrumentation (issue 7 tail analysis): where IRQ -> bottom half time goes. */
#include <arch/cpu.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <kernel/trace.h>

bool tail_in_softirq;
#define LIN 400
static uint32_t lin_bh[LIN + 1], lin_cb[LIN + 1];	/* 0.5 us buckets */
static uint64_t cb_irq_tsc, bh_tsc, irqs_all, irqs_at_bh, frames_since_bh;
static uint32_t lin_bhcb_noirq[LIN + 1], lin_bhcb_irq[LIN + 1], lin_bhcb_1f[LIN + 1], lin_bhcb_nf[LIN + 1];
void tail_any_irq(void) { irqs_all++; }
void tail_frame(void) { frames_since_bh++; }
static bool cb_done = true;
static void lin_add(uint32_t *h, uint64_t ns) { uint64_t b = ns / 500; h[b > LIN ? LIN : b]++; }
static void lin_print(const char *name, const uint32_t *h)
{
	uint64_t n = 0, seen = 0; unsigned p50 = 0, p90 = 0, p99 = 0;
	for (int i = 0; i <= LIN; i++) n += h[i];
	for (int i = 0; i <= LIN; i++) { seen += h[i];
		if (!p50 && seen * 100 >= n * 50) p50 = i + 1;
		if (!p90 && seen * 100 >= n * 90) p90 = i + 1;
		if (!p99 && seen * 100 >= n * 99) p99 = i + 1; }
	printk("tail-lin: %s n %llu p50 %u.%u p90 %u.%u p99 %u.%u us (upper)\n", name, (unsigned long long)n,
	       p50 / 2, p50 % 2 * 5, p90 / 2, p90 % 2 * 5, p99 / 2, p99 % 2 * 5);
}
void tail_cb(void)
{
	if (!READ_ONCE(trace_enabled) || cb_done)
		return;
	cb_done = true;
	uint64_t now = arch_cycles();
	lin_add(lin_cb, cycles_to_ns(now - cb_irq_tsc));
	if (bh_tsc) {
		uint64_t ns = cycles_to_ns(now - bh_tsc);
		lin_add(irqs_all != irqs_at_bh ? lin_bhcb_irq : lin_bhcb_noirq, ns);
		lin_add(frames_since_bh <= 1 ? lin_bhcb_1f : lin_bhcb_nf, ns);
		bh_tsc = 0;
	}
}
static struct trace_hist bh_by_ctx[3], bh_kicked, bh_nokick, notify_h[2], section_h, section_kick_h;
static uint64_t irq_tsc, irq_notifies, notifies, notify_cycles, sec_tsc, sec_notifies, sec_depth_starts;
static int irq_ctx = -1;
static uint64_t kick_cycles_in_gap_total, gap_cycles_total, gaps;

static bool gap_full;
static struct trace_hist bh_full, bh_notfull;
void tail_notify(int q, uint64_t cycles)
{
	if (!READ_ONCE(trace_enabled))
		return;
	if (irq_ctx >= 0 && arch_cycles() - cycles > irq_tsc)
		gap_full = true;
	notifies++;
	notify_cycles += cycles;
	trace_hist_add(&notify_h[q ? 1 : 0], cycles_to_ns(cycles));
}

void tail_irq(void)
{
	if (!READ_ONCE(trace_enabled))
		return;
	irq_tsc = arch_cycles();
	cb_irq_tsc = irq_tsc;
	cb_done = false;
	irq_notifies = notify_cycles;
	/* hard irq: irq_depth already 1 */
	gap_full = false;
	irq_ctx = !this_cpu.bh_count ? 0 : tail_in_softirq ? 2 : 1;
}

void tail_bh(void)
{
	if (!READ_ONCE(trace_enabled) || irq_ctx < 0)
		return;
	bh_tsc = arch_cycles();
	irqs_at_bh = irqs_all;
	frames_since_bh = 0;
	uint64_t dt = bh_tsc - irq_tsc;
	trace_hist_add(&bh_by_ctx[irq_ctx], cycles_to_ns(dt));
	lin_add(lin_bh, cycles_to_ns(dt));
	uint64_t k = notify_cycles - irq_notifies;
	trace_hist_add(k ? &bh_kicked : &bh_nokick, cycles_to_ns(dt));
	trace_hist_add(gap_full ? &bh_full : &bh_notfull, cycles_to_ns(dt));
	kick_cycles_in_gap_total += k;
	gap_cycles_total += dt;
	gaps++;
	irq_ctx = -1;
}

void tail_bh_disable(void)
{
	if (!READ_ONCE(trace_enabled) || tail_in_softirq || this_cpu.irq_depth || this_cpu.bh_count != 1)
		return;
	sec_tsc = arch_cycles();
	sec_notifies = notifies;
	sec_depth_starts++;
}

void tail_bh_enable(void)
{
	if (!READ_ONCE(trace_enabled) || tail_in_softirq || this_cpu.irq_depth || this_cpu.bh_count != 1 || !sec_tsc)
		return;
	uint64_t ns = cycles_to_ns(arch_cycles() - sec_tsc);
	trace_hist_add(notifies != sec_notifies ? &section_kick_h : &section_h, ns);
	sec_tsc = 0;
}

static void row(const char *name, const struct trace_hist *t)
{
	printk("  %-28s %9llu %9llu %9llu %9llu %9llu\n", name, (unsigned long long)t->n,
	       (unsigned long long)trace_hist_percentile(t, 50),
	       (unsigned long long)trace_hist_percentile(t, 90),
	       (unsigned long long)trace_hist_percentile(t, 99), (unsigned long long)t->max_ns);
}

void tail_report(void)
{
	printk("tail: ns (log2 upper bounds)\n");
	row("irq->bh, irq in idle/bh-on", &bh_by_ctx[0]);
	row("irq->bh, irq in thread bh-off", &bh_by_ctx[1]);
	row("irq->bh, irq in softirq", &bh_by_ctx[2]);
	row("irq->bh, a notify in gap", &bh_kicked);
	row("irq->bh, no notify in gap", &bh_nokick);
	row("irq->bh, whole notify in gap", &bh_full);
	row("irq->bh, no whole notify", &bh_notfull);
	row("notify rx queue", &notify_h[0]);
	row("notify tx queue", &notify_h[1]);
	row("thread bh-off sect, no ntfy", &section_h);
	row("thread bh-off sect, w/ ntfy", &section_kick_h);
	lin_print("irq->bh", lin_bh);
	lin_print("irq->callback", lin_cb);
	lin_print("bh->cb no nested irq", lin_bhcb_noirq);
	lin_print("bh->cb nested irq", lin_bhcb_irq);
	lin_print("bh->cb 1st frame", lin_bhcb_1f);
	lin_print("bh->cb later frame", lin_bhcb_nf);
	printk("tail: gaps %llu, gap ns total %llu, notify ns in gaps %llu\n", (unsigned long long)gaps,
	       (unsigned long long)cycles_to_ns(gap_cycles_total),
	       (unsigned long long)cycles_to_ns(kick_cycles_in_gap_total));
}
