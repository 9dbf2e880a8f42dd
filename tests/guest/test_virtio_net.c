// SPDX-License-Identifier: MIT
/* virtio-net through its API, with QEMU user networking and no IP stack: ARP requests for the
 * user-net gateway 10.0.2.2 (an address that exists only inside QEMU's emulated network) go out
 * through vnet_tx, and QEMU's replies come back through the receive path. Cases that need a
 * device pass with "no device" when the machine has none (tools/run/qemu.sh --net user adds one). */
#include <arch/cpu.h>
#include <drivers/virtio_net.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <string.h>

#define ARP_FRAME_LEN	42
#define HELD_MAX	32

static const uint8_t guest_ip[4] = { 10, 0, 2, 15 };	/* QEMU user net's guest address */
static const uint8_t gateway_ip[4] = { 10, 0, 2, 2 };

/* What the receive handler saw; written in softirq context, read by the test thread. */
static struct {
	struct vnet *dev;
	uint8_t mac[6];
	volatile uint64_t frames;
	volatile uint64_t arp_replies;	/* replies from 10.0.2.2 to our MAC */
	uint8_t gateway_mac[6];
	volatile int bad_context;	/* handler or done not in softirq context */
	int hold_every;			/* keep every Nth buffer rather than release it */
	void *held[HELD_MAX];
	volatile int nheld;
	volatile uint64_t tx_done;
	uint64_t rx_cycles_sum;		/* per-frame cost inside one poll (handler to handler) */
	uint64_t rx_cycles_n;
	uint64_t last_rx_tsc;
} rxs;

static struct vnet *device_or_skip(void)
{
	struct vnet *d = vnet_get(0);
	if (!d)
		printk("    no device (boot with tools/run/qemu.sh --net user): nothing to check\n");
	return d;
}

static void build_arp_request(uint8_t eth[14], uint8_t arp[28], const uint8_t mac[6])
{
	memset(eth, 0xff, 6);			/* broadcast */
	memcpy(eth + 6, mac, 6);
	eth[12] = 0x08;				/* ARP */
	eth[13] = 0x06;
	const uint8_t hdr[8] = { 0, 1, 0x08, 0x00, 6, 4, 0, 1 };	/* Ethernet, IPv4, request */
	memcpy(arp, hdr, 8);
	memcpy(arp + 8, mac, 6);
	memcpy(arp + 14, guest_ip, 4);
	memset(arp + 18, 0, 6);
	memcpy(arp + 24, gateway_ip, 4);
}

static void test_rx(void *ctx, const struct vnet_rx_frag *frags, int nfrags, size_t len,
		    unsigned flags)
{
	const uint8_t *f = frags[0].data;
	void *buf = frags[0].buf;
	uint64_t now = arch_cycles();

	(void)ctx;
	(void)flags;
	(void)len;
	if (!in_softirq() || in_irq())
		rxs.bad_context++;
	if (now - rxs.last_rx_tsc < 200000) {	/* same poll burst */
		rxs.rx_cycles_sum += now - rxs.last_rx_tsc;
		rxs.rx_cycles_n++;
	}
	rxs.last_rx_tsc = now;
	rxs.frames++;
	for (int k = 1; k < nfrags; k++)	/* a large segment's further pieces: not looked at */
		vnet_rx_release(rxs.dev, frags[k].buf);
	if (frags[0].len >= ARP_FRAME_LEN && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
	    !memcmp(f + 28, gateway_ip, 4) && !memcmp(f + 32, rxs.mac, 6) && !memcmp(f, rxs.mac, 6)) {
		memcpy(rxs.gateway_mac, f + 22, 6);
		rxs.arp_replies++;
	}
	/* The upper layer owns the buffer until it releases it: keep some for later. */
	if (rxs.hold_every && rxs.frames % rxs.hold_every == 0 && rxs.nheld < HELD_MAX) {
		rxs.held[rxs.nheld++] = buf;
		return;
	}
	vnet_rx_release(rxs.dev, buf);
}

static void test_tx_done(void *arg)
{
	(void)arg;
	if (!in_softirq() || in_irq())
		rxs.bad_context++;
	rxs.tx_done++;
}

/* Every frame published so far has completed (waits up to 2 s): the device is then idle and,
 * with event-idx, waiting for the next doorbell. Transmit completions are
 * reclaimed lazily (the TX interrupt is off while the ring has room), so a test that counts
 * them starts from here. */
static bool tx_idle(struct vnet *d)
{
	struct vnet_stats s;
	uint64_t end = ktime_ns() + 2000 * NSEC_PER_MSEC;
	for (;;) {
		vnet_stats(d, &s);
		if (s.tx_frames == s.tx_kicks_deferred || ktime_ns() >= end)
			return s.tx_frames == s.tx_kicks_deferred;
		msleep(1);
	}
}

static void rx_setup(struct vnet *d)
{
	tx_idle(d);	/* the previous test's completions land in its own counters */
	memset(&rxs, 0, sizeof(rxs));
	rxs.dev = d;
	vnet_mac(d, rxs.mac);
	vnet_set_rx_handler(d, test_rx, NULL);
}

static void rx_teardown(struct vnet *d)
{
	vnet_set_rx_handler(d, NULL, NULL);
	for (int i = 0; i < rxs.nheld; i++)
		vnet_rx_release(d, rxs.held[i]);
	rxs.nheld = 0;
}

/* The frame every request sends: the device only reads it, so one copy serves all in flight. */
static uint8_t arp_eth[14], arp_body[28];

static int send_arp(struct vnet *d)
{
	struct vnet_seg segs[2] = { { arp_eth, sizeof(arp_eth) }, { arp_body, sizeof(arp_body) } };
	local_bh_disable();
	int rc = vnet_tx(d, segs, 2, test_tx_done, NULL);
	local_bh_enable();	/* runs the bottom half if an interrupt raised it meanwhile */
	return rc;
}

KTEST(vnet, rx_length_validation)
{
	/* What the receive path checks before trusting a used length from the device. */
	EXPECT_EQ(vnet_rx_frame_len(0, VNET_RX_BUF_SIZE), -1);
	EXPECT_EQ(vnet_rx_frame_len(VNET_HDR_LEN - 1, VNET_RX_BUF_SIZE), -1);
	EXPECT_EQ(vnet_rx_frame_len(VNET_HDR_LEN, VNET_RX_BUF_SIZE), -1);
	EXPECT_EQ(vnet_rx_frame_len(VNET_HDR_LEN + VNET_ETH_HLEN - 1, VNET_RX_BUF_SIZE), -1);
	EXPECT_EQ(vnet_rx_frame_len(VNET_HDR_LEN + VNET_ETH_HLEN, VNET_RX_BUF_SIZE), VNET_ETH_HLEN);
	EXPECT_EQ(vnet_rx_frame_len(VNET_HDR_LEN + 1514, VNET_RX_BUF_SIZE), 1514);
	EXPECT_EQ(vnet_rx_frame_len(VNET_RX_BUF_SIZE, VNET_RX_BUF_SIZE),
		  VNET_RX_BUF_SIZE - VNET_HDR_LEN);
	EXPECT_EQ(vnet_rx_frame_len(VNET_RX_BUF_SIZE + 1, VNET_RX_BUF_SIZE), -1);
	EXPECT_EQ(vnet_rx_frame_len(0xffffffffu, VNET_RX_BUF_SIZE), -1);
}

KTEST(vnet, device_is_up)
{
	struct vnet *d = device_or_skip();
	if (!d)
		return;
	uint8_t mac[6];
	vnet_mac(d, mac);
	EXPECT_EQ(mac[0] & 1, 0);			/* unicast */
	EXPECT_TRUE(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
	EXPECT_TRUE(vnet_link_up(d));
	const char *mode = vnet_irq_mode(d);
	EXPECT_TRUE(!strncmp(mode, "MSI-X vectors ", 14) || !strncmp(mode, "INTx GSI ", 9));
	printk("    %02x:%02x:%02x:%02x:%02x:%02x, %s\n", mac[0], mac[1], mac[2], mac[3], mac[4],
	       mac[5], mode);
	EXPECT_TRUE(vnet_get(VNET_MAX_DEVICES) == NULL);
}

KTEST(vnet, tx_rejects_bad_frames)
{
	struct vnet *d = device_or_skip();
	if (!d)
		return;
	static uint8_t big[VNET_FRAME_MAX + 1];
	struct vnet_seg segs[VNET_TX_MAX_SEGS + 1];
	for (int i = 0; i <= VNET_TX_MAX_SEGS; i++)
		segs[i] = (struct vnet_seg){ big, 64 };
	struct vnet_stats s0, s1;
	vnet_stats(d, &s0);
	local_bh_disable();
	EXPECT_EQ(vnet_tx(d, segs, 0, NULL, NULL), -EINVAL);
	EXPECT_EQ(vnet_tx(d, segs, VNET_TX_MAX_SEGS + 1, NULL, NULL), -EINVAL);
	struct vnet_seg tiny = { big, VNET_ETH_HLEN - 1 };
	EXPECT_EQ(vnet_tx(d, &tiny, 1, NULL, NULL), -EINVAL);
	struct vnet_seg huge = { big, sizeof(big) };
	EXPECT_EQ(vnet_tx(d, &huge, 1, NULL, NULL), -EMSGSIZE);
	struct vnet_seg split[2] = { { big, 1000 }, { big, VNET_FRAME_MAX - 999 } };
	EXPECT_EQ(vnet_tx(d, split, 2, NULL, NULL), -EMSGSIZE);
	local_bh_enable();
	vnet_stats(d, &s1);
	EXPECT_EQ(s1.tx_frames, s0.tx_frames);
}

static void one_arp(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	struct vnet_stats s0, s1;
	rx_setup(d);
	vnet_stats(d, &s0);
	build_arp_request(arp_eth, arp_body, rxs.mac);
	EXPECT_EQ(send_arp(d), 0);
	bool got = WAIT_FOR(rxs.arp_replies >= 1 && rxs.tx_done >= 1, 5000);
	vnet_stats(d, &s1);
	rx_teardown(d);
	ASSERT_TRUE(got);
	printk("    %s: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", vnet_irq_mode(d),
	       rxs.gateway_mac[0], rxs.gateway_mac[1], rxs.gateway_mac[2], rxs.gateway_mac[3],
	       rxs.gateway_mac[4], rxs.gateway_mac[5]);
	EXPECT_EQ(rxs.bad_context, 0);
	EXPECT_EQ(s1.tx_frames, s0.tx_frames + 1);
	EXPECT_EQ(s1.tx_bytes, s0.tx_bytes + ARP_FRAME_LEN);
	EXPECT_GE(s1.rx_frames, s0.rx_frames + 1);
	EXPECT_GE(s1.rx_bytes, s0.rx_bytes + ARP_FRAME_LEN);
	EXPECT_GE(s1.irqs, s0.irqs + 1);		/* the reply came by interrupt */
	EXPECT_GE(s1.polls, s0.polls + 1);
	EXPECT_EQ(s1.rx_dropped_bad_len, s0.rx_dropped_bad_len);
}

static void many_arps(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	enum { N = 2000, WINDOW = 96 };
	struct vnet_stats s0, s1;
	rx_setup(d);
	rxs.hold_every = 37;		/* the upper layer keeps some buffers a while */
	vnet_stats(d, &s0);
	build_arp_request(arp_eth, arp_body, rxs.mac);

	uint64_t t0 = ktime_ns(), end = t0 + 60 * NSEC_PER_SEC;
	int sent = 0, again = 0;
	while (sent < N && ktime_ns() < end) {
		if (sent - (int)rxs.arp_replies >= WINDOW) {
			msleep(1);
			continue;
		}
		int rc = send_arp(d);
		if (rc == -EAGAIN) {
			again++;
			msleep(1);
			continue;
		}
		if (rc)
			break;
		sent++;
		if (rxs.nheld == HELD_MAX) {
			/* Give the held buffers back from this thread, bottom halves enabled
			 * (taking them off the list is what needs the handler kept out). */
			void *back[HELD_MAX];
			local_bh_disable();
			int n = rxs.nheld;
			memcpy(back, rxs.held, sizeof(back));
			rxs.nheld = 0;
			local_bh_enable();
			for (int i = 0; i < n; i++)
				vnet_rx_release(d, back[i]);
		}
	}
	bool all = WAIT_FOR(rxs.arp_replies >= N && rxs.tx_done >= N, 10000);
	uint64_t ms = (ktime_ns() - t0) / NSEC_PER_MSEC;
	vnet_stats(d, &s1);
	int held = rxs.nheld;
	rx_teardown(d);

	printk("    %s: %d requests, %llu replies in %llu ms; %d -EAGAIN; %llu interrupts, "
	       "%llu polls; %d buffers held at the end\n", vnet_irq_mode(d), sent,
	       (unsigned long long)rxs.arp_replies, (unsigned long long)ms, again,
	       (unsigned long long)(s1.irqs - s0.irqs), (unsigned long long)(s1.polls - s0.polls),
	       held);
	if (rxs.rx_cycles_n)
		printk("    receive path, frame to frame in a poll: %llu cycles (handler included)\n",
		       (unsigned long long)(rxs.rx_cycles_sum / rxs.rx_cycles_n));
	EXPECT_EQ(sent, N);
	ASSERT_TRUE(all);
	EXPECT_EQ(rxs.bad_context, 0);
	EXPECT_EQ(rxs.tx_done, N);
	EXPECT_EQ(s1.tx_frames - s0.tx_frames, N);
	EXPECT_EQ(s1.tx_bytes - s0.tx_bytes, (uint64_t)N * ARP_FRAME_LEN);
	EXPECT_EQ(s1.tx_ring_full - s0.tx_ring_full, again);
	EXPECT_GE(s1.rx_frames - s0.rx_frames, N);
	EXPECT_EQ(s1.rx_dropped_bad_len, s0.rx_dropped_bad_len);
	EXPECT_EQ(s1.rx_dropped_bad_hdr, s0.rx_dropped_bad_hdr);
	EXPECT_EQ(s1.rx_bad_token, s0.rx_bad_token);
	EXPECT_GT(s1.irqs, s0.irqs);
	EXPECT_GT(s1.polls, s0.polls);
	/* More frames than the rings hold went through both: ring wrap, TX reclaim and RX refill
	 * (with buffers lent out meanwhile) all worked. */
	EXPECT_GT(N, 256 * 4);
}

/* A 60-byte frame to nobody's MAC, local experimental EtherType: nobody answers it. */
static void build_stray_frame(uint8_t frame[60])
{
	memset(frame, 0, 60);
	memcpy(frame, (const uint8_t[]){ 0x02, 0, 0, 0, 0, 0x99 }, 6);
	memcpy(frame + 6, rxs.mac, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
}

/* Frames nobody answers: their completions must come without receive traffic. Fewer than half
 * the ring: the transmit interrupt stays off and the TX timer's polls reclaim them. */
static void tx_only(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	enum { N = 50 };
	static uint8_t frame[60];
	struct vnet_stats s0, s1;
	rx_setup(d);
	vnet_stats(d, &s0);
	build_stray_frame(frame);
	struct vnet_seg seg = { frame, sizeof(frame) };
	int sent = 0;
	for (int i = 0; i < N; i++) {
		local_bh_disable();
		sent += vnet_tx(d, &seg, 1, test_tx_done, NULL) == 0;
		local_bh_enable();
	}
	bool done = WAIT_FOR(rxs.tx_done >= (uint64_t)sent, 2000);
	vnet_stats(d, &s1);
	rx_teardown(d);
	EXPECT_EQ(sent, N);
	EXPECT_TRUE(done);
	EXPECT_EQ(rxs.tx_done, sent);
	EXPECT_EQ(rxs.arp_replies, 0);
	EXPECT_EQ(s1.tx_frames - s0.tx_frames, sent);
	EXPECT_GT(s1.polls, s0.polls);
	EXPECT_LT(s1.irqs - s0.irqs, (uint64_t)sent / 10);	/* not one interrupt per frame */
}

/* Every device, each on its own QEMU network. */
KTEST(vnet, arp_reply_from_gateway)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		one_arp(ktest_ctx, d);
}

KTEST(vnet, two_thousand_arps_wrap_the_rings)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		many_arps(ktest_ctx, d);
}

KTEST(vnet, tx_completes_without_rx_traffic)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		tx_only(ktest_ctx, d);
}

KTEST(vnet, release_of_foreign_buffer_is_ignored)
{
	struct vnet *d = device_or_skip();
	if (!d)
		return;
	static uint8_t not_ours[VNET_RX_BUF_SIZE];
	vnet_rx_release(d, not_ours);
	vnet_rx_release(d, NULL);
	/* The ring still works afterwards. */
	rx_setup(d);
	build_arp_request(arp_eth, arp_body, rxs.mac);
	EXPECT_EQ(send_arp(d), 0);
	bool got = WAIT_FOR(rxs.arp_replies >= 1, 5000);
	rx_teardown(d);
	EXPECT_TRUE(got);
}

/*
 * The transmit doorbell is deferred to SOFTIRQ_NET_TX: frames sent inside a bottom-half-off
 * section (or from another softirq) are published at once but the device is told only after,
 * with one doorbell for all of them, and none is left untold.
 */
static uint8_t defer_frame[60];
static struct vnet *defer_dev;
static volatile int defer_sent;
static struct vnet_stats defer_in_softirq;	/* counters seen by the softirq after sending */

static void defer_softirq(void)
{
	struct vnet_seg seg = { defer_frame, sizeof(defer_frame) };
	for (int i = 0; i < 3; i++)
		defer_sent += vnet_tx(defer_dev, &seg, 1, test_tx_done, NULL) == 0;
	vnet_stats(defer_dev, &defer_in_softirq);
}

static void tx_deferred(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	enum { N = 8 };
	struct vnet_stats s0, s1, s2, s3;
	rx_setup(d);
	build_stray_frame(defer_frame);
	struct vnet_seg seg = { defer_frame, sizeof(defer_frame) };
	ASSERT_TRUE(tx_idle(d));

	/* A thread's section: no doorbell inside, exactly one when it ends. */
	vnet_stats(d, &s0);
	int sent = 0;
	local_bh_disable();
	for (int i = 0; i < N; i++)
		sent += vnet_tx(d, &seg, 1, test_tx_done, NULL) == 0;
	vnet_stats(d, &s1);
	local_bh_enable();
	vnet_stats(d, &s2);
	EXPECT_EQ(sent, N);
	EXPECT_EQ(s1.tx_doorbells, s0.tx_doorbells);
	EXPECT_EQ(s1.tx_kicks_deferred - s0.tx_kicks_deferred, N);
	EXPECT_EQ(s2.tx_doorbells - s0.tx_doorbells, 1);
	EXPECT_TRUE(WAIT_FOR(rxs.tx_done >= (uint64_t)N, 2000));	/* nothing left untold */
	ASSERT_TRUE(tx_idle(d));

	/* From another softirq: the doorbell comes in a later round of the same run. */
	defer_dev = d;
	defer_sent = 0;
	open_softirq(SOFTIRQ_TEST, defer_softirq);
	vnet_stats(d, &s2);
	raise_softirq(SOFTIRQ_TEST);	/* bottom halves enabled: runs right here */
	vnet_stats(d, &s3);
	EXPECT_EQ(defer_sent, 3);
	EXPECT_EQ(defer_in_softirq.tx_doorbells, s2.tx_doorbells);
	EXPECT_EQ(s3.tx_doorbells - s2.tx_doorbells, 1);
	EXPECT_TRUE(WAIT_FOR(rxs.tx_done >= (uint64_t)N + 3, 2000));
	open_softirq(SOFTIRQ_TEST, NULL);
	rx_teardown(d);
	EXPECT_EQ(rxs.tx_done, (uint64_t)N + 3);
	EXPECT_EQ(rxs.bad_context, 0);
}

KTEST(vnet, tx_doorbell_deferred_to_section_end)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		tx_deferred(ktest_ctx, d);
}

/*
 * Under a plug the first doorbell of the batch goes at once and the later ones wait for the
 * plug's end (the thread's next epoll_wait, its blocking, a switch away from it), for
 * VNET_TX_BATCH frames, or for VNET_TX_PLUG_NS: two exits for a batch of events' replies instead
 * of one per reply. A doorbell decision may still find the device busy with the queue and ring
 * nothing (event-idx suppression), so the counts are of decisions held back (tx_plugged) and
 * doorbells at most. "Held back" is checked only when the frames went out within VNET_TX_PLUG_NS
 * (the age rule may ring first on a slow host); every frame is told either way.
 */
static void send_in_sections(struct ktest_ctx *ktest_ctx, struct vnet *d, int n)
{
	struct vnet_seg seg = { defer_frame, sizeof(defer_frame) };
	for (int i = 0; i < n; i++) {
		local_bh_disable();
		EXPECT_EQ(vnet_tx(d, &seg, 1, test_tx_done, NULL), 0);
		local_bh_enable();
	}
}

static void tx_plugged(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	struct vnet_stats s0, s1, s2;
	struct thread *me = current_thread();
	rx_setup(d);
	build_stray_frame(defer_frame);
	ASSERT_TRUE(tx_idle(d));
	uint64_t sent = rxs.tx_done, t0;
	bool quick;

	/* Four sections under a plug: the first rings, three are held and rung at sched_unplug. */
	vnet_stats(d, &s0);
	t0 = ktime_ns();
	sched_plug();
	send_in_sections(ktest_ctx, d, 4);
	vnet_stats(d, &s1);
	quick = ktime_ns() - t0 < VNET_TX_PLUG_NS;
	sched_unplug();
	vnet_stats(d, &s2);
	sent += 4;
	if (quick) {
		EXPECT_EQ(s1.tx_plugged - s0.tx_plugged, 3);
		EXPECT_LE(s1.tx_doorbells - s0.tx_doorbells, 1);
		EXPECT_LE(s2.tx_doorbells - s0.tx_doorbells, 2);
	}
	EXPECT_FALSE(me->plugged);
	EXPECT_TRUE(WAIT_FOR(rxs.tx_done >= sent, 2000));
	ASSERT_TRUE(tx_idle(d));

	/* A full batch after the first rings under the plug; its end has nothing left to tell. */
	vnet_stats(d, &s0);
	t0 = ktime_ns();
	sched_plug();
	send_in_sections(ktest_ctx, d, 1 + VNET_TX_BATCH);
	vnet_stats(d, &s1);
	quick = ktime_ns() - t0 < VNET_TX_PLUG_NS;
	sched_unplug();
	vnet_stats(d, &s2);
	sent += 1 + VNET_TX_BATCH;
	if (quick) {
		EXPECT_EQ(s1.tx_plugged - s0.tx_plugged, VNET_TX_BATCH - 1);
		EXPECT_LE(s1.tx_doorbells - s0.tx_doorbells, 2);
		EXPECT_EQ(s2.tx_doorbells, s1.tx_doorbells);
	}
	EXPECT_TRUE(WAIT_FOR(rxs.tx_done >= sent, 2000));
	ASSERT_TRUE(tx_idle(d));

	/* Blocking ends the plug: the switch away rings for the held frame. (Held only when the
	 * two sections ran within VNET_TX_PLUG_NS, as above: a DEBUG build on a busy host may not.) */
	vnet_stats(d, &s0);
	t0 = ktime_ns();
	sched_plug();
	send_in_sections(ktest_ctx, d, 2);
	quick = ktime_ns() - t0 < VNET_TX_PLUG_NS;
	msleep(1);
	vnet_stats(d, &s1);
	sent += 2;
	EXPECT_FALSE(me->plugged);
	EXPECT_LE(s1.tx_doorbells - s0.tx_doorbells, 2);
	if (quick)
		EXPECT_GE(s1.tx_plugged - s0.tx_plugged, 1);
	EXPECT_TRUE(WAIT_FOR(rxs.tx_done >= sent, 2000));
	ASSERT_TRUE(tx_idle(d));

	/* A plugged thread that never blocks strands nothing: the age rule rings for the held
	 * frame (at worst from the TX timer's poll), with no sleep or switch on its part. */
	sched_plug();
	send_in_sections(ktest_ctx, d, 2);
	sent += 2;
	uint64_t end = ktime_ns() + 200 * NSEC_PER_MSEC;
	while (rxs.tx_done < sent && ktime_ns() < end)
		arch_cpu_relax();
	EXPECT_EQ(rxs.tx_done, sent);
	sched_unplug();
	rx_teardown(d);
	EXPECT_EQ(rxs.bad_context, 0);
}

KTEST(vnet, tx_doorbell_held_by_a_plug)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		tx_plugged(ktest_ctx, d);
}

/*
 * A doorbell the device never got (seen under TCG: frames published, no notification, no
 * interrupt, so no poll) must not strand the frames: the TX watchdog's own timer polls while
 * frames are outstanding and rings after two polls without progress. No receive traffic is
 * needed for it; without the timer these frames would wait for the next received frame.
 */
static void tx_lost_kick(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	struct vnet_stats s0, s1;
	rx_setup(d);
	build_stray_frame(defer_frame);
	struct vnet_seg seg = { defer_frame, sizeof(defer_frame) };
	ASSERT_TRUE(tx_idle(d));
	vnet_stats(d, &s0);
	uint64_t done0 = rxs.tx_done;
	local_bh_disable();
	int err = vnet_tx(d, &seg, 1, test_tx_done, NULL);
	vnet_tx_lose_kick(d);
	local_bh_enable();
	EXPECT_EQ(err, 0);
	EXPECT_TRUE(WAIT_FOR(rxs.tx_done >= done0 + 1, 2000));
	vnet_stats(d, &s1);
	EXPECT_EQ(s1.tx_doorbells, s0.tx_doorbells);
	EXPECT_GE(s1.tx_watchdog_kicks - s0.tx_watchdog_kicks, 1);
	rx_teardown(d);
	EXPECT_EQ(rxs.bad_context, 0);
}

KTEST(vnet, tx_watchdog_recovers_a_lost_doorbell)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		tx_lost_kick(ktest_ctx, d);
}

/* Busy polling with prefer (Linux's prefer_busy_poll with IRQ suspension): a poller that ends
 * having found work keeps the receive interrupt off, so what arrives waits in the ring for its
 * next poll; a poller that ends to sleep turns it back on; one that never comes back has it
 * turned back on by the safety net. */
static void busy_suspend(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	struct vnet_stats s0, s1, s2;

	rx_setup(d);
	build_arp_request(arp_eth, arp_body, rxs.mac);
	vnet_busy_poll(d, 8, true);
	vnet_busy_poll_end(d, true);
	vnet_stats(d, &s0);
	EXPECT_EQ(send_arp(d), 0);
	/* Interrupts and bottom halves on, no poll for 200 us: the reply, if it came, waits. */
	uint64_t until = arch_cycles() + ns_to_cycles(200 * NSEC_PER_USEC);
	while (arch_cycles() < until)
		arch_cpu_relax();
	EXPECT_EQ(rxs.arp_replies, 0);
	uint64_t end = ktime_ns() + 2000 * NSEC_PER_MSEC;
	int found = 0;
	while (!rxs.arp_replies && ktime_ns() < end)
		found += vnet_busy_poll(d, 8, true);
	vnet_stats(d, &s1);
	EXPECT_EQ(rxs.arp_replies, 1);
	EXPECT_GE(found, 1);				/* taken by a poll... */
	EXPECT_EQ(s1.irqs, s0.irqs);			/* ... and by no interrupt */
	EXPECT_EQ(s1.busy_suspend_expired, s0.busy_suspend_expired);

	/* Kept off, and the poller never comes back: the safety net turns it back on. */
	vnet_busy_poll_end(d, true);
	EXPECT_EQ(send_arp(d), 0);
	EXPECT_TRUE(WAIT_FOR(rxs.arp_replies >= 2, 2000));
	vnet_stats(d, &s2);
	EXPECT_EQ(s2.busy_suspend_expired, s1.busy_suspend_expired + 1);

	/* A poller that ends to sleep: on at once, the next reply by interrupt. */
	vnet_busy_poll(d, 8, true);
	vnet_busy_poll_end(d, false);
	vnet_stats(d, &s1);
	EXPECT_EQ(send_arp(d), 0);
	EXPECT_TRUE(WAIT_FOR(rxs.arp_replies >= 3, 2000));
	vnet_stats(d, &s2);
	EXPECT_GE(s2.irqs, s1.irqs + 1);
	EXPECT_EQ(s2.busy_suspend_expired, s1.busy_suspend_expired);
	rx_teardown(d);
	EXPECT_EQ(rxs.bad_context, 0);
}

KTEST(vnet, busy_poll_keeps_the_interrupt_off_while_its_poller_returns)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		busy_suspend(ktest_ctx, d);
}

/* Spin with interrupts and bottom halves on but no poll point, until @cond or @ms pass. */
#define SPIN_FOR(cond, ms) ({ \
	uint64_t spin_end_ = arch_cycles() + ns_to_cycles((uint64_t)(ms) * NSEC_PER_MSEC); \
	while (!(cond) && arch_cycles() < spin_end_) \
		arch_cpu_relax(); \
	(cond); \
})

/* Receive interrupt deferral (vnet_rx_defer=): a poll that runs while a thread has the CPU
 * leaves the interrupt off, and what arrives then waits for a poll point past the deadline,
 * taken by no interrupt; a CPU going idle turns it back on; a thread that stops passing poll
 * points has it turned back on by the TX timer's poll. */
static void rx_defer(struct ktest_ctx *ktest_ctx, struct vnet *d)
{
	struct vnet_stats s0, s1, s2;
	uint64_t was = vnet_set_rx_defer(d, 100 * NSEC_PER_USEC);

	rx_setup(d);
	build_arp_request(arp_eth, arp_body, rxs.mac);
	/* The reply comes by interrupt while this thread has the CPU: its poll defers. */
	EXPECT_EQ(send_arp(d), 0);
	EXPECT_TRUE(SPIN_FOR(rxs.arp_replies >= 1, 2000));
	/* (An interrupt the device sent before that poll deferred may still come: let it, then
	 * take a poll past the deadline from this thread, which defers again.) */
	SPIN_FOR(false, 3);
	softirq_poll_point();
	vnet_stats(d, &s0);
	EXPECT_GE(s0.rx_defer_polls, 1);

	/* Deferred: the next reply waits in the ring, brought by no interrupt, while no poll point
	 * comes, and a poll point past the deadline takes it. The TX timer's poll (the safety
	 * net, VNET_TX_WATCHDOG_NS after the deferring poll) may come first when the device is
	 * slow to answer: such a try shows nothing and is made again. */
	bool waited = false;
	for (int try = 0; try < 5 && !waited; try++) {
		if (try) {				/* a poll from this thread: deferred again */
			SPIN_FOR(false, 3);
			raise_softirq(SOFTIRQ_NET_RX);
			vnet_stats(d, &s0);
		}
		uint64_t before = rxs.arp_replies;
		EXPECT_EQ(send_arp(d), 0);
		SPIN_FOR(vnet_rx_waiting(d) || rxs.arp_replies != before, 2000);
		SPIN_FOR(false, 1);			/* past the deadline */
		vnet_stats(d, &s1);
		if (s1.rx_defer_expired != s0.rx_defer_expired)
			continue;			/* the safety net turned it back on */
		EXPECT_EQ(s1.irqs, s0.irqs);
		if (rxs.arp_replies != before)
			continue;			/* the safety net's poll took it */
		waited = true;
		EXPECT_TRUE(vnet_rx_waiting(d));
		softirq_poll_point();
		EXPECT_EQ(rxs.arp_replies, before + 1);
		vnet_stats(d, &s1);
		EXPECT_EQ(s1.irqs, s0.irqs);
	}
	EXPECT_TRUE(waited);
	uint64_t base = rxs.arp_replies;

	/* The CPU idles (this thread sleeps): the interrupt is back on, the next reply comes by
	 * it, taken by a poll on the idle CPU, which does not defer. The sleep outlasts the TX
	 * timer, whose poll would defer again if it came while this thread runs; one that comes
	 * so all the same (a slow machine) makes the try show nothing, and it is made again. */
	bool by_irq = false;
	for (int try = 0; try < 5 && !by_irq; try++) {
		msleep(30);
		vnet_stats(d, &s1);
		uint64_t before = rxs.arp_replies;
		EXPECT_EQ(send_arp(d), 0);
		EXPECT_TRUE(WAIT_FOR(rxs.arp_replies > before, 2000));
		vnet_stats(d, &s2);
		by_irq = s2.irqs > s1.irqs;
		if (!by_irq && s2.rx_defer_polls == s1.rx_defer_polls)
			break;				/* no interrupt, and no poll deferred */
	}
	EXPECT_TRUE(by_irq);
	base = rxs.arp_replies;

	/* Deferred again, then no poll point for long: the TX timer's polls still take what
	 * arrives, and the first that comes too late turns the interrupt back on, so the next
	 * reply comes by it. */
	EXPECT_EQ(send_arp(d), 0);
	EXPECT_TRUE(SPIN_FOR(rxs.arp_replies >= base + 1, 2000));
	vnet_stats(d, &s1);
	EXPECT_EQ(send_arp(d), 0);
	EXPECT_TRUE(SPIN_FOR(rxs.arp_replies >= base + 2, 200));
	uint64_t end = arch_cycles() + ns_to_cycles(200 * NSEC_PER_MSEC);
	do
		vnet_stats(d, &s2);
	while (s2.rx_defer_expired == s1.rx_defer_expired && arch_cycles() < end);
	EXPECT_GT(s2.rx_defer_expired, s1.rx_defer_expired);
	EXPECT_EQ(send_arp(d), 0);
	EXPECT_TRUE(SPIN_FOR(rxs.arp_replies >= base + 3, 2000));
	vnet_stats(d, &s1);
	EXPECT_GE(s1.irqs, s2.irqs + 1);

	vnet_set_rx_defer(d, was);
	rx_teardown(d);
	EXPECT_EQ(rxs.bad_context, 0);
}

KTEST(vnet, rx_interrupt_deferred_while_a_thread_runs)
{
	if (!device_or_skip())
		return;
	struct vnet *d;
	for (int i = 0; (d = vnet_get(i)); i++)
		rx_defer(ktest_ctx, d);
}
