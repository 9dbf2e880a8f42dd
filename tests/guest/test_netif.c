// SPDX-License-Identifier: MIT
/* The virtio-net glue (net/netif_vnet.c) under lwIP: frames sent while the device's transmit
 * ring is full wait in the backlog and all reach the device, in one burst larger than the ring.
 * Needs the machine's first virtio-net device as lwIP's default interface (tools/run/qemu.sh
 * --net user); passes with "no device" without one. The frames go to nobody's MAC with a local
 * experimental EtherType: QEMU's user network drops them. And lwIP's timer (net/net.c): a
 * timeout lwIP adds ahead of the others arms the kernel timer at once. */
#include <drivers/virtio_net.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <net/net.h>
#include <net/netif_vnet.h>
#include <string.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"

static struct netif *vnet_netif_or_skip(void)
{
	struct netif_vnet_stats st;
	if (!vnet_get(0) || netif_vnet_stats(0, &st) || !netif_default) {
		printk("    no device (boot with tools/run/qemu.sh --net user): nothing to check\n");
		return NULL;
	}
	return netif_default;
}

/* @n stray frames, one bottom-half-off section, through the interface's output; what was
 * accepted and what refused. lwIP's own traffic cannot interleave: the section keeps its
 * timers and input out. */
static void burst(struct netif *n, int count, int *ok, int *mem, int *other)
{
	*ok = *mem = *other = 0;
	net_lock();
	for (int i = 0; i < count; i++) {
		struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
		if (!p) {
			(*other)++;
			continue;
		}
		uint8_t *f = p->payload;
		memset(f, 0, 60);
		memcpy(f, (const uint8_t[]){ 0x02, 0, 0, 0, 0, 0x99 }, 6);
		memcpy(f + 6, n->hwaddr, 6);
		f[12] = 0x88;
		f[13] = 0xb5;
		memcpy(f + 14, &i, sizeof(i));
		err_t e = n->linkoutput(n, p);
		pbuf_free(p);
		if (e == ERR_OK)
			(*ok)++;
		else if (e == ERR_MEM)
			(*mem)++;
		else
			(*other)++;
	}
	net_unlock();	/* runs the bottom halves: doorbell, completions, wake-ups */
}

/* Runs burst() with the backlog limited to @limit frames and checks what always holds: every
 * frame accepted reaches the device, only a full backlog refuses one (counted), the backlog
 * never exceeds its limit and empties afterwards. */
static void burst_through_backlog(struct ktest_ctx *ktest_ctx, struct netif *n, unsigned limit,
				  int count, int *mem_out, uint64_t *queued_out)
{
	struct netif_vnet_stats c0, c1;
	struct vnet_stats s0, s1;
	struct vnet *d = vnet_get(0);
	int ok, mem, other;

	ASSERT_EQ(netif_vnet_set_txqueuelen(0, limit), 0);
	netif_vnet_stats(0, &c0);
	vnet_stats(d, &s0);
	burst(n, count, &ok, &mem, &other);
	bool all = WAIT_FOR((netif_vnet_stats(0, &c1), vnet_stats(d, &s1),
			     !c1.tx_backlog && s1.tx_frames - s0.tx_frames >= (uint64_t)ok), 10000);
	netif_vnet_stats(0, &c1);
	printk("    backlog of %u: %d frames, %d sent, %d dropped; %llu queued (at most %u waiting); "
	       "%llu refusals by the ring, %llu wake-ups\n", limit, count, ok, mem,
	       (unsigned long long)(c1.tx_queued - c0.tx_queued), c1.tx_backlog_max,
	       (unsigned long long)(s1.tx_ring_full - s0.tx_ring_full),
	       (unsigned long long)(s1.tx_wakes - s0.tx_wakes));
	EXPECT_EQ(other, 0);
	EXPECT_EQ(ok + mem, count);
	ASSERT_TRUE(all);
	/* lwIP's own frames (DHCP, ARP) may go out after the section, a few at most. */
	EXPECT_GE(s1.tx_frames - s0.tx_frames, (uint64_t)ok);
	EXPECT_LE(s1.tx_frames - s0.tx_frames, (uint64_t)ok + 8);
	EXPECT_GE(c1.tx_dropped - c0.tx_dropped, (uint64_t)mem);
	EXPECT_LE(c1.tx_dropped - c0.tx_dropped, (uint64_t)mem + 8);
	EXPECT_LE(c1.tx_backlog_max, limit);
	if (mem)
		EXPECT_EQ(c1.tx_backlog_max, limit);	/* only a full backlog drops */
	EXPECT_EQ(c1.tx_backlog, 0);
	*mem_out = mem;
	*queued_out = c1.tx_queued - c0.tx_queued;
}

/*
 * More frames in one section than the ring holds. No doorbell rings inside the section until
 * the ring is full, so it does fill: what follows must wait in the backlog, not be dropped
 * (unless past the backlog's limit, when QEMU empties the ring too slowly meanwhile).
 */
KTEST(netif, tx_backlog_holds_frames_while_the_ring_is_full)
{
	struct netif *n = vnet_netif_or_skip();
	if (!n)
		return;
	int mem;
	uint64_t queued;
	burst_through_backlog(ktest_ctx, n, 1024, 3000, &mem, &queued);
	EXPECT_GT(queued, 0);
	EXPECT_LE(mem, 3000 - 1024);
}

/* No backlog: the frame the full ring refuses first is dropped and counted, for sure (the
 * ring fills before any doorbell); a small one: never more than it waits. Then the bounds of
 * the setting. */
KTEST(netif, tx_backlog_limit_drops_past_it)
{
	struct netif *n = vnet_netif_or_skip();
	if (!n)
		return;
	int mem;
	uint64_t queued;
	burst_through_backlog(ktest_ctx, n, 0, 1000, &mem, &queued);
	EXPECT_GT(mem, 0);
	EXPECT_EQ(queued, 0);
	/* Whether 4 overflow depends on how fast QEMU empties the ring once told: the checks
	 * inside burst_through_backlog hold either way. */
	burst_through_backlog(ktest_ctx, n, 4, 3000, &mem, &queued);
	EXPECT_GT(queued, 0);
	EXPECT_EQ(netif_vnet_set_txqueuelen(0, 16385), -EINVAL);
	EXPECT_EQ(netif_vnet_set_txqueuelen(VNET_MAX_DEVICES, 8), -ENODEV);
	EXPECT_EQ(netif_vnet_set_txqueuelen(0, 16384), 0);	/* the default again */
}

static volatile int to_fired;
static volatile uint64_t to_at;

static void to_cb(void *arg)
{
	(void)arg;
	to_at = ktime_ns();
	to_fired++;
}

/*
 * Patch timeouts-hook-first: a timeout due in 3 ms, added while lwIP's earliest is 100 ms or
 * more away, runs within 50 ms. Without the hook nothing re-arms the kernel timer on the way
 * out of lwIP, and it would wait for the earlier deadline.
 */
KTEST(net, a_timeout_lwip_adds_first_arms_the_timer)
{
	uint32_t left = 0;
	for (int i = 0; i < 200; i++) {
		net_lock();
		left = sys_timeouts_sleeptime();
		if (left >= 100 && left != SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
			to_fired = 0;
			uint64_t t0 = ktime_ns();
			sys_timeout(3, to_cb, NULL);
			net_unlock();
			bool ran = WAIT_FOR(to_fired, 2000);
			printk("    lwIP's earliest timeout was %u ms away; the new one ran after %llu us\n",
			       left, (unsigned long long)((to_at - t0) / 1000));
			ASSERT_TRUE(ran);
			EXPECT_EQ(to_fired, 1);
			EXPECT_LT(to_at - t0, 50 * NSEC_PER_MSEC);
			return;
		}
		net_unlock();
		msleep(10);
	}
	printk("    lwIP's earliest timeout never 100 ms away (last %u ms)\n", left);
	EXPECT_TRUE(false);
}
