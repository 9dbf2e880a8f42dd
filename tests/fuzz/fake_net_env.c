// SPDX-License-Identifier: MIT
/*
 * What the network stack needs beneath it, for the frame fuzzer on the host: bottom halves and
 * softirqs (run when the last local_bh_enable drops the count, as in the kernel), one-shot timers
 * on the fake clock, a virtio-net device whose RX the harness drives and whose TX it captures,
 * and the port's platform (net/port/sys_arch.c) on the fake clock with a deterministic net_rand.
 */
#include <arch/cpu.h>
#include <drivers/virtio_net.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <string.h>

#include "harness_libc.h"

#include "fake_net_env.h"
#include "lwip/sys.h"
#include "sys_arch.h"

uint64_t host_fake_clock_ns;

/* ---- softirqs ---- */

static softirq_fn softirq_fns[SOFTIRQ_NR];
static unsigned softirq_bits;

void open_softirq(enum softirq_nr nr, softirq_fn fn)
{
	softirq_fns[nr] = fn;
}

void raise_softirq(enum softirq_nr nr)
{
	softirq_bits |= 1u << nr;
	if (!this_cpu.bh_count)
		do_softirq();
}

bool softirq_pending(void)
{
	return softirq_bits != 0;
}

void do_softirq(void)
{
	if (this_cpu.bh_count)
		return;
	this_cpu.bh_count++;
	while (softirq_bits) {
		for (int nr = 0; nr < SOFTIRQ_NR; nr++) {
			if (softirq_bits & (1u << nr)) {
				softirq_bits &= ~(1u << nr);
				if (softirq_fns[nr])
					softirq_fns[nr]();
			}
		}
	}
	this_cpu.bh_count--;
}

void local_bh_disable(void)
{
	this_cpu.bh_count++;
}

void local_bh_enable(void)
{
	if (--this_cpu.bh_count == 0 && softirq_bits)
		do_softirq();
}

/* ---- timers (one-shot, on the fake clock) ---- */

#define NTIMERS 8
static struct ktimer *timers[NTIMERS];

void timer_init(struct ktimer *t, ktimer_fn fn, void *data)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->data = data;
}

void timer_arm(struct ktimer *t, uint64_t deadline_ns)
{
	int free_slot = -1;
	t->deadline = deadline_ns;
	for (int i = 0; i < NTIMERS; i++) {
		if (timers[i] == t)
			return;
		if (!timers[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		abort();
	timers[free_slot] = t;
}

void timer_arm_after(struct ktimer *t, uint64_t ns)
{
	timer_arm(t, ktime_ns() + ns);
}

bool timer_cancel(struct ktimer *t)
{
	for (int i = 0; i < NTIMERS; i++) {
		if (timers[i] == t) {
			timers[i] = NULL;
			return true;
		}
	}
	return false;
}

bool timer_pending(const struct ktimer *t)
{
	for (int i = 0; i < NTIMERS; i++)
		if (timers[i] == t)
			return true;
	return false;
}

void fake_clock_advance(uint64_t ns)
{
	host_fake_clock_ns += ns;
	for (int i = 0; i < NTIMERS; i++) {
		struct ktimer *t = timers[i];
		if (t && t->deadline <= ktime_ns()) {
			timers[i] = NULL;
			t->fn(t);	/* "hard interrupt": raises a softirq, which runs now */
		}
	}
}

/* ---- the port's platform: lwIP's clock on the fake one, and xorshift from a fixed seed (the
 * port's own net_rand is keyed at boot, so runs would differ) ---- */

u32_t sys_now(void)
{
	return (u32_t)(ktime_ns() / NSEC_PER_MSEC);
}

static uint64_t rand_state = 0x2545f4914f6cdd1dULL;

uint32_t net_rand(void)
{
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 7;
	rand_state ^= rand_state << 17;
	return (uint32_t)(rand_state >> 32);
}

/* ---- the virtio-net device ---- */

struct vnet {
	void (*rx)(void *ctx, void *frame, size_t len, void *buf);
	void *ctx;
};

static struct vnet dev;
static const uint8_t dev_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static long rx_out;		/* buffers lent to the stack */

struct tx_done {
	void (*done)(void *arg);
	void *arg;
};
#define TX_PENDING_MAX	256
static struct tx_done tx_pending[TX_PENDING_MAX];
static int ntx_pending;
static fake_tx_fn tx_hook;

struct vnet *vnet_get(int index)
{
	return index == 0 ? &dev : NULL;
}

void vnet_mac(struct vnet *d, uint8_t mac[6])
{
	(void)d;
	memcpy(mac, dev_mac, 6);
}

bool vnet_link_up(struct vnet *d)
{
	(void)d;
	return true;
}

void vnet_set_rx_handler(struct vnet *d, void (*rx)(void *ctx, void *frame, size_t len, void *buf),
			 void *ctx)
{
	d->rx = rx;
	d->ctx = ctx;
}

void *vnet_rx_owner(struct vnet *d)
{
	return d->ctx;
}

void vnet_rx_release(struct vnet *d, void *buf)
{
	(void)d;
	free(buf);
	rx_out--;
}

int vnet_tx(struct vnet *d, const struct vnet_seg *segs, int nsegs, void (*done)(void *arg),
	    void *arg)
{
	uint8_t frame[VNET_FRAME_MAX + 64];
	size_t len = 0;

	(void)d;
	if (nsegs < 1 || nsegs > VNET_TX_MAX_SEGS)
		abort();
	if (ntx_pending == TX_PENDING_MAX)
		return -11;	/* -EAGAIN: the ring is full */
	for (int i = 0; i < nsegs; i++) {
		if (len + segs[i].len > sizeof(frame))
			abort();	/* lwIP handed down more than the MTU allows */
		memcpy(frame + len, segs[i].data, segs[i].len);
		len += segs[i].len;
	}
	tx_pending[ntx_pending++] = (struct tx_done){ done, arg };
	if (tx_hook)
		tx_hook(frame, len);
	return 0;
}

void fake_vnet_set_tx_hook(fake_tx_fn fn)
{
	tx_hook = fn;
}

/* The device consumed what was queued: its completions run in the bottom half. */
void fake_vnet_tx_complete(void)
{
	local_bh_disable();
	while (ntx_pending) {
		struct tx_done t = tx_pending[--ntx_pending];
		t.done(t.arg);
	}
	local_bh_enable();
}

/* One frame through the driver's RX path: a buffer of its own (lent until released), handed
 * to the handler in the NET_RX bottom half, as virtio_net.c does. */
void fake_vnet_rx(const void *frame, size_t len)
{
	if (!dev.rx)
		abort();
	void *buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, frame, len);
	rx_out++;
	local_bh_disable();
	dev.rx(dev.ctx, buf, len, buf);
	local_bh_enable();
}

long fake_vnet_rx_outstanding(void)
{
	return rx_out;
}

/* Busy polling: frames arrive only through fake_vnet_rx, so a poll finds none. */
int vnet_busy_poll(struct vnet *d, unsigned budget, bool prefer)
{
	(void)d;
	(void)budget;
	(void)prefer;
	return 0;
}

void vnet_busy_poll_end(struct vnet *d)
{
	(void)d;
}

/* Statistics (net_stats=): only reports, never started here. */
void vnet_stats(struct vnet *d, struct vnet_stats *s)
{
	(void)d;
	memset(s, 0, sizeof(*s));
}

/* No threads on the host: the statistics thread (net_stats=) cannot start. */
struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg, unsigned stack_order)
{
	(void)name;
	(void)fn;
	(void)arg;
	(void)stack_order;
	return NULL;
}
