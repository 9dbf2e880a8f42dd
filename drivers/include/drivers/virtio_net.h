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
/* A receive buffer's size with VNET_OFFLOAD_RX_TSO4: a large segment spans num_buffers of them,
 * and each piece costs both sides a descriptor, a pbuf and a release (a 16 KiB segment takes 2
 * here, 9 of VNET_RX_BUF_SIZE; 64 KiB 5, not 33). A power of two. */
#define VNET_RX_BUF_SIZE_TSO	16384
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
 * Offloads (vnet_offloads): each is negotiated only when the device offers it and the command
 * line does not say vnet_offload=off; without it the stack does the work itself.
 */
#define VNET_OFFLOAD_TX_CSUM	0x1	/* F_CSUM: the device completes a checksum we leave partial */
#define VNET_OFFLOAD_RX_CSUM	0x2	/* F_GUEST_CSUM: frames may come with partial checksums
					 * (finished or trusted here) or verified ones */
#define VNET_OFFLOAD_TSO4	0x4	/* F_HOST_TSO4 (with F_CSUM): the device cuts a large
					 * TCP segment at gso_size */
#define VNET_OFFLOAD_RX_TSO4	0x8	/* F_GUEST_TSO4 with F_MRG_RXBUF and F_GUEST_CSUM: a large
					 * TCP segment may arrive, spread over several buffers */
/* The largest frame with a GSO request: an IPv4 datagram of 64 KiB behind its Ethernet header. */
#define VNET_GSO_FRAME_MAX	(VNET_ETH_HLEN + 65535)
/** vnet_offloads - the VNET_OFFLOAD_* negotiated with device @d. */
unsigned vnet_offloads(struct vnet *d);

/*
 * RX: the driver calls rx(ctx, frags, nfrags, len, flags) for each frame of @len bytes: its
 * pieces in order (the Ethernet header and at least VNET_ETH_HLEN bytes in the first; more than
 * one only with VNET_OFFLOAD_RX_TSO4, each in its own receive buffer), virtio header stripped
 * and checked by vnet_rx_hdr_check, in softirq context. flags holds VNET_RX_CSUM_OK when the
 * frame's TCP or UDP checksum needs no verification (the device verified it, or left it
 * partial: a frame from the host's own stack). The upper layer owns each piece's buf until it
 * calls vnet_rx_release(d, buf), from any context; the driver then puts that buffer back on the
 * RX ring (refill). Without a handler, frames are counted and their buffers reused at once.
 */
#define VNET_RX_CSUM_OK		0x1
#define VNET_RX_CSUM_DONE	0x2	/* a partial checksum was finished by the driver (counted) */
#define VNET_RX_MAX_FRAGS	33	/* pieces of a frame at most: 64 KiB in 2 KiB buffers */
/* The largest frame received: as VNET_GSO_FRAME_MAX, within the 16-bit lengths of the stack. */
#define VNET_RX_FRAME_MAX	65535
struct vnet_rx_frag {
	void *data;		/* the bytes */
	size_t len;
	void *buf;		/* the buffer to release */
};
typedef void (*vnet_rx_fn)(void *ctx, const struct vnet_rx_frag *frags, int nfrags, size_t len,
			   unsigned flags);
void vnet_set_rx_handler(struct vnet *d, vnet_rx_fn rx, void *ctx);
/** vnet_rx_owner - the ctx of the receive handler installed now (NULL: none). */
void *vnet_rx_owner(struct vnet *d);
void vnet_rx_release(struct vnet *d, void *buf);
/** vnet_rx_lendable - receive buffers the upper layer may hold while the ring still refills
 * completely (the pool less one ring's worth). */
unsigned vnet_rx_lendable(struct vnet *d);
/** vnet_rx_buf_size - the size of each receive buffer: VNET_RX_BUF_SIZE, or VNET_RX_BUF_SIZE_TSO
 * with VNET_OFFLOAD_RX_TSO4. */
unsigned vnet_rx_buf_size(struct vnet *d);

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
 * What the device is asked to do for one frame (vnet_tx_offload): with csum_offset nonzero,
 * compute the ones'-complement checksum from byte csum_start of the frame to its end (the field
 * holding the pseudo-header sum) and store it at csum_start + csum_offset. Needs
 * VNET_OFFLOAD_TX_CSUM, and both within the frame: else -EINVAL. With gso_size too (needs
 * VNET_OFFLOAD_TSO4, hdr_len past the TCP header and within the frame), the frame may be up to
 * VNET_GSO_FRAME_MAX bytes: a TCP segment the device cuts into gso_size-byte ones.
 */
struct vnet_tx_offload {
	uint16_t csum_start;	/* checksummed from here (the TCP header) */
	uint16_t csum_offset;	/* the checksum field, from csum_start (16 for TCP, 6 for UDP) */
	uint16_t gso_size;	/* non-zero: an IPv4 TCP segment to cut into this much payload each */
	uint16_t hdr_len;	/* with gso_size: Ethernet + IPv4 + TCP header bytes */
};
/*
 * A sender refused with -EAGAIN (the ring full) is told when a frame of any shape fits again:
 * wake(ctx) runs after the device's completions are reclaimed (softirq, or a busy poll with
 * bottom halves off), once per refusal, and may send. Linux's netif_stop_queue/netif_wake_queue.
 */
void vnet_set_tx_wake(struct vnet *d, void (*wake)(void *ctx), void *ctx);
/** vnet_tx_room - whether a frame of any shape fits in the ring now (what the device has
 * finished reclaimed first); bottom halves off. false counts as a refusal: the caller is woken
 * (vnet_set_tx_wake) once there is room. */
bool vnet_tx_room(struct vnet *d);
/** vnet_tx_offload - vnet_tx with offloads (@off NULL: none). */
int vnet_tx_offload(struct vnet *d, const struct vnet_seg *segs, int nsegs,
		    const struct vnet_tx_offload *off, void (*done)(void *arg), void *arg);

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
	uint64_t rx_dropped_bad_hdr;	/* virtio header refused by vnet_rx_hdr_check: dropped */
	uint64_t rx_csum_trusted;	/* frames handed up with VNET_RX_CSUM_OK */
	uint64_t rx_csum_completed;	/* partial checksums finished in software (odd layouts) */
	uint64_t tx_csum_offloaded;	/* frames sent with their checksum left to the device */
	uint64_t tx_gso_frames;		/* of them, large segments for the device to cut */
	uint64_t rx_bad_token;		/* used buffer that was not posted to the device: ignored */
	uint64_t rx_bad_nbufs;		/* frames vnet_rx_gather refused (num_buffers 0, past
					 * VNET_RX_MAX_FRAGS or past what the used ring held, a
					 * length wrong, a frame past VNET_RX_FRAME_MAX): dropped */
	uint64_t rx_gso_frames;		/* large segments received (GUEST_TSO4) */
	uint64_t tx_frames;		/* frames the device consumed (done called) */
	uint64_t tx_bytes;
	uint64_t tx_ring_full;		/* vnet_tx calls answered -EAGAIN, vnet_tx_room false */
	uint64_t tx_wakes;		/* senders woken after a refusal (vnet_set_tx_wake) */
	uint64_t irqs;			/* hardware interrupts taken */
	uint64_t polls;			/* vnet_rx_poll runs */
	uint64_t tx_watchdog_kicks;	/* doorbells rung by the TX watchdog (see virtio_net.c) */
	uint64_t tx_doorbells;		/* doorbells rung by the deferred TX kick (SOFTIRQ_NET_TX) */
	uint64_t tx_kicks_deferred;	/* frames published with their doorbell left to that kick */
	uint64_t tx_plugged;		/* doorbell decisions held back by a thread's plug */
	uint64_t busy_polls;		/* vnet_busy_poll runs */
	uint64_t busy_frames;		/* frames they found */
	uint64_t busy_suspend_expired;	/* interrupts turned back on by the safety net */
	uint64_t rx_defer_polls;	/* polls that left the receive interrupt off (vnet_rx_defer=) */
	uint64_t rx_defer_expired;	/* ... turned back on because the poll points stopped coming */
};
void vnet_stats(struct vnet *d, struct vnet_stats *s);

/**
 * vnet_busy_poll - busy polling from a thread (bottom halves on): up to @budget received frames
 * handed up, transmit completions reclaimed. With @prefer the receive interrupt stays off until
 * vnet_busy_poll_end. Returns the frames taken.
 * vnet_busy_poll_end - the poller stops. With @keep_off (it will be back) the interrupt stays
 * off, until VNET_BUSY_SUSPEND_NS (2 ms) pass with no poll; else it is back on at once, with a
 * look for what came.
 */
int vnet_busy_poll(struct vnet *d, unsigned budget, bool prefer);
void vnet_busy_poll_end(struct vnet *d, bool keep_off);

/**
 * Receive interrupt deferral (vnet_rx_defer=USECS on the command line; 0: off). A poll that
 * runs while a thread has the CPU leaves the receive interrupt (and the transmit one) off and
 * asks for the next poll @usecs later, at the first return to user mode past that time
 * (raise_softirq_at): under load the NIC is polled from the path the application takes anyway,
 * with no interrupt to take (each one an exit to the emulator). A poll on an idle CPU, or
 * before the CPU halts, turns the interrupt back on; so does a poll that comes over
 * VNET_RX_DEFER_LATE_NS late (a thread that stops returning to user mode: the TX timer's
 * poll notices within VNET_TX_WATCHDOG_NS). Linux's napi_defer_hard_irqs with
 * gro_flush_timeout, its poll driven by the application's system calls rather than a timer.
 * vnet_set_rx_defer sets @ns (0: off) at run time and returns the old value.
 */
uint64_t vnet_set_rx_defer(struct vnet *d, uint64_t ns);
#define VNET_RX_DEFER_MAX_US	10000	/* vnet_rx_defer= at most */
/** vnet_rx_waiting - whether the device has handed back a receive buffer no poll has taken. */
bool vnet_rx_waiting(struct vnet *d);

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

/**
 * vnet_rx_hdr_check - check the virtio-net header @hdr (VNET_HDR_LEN bytes) the device wrote
 * before a received frame of @len bytes whose first @first bytes are at @frame (the rest in
 * further buffers), against the offloads negotiated (@offloads, VNET_OFFLOAD_*). Returns 0
 * and sets *@rx_flags (VNET_RX_CSUM_OK) for a frame to hand up, or a negative errno for one to
 * drop and count: flags or a GSO type not negotiated, a partial checksum whose start or field
 * lies outside the frame or inside its Ethernet header, hdr_len past the frame, a GSO frame
 * that is not an unfragmented IPv4 TCP segment with a trusted checksum and a gso_size. A
 * partial checksum is trusted (VNET_RX_CSUM_OK) when it is where an IPv4 TCP or UDP checksum
 * lives in an unfragmented datagram; any other in-bounds one is finished here, in @frame (a
 * frame in one piece only: else refused). DATA_VALID is honoured with VNET_OFFLOAD_RX_CSUM for
 * the same unfragmented TCP and UDP datagrams only, and ignored otherwise (Linux's tap sets it
 * whatever was negotiated; the stack then checks). Device input: pure code, fuzzed and
 * host-tested.
 */
int vnet_rx_hdr_check(const uint8_t *hdr, uint8_t *frame, size_t first, size_t len,
		      unsigned offloads, unsigned *rx_flags);
/**
 * vnet_rx_gather - the rest of a frame whose first buffer, @f[0], says it spans @nb buffers
 * (num_buffers, MRG_RXBUF): @next(@ctx, &len) gives each further used buffer of ours and the
 * length the device wrote in it, or NULL when the used ring holds no more. Returns the frame's
 * length, or -1 when @nb is 0 or past VNET_RX_MAX_FRAGS, the ring runs out first, a length is 0
 * or past @buf_size (the receive buffers' size), or the frame passes VNET_RX_FRAME_MAX. Either
 * way *@nfrags pieces are in @f (the first included): on -1 the caller gives their buffers back.
 * Device input: pure code, fuzzed and host-tested.
 */
long vnet_rx_gather(struct vnet_rx_frag *f, unsigned nb, void *(*next)(void *ctx, uint32_t *len),
		    void *ctx, uint32_t buf_size, int *nfrags);
/** vnet_csum_sum - the ones'-complement sum of @f[@start, @len) (big-endian words, an odd last
 * byte padded) plus @sum, folded to 16 bits, not complemented. */
uint16_t vnet_csum_sum(const uint8_t *f, size_t start, size_t len, uint32_t sum);

#endif
