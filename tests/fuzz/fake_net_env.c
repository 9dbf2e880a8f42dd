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
	vnet_rx_fn rx;
	void *ctx;
};

/* The device offers checksum offload both ways and TSO both ways, as QEMU's on a tap does: transmitted
 * TCP checksums are finished and large segments cut here (vnet_tx_offload), received headers
 * checked as the driver does. */
#define FAKE_OFFLOADS	(VNET_OFFLOAD_TX_CSUM | VNET_OFFLOAD_RX_CSUM | VNET_OFFLOAD_TSO4 | \
			 VNET_OFFLOAD_RX_TSO4)

static struct vnet dev;
static const uint8_t dev_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static long rx_out;		/* buffers lent to the stack */
static long rx_bad_hdr;		/* frames whose virtio header the check refused */
static long rx_bad_nbufs;	/* frames whose num_buffers vnet_rx_gather refused */

struct tx_done {
	void (*done)(void *arg);
	void *arg;
};
#define TX_PENDING_MAX	256
static struct tx_done tx_pending[TX_PENDING_MAX];
static int ntx_pending;
static bool tx_stopped;			/* a send was refused: wake the sender at completion */
static void (*tx_wake)(void *ctx);
static void *tx_wake_ctx;
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

unsigned vnet_offloads(struct vnet *d)
{
	(void)d;
	return FAKE_OFFLOADS;
}

/* As the driver with a 256-entry ring and 512 buffers: 192 lent at most. */
unsigned vnet_rx_lendable(struct vnet *d)
{
	(void)d;
	return 256;
}

unsigned vnet_rx_buf_size(struct vnet *d)
{
	(void)d;
	return VNET_RX_BUF_SIZE_TSO;	/* FAKE_OFFLOADS has RX_TSO4 */
}

void vnet_set_rx_handler(struct vnet *d, vnet_rx_fn rx, void *ctx)
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
	return vnet_tx_offload(d, segs, nsegs, NULL, done, arg);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* What a device does with a GSO request (TCPv4): the payload after hdr_len cut into gso_size
 * pieces, each behind a copy of the headers with its IPv4 length, identification and checksum,
 * its sequence number, FIN and PSH only on the last, and its TCP checksum. A request that does
 * not describe the frame (headers not where hdr_len says, not TCP over IPv4) is the stack's bug. */
static void gso_segment(const uint8_t *f, size_t len, const struct vnet_tx_offload *off)
{
	static uint8_t seg[VNET_FRAME_MAX + 64];
	size_t hl = off->hdr_len, ihl = (size_t)(f[14] & 15) * 4;
	if (len <= hl || be16(f + 12) != 0x0800 || f[23] != 6 || hl < 14 + ihl + 20 ||
	    hl != 14 + ihl + (size_t)(f[14 + ihl + 12] >> 4) * 4 || off->csum_start != 14 + ihl ||
	    be16(f + 16) != len - 14 || !off->gso_size || hl + off->gso_size > sizeof(seg))
		abort();
	uint32_t seq0 = (uint32_t)be16(f + 14 + ihl + 4) << 16 | be16(f + 14 + ihl + 6);
	uint16_t id0 = be16(f + 18);
	uint8_t flags = f[14 + ihl + 13];
	for (size_t o = hl, k = 0; o < len; o += off->gso_size, k++) {
		size_t n = len - o < off->gso_size ? len - o : off->gso_size;
		bool last = o + n == len;
		memcpy(seg, f, hl);
		memcpy(seg + hl, f + o, n);
		uint8_t *ip = seg + 14, *th = ip + ihl;
		put_be16(ip + 2, (unsigned)(hl - 14 + n));
		put_be16(ip + 4, (unsigned)(id0 + k));
		put_be16(ip + 10, 0);
		put_be16(ip + 10, (uint16_t)~vnet_csum_sum(ip, 0, ihl, 0));
		uint32_t seq = seq0 + (uint32_t)(o - hl);
		put_be16(th + 4, seq >> 16);
		put_be16(th + 6, seq & 0xffff);
		th[13] = last ? flags : (uint8_t)(flags & ~0x09);	/* FIN, PSH */
		size_t tl = hl - 14 - ihl + n;
		uint32_t ps = (uint32_t)be16(ip + 12) + be16(ip + 14) + be16(ip + 16) + be16(ip + 18) +
			      6 + (uint32_t)tl;
		put_be16(th + 16, 0);
		put_be16(th + 16, (uint16_t)~vnet_csum_sum(th, 0, tl, ps));
		if (tx_hook)
			tx_hook(seg, hl + n);
	}
}

int vnet_tx_offload(struct vnet *d, const struct vnet_seg *segs, int nsegs,
		    const struct vnet_tx_offload *off, void (*done)(void *arg), void *arg)
{
	static uint8_t frame[VNET_GSO_FRAME_MAX + 64];
	size_t len = 0;

	(void)d;
	if (nsegs < 1 || nsegs > VNET_TX_MAX_SEGS)
		abort();
	if (ntx_pending == TX_PENDING_MAX) {
		tx_stopped = true;
		return -11;	/* -EAGAIN: the ring is full */
	}
	for (int i = 0; i < nsegs; i++) {
		if (len + segs[i].len > sizeof(frame))
			abort();	/* lwIP handed down more than the MTU allows */
		memcpy(frame + len, segs[i].data, segs[i].len);
		len += segs[i].len;
	}
	if (len > (off && off->gso_size ? VNET_GSO_FRAME_MAX : VNET_FRAME_MAX))
		abort();	/* lwIP handed down more than the MTU (or TSO) allows */
	tx_pending[ntx_pending++] = (struct tx_done){ done, arg };
	if (off && off->gso_size) {
		gso_segment(frame, len, off);
		return 0;
	}
	if (off) {
		/* The device's part: the sum from csum_start on, stored in the field (which holds
		 * the pseudo-header sum the stack left). Outside the frame is the stack's bug. */
		size_t start = off->csum_start, field = start + off->csum_offset;
		if (start < VNET_ETH_HLEN || field + 2 > len)
			abort();
		put_be16(frame + field, (uint16_t)~vnet_csum_sum(frame, start, len, 0));
	}
	if (tx_hook)
		tx_hook(frame, len);
	return 0;
}

void fake_vnet_set_tx_hook(fake_tx_fn fn)
{
	tx_hook = fn;
}

bool vnet_tx_room(struct vnet *d)
{
	(void)d;
	return ntx_pending < TX_PENDING_MAX;
}

void vnet_set_tx_wake(struct vnet *d, void (*wake)(void *ctx), void *ctx)
{
	(void)d;
	tx_wake = wake;
	tx_wake_ctx = ctx;
}

/* The device consumed what was queued: its completions run in the bottom half, then a sender
 * the full ring refused is woken, as the driver does. */
void fake_vnet_tx_complete(void)
{
	local_bh_disable();
	while (ntx_pending) {
		struct tx_done t = tx_pending[--ntx_pending];
		t.done(t.arg);
	}
	if (tx_stopped) {
		tx_stopped = false;
		if (tx_wake)
			tx_wake(tx_wake_ctx);
	}
	local_bh_enable();
}

/* One frame through the driver's RX path: its virtio header checked as virtio_net.c does
 * (refused: dropped and counted), then a buffer of its own (lent until released), handed to the
 * handler in the NET_RX bottom half. */
/* The pieces of one delivered frame, as a used ring the driver reads on from. */
struct fake_used {
	struct vnet_rx_frag *f;
	int n;
	int next;
};

static void *fake_next_used(void *ctx, uint32_t *len)
{
	struct fake_used *u = ctx;
	if (u->next >= u->n)
		return NULL;
	*len = (uint32_t)u->f[u->next].len;
	return u->f[u->next++].buf;
}

void fake_vnet_rx_hdr(const uint8_t *hdr, const void *frame, size_t len, size_t piece)
{
	static const uint8_t zero_hdr[VNET_HDR_LEN];
	struct vnet_rx_frag f[VNET_RX_MAX_FRAGS];
	unsigned flags;
	int n = 0;
	if (!dev.rx)
		abort();
	/* The pieces a device with mergeable buffers of @piece bytes writes (at least an Ethernet
	 * header in the first, VNET_RX_MAX_FRAGS at most), each a buffer of its own. */
	if (!piece)
		piece = len;
	if (piece < VNET_ETH_HLEN || (len + piece - 1) / piece > VNET_RX_MAX_FRAGS)
		piece = len > VNET_ETH_HLEN ? len : VNET_ETH_HLEN;
	for (size_t o = 0; o < len || !n; o += piece) {
		size_t k = len - o < piece ? len - o : piece;
		void *buf = malloc(k ? k : 1);
		if (!buf)
			abort();
		memcpy(buf, (const uint8_t *)frame + o, k);
		f[n++] = (struct vnet_rx_frag){ buf, k, buf };
	}
	/* num_buffers as the header says, when it says anything (a device that may lie): the
	 * pieces are the used ring the driver takes them from. */
	struct fake_used used = { f, n, 1 };
	unsigned nb = hdr ? (unsigned)(hdr[10] | hdr[11] << 8) : 0;
	int got = n;
	long total = vnet_rx_gather(f, nb ? nb : (unsigned)n, fake_next_used, &used,
				    VNET_RX_BUF_SIZE_TSO, &got);
	for (int k = got; k < n; k++)
		free(f[k].buf);		/* the ring's next frames: dropped here */
	if (total < 0) {
		rx_bad_nbufs++;
		for (int k = 0; k < got; k++)
			free(f[k].buf);
		return;
	}
	n = got;
	len = (size_t)total;
	if (vnet_rx_hdr_check(hdr ? hdr : zero_hdr, f[0].data, f[0].len, len, FAKE_OFFLOADS,
			      &flags)) {
		rx_bad_hdr++;
		for (int k = 0; k < n; k++)
			free(f[k].buf);
		return;
	}
	rx_out += n;
	local_bh_disable();
	dev.rx(dev.ctx, f, n, len, flags & VNET_RX_CSUM_OK);
	local_bh_enable();
}

void fake_vnet_rx(const void *frame, size_t len)
{
	fake_vnet_rx_hdr(NULL, frame, len, 0);
}

long fake_vnet_rx_bad_hdr(void)
{
	return rx_bad_hdr;
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

void vnet_busy_poll_end(struct vnet *d, bool keep_off)
{
	(void)d;
	(void)keep_off;
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
