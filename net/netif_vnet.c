// SPDX-License-Identifier: MIT
/*
 * The glue between virtio-net and lwIP: one lwIP netif per device, and the address
 * configuration from the command line (ip=ADDR/PREFIX gw=ADDR, or ip=dhcp, the default).
 *
 * RX is zero-copy: each received frame becomes a custom pbuf (a chain of them, for a large
 * segment spread over several buffers) around the driver's own buffers;
 * when lwIP (or a socket's receive queue) frees it, the buffer goes back to the driver, which
 * refills the ring with it. Two limits keep the ring from running dry while applications hold
 * data (which would stop ACKs from coming in, and so stop the very sends that free buffers):
 * small frames (ACKs, requests of a few bytes) are copied, as Linux drivers' copybreak does,
 * and once all but RX_LENT_SPARE of the buffers the driver can spare are out, further frames
 * are copied until some come back. TX is zero-copy too: the pbuf chain's pieces are handed to
 * the device
 * as segments, with a reference held until the device has consumed them (lwIP does not rewrite
 * a segment whose pbuf is still referenced, so retransmissions are safe). While the device's
 * ring is full, frames wait in a backlog (TX_BACKLOG of them, oldest first) that the driver's
 * wake-up drains once completions make room: a burst of replies to many connections is sent
 * late rather than lost (a loss would cost TCP a retransmission timeout).
 *
 * Checksum offload (when the driver negotiated it, vnet_offloads): lwIP's per-netif checksum
 * control leaves TCP checksums out on this netif; vnetif_linkoutput puts the pseudo-header sum
 * in each TCP segment's field and asks the device to finish it. A received frame whose
 * checksum the driver vouches for (VNET_RX_CSUM_OK) is marked PBUF_FLAG_CSUM_OK, and lwIP skips
 * its TCP or UDP check (net/lwip/patches/0010-pbuf-checksum-ok-flag.patch).
 *
 * Everything here runs under the network rule of net/include/net/net.h: RX in the NET_RX softirq,
 * TX from lwIP (softirq or a thread inside net_lock()).
 */
#include <drivers/virtio_net.h>
#include <kernel/busy_poll.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <net/net.h>
#include <net/netif_vnet.h>
#include <net/socket.h>
#include <stdlib.h>
#include <string.h>

#include "hooks.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ip4_addr.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "netif/ethernet.h"

#if !LWIP_SUPPORT_CUSTOM_PBUF
#error "zero-copy RX needs LWIP_SUPPORT_CUSTOM_PBUF in net/port/lwipopts.h"
#endif

/* Frames held while the ring is full, at most (the default): one reply for each of 10,000
 * connections fits, so a burst of them waits rather than costs retransmissions; an entry is a
 * pointer (128 KiB per interface), the pbufs are TCP's own until acknowledged anyway. */
#define TX_BACKLOG	16384

struct vnetif {
	struct netif netif;	/* lwIP's interface; netif.state points back here */
	struct vnet *dev;	/* the device under it */
	unsigned offloads;	/* vnet_offloads(dev) */
	int lent_max;		/* its buffers lent at most (rx_lent counts them) */
	uint64_t rx_nomem;	/* frames dropped: no pbuf wrapper */
	uint64_t rx_copied_full;	/* frames past RX_COPYBREAK copied: lent_max buffers were lent */
	uint64_t tx_dropped;	/* frames dropped: the ring and the backlog were full */
	uint64_t tx_queued;	/* frames that waited in the backlog */
	unsigned tx_backlog_max;	/* the backlog's longest */
	/* Frames waiting for room in the device's ring, oldest first: Linux's queue in front of
	 * a stopped device (its txqueuelen is 1000). Each holds a reference to its pbuf. */
	unsigned bl_head, bl_len;
	unsigned bl_limit;	/* frames that may wait: netif_vnet_set_txqueuelen, TX_BACKLOG */
	struct pbuf **backlog;	/* TX_BACKLOG entries */
	uint64_t tx_lent;	/* frames dropped while the device was lent (below) */
	uint64_t tx_flattened;	/* frames sent as a flat copy (too many pieces) */
};

/* A received frame as a pbuf: the driver's buffer stays lent until pbuf_free. */
struct rx_pbuf {
	struct pbuf_custom pc;	/* first: a struct pbuf * is a struct rx_pbuf * */
	struct vnet *dev;
	void *buf;
};

#define RX_COPYBREAK	256	/* frames up to this long are copied: cheaper than lending */
#define RX_LENT_SPARE	64	/* lendable buffers (vnet_rx_lendable) never lent to lwIP */

static struct vnetif ifs[VNET_MAX_DEVICES];
static int rx_lent;		/* driver buffers held by lwIP right now (NET softirq/lock) */
static int nr_ifs;
static struct kmem_cache *rx_pbuf_cache;
static bool use_dhcp;
static struct wait_queue_head addr_wq = WAIT_QUEUE_HEAD_INIT(addr_wq);

/* pbuf_free of a lent frame runs under the network rule, so rx_lent needs no other lock. */
static void rx_pbuf_free(struct pbuf *p)
{
	struct rx_pbuf *r = (struct rx_pbuf *)p;
	vnet_rx_release(r->dev, r->buf);
	kmem_cache_free(rx_pbuf_cache, r);
	rx_lent--;
}

/* A received frame (@n pieces, @len bytes) copied into one pbuf, the driver's buffers given back. */
static struct pbuf *rx_copy(struct vnetif *vi, const struct vnet_rx_frag *f, int n, size_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	size_t off = 0;
	for (int k = 0; k < n; k++) {
		if (p)
			pbuf_take_at(p, f[k].data, (u16_t)f[k].len, (u16_t)off);
		off += f[k].len;
		vnet_rx_release(vi->dev, f[k].buf);
	}
	return p;
}

/* The pieces of a received frame as a chain of pbufs around the driver's buffers (lent until
 * freed), or NULL with every buffer given back when a wrapper cannot be had. */
static struct pbuf *rx_lend(struct vnetif *vi, const struct vnet_rx_frag *f, int n)
{
	struct pbuf *p = NULL;
	for (int k = 0; k < n; k++) {
		struct rx_pbuf *r = kmem_cache_alloc(rx_pbuf_cache);
		if (!r) {
			if (p)
				pbuf_free(p);	/* gives back the pieces lent so far */
			for (; k < n; k++)
				vnet_rx_release(vi->dev, f[k].buf);
			return NULL;
		}
		r->pc.custom_free_function = rx_pbuf_free;
		r->dev = vi->dev;
		r->buf = f[k].buf;
		struct pbuf *q = pbuf_alloced_custom(PBUF_RAW, (u16_t)f[k].len, PBUF_REF, &r->pc,
						     f[k].data, (u16_t)f[k].len);
		rx_lent++;
		if (p)
			pbuf_cat(p, q);
		else
			p = q;
	}
	return p;
}

/* Driver RX handler (NET_RX softirq): one Ethernet frame into lwIP. */
static void vnetif_rx(void *ctx, const struct vnet_rx_frag *f, int n, size_t len, unsigned flags)
{
	struct vnetif *vi = ctx;
	struct pbuf *p;

	trace_point(TRACE_LWIP_IN, vi, (uint32_t)len);
	if (len <= RX_COPYBREAK) {
		p = rx_copy(vi, f, n, len);
	} else if (rx_lent + n > vi->lent_max) {
		vi->rx_copied_full++;
		p = rx_copy(vi, f, n, len);
	} else {
		p = rx_lend(vi, f, n);
	}
	if (!p) {
		vi->rx_nomem++;
		return;
	}
	if (flags & VNET_RX_CSUM_OK)
		p->flags |= PBUF_FLAG_CSUM_OK;
	if (vi->netif.input(p, &vi->netif) != ERR_OK)
		pbuf_free(p);
}

static void tx_done(void *arg)
{
	pbuf_free(arg);
}

/* The pseudo-header sum (not complemented) of an IPv4 TCP or UDP datagram, in network order:
 * what the checksum field holds while the device is to finish it. */
static u16_t pseudo_sum(const ip4_addr_p_t *src, const ip4_addr_p_t *dst, u8_t proto, u16_t len)
{
	u32_t a = lwip_ntohl(src->addr), b = lwip_ntohl(dst->addr);
	u32_t sum = (a >> 16) + (a & 0xffff) + (b >> 16) + (b & 0xffff) + proto + len;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return lwip_htons((u16_t)sum);
}

/*
 * A TCP segment, whose checksum lwIP left out (checksum offload): its field gets the
 * pseudo-header sum and *@off asks the device for the rest. Returns 1 then, 0 for any other
 * frame (nothing to do), -1 for a TCP segment whose headers are not all in the first pbuf
 * (lwIP builds them there: the caller sends a flat copy instead).
 */
static int tx_csum_offload(struct pbuf *p, struct vnet_tx_offload *off)
{
	const size_t eth = SIZEOF_ETH_HDR;
	if (p->len < eth + IP_HLEN)
		return p->tot_len < eth + IP_HLEN ? 0 : -1;
	const struct eth_hdr *e = p->payload;
	struct ip_hdr *ip = (struct ip_hdr *)((u8_t *)p->payload + eth);
	if (e->type != PP_HTONS(ETHTYPE_IP) || IPH_V(ip) != 4 || IPH_PROTO(ip) != IP_PROTO_TCP ||
	    (IPH_OFFSET(ip) & PP_HTONS(IP_OFFMASK | IP_MF)))
		return 0;
	size_t ihl = (size_t)IPH_HL_BYTES(ip), tot = lwip_ntohs(IPH_LEN(ip));
	if (ihl < IP_HLEN || tot < ihl + TCP_HLEN || eth + tot > p->tot_len)
		return 0;	/* not lwIP's: it never builds these */
	if (p->len < eth + ihl + TCP_HLEN)
		return -1;
	struct tcp_hdr *th = (struct tcp_hdr *)((u8_t *)ip + ihl);
	size_t thl = (size_t)TCPH_HDRLEN_BYTES(th);
	if (thl < TCP_HLEN || ihl + thl > tot)
		return 0;
	th->chksum = pseudo_sum(&ip->src, &ip->dest, IP_PROTO_TCP, (u16_t)(tot - ihl));
	off->csum_start = (uint16_t)(eth + ihl);
	off->csum_offset = 16;	/* offsetof(struct tcp_hdr, chksum) */
	off->gso_size = p->tso_mss;
	off->hdr_len = (uint16_t)(eth + ihl + thl);
	return 1;
}

/* Hand frame @p to the device: 0 (the device holds its own reference until done), -EAGAIN
 * (the ring is full: nothing held), or another negative errno (not sendable). */
static int vnetif_xmit(struct vnetif *vi, struct pbuf *p)
{
	struct vnet_seg segs[VNET_TX_MAX_SEGS];
	struct vnet_tx_offload off, *offp = NULL;
	struct pbuf *send = p;
	int n = 0;

	int csum = (vi->offloads & VNET_OFFLOAD_TX_CSUM) ? tx_csum_offload(p, &off) : 0;
	for (struct pbuf *q = p; q; q = q->next) {
		if (n == VNET_TX_MAX_SEGS || csum < 0) {
			/* A chain longer than the device takes: send a flat copy instead. */
			send = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
			if (!send)
				return -ENOMEM;
			send->tso_mss = p->tso_mss;
			vi->tx_flattened++;
			segs[0] = (struct vnet_seg){ send->payload, send->len };
			n = 1;
			if (csum < 0)
				csum = tx_csum_offload(send, &off);
			break;
		}
		if (q->len)
			segs[n++] = (struct vnet_seg){ q->payload, q->len };
	}
	if (send == p)
		pbuf_ref(p);
	if (csum > 0)
		offp = &off;
	int err = vnet_tx_offload(vi->dev, segs, n, offp, tx_done, send);
	if (err)
		pbuf_free(send);
	return err;
}

/* Send what waits in the backlog, oldest first, until the ring is full again. A device lent
 * to someone else takes none of it: those frames are lost, as in vnetif_linkoutput. */
static void vnetif_tx_drain(void *ctx)
{
	struct vnetif *vi = ctx;

	while (vi->bl_len) {
		struct pbuf *p = vi->backlog[vi->bl_head];
		if (vnet_rx_owner(vi->dev) != vi)
			vi->tx_lent++;
		else if (!vnet_tx_room(vi->dev) || vnetif_xmit(vi, p) == -EAGAIN)
			return;		/* woken again when there is room (vnet_set_tx_wake) */
		vi->backlog[vi->bl_head] = NULL;
		vi->bl_head = (vi->bl_head + 1) % TX_BACKLOG;
		vi->bl_len--;
		pbuf_free(p);
	}
}

/*
 * lwIP's output: straight to the device, or, while its ring is full, to the backlog behind
 * the frames already there (order kept). Only a full backlog drops a frame (ERR_MEM: TCP
 * retransmits it); a frame the device can never take is ERR_IF.
 */
static err_t vnetif_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct vnetif *vi = netif->state;

	/* A device whose frames go to someone else (an in-guest test took its receive handler)
	 * carries none of lwIP's either meanwhile: they are lost, as on a wire, and counted. */
	if (vnet_rx_owner(vi->dev) != vi) {
		vi->tx_lent++;
		return ERR_OK;
	}
	/* Frames waiting go first, as far as the ring takes them now (the attempt reclaims what
	 * the device has finished; a refusal while stopped costs no doorbell). */
	if (vi->bl_len)
		vnetif_tx_drain(vi);
	if (!vi->bl_len) {
		int err = vnetif_xmit(vi, p);
		if (err != -EAGAIN)
			return err == -ENOMEM ? ERR_MEM : err ? ERR_IF : ERR_OK;
	}
	if (vi->bl_len >= vi->bl_limit) {
		vi->tx_dropped++;
		return ERR_MEM;
	}
	pbuf_ref(p);
	vi->backlog[(vi->bl_head + vi->bl_len) % TX_BACKLOG] = p;
	vi->bl_len++;
	vi->tx_queued++;
	if (vi->bl_len > vi->tx_backlog_max)
		vi->tx_backlog_max = vi->bl_len;
	return ERR_OK;
}

static err_t vnetif_init(struct netif *netif)
{
	struct vnetif *vi = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->output = etharp_output;
	netif->linkoutput = vnetif_linkoutput;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	vnet_mac(vi->dev, netif->hwaddr);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	vi->offloads = vnet_offloads(vi->dev);
	vi->lent_max = (int)vnet_rx_lendable(vi->dev) - RX_LENT_SPARE;
	NETIF_SET_CHECKSUM_CTRL(netif, (vi->offloads & VNET_OFFLOAD_TX_CSUM) ?
				NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP :
				NETIF_CHECKSUM_ENABLE_ALL);
	return ERR_OK;
}

static void print_addr(struct netif *netif, const char *how)
{
	char ip[16], gw[16];
	ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof(ip));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	int prefix = 0;
	for (uint32_t m = ip4_addr_get_u32(netif_ip4_netmask(netif)); m; m &= m - 1)
		prefix++;	/* no libgcc: count the mask's bits by hand */
	printk("net: eth%d address %s/%d gateway %s (%s)\n", (int)((struct vnetif *)netif->state - ifs),
	       ip, prefix, gw, how);
}

/* lwIP calls this when the address changes (a DHCP lease, or a static setup). */
static void vnetif_status(struct netif *netif)
{
	if (!ip4_addr_isany_val(*netif_ip4_addr(netif))) {
		print_addr(netif, use_dhcp ? "DHCP" : "static");
		wake_up_all(&addr_wq);
	}
}

/* ip=ADDR/PREFIX: 0 or -EINVAL. */
static int parse_ip(const char *v, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char a[20];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : 0;
	char *end;

	if (!slash || n == 0 || n >= sizeof(a))
		return -EINVAL;
	memcpy(a, v, n);
	a[n] = '\0';
	long prefix = strtol(slash + 1, &end, 10);
	if (!ip4addr_aton(a, addr) || !slash[1] || *end || prefix < 0 || prefix > 32)
		return -EINVAL;
	ip4_addr_set_u32(mask, prefix ? lwip_htonl(0xffffffffu << (32 - prefix)) : 0);
	return 0;
}

/* Busy polling polls the first device: the one the configured address lives on. */
static int vnetif_busy_poll(unsigned budget, bool prefer)
{
	return vnet_busy_poll(ifs[0].dev, budget, prefer);
}

static void vnetif_busy_poll_end(bool keep_off)
{
	vnet_busy_poll_end(ifs[0].dev, keep_off);
}

static const struct busy_poll_ops vnetif_busy_ops = {
	.poll = vnetif_busy_poll,
	.end = vnetif_busy_poll_end,
};

int netif_vnet_init(char *err, size_t errlen)
{
	const char *ipv = cmdline_get("ip"), *gwv = cmdline_get("gw");
	ip4_addr_t addr, mask, gw;
	int ndev = 0;

	ip4_addr_set_zero(&addr);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	use_dhcp = !ipv || !strcmp(ipv, "dhcp");
	if (!use_dhcp && parse_ip(ipv, &addr, &mask)) {
		ksnprintf(err, errlen, "ip=%s: expected ADDR/PREFIX (e.g. 10.0.2.15/24) or dhcp", ipv);
		return -EINVAL;
	}
	if (gwv && (use_dhcp || !ip4addr_aton(gwv, &gw))) {
		ksnprintf(err, errlen, use_dhcp ? "gw=%s: only meaningful with a static ip=" :
			  "gw=%s: expected an IPv4 address", gwv);
		return -EINVAL;
	}
	while (vnet_get(ndev))
		ndev++;
	if (!ndev) {
		if (ipv) {
			ksnprintf(err, errlen, "ip=%s given but there is no network device "
				  "(QEMU: -device virtio-net-pci,disable-legacy=on,netdev=...)", ipv);
			return -ENODEV;
		}
		return 0;
	}
	rx_pbuf_cache = kmem_cache_create("rx_pbuf", sizeof(struct rx_pbuf), 16);
	if (!rx_pbuf_cache) {
		ksnprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	net_lock();
	/* The first device gets the configured address; further ones come up unconfigured. */
	for (int i = 0; i < ndev && i < VNET_MAX_DEVICES; i++) {
		struct vnetif *vi = &ifs[i];
		vi->dev = vnet_get(i);
		vi->backlog = kzalloc(TX_BACKLOG * sizeof(*vi->backlog));
		if (!vi->backlog)
			continue;
		vi->bl_limit = TX_BACKLOG;
		bool first = i == 0;
		if (!netif_add(&vi->netif, first ? &addr : IP4_ADDR_ANY4, first ? &mask : IP4_ADDR_ANY4,
			       first ? &gw : IP4_ADDR_ANY4, vi, vnetif_init, ethernet_input))
			continue;
		nr_ifs++;
		netif_set_status_callback(&vi->netif, vnetif_status);
		vnet_set_rx_handler(vi->dev, vnetif_rx, vi);
		vnet_set_tx_wake(vi->dev, vnetif_tx_drain, vi);
		if (first)
			netif_set_default(&vi->netif);
		netif_set_up(&vi->netif);
		if (vnet_link_up(vi->dev))
			netif_set_link_up(&vi->netif);
		if (first && use_dhcp)
			dhcp_start(&vi->netif);
	}
	net_unlock();
	if (nr_ifs)
		busy_poll_register(&vnetif_busy_ops);
	return nr_ifs;
}

uint16_t netif_vnet_tso_max(struct netif *netif)
{
	if (netif->linkoutput != vnetif_linkoutput)
		return 0;
	struct vnetif *vi = netif->state;
	/* The largest IPv4 datagram, less its header and TCP's largest */
	return (vi->offloads & VNET_OFFLOAD_TSO4) ? 65535 - IP_HLEN - 60 : 0;
}

bool netif_vnet_wait_address(uint64_t timeout_ns)
{
	if (!nr_ifs)
		return false;
	struct netif *n = &ifs[0].netif;
	uint64_t left = wait_event_timeout(&addr_wq, !ip4_addr_isany_val(*netif_ip4_addr(n)), timeout_ns);
	return left != 0;
}

int netif_vnet_stats(int index, struct netif_vnet_stats *st)
{
	if (index < 0 || index >= nr_ifs)
		return -ENODEV;
	struct vnetif *vi = &ifs[index];
	local_bh_disable();
	*st = (struct netif_vnet_stats){
		.rx_nomem = vi->rx_nomem,
		.tx_dropped = vi->tx_dropped,
		.tx_queued = vi->tx_queued,
		.tx_lent = vi->tx_lent,
		.tx_backlog = vi->bl_len,
		.tx_backlog_max = vi->tx_backlog_max,
		.tx_backlog_limit = vi->bl_limit,
	};
	local_bh_enable();
	return 0;
}

int netif_vnet_set_txqueuelen(int index, unsigned frames)
{
	if (index < 0 || index >= nr_ifs)
		return -ENODEV;
	if (frames > TX_BACKLOG)
		return -EINVAL;
	local_bh_disable();
	ifs[index].bl_limit = frames;	/* frames already waiting past it still go out */
	ifs[index].tx_backlog_max = ifs[index].bl_len;
	local_bh_enable();
	return 0;
}

void netif_vnet_print_stats(void)
{
	struct net_mem_counters m;
	net_mem_counters(&m);
	for (int i = 0; i < nr_ifs; i++) {
		struct vnet_stats v;
		vnet_stats(ifs[i].dev, &v);
		printk("net: eth%d rx %llu frames %llu bytes (bad len %llu, bad hdr %llu, no pbuf %llu), tx %llu frames "
		       "(ring full %llu, queued %llu (at most %u), dropped %llu, lent out %llu, watchdog %llu, doorbells %llu, plugged %llu), irqs %llu polls %llu, "
		       "rx buffers lent %d (frames copied for want of one %llu); "
		       "tcp %u active %u listen %u time-wait; lwIP heap %zu bytes\n", i,
		       (unsigned long long)v.rx_frames, (unsigned long long)v.rx_bytes,
		       (unsigned long long)v.rx_dropped_bad_len,
		       (unsigned long long)(v.rx_dropped_bad_hdr + v.rx_bad_token),
		       (unsigned long long)ifs[i].rx_nomem,
		       (unsigned long long)v.tx_frames, (unsigned long long)v.tx_ring_full,
		       (unsigned long long)ifs[i].tx_queued, ifs[i].tx_backlog_max,
		       (unsigned long long)ifs[i].tx_dropped, (unsigned long long)ifs[i].tx_lent,
		       (unsigned long long)v.tx_watchdog_kicks,
		       (unsigned long long)v.tx_doorbells, (unsigned long long)v.tx_plugged,
		       (unsigned long long)v.irqs,
		       (unsigned long long)v.polls, rx_lent, (unsigned long long)ifs[i].rx_copied_full,
		       m.tcp_active, m.tcp_listen,
		       m.tcp_time_wait, m.heap_used);
	}
	for (int i = 0; i < nr_ifs; i++) {
		struct vnet_stats v;
		vnet_stats(ifs[i].dev, &v);
		if (v.busy_polls)
			printk("net: eth%d busy polls %llu, frames they found %llu, interrupts kept off "
			       "too long %llu\n", i, (unsigned long long)v.busy_polls,
			       (unsigned long long)v.busy_frames,
			       (unsigned long long)v.busy_suspend_expired);
		if (v.rx_defer_polls)
			printk("net: eth%d receive interrupt deferred by %llu polls, back on for late "
			       "polls %llu times\n", i, (unsigned long long)v.rx_defer_polls,
			       (unsigned long long)v.rx_defer_expired);
		unsigned o = ifs[i].offloads;
		printk("net: eth%d offloads%s%s%s%s%s (receive buffers %u bytes): tx checksums left to the device %llu, large "
		       "segments %llu, flat copies %llu; rx checksums trusted %llu, finished by the "
		       "driver %llu, large segments %llu, bad num_buffers %llu\n", i,
		       o & VNET_OFFLOAD_TX_CSUM ? " tx-csum" : "", o & VNET_OFFLOAD_RX_CSUM ? " rx-csum" : "",
		       o & VNET_OFFLOAD_TSO4 ? " tso4" : "", o & VNET_OFFLOAD_RX_TSO4 ? " rx-tso4" : "",
		       o ? "" : " none", vnet_rx_buf_size(ifs[i].dev),
		       (unsigned long long)v.tx_csum_offloaded, (unsigned long long)v.tx_gso_frames,
		       (unsigned long long)ifs[i].tx_flattened,
		       (unsigned long long)v.rx_csum_trusted, (unsigned long long)v.rx_csum_completed,
		       (unsigned long long)v.rx_gso_frames, (unsigned long long)v.rx_bad_nbufs);
	}
	uint64_t sent, valid;
	net_syncookie_stats(&sent, &valid);
	printk("net: SYN cookies sent %llu, valid ones returned %llu; TIME-WAIT connections a new SYN "
	       "reopened %llu\n", (unsigned long long)sent, (unsigned long long)valid,
	       (unsigned long long)net_tcp_tw_reopened);
}
