/* SPDX-License-Identifier: MIT */
/* virtio-net as the network stack sees it: find the devices, receive frames through a handler
 * (zero copy: the driver's buffer is lent until released), send frames given as segments. */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNET_MAX_DEVICES	4
#define VNET_TX_MAX_SEGS	8	/* segments per frame in vnet_tx */
#define VNET_ETH_HLEN		14	/* destination, source, EtherType */
#define VNET_MTU		1500
#define VNET_FRAME_MAX		(VNET_ETH_HLEN + 4 + VNET_MTU)	/* room for one VLAN tag */
#define VNET_HDR_LEN		12	/* struct virtio_net_hdr_v1 */
#define VNET_RX_BUF_SIZE	2048	/* virtio header + frame, one descriptor each */
#define VNET_RX_BUDGET		64	/* frames per poll before yielding to other softirqs */

struct vnet;	/* one device */

/** vnet_probe - find and start every virtio-net device (after pci_init); returns how many. */
int vnet_probe(void);
/** vnet_get - device @index (in probe order), NULL if none. */
struct vnet *vnet_get(int index);
/** vnet_mac - the device's MAC address (from its configuration, or a made-up local one). */
void vnet_mac(struct vnet *d, uint8_t mac[6]);
/** vnet_link_up - the link status the device reports (always up without VIRTIO_NET_F_STATUS). */
bool vnet_link_up(struct vnet *d);
/** vnet_irq_mode - e.g. "MSI-X vectors 48 (rx) 49 (tx) 50 (config)" or "INTx GSI 22 vector 48". */
const char *vnet_irq_mode(struct vnet *d);

/*
 * RX: the driver calls rx(ctx, frame, len, buf) for each frame (Ethernet header first, virtio
 * header stripped), in softirq context. The upper layer owns buf until it calls
 * vnet_rx_release(d, buf), from any context; the driver then puts that buffer back on the RX
 * ring (refill). Without a handler, frames are counted and their buffers reused at once.
 */
void vnet_set_rx_handler(struct vnet *d, void (*rx)(void *ctx, void *frame, size_t len, void *buf),
			 void *ctx);
/** vnet_rx_owner - the ctx of the receive handler installed now (NULL: none). */
void *vnet_rx_owner(struct vnet *d);
void vnet_rx_release(struct vnet *d, void *buf);

/*
 * TX: send one frame given as up to VNET_TX_MAX_SEGS segments (the driver prepends the virtio
 * header itself; the segments must stay untouched until done). done(arg) is called once the
 * device has consumed them (softirq context). Returns 0; -EAGAIN when the ring is full;
 * -EMSGSIZE when longer than VNET_FRAME_MAX; -EINVAL for no segments, too many, or a frame
 * shorter than an Ethernet header. Callable from thread context with bottom halves disabled,
 * or from the softirq. The frame is published at once, but the device is told (the doorbell)
 * only by the SOFTIRQ_NET_TX bottom half, which runs when the caller's section ends (or later in
 * the same softirq run): one doorbell for every frame sent meanwhile.
 */
struct vnet_seg {
	const void *data;	/* identity-mapped memory: its address is what the device reads */
	size_t len;
};
int vnet_tx(struct vnet *d, const struct vnet_seg *segs, int nsegs, void (*done)(void *arg),
	    void *arg);

/*
 * Under a plug (sched_plug: a thread working through the events epoll_wait gave it) the transmit
 * doorbell waits for the plug's end, for VNET_TX_BATCH frames, or for VNET_TX_PLUG_NS, whichever
 * comes first (the last one checked at each send and each poll, and so at worst by the TX timer).
 */
#define VNET_TX_BATCH		32
#define VNET_TX_PLUG_NS		(200 * NSEC_PER_USEC)

/* Counters for reports and tests. */
struct vnet_stats {
	uint64_t rx_frames;		/* frames handed up (or dropped for want of a handler) */
	uint64_t rx_bytes;		/* their lengths, virtio header excluded */
	uint64_t rx_dropped_bad_len;	/* used length shorter than header + Ethernet header or
					 * longer than the buffer: dropped */
	uint64_t rx_dropped_bad_hdr;	/* virtio header asks for what was not negotiated (a partial
					 * checksum to finish, a GSO frame): dropped */
	uint64_t rx_bad_token;		/* used buffer that was not posted to the device: ignored */
	uint64_t tx_frames;		/* frames the device consumed (done called) */
	uint64_t tx_bytes;
	uint64_t tx_ring_full;		/* vnet_tx calls answered -EAGAIN */
	uint64_t irqs;			/* hardware interrupts taken */
	uint64_t polls;			/* vnet_rx_poll runs */
	uint64_t tx_watchdog_kicks;	/* doorbells rung by the TX watchdog (see virtio_net.c) */
	uint64_t tx_doorbells;		/* doorbells rung by the deferred TX kick (SOFTIRQ_NET_TX) */
	uint64_t tx_kicks_deferred;	/* frames published with their doorbell left to that kick */
	uint64_t tx_plugged;		/* doorbell decisions held back by a thread's plug */
	uint64_t busy_polls;		/* vnet_busy_poll runs */
	uint64_t busy_frames;		/* frames they found */
};
void vnet_stats(struct vnet *d, struct vnet_stats *s);

/**
 * vnet_busy_poll - busy polling from a thread (bottom halves on): up to @budget received frames
 * handed up, transmit completions reclaimed. With @prefer the receive interrupt stays off until
 * vnet_busy_poll_end. Returns the frames taken.
 * vnet_busy_poll_end - the poller stops: the interrupt back on, with a look for what came.
 */
int vnet_busy_poll(struct vnet *d, unsigned budget, bool prefer);
void vnet_busy_poll_end(struct vnet *d);

/**
 * vnet_tx_lose_kick - fault injection for tests: forget the doorbell owed for the frames
 * published so far, as if the device had missed the notification. Call with bottom halves
 * disabled, right after vnet_tx. Only the TX watchdog can then get those frames out.
 */
void vnet_tx_lose_kick(struct vnet *d);

/**
 * vnet_rx_frame_len - the frame length in a receive buffer of @buf_size bytes for which the
 * device reported @used_len bytes written, or -1 when that length cannot be right (shorter than
 * the virtio header plus an Ethernet header, or longer than the buffer). Device input: checked
 * before anything trusts it.
 */
static inline int vnet_rx_frame_len(uint32_t used_len, uint32_t buf_size)
{
	if (used_len < VNET_HDR_LEN + VNET_ETH_HLEN || used_len > buf_size)
		return -1;
	return (int)(used_len - VNET_HDR_LEN);
}

#define VNET_HDR_F_NEEDS_CSUM	1	/* virtio_net_hdr flags: checksum left partial */
#define VNET_HDR_GSO_NONE	0	/* virtio_net_hdr gso_type */

/**
 * vnet_rx_hdr_ok - whether the virtio-net header @hdr the device wrote before a received frame
 * fits the features negotiated. Without GUEST_CSUM and the GUEST_TSO/UFO features, NEEDS_CSUM
 * (a partial checksum left for us to finish) and any GSO type are device errors: the frame
 * would reach the stack with a checksum that cannot verify, or bigger than what was described.
 * DATA_VALID is tolerated: Linux's tap reports it whatever was negotiated, and the stack checks
 * every checksum itself. num_buffers is not looked at: without MRG_RXBUF the device need not
 * write it. Device input, like the length.
 */
static inline bool vnet_rx_hdr_ok(const uint8_t *hdr)
{
	return !(hdr[0] & VNET_HDR_F_NEEDS_CSUM) && hdr[1] == VNET_HDR_GSO_NONE;
}

#endif
