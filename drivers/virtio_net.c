// SPDX-License-Identifier: MIT
/* virtio-net over the modern virtio-pci transport: one receive and one transmit queue, 2 KiB
 * receive buffers (16 KiB with large segments received) lent to the upper layer, transmit from
 * caller-owned segments, a NAPI-style bottom half. QEMU: `-netdev user,id=n0 -device
 * virtio-net-pci,disable-legacy=on,netdev=n0` (MSI-X: one vector per queue and one for
 * configuration changes); add `vectors=0` and the device has no MSI-X, so its INTx line is routed
 * through the IOAPIC instead. Transitional devices (1af4:1000, plain `virtio-net-pci`) are driven
 * the same way through their modern capabilities.
 *
 * Features: VERSION_1 (required), MAC, STATUS, EVENT_IDX; CSUM, GUEST_CSUM and HOST_TSO4 when
 * offered, unless vnet_offload=off (checksums left partial on transmit, received ones trusted
 * or finished: vnet_rx_hdr_check; large TCP segments cut by the device); GUEST_TSO4 with
 * MRG_RXBUF when both are offered (large TCP segments received over several 16 KiB buffers,
 * num_buffers checked against the used ring). Not negotiated: the other GSO types, CTRL_VQ,
 * MQ, INDIRECT_DESC (a frame takes at most 1 + VNET_TX_MAX_SEGS descriptors of a 256-entry
 * ring).
 *
 * Contexts and locking (one CPU):
 *   - vnet_irq / vnet_intx_irq / vnet_config_irq: hard interrupt, interrupts off. They only ack
 *     (ISR read for INTx), suppress the queue's notifications and raise SOFTIRQ_NET_RX.
 *   - vnet_softirq -> vnet_poll: receive (budgeted), transmit reclaim, re-enable notifications
 *     (the transmit queue's only while the ring is short: see vnet_poll).
 *   - vnet_tx: softirq, or a thread with bottom halves disabled: so the TX queue is only ever
 *     used by one of them at a time (bottom halves off also keeps threads from preempting).
 *     It publishes the frame but does not ring the doorbell: it marks the queue and raises
 *     SOFTIRQ_NET_TX, whose handler (vnet_tx_softirq) makes one event-idx kick decision for
 *     everything published since the last one. A doorbell is an exit into the emulator (during which
 *     it may process the whole queue); it is rung after the thread's bottom-half-off section
 *     ends, so it holds back no receive interrupt taken meanwhile, a pending NET_RX runs before
 *     NET_TX in the same round, and frames sent together (a poll's ACKs, a burst of writes)
 *     share one exit, as Linux's xmit_more.
 *   - the RX queue and the buffer pool are under rx_lock (irqsave), since vnet_rx_release may
 *     come from any context. The rx handler is called without the lock.
 *   - virtq_enable_cb* run with interrupts off (the hard handler may disable concurrently). */
#include <arch/cpu.h>
#include <arch/ioapic.h>
#include <arch/irq.h>
#include <arch/memory.h>
#include <drivers/pci.h>
#include <drivers/virtio_pci.h>
#include <drivers/virtio_net.h>
#include <kernel/sched.h>
#include <kernel/trace.h>
#include <drivers/virtqueue.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/page.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <linux/virtio_net.h>
#include <string.h>

/* The TX watchdog's poll period while frames are outstanding (see vnet_tx_watchdog). */
#define VNET_TX_WATCHDOG_NS	(20 * NSEC_PER_MSEC)
/* How long a busy poller that found work may keep the receive interrupt off without coming
 * back to poll (Linux's irq_suspend_timeout): a safety net for a program that stops polling. */
#define VNET_BUSY_SUSPEND_NS	(2 * NSEC_PER_MSEC)
/* vnet_rx_defer=: the default period, and how late a deferred poll may come before the receive
 * interrupt goes back on (the deferral's safety net, checked by any poll, the TX timer's too). */
#define VNET_RX_DEFER_DEFAULT_US	100
#define VNET_RX_DEFER_LATE_NS	(5 * NSEC_PER_MSEC)

#define VNET_RING_MAX		256	/* entries per queue we use, at most */
#define VNET_TX_ROOM		(1 + VNET_TX_MAX_SEGS)	/* descriptors a frame of any shape takes */
#define VNET_RXQ		0
#define VNET_TXQ		1
#define MSIX_RX			0	/* MSI-X table entries */
#define MSIX_TX			1
#define MSIX_CONFIG		2
#define MSIX_NEEDED		3
#define VIRTIO_SUBSYS_NET	1	/* transitional devices: subsystem ID = device type */
#define PCI_SUBSYSTEM_ID	0x2e

#define VNET_FEATURES	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) | \
			 (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_RING_F_EVENT_IDX))
/* Asked for too unless vnet_offload=off. */
#define VNET_FEATURES_OFFLOAD	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | \
				 (1ULL << VIRTIO_NET_F_HOST_TSO4))
/* Large segments received: only all three together (GUEST_TSO4 needs GUEST_CSUM, and without
 * MRG_RXBUF a 64 KiB segment would need 64 KiB buffers). */
#define VNET_FEATURES_RX_TSO	((1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_MRG_RXBUF) | \
				 (1ULL << VIRTIO_NET_F_GUEST_CSUM))

_Static_assert(sizeof(struct virtio_net_hdr_v1) == VNET_HDR_LEN, "virtio-net header size");
_Static_assert(!(VNET_RX_BUF_SIZE & (VNET_RX_BUF_SIZE - 1)) &&
	       !(VNET_RX_BUF_SIZE_TSO & (VNET_RX_BUF_SIZE_TSO - 1)), "receive buffers: powers of two");

enum rx_buf_state {
	BUF_FREE,	/* on the free stack */
	BUF_RING,	/* posted to the device */
	BUF_HELD,	/* lent to the upper layer */
};

struct vnet_queue {
	struct virtq vq;	/* the ring */
	struct vnet *dev;	/* back pointer for the interrupt handler */
	int vector;		/* CPU vector in MSI-X mode, -1 otherwise */
};

struct vnet_tx_slot {
	void (*done)(void *arg);	/* completion callback (may be NULL) */
	void *arg;
	uint32_t len;			/* frame bytes, for the counters */
	struct virtio_net_hdr_v1 hdr;	/* the frame's header: the device reads it until done */
};

struct vnet {
	struct virtio_dev vio;		/* transport */
	struct vnet_queue rxq;		/* receiveq1 */
	struct vnet_queue txq;		/* transmitq1 */
	char name[8];			/* PCI address "bb:dd.f" */
	uint8_t mac[6];
	int index;
	unsigned offloads;		/* VNET_OFFLOAD_* negotiated */
	bool mrg_rxbuf;			/* F_MRG_RXBUF: a frame may span num_buffers buffers */
	/* interrupts */
	int config_vector;		/* MSI-X configuration vector, -1 in INTx mode */
	int intx_gsi;			/* INTx mode: IOAPIC input, else -1 */
	int intx_vector;		/* INTx mode: CPU vector */
	char irq_mode[64];		/* for vnet_irq_mode */
	/* TX watchdog: when transmission last made progress (or the ring was last found empty) */
	uint64_t tx_progress_ns;
	uint64_t tx_done_seen;		/* stats.tx_frames then */
	/* receive */
	struct spinlock rx_lock;	/* rxq, the pool's state and free stack, the handler */
	vnet_rx_fn rx;
	void *rx_ctx;
	uint8_t *rx_pool;		/* rx_nbufs buffers of 1 << rx_buf_shift bytes, contiguous */
	unsigned rx_pool_order;		/* its page_alloc order */
	unsigned rx_nbufs;
	unsigned rx_buf_shift;		/* log2 of VNET_RX_BUF_SIZE, or of VNET_RX_BUF_SIZE_TSO
					 * with RX_TSO4 */
	uint8_t *rx_state;		/* enum rx_buf_state per buffer */
	uint16_t *rx_free;		/* stack of free buffer indices */
	unsigned rx_nfree;
	bool rx_in_poll;		/* releases meanwhile are refilled by the poll */
	bool busy_masked;		/* a busy poller (prefer) keeps the receive interrupt off */
	bool busy_expired;		/* ... for too long: the NET_RX poll turns it back on */
	uint64_t busy_seen_tsc;		/* when a poller last polled or ended keeping it off */
	struct ktimer busy_timer;	/* the safety net (vnet_busy_timer_fire) */
	uint64_t rx_defer_cycles;	/* vnet_rx_defer=, in TSC cycles; 0: off */
	bool rx_deferred;		/* the last poll left the receive interrupt off */
	uint64_t rx_defer_due;		/* ... and asked for the next at this TSC */
	uint64_t rx_bad_release;	/* vnet_rx_release of a buffer that was not lent */
	/* transmit */
	struct vnet_tx_slot *tx_slots;	/* per chain head */
	bool tx_kick_pending;		/* frames published, doorbell decision left to NET_TX */
	unsigned tx_unkicked;		/* frames published since the last doorbell decision */
	uint64_t tx_unkicked_ns;	/* when the first of them was */
	bool tx_stopped;		/* a send was refused for want of room: wake when there is */
	void (*tx_wake)(void *ctx);	/* vnet_set_tx_wake */
	void *tx_wake_ctx;
	struct ktimer tx_timer;		/* polls the watchdog while frames are outstanding */
	struct vnet_stats stats;
};

static struct vnet vnets[VNET_MAX_DEVICES];
static int nvnets;

static bool verbose(void)
{
	return !cmdline_get("quiet");
}

/* ---- hard interrupts ---- */

/* One queue's MSI-X vector: suppress further notifications from it and defer the work. Kept
 * out of line: a tracepoint site. */
static __attribute__((noinline)) void vnet_irq(void *arg)
{
	struct vnet_queue *q = arg;
	trace_point(TRACE_IRQ, q->dev, (uint32_t)q->vector | (q == &q->dev->txq ? TRACE_IRQ_TX : 0) |
		    (in_softirq() ? TRACE_IRQ_BH_OFF : 0));
	q->dev->stats.irqs++;
	virtq_disable_cb(&q->vq);
	raise_softirq(SOFTIRQ_NET_RX);
}

static void vnet_config_changed(struct vnet *d)
{
	if (verbose())
		printk("virtio-net %s: configuration changed, link %s\n", d->name,
		       vnet_link_up(d) ? "up" : "down");
}

static void vnet_config_irq(void *arg)
{
	struct vnet *d = arg;
	d->stats.irqs++;
	vnet_config_changed(d);
}

/* INTx (level-triggered, maybe shared): every device on the line reads its ISR, which acks it
 * and lowers its line; a device with ISR 0 did not interrupt. */
static void vnet_intx_irq(void *arg)
{
	int gsi = (int)(uintptr_t)arg;
	for (int i = 0; i < nvnets; i++) {
		struct vnet *d = &vnets[i];
		if (d->intx_gsi != gsi)
			continue;
		uint8_t isr = virtio_isr_read(&d->vio);
		if (!isr)
			continue;
		d->stats.irqs++;
		if (isr & 1) {
			virtq_disable_cb(&d->rxq.vq);
			virtq_disable_cb(&d->txq.vq);
			raise_softirq(SOFTIRQ_NET_RX);
		}
		if (isr & VIRTIO_PCI_ISR_CONFIG)
			vnet_config_changed(d);
	}
}

/* ---- receive ---- */

static uint8_t *rx_buf(struct vnet *d, unsigned i)
{
	return d->rx_pool + ((size_t)i << d->rx_buf_shift);
}

unsigned vnet_rx_buf_size(struct vnet *d)
{
	return 1u << d->rx_buf_shift;
}

/* The pool index of buffer @buf, which lies in the pool (no check). */
static unsigned rx_buf_nr(struct vnet *d, const void *buf)
{
	return (unsigned)(((uintptr_t)buf - (uintptr_t)d->rx_pool) >> d->rx_buf_shift);
}

/* Post free buffers until the ring or the stack runs out. rx_lock held. */
static void vnet_rx_refill(struct vnet *d)
{
	while (d->rx_nfree && virtq_num_free(&d->rxq.vq)) {
		unsigned i = d->rx_free[--d->rx_nfree];
		struct virtq_buf b = { virt_to_phys(rx_buf(d, i)), vnet_rx_buf_size(d) };
		d->rx_state[i] = BUF_RING;
		virtq_add(&d->rxq.vq, &b, 0, 1, rx_buf(d, i));
	}
}

static void rx_put_free(struct vnet *d, unsigned i)
{
	d->rx_state[i] = BUF_FREE;
	d->rx_free[d->rx_nfree++] = (uint16_t)i;
}

/* The index of the posted buffer @buf (a used ring's token), or -1 when it is not one: the
 * token is our own pointer (virtq_get_used returns only chains in flight), but it is checked
 * before our state for it is touched. rx_lock held. */
static int rx_buf_index(struct vnet *d, uint8_t *buf)
{
	unsigned i = rx_buf_nr(d, buf);
	if (i >= d->rx_nbufs || buf != rx_buf(d, i) || d->rx_state[i] != BUF_RING)
		return -1;
	return (int)i;
}

/* Drop the buffers of a frame refused. rx_lock held. */
static void rx_put_frags(struct vnet *d, const struct vnet_rx_frag *f, int n)
{
	for (int k = 0; k < n; k++)
		rx_put_free(d, rx_buf_nr(d, f[k].buf));
}

/* vnet_rx_gather's source: the next used buffer, when it is one we posted (one that is not
 * is counted and ends the frame). rx_lock held. */
static void *rx_next_used(void *ctx, uint32_t *len)
{
	struct vnet *d = ctx;
	uint8_t *b = virtq_get_used(&d->rxq.vq, len);
	if (b && rx_buf_index(d, b) < 0) {
		d->stats.rx_bad_token++;
		return NULL;
	}
	return b;
}

/* Hand up to @budget received frames to the upper layer, then refill the ring. Softirq context.
 * Returns the number of frames consumed. Kept out of line: a tracepoint site. */
static __attribute__((noinline)) int vnet_rx_poll(struct vnet *d, int budget)
{
	int n = 0;
	struct vnet_rx_frag frags[VNET_RX_MAX_FRAGS];
	trace_point(TRACE_BH, d, (uint32_t)budget);
	unsigned long flags = spin_lock_irqsave(&d->rx_lock);

	d->stats.polls++;
	d->rx_in_poll = true;
	while (n < budget) {
		uint32_t used_len;
		uint8_t *buf = virtq_get_used(&d->rxq.vq, &used_len);
		if (!buf)
			break;
		n++;
		/* The length, the header and num_buffers come from the device: checked before
		 * anything trusts them. */
		int i = rx_buf_index(d, buf);
		if (i < 0) {
			d->stats.rx_bad_token++;
			continue;
		}
		int len = vnet_rx_frame_len(used_len, vnet_rx_buf_size(d));
		if (len < 0) {
			d->stats.rx_dropped_bad_len++;
			rx_put_free(d, (unsigned)i);
			continue;
		}
		frags[0] = (struct vnet_rx_frag){ buf + VNET_HDR_LEN, (size_t)len, buf };
		int nfrags = 1;
		long total = len;
		if (d->mrg_rxbuf) {
			unsigned nb = (unsigned)(buf[10] | buf[11] << 8);	/* num_buffers */
			total = vnet_rx_gather(frags, nb, rx_next_used, d, vnet_rx_buf_size(d),
					       &nfrags);
			if (total < 0) {
				d->stats.rx_bad_nbufs++;
				rx_put_frags(d, frags, nfrags);
				continue;
			}
		}
		unsigned rx_flags;
		if (vnet_rx_hdr_check(buf, frags[0].data, frags[0].len, (size_t)total, d->offloads,
				      &rx_flags)) {
			d->stats.rx_dropped_bad_hdr++;
			rx_put_frags(d, frags, nfrags);
			continue;
		}
		d->stats.rx_frames++;
		d->stats.rx_bytes += (uint64_t)total;
		d->stats.rx_csum_trusted += rx_flags & VNET_RX_CSUM_OK;
		d->stats.rx_csum_completed += (rx_flags & VNET_RX_CSUM_DONE) != 0;
		d->stats.rx_gso_frames += buf[1] != VIRTIO_NET_HDR_GSO_NONE;
		vnet_rx_fn rx = d->rx;
		void *ctx = d->rx_ctx;
		if (!rx) {
			rx_put_frags(d, frags, nfrags);
			continue;
		}
		for (int k = 0; k < nfrags; k++)
			d->rx_state[rx_buf_nr(d, frags[k].buf)] = BUF_HELD;
		spin_unlock_irqrestore(&d->rx_lock, flags);
		rx(ctx, frags, nfrags, (size_t)total, rx_flags & VNET_RX_CSUM_OK);
		flags = spin_lock_irqsave(&d->rx_lock);
	}
	d->rx_in_poll = false;
	vnet_rx_refill(d);
	virtq_kick(&d->rxq.vq);
	spin_unlock_irqrestore(&d->rx_lock, flags);
	return n;
}

void vnet_rx_release(struct vnet *d, void *buf)
{
	uintptr_t off = (uintptr_t)buf - (uintptr_t)d->rx_pool;
	if ((uintptr_t)buf < (uintptr_t)d->rx_pool || (off & (vnet_rx_buf_size(d) - 1)) ||
	    (off >> d->rx_buf_shift) >= d->rx_nbufs) {
		d->rx_bad_release++;
		return;
	}
	unsigned i = rx_buf_nr(d, buf);
	unsigned long flags = spin_lock_irqsave(&d->rx_lock);
	if (d->rx_state[i] != BUF_HELD) {
		d->rx_bad_release++;		/* released twice, or never lent */
	} else {
		rx_put_free(d, i);
		if (!d->rx_in_poll) {
			vnet_rx_refill(d);
			virtq_kick(&d->rxq.vq);
		}
	}
	spin_unlock_irqrestore(&d->rx_lock, flags);
}

void vnet_set_rx_handler(struct vnet *d, vnet_rx_fn rx, void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&d->rx_lock);
	d->rx = rx;
	d->rx_ctx = ctx;
	spin_unlock_irqrestore(&d->rx_lock, flags);
}

void *vnet_rx_owner(struct vnet *d)
{
	return READ_ONCE(d->rx_ctx);
}

/* ---- transmit ---- */

/* Completed transmissions: free their descriptors, count them, call their done. Softirq. */
static void vnet_tx_reclaim(struct vnet *d)
{
	uint32_t len;
	struct vnet_tx_slot *slot;

	while ((slot = virtq_get_used(&d->txq.vq, &len))) {
		void (*done)(void *) = slot->done;
		void *arg = slot->arg;	/* copied: done may send, and reuse the slot */
		d->stats.tx_frames++;
		d->stats.tx_bytes += slot->len;
		if (done)
			done(arg);
	}
}

/*
 * A sender was refused for want of room: the queue stops until vnet_tx_complete wakes it. A full
 * ring must always be moving: the device may stop with every buffer published and avail_event
 * left behind, so that event-idx suppression withholds the notification that would restart it.
 * So the refusal that stops the queue rings the doorbell regardless of suppression; the ones
 * after it, until the wake-up, do not (each would be one more exit, and a sender with a backlog
 * was refused for every frame), and the TX watchdog covers the rest.
 */
static void vnet_tx_stop(struct vnet *d)
{
	if (d->tx_stopped)
		return;
	d->tx_stopped = true;
	d->txq.vq.notify(&d->txq.vq);
	raise_softirq(SOFTIRQ_NET_RX);	/* reclaim as soon as bottom halves run */
}

/* Whether @n descriptors are free, reclaiming what the device finished when short (completions
 * otherwise wait for a poll); if not, a refusal: counted, and the queue stops. */
static bool vnet_tx_has(struct vnet *d, unsigned n)
{
	struct virtq *vq = &d->txq.vq;
	if (virtq_num_free(vq) < n)
		vnet_tx_reclaim(d);
	if (virtq_num_free(vq) >= n)
		return true;
	d->stats.tx_ring_full++;
	vnet_tx_stop(d);
	return false;
}

/* Reclaim, then wake a sender stopped by a full ring once a frame of any shape fits again.
 * Softirq, or bottom halves off: the wake may send. */
static void vnet_tx_complete(struct vnet *d)
{
	vnet_tx_reclaim(d);
	if (d->tx_stopped && virtq_num_free(&d->txq.vq) >= VNET_TX_ROOM) {
		d->tx_stopped = false;
		d->stats.tx_wakes++;
		if (d->tx_wake)
			d->tx_wake(d->tx_wake_ctx);
	}
}

bool vnet_tx_room(struct vnet *d)
{
	BUG_ON(!in_softirq() || in_irq());
	return vnet_tx_has(d, VNET_TX_ROOM);	/* false: a refusal, the caller is woken */
}

void vnet_set_tx_wake(struct vnet *d, void (*wake)(void *ctx), void *ctx)
{
	local_bh_disable();
	d->tx_wake = wake;
	d->tx_wake_ctx = ctx;
	local_bh_enable();
}

int vnet_tx(struct vnet *d, const struct vnet_seg *segs, int nsegs, void (*done)(void *arg),
	    void *arg)
{
	return vnet_tx_offload(d, segs, nsegs, NULL, done, arg);
}

int vnet_tx_offload(struct vnet *d, const struct vnet_seg *segs, int nsegs,
		    const struct vnet_tx_offload *off, void (*done)(void *arg), void *arg)
{
	struct virtq_buf bufs[1 + VNET_TX_MAX_SEGS];
	size_t total = 0;
	unsigned n = 1;

	BUG_ON(!in_softirq() || in_irq());	/* the TX queue relies on bottom-half exclusion */
	if (nsegs < 1 || nsegs > VNET_TX_MAX_SEGS)
		return -EINVAL;
	for (int k = 0; k < nsegs; k++) {
		if (!segs[k].len)
			continue;
		total += segs[k].len;
		bufs[n++] = (struct virtq_buf){ virt_to_phys(segs[k].data), (uint32_t)segs[k].len };
	}
	if (total > (off && off->gso_size ? VNET_GSO_FRAME_MAX : VNET_FRAME_MAX))
		return -EMSGSIZE;
	if (total < VNET_ETH_HLEN)
		return -EINVAL;
	if (off && (!(d->offloads & VNET_OFFLOAD_TX_CSUM) || off->csum_start < VNET_ETH_HLEN ||
		    (size_t)off->csum_start + off->csum_offset + 2 > total))
		return -EINVAL;
	if (off && off->gso_size && (!(d->offloads & VNET_OFFLOAD_TSO4) ||
				     off->hdr_len < off->csum_start + 20 || off->hdr_len > total))
		return -EINVAL;

	struct virtq *vq = &d->txq.vq;
	if (!vnet_tx_has(d, n))
		return -EAGAIN;
	struct vnet_tx_slot *slot = &d->tx_slots[virtq_next_head(vq)];
	slot->done = done;
	slot->arg = arg;
	slot->len = (uint32_t)total;
	slot->hdr = (struct virtio_net_hdr_v1){ 0 };
	if (off) {
		slot->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		slot->hdr.csum_start = off->csum_start;
		slot->hdr.csum_offset = off->csum_offset;
		d->stats.tx_csum_offloaded++;
		if (off->gso_size) {
			slot->hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
			slot->hdr.gso_size = off->gso_size;
			slot->hdr.hdr_len = off->hdr_len;
			d->stats.tx_gso_frames++;
		}
	}
	bufs[0] = (struct virtq_buf){ virt_to_phys(&slot->hdr), sizeof(slot->hdr) };
	if (virtq_num_free(vq) == vq->num)
		d->tx_progress_ns = ktime_ns();	/* the watchdog's clock starts with the first frame */
	virtq_add(vq, bufs, n, 0, slot);
	if (!timer_pending(&d->tx_timer))
		timer_arm_after(&d->tx_timer, VNET_TX_WATCHDOG_NS);
	d->stats.tx_kicks_deferred++;
	if (!d->tx_kick_pending) {
		d->tx_kick_pending = true;
		d->tx_unkicked = 0;
		d->tx_unkicked_ns = ktime_ns();
	}
	d->tx_unkicked++;
	raise_softirq(SOFTIRQ_NET_TX);	/* we are in a bottom-half-off section: runs after it */
	return 0;
}

/* The deferred doorbell: one kick decision for all frames published since the previous one.
 * Softirq (NET_TX), so vnet_tx cannot run meanwhile. */
static void vnet_tx_flush(struct vnet *d)
{
	if (!d->tx_kick_pending)
		return;
	if (d->tx_unkicked < VNET_TX_BATCH && ktime_ns() - d->tx_unkicked_ns < VNET_TX_PLUG_NS &&
	    sched_plug_defer(SOFTIRQ_NET_TX)) {
		d->stats.tx_plugged++;
		return;		/* raised again at the plug's end, or decided at the next send or poll */
	}
	d->tx_kick_pending = false;
	if (virtq_kick(&d->txq.vq))
		d->stats.tx_doorbells++;
}

void vnet_tx_lose_kick(struct vnet *d)
{
	BUG_ON(!in_softirq() || in_irq());
	d->tx_kick_pending = false;
	d->tx_unkicked = 0;
}

static void vnet_tx_softirq(void)
{
	for (int i = 0; i < nvnets; i++)
		vnet_tx_flush(&vnets[i]);
}

/* ---- bottom half ---- */

/*
 * TX watchdog. The device may sit idle with transmit buffers published while event-idx
 * suppression withheld the notification (avail_event left behind our last check), so that
 * nothing would ever restart it. If frames have been outstanding for
 * VNET_TX_WATCHDOG_NS with none completed, ring the doorbell. The test is by time, not by polls
 * without progress: under load polls come microseconds apart, and each doorbell is an exit.
 *
 * Polls must not depend on receive traffic: the frames stuck may be our ACKs, so the peer stops
 * sending, and lwIP does not retransmit a segment whose pbuf the driver still holds
 * (tcp_rexmit_rto_prepare). So a timer polls every VNET_TX_WATCHDOG_NS while frames are
 * outstanding.
 */
static void vnet_tx_watchdog(struct vnet *d)
{
	struct virtq *vq = &d->txq.vq;
	uint64_t now = ktime_ns();

	if (virtq_num_free(vq) == vq->num || d->stats.tx_frames != d->tx_done_seen) {
		d->tx_done_seen = d->stats.tx_frames;
		d->tx_progress_ns = now;
	} else if (now - d->tx_progress_ns >= VNET_TX_WATCHDOG_NS) {
		d->tx_progress_ns = now;
		d->stats.tx_watchdog_kicks++;
		vq->notify(vq);
	}
	if (d->tx_kick_pending && now - d->tx_unkicked_ns >= VNET_TX_PLUG_NS)
		vnet_tx_flush(d);	/* held back by a plug for too long: no plug defers it now */
	if (virtq_num_free(vq) != vq->num && !timer_pending(&d->tx_timer))
		timer_arm_after(&d->tx_timer, VNET_TX_WATCHDOG_NS);
}

/* Hard interrupt: a poll, which runs the watchdog (and re-arms this while frames are out). */
static void vnet_tx_timer_fire(struct ktimer *t)
{
	(void)t;
	raise_softirq(SOFTIRQ_NET_RX);
}

/*
 * Transmit completions are reclaimed here, after the frames received are handed up (they are
 * the latency path), and by vnet_tx when the ring is short. Their interrupt is wanted only
 * while the ring is less than half free: otherwise every send brings one, which lands in the
 * middle of the next bottom-half-off section and lengthens the wait of the receive interrupt
 * behind it. Frames still out after the last poll are the TX timer's (VNET_TX_WATCHDOG_NS).
 */
static void vnet_poll(struct vnet *d)
{
	struct virtq *txq = &d->txq.vq;

	int n = vnet_rx_poll(d, VNET_RX_BUDGET);
	vnet_tx_complete(d);
	vnet_tx_watchdog(d);

	/* A busy poller that keeps the receive interrupt off keeps it off, until the safety net
	 * says it stayed away too long. */
	bool rx_off = d->busy_masked;
	if (rx_off && READ_ONCE(d->busy_expired)) {
		d->busy_masked = rx_off = false;
		WRITE_ONCE(d->busy_expired, false);
		d->stats.busy_suspend_expired++;
	}
	/* Deferral (vnet_rx_defer=): a thread has the CPU, so the next poll is left to a poll
	 * point; with the CPU idle, or the poll points gone for too long, the interrupt is back. */
	bool defer = d->rx_defer_cycles && !rx_off && !sched_cpu_idle();
	uint64_t now = arch_cycles();
	if (defer && d->rx_deferred &&
	    now > d->rx_defer_due + ns_to_cycles(VNET_RX_DEFER_LATE_NS)) {
		defer = false;
		d->stats.rx_defer_expired++;
	}
	d->rx_deferred = defer;
	if (defer) {
		rx_off = true;
		d->rx_defer_due = now + d->rx_defer_cycles;
		raise_softirq_at(SOFTIRQ_NET_RX, d->rx_defer_due);
		d->stats.rx_defer_polls++;
		if (!timer_pending(&d->tx_timer))	/* the safety net's poll */
			timer_arm_after(&d->tx_timer, VNET_TX_WATCHDOG_NS);
	}
	/* Re-arm notifications only once the ring is drained, then look again: a buffer used
	 * before the device saw the request would otherwise wait for the next interrupt. */
	bool again = n >= VNET_RX_BUDGET;
	unsigned long flags = arch_irq_save();
	if (defer) {
		virtq_disable_cb(&d->rxq.vq);	/* this poll may not have come from its interrupt */
	} else if (!again && !rx_off && !virtq_enable_cb(&d->rxq.vq)) {
		virtq_disable_cb(&d->rxq.vq);
		again = true;
	}
	if (defer || virtq_num_free(txq) >= txq->num / 2) {
		virtq_disable_cb(txq);		/* deferred: the next poll reclaims */
	} else if (!virtq_enable_cb_delayed(txq)) {
		virtq_disable_cb(txq);
		again = true;
	}
	arch_irq_restore(flags);
	if (again)
		raise_softirq(SOFTIRQ_NET_RX);	/* runs again before do_softirq returns */
}

/* ---- busy polling (kernel/busy_poll.h) ---- */

/* The safety net of a receive interrupt kept off between polls (hard interrupt): if no poller
 * has polled or ended keeping it off for VNET_BUSY_SUSPEND_NS, the next NET_RX poll turns it
 * back on; else it looks again when that much will have passed since. */
static void vnet_busy_timer_fire(struct ktimer *t)
{
	struct vnet *d = t->data;

	if (!READ_ONCE(d->busy_masked))
		return;
	uint64_t since = cycles_to_ns(arch_cycles() - READ_ONCE(d->busy_seen_tsc));
	if (since < VNET_BUSY_SUSPEND_NS) {
		timer_arm_after(t, VNET_BUSY_SUSPEND_NS - since);
		return;
	}
	WRITE_ONCE(d->busy_expired, true);
	raise_softirq(SOFTIRQ_NET_RX);
}

int vnet_busy_poll(struct vnet *d, unsigned budget, bool prefer)
{
	/* As the NET_RX softirq polls: bottom halves off (lwIP's lock rule, and no softirq poll of
	 * this device meanwhile on this CPU). */
	local_bh_disable();
	if (prefer && !d->busy_masked) {
		unsigned long flags = arch_irq_save();
		virtq_disable_cb(&d->rxq.vq);
		arch_irq_restore(flags);
		d->busy_masked = true;
	}
	if (prefer) {
		WRITE_ONCE(d->busy_seen_tsc, arch_cycles());	/* a poller is here */
		WRITE_ONCE(d->busy_expired, false);
	}
	/* An empty ring costs only this look: no lock, no refill. */
	int n = 0;
	if (virtq_has_used(&d->rxq.vq)) {
		trace_point(TRACE_BUSY_POLL, d, budget);
		n = vnet_rx_poll(d, (int)budget);
	}
	vnet_tx_complete(d);
	d->stats.busy_polls++;
	d->stats.busy_frames += (uint64_t)n;
	local_bh_enable();	/* what the frames raised (transmit kicks, wake-ups) runs here */
	return n;
}

void vnet_busy_poll_end(struct vnet *d, bool keep_off)
{
	local_bh_disable();
	if (d->busy_masked && keep_off) {
		WRITE_ONCE(d->busy_seen_tsc, arch_cycles());
		if (!timer_pending(&d->busy_timer))
			timer_arm_after(&d->busy_timer, VNET_BUSY_SUSPEND_NS);
	} else if (d->busy_masked) {
		d->busy_masked = false;
		/* Notifications back on, then one more look: a buffer used before the device saw
		 * the request would otherwise wait for the next interrupt. */
		unsigned long flags = arch_irq_save();
		bool again = !virtq_enable_cb(&d->rxq.vq);
		if (again)
			virtq_disable_cb(&d->rxq.vq);
		arch_irq_restore(flags);
		if (again)
			raise_softirq(SOFTIRQ_NET_RX);	/* runs at local_bh_enable */
	}
	local_bh_enable();
}

uint64_t vnet_set_rx_defer(struct vnet *d, uint64_t ns)
{
	local_bh_disable();	/* as vnet_poll, which reads it */
	uint64_t was = d->rx_defer_cycles ? cycles_to_ns(d->rx_defer_cycles) : 0;
	d->rx_defer_cycles = ns ? ns_to_cycles(ns) : 0;
	if (!ns && d->rx_deferred)
		raise_softirq(SOFTIRQ_NET_RX);	/* a poll now turns the interrupt back on */
	local_bh_enable();
	return was;
}

bool vnet_rx_waiting(struct vnet *d)
{
	return virtq_has_used(&d->rxq.vq);
}

static void vnet_softirq(void)
{
	for (int i = 0; i < nvnets; i++)
		vnet_poll(&vnets[i]);
}

/* ---- setup ---- */

static void free_vectors(struct vnet *d)
{
	if (d->rxq.vector >= 0)
		arch_irq_set_handler(d->rxq.vector, NULL, NULL);
	if (d->txq.vector >= 0)
		arch_irq_set_handler(d->txq.vector, NULL, NULL);
	if (d->config_vector >= 0)
		arch_irq_set_handler(d->config_vector, NULL, NULL);
	d->rxq.vector = d->txq.vector = d->config_vector = -1;
}

/* MSI-X: three CPU vectors, table entries 0 (rx), 1 (tx), 2 (config). */
static int setup_msix(struct vnet *d)
{
	struct pci_dev *pci = d->vio.pci;
	if (virtio_msix_enable(&d->vio) < MSIX_NEEDED) {
		virtio_msix_disable(&d->vio);
		return -ENODEV;
	}
	d->rxq.vector = arch_irq_alloc_vector(vnet_irq, &d->rxq);
	d->txq.vector = arch_irq_alloc_vector(vnet_irq, &d->txq);
	d->config_vector = arch_irq_alloc_vector(vnet_config_irq, d);
	if (d->rxq.vector < 0 || d->txq.vector < 0 || d->config_vector < 0)
		goto out_free;
	pci_msix_set(pci, MSIX_RX, d->rxq.vector);
	pci_msix_set(pci, MSIX_TX, d->txq.vector);
	pci_msix_set(pci, MSIX_CONFIG, d->config_vector);
	if (virtio_set_config_vector(&d->vio, MSIX_CONFIG))
		goto out_free;
	return 0;

out_free:
	free_vectors(d);
	virtio_msix_disable(&d->vio);
	return -ENODEV;
}

/* INTx through the IOAPIC: one vector per GSI, shared by the devices on it. */
static int setup_intx(struct vnet *d)
{
	int gsi = pci_intx_gsi(d->vio.pci);
	if (gsi < 0)
		return gsi;
	for (int i = 0; i < nvnets; i++) {
		if (&vnets[i] != d && vnets[i].intx_gsi == gsi) {
			d->intx_gsi = gsi;
			d->intx_vector = vnets[i].intx_vector;
			return 0;
		}
	}
	int vec = arch_irq_alloc_vector(vnet_intx_irq, (void *)(uintptr_t)gsi);
	if (vec < 0)
		return vec;
	/* Level-triggered as PCI INTx is. Active-high, not the active-low of real PCI wiring:
	 * QEMU models the line active-high (its ACPI tables declare GSI 16-23 "Level, ActiveHigh";
	 * its own IOAPIC ignores polarity, KVM's honours it). */
	int err = arch_ioapic_route((unsigned)gsi, vec, IOAPIC_LEVEL);
	if (err) {
		arch_irq_set_handler(vec, NULL, NULL);
		return err;
	}
	d->intx_gsi = gsi;
	d->intx_vector = vec;
	return 0;
}

static void read_mac(struct vnet *d)
{
	if (!virtio_has(&d->vio, VIRTIO_NET_F_MAC)) {
		/* Locally administered, unicast; the device accepts whatever we send. */
		const uint8_t local[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, (uint8_t)(d->index + 1) };
		for (int i = 0; i < 6; i++)
			d->mac[i] = local[i];
		return;
	}
	uint8_t gen;
	do {
		gen = virtio_cfg_generation(&d->vio);
		for (int i = 0; i < 6; i++)
			d->mac[i] = virtio_cfg_read8(&d->vio,
						     offsetof(struct virtio_net_config, mac) + i);
	} while (gen != virtio_cfg_generation(&d->vio));
}

static int alloc_rx_pool(struct vnet *d)
{
	/* Twice the ring: the upper layer can hold a ring's worth of buffers and the ring still
	 * refills completely (past that, netif_vnet copies what it receives). */
	bool tso = d->offloads & VNET_OFFLOAD_RX_TSO4;
	d->rx_buf_shift = (unsigned)__builtin_ctz(tso ? VNET_RX_BUF_SIZE_TSO : VNET_RX_BUF_SIZE);
	d->rx_nbufs = 2u * d->rxq.vq.num;
	size_t pages = ((size_t)d->rx_nbufs << d->rx_buf_shift) / PAGE_SIZE;
	unsigned order = 0;
	while ((1UL << order) < pages)
		order++;
	d->rx_pool = page_alloc(order);
	d->rx_state = kmalloc(d->rx_nbufs);
	d->rx_free = kmalloc(d->rx_nbufs * sizeof(*d->rx_free));
	d->tx_slots = kzalloc(d->txq.vq.num * sizeof(*d->tx_slots));
	if (!d->rx_pool || !d->rx_state || !d->rx_free || !d->tx_slots)
		return -ENOMEM;
	d->rx_pool_order = order;
	d->rx_nfree = 0;
	for (unsigned i = d->rx_nbufs; i-- > 0;)
		rx_put_free(d, i);
	return 0;
}

static void free_rx_pool(struct vnet *d)
{
	if (d->rx_pool)
		page_free(d->rx_pool, d->rx_pool_order);
	kfree(d->rx_state);
	kfree(d->rx_free);
	kfree(d->tx_slots);
	d->rx_pool = NULL;
	d->rx_state = NULL;
	d->rx_free = NULL;
	d->tx_slots = NULL;
}

/*
 * Bring the device up (virtio 1.x, 3.1.1): reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * queues, buffers, DRIVER_OK. With @msix, queues get their own MSI-X entries; a device that
 * refuses them makes this return -EAGAIN after undoing everything, for a retry with INTx.
 */
static int vnet_start(struct vnet *d, bool msix)
{
	struct virtio_dev *vd = &d->vio;
	uint16_t rx_entry = VIRTIO_MSI_NO_VECTOR, tx_entry = VIRTIO_MSI_NO_VECTOR;
	int err;

	timer_init(&d->tx_timer, vnet_tx_timer_fire, d);
	timer_init(&d->busy_timer, vnet_busy_timer_fire, d);
	virtio_reset(vd);
	virtio_add_status(vd, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	virtio_add_status(vd, VIRTIO_CONFIG_S_DRIVER);
	long defer_us = VNET_RX_DEFER_DEFAULT_US;	/* init/main.c checked vnet_rx_defer= */
	if (cmdline_get("vnet_rx_defer"))
		cmdline_number(cmdline_get("vnet_rx_defer"), 0, VNET_RX_DEFER_MAX_US, &defer_us);
	d->rx_defer_cycles = defer_us ? ns_to_cycles((uint64_t)defer_us * NSEC_PER_USEC) : 0;
	const char *ov = cmdline_get("vnet_offload");	/* on or off: init/main.c checked it */
	bool offload = !ov || strcmp(ov, "off");
	uint64_t wanted = VNET_FEATURES | (offload ? VNET_FEATURES_OFFLOAD : 0);
	if (offload && (virtio_offered(vd) & VNET_FEATURES_RX_TSO) == VNET_FEATURES_RX_TSO)
		wanted |= VNET_FEATURES_RX_TSO;
	err = virtio_negotiate(vd, wanted, 0);
	if (err)
		return err;
	d->mrg_rxbuf = virtio_has(vd, VIRTIO_NET_F_MRG_RXBUF);
	d->offloads = 0;
	if (virtio_has(vd, VIRTIO_NET_F_CSUM))
		d->offloads |= VNET_OFFLOAD_TX_CSUM;
	if (virtio_has(vd, VIRTIO_NET_F_GUEST_CSUM))
		d->offloads |= VNET_OFFLOAD_RX_CSUM;
	if (virtio_has(vd, VIRTIO_NET_F_HOST_TSO4) && virtio_has(vd, VIRTIO_NET_F_CSUM))
		d->offloads |= VNET_OFFLOAD_TSO4;
	if (virtio_has(vd, VIRTIO_NET_F_GUEST_TSO4) && d->mrg_rxbuf &&
	    virtio_has(vd, VIRTIO_NET_F_GUEST_CSUM))
		d->offloads |= VNET_OFFLOAD_RX_TSO4;
	read_mac(d);
	bool event_idx = virtio_has(vd, VIRTIO_RING_F_EVENT_IDX);

	if (msix && !setup_msix(d)) {
		rx_entry = MSIX_RX;
		tx_entry = MSIX_TX;
	} else {
		msix = false;
	}
	err = virtio_queue_setup(vd, &d->rxq.vq, VNET_RXQ, VNET_RING_MAX, rx_entry, event_idx);
	if (!err)
		err = virtio_queue_setup(vd, &d->txq.vq, VNET_TXQ, VNET_RING_MAX, tx_entry, event_idx);
	if (!err)
		err = alloc_rx_pool(d);
	if (!err && !msix)
		err = setup_intx(d);
	if (err)
		goto out_reset;

	vnet_rx_refill(d);
	virtio_add_status(vd, VIRTIO_CONFIG_S_DRIVER_OK);
	virtq_kick(&d->rxq.vq);		/* the buffers are there: tell the device */

	if (msix) {
		pci_msix_unmask(vd->pci, MSIX_RX);
		pci_msix_unmask(vd->pci, MSIX_TX);
		pci_msix_unmask(vd->pci, MSIX_CONFIG);
		ksnprintf(d->irq_mode, sizeof(d->irq_mode), "MSI-X vectors %d (rx) %d (tx) %d (config)",
			  d->rxq.vector, d->txq.vector, d->config_vector);
	} else {
		pci_intx_enable(vd->pci, true);
		arch_ioapic_unmask((unsigned)d->intx_gsi);
		ksnprintf(d->irq_mode, sizeof(d->irq_mode), "INTx GSI %d vector %d", d->intx_gsi,
			  d->intx_vector);
	}
	return 0;

out_reset:
	/* The device forgets the rings before their memory goes back. */
	virtio_reset(vd);
	free_rx_pool(d);
	virtio_queue_free(&d->txq.vq);
	virtio_queue_free(&d->rxq.vq);
	if (msix) {
		free_vectors(d);
		virtio_msix_disable(vd);
		if (err == -EIO)
			return -EAGAIN;		/* it refused a queue's MSI-X entry: try INTx */
	}
	return err;
}

static bool is_virtio_net(struct pci_dev *p)
{
	if (p->vendor != VIRTIO_PCI_VENDOR)
		return false;
	if (p->device == VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_NET)
		return true;
	return p->device == 0x1000 && pci_read16(p, PCI_SUBSYSTEM_ID) == VIRTIO_SUBSYS_NET;
}

static void print_features(struct vnet *d)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ VIRTIO_F_VERSION_1, "VERSION_1" }, { VIRTIO_NET_F_MAC, "MAC" },
		{ VIRTIO_NET_F_STATUS, "STATUS" }, { VIRTIO_RING_F_EVENT_IDX, "EVENT_IDX" },
		{ VIRTIO_NET_F_CSUM, "CSUM" }, { VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
		{ VIRTIO_NET_F_HOST_TSO4, "HOST_TSO4" }, { VIRTIO_NET_F_GUEST_TSO4, "GUEST_TSO4" },
		{ VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
	};
	printk("virtio-net %s: features", d->name);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (virtio_has(&d->vio, names[i].bit))
			printk(" %s", names[i].name);
	printk("; rx ring %u (%u buffers of %u bytes), tx ring %u; link %s\n", d->rxq.vq.num,
	       d->rx_nbufs, vnet_rx_buf_size(d), d->txq.vq.num,
	       vnet_link_up(d) ? "up" : "down");
}

int vnet_probe(void)
{
	if (nvnets)
		return nvnets;
	for (struct pci_dev *p = pci_find_device(VIRTIO_PCI_VENDOR, 0xffff, NULL); p;
	     p = pci_find_device(VIRTIO_PCI_VENDOR, 0xffff, p)) {
		if (!is_virtio_net(p) || nvnets == VNET_MAX_DEVICES)
			continue;
		struct vnet *d = &vnets[nvnets];
		*d = (struct vnet){ .index = nvnets, .config_vector = -1, .intx_gsi = -1,
				    .intx_vector = -1, .rx_lock = SPINLOCK_INIT };
		d->rxq = (struct vnet_queue){ .dev = d, .vector = -1 };
		d->txq = (struct vnet_queue){ .dev = d, .vector = -1 };
		ksnprintf(d->name, sizeof(d->name), "%02x:%02x.%x", p->bus, p->slot, p->func);
		int err = virtio_pci_probe(&d->vio, p);
		if (!err) {
			nvnets++;	/* visible to setup_intx's sharing check */
			err = vnet_start(d, true);
			if (err == -EAGAIN)
				err = vnet_start(d, false);
			if (err)
				nvnets--;
		}
		if (err) {
			printk("virtio-net %s: not started (error %d)\n", d->name, err);
			continue;
		}
		if (verbose()) {
			printk("virtio-net %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, %s\n", d->name,
			       d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5],
			       d->irq_mode);
			print_features(d);
		}
	}
	if (nvnets) {
		open_softirq(SOFTIRQ_NET_RX, vnet_softirq);
		open_softirq(SOFTIRQ_NET_TX, vnet_tx_softirq);
	}
	return nvnets;
}

struct vnet *vnet_get(int index)
{
	return index >= 0 && index < nvnets ? &vnets[index] : NULL;
}

void vnet_mac(struct vnet *d, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = d->mac[i];
}

bool vnet_link_up(struct vnet *d)
{
	if (!virtio_has(&d->vio, VIRTIO_NET_F_STATUS))
		return true;
	return virtio_cfg_read16(&d->vio, offsetof(struct virtio_net_config, status)) &
	       VIRTIO_NET_S_LINK_UP;
}

unsigned vnet_offloads(struct vnet *d)
{
	return d->offloads;
}

unsigned vnet_rx_lendable(struct vnet *d)
{
	return d->rx_nbufs - d->rxq.vq.num;
}


const char *vnet_irq_mode(struct vnet *d)
{
	return d->irq_mode;
}

void vnet_stats(struct vnet *d, struct vnet_stats *s)
{
	unsigned long flags = arch_irq_save();
	*s = d->stats;
	arch_irq_restore(flags);
}
