// SPDX-License-Identifier: MIT
/*
 * The glue between virtio-net and lwIP: one lwIP netif per device, and the address
 * configuration from the command line (ip=ADDR/PREFIX gw=ADDR, or ip=dhcp, the default).
 *
 * RX is zero-copy: each received frame becomes a custom pbuf around the driver's own buffer;
 * when lwIP (or a socket's receive queue) frees it, the buffer goes back to the driver, which
 * refills the ring with it. Two limits keep the ring from running dry while applications hold
 * data (which would stop ACKs from coming in, and so stop the very sends that free buffers):
 * small frames (ACKs, requests of a few bytes) are copied, as Linux drivers' copybreak does,
 * and once RX_LENT_MAX buffers are out, further frames are copied until some come back. TX is zero-copy too: the pbuf chain's pieces are handed to the device
 * as segments, with a reference held until the device has consumed them (lwIP does not rewrite
 * a segment whose pbuf is still referenced, so retransmissions are safe).
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
#include "netif/ethernet.h"

#if !LWIP_SUPPORT_CUSTOM_PBUF
#error "zero-copy RX needs LWIP_SUPPORT_CUSTOM_PBUF in net/port/lwipopts.h"
#endif

struct vnetif {
	struct netif netif;	/* lwIP's interface; netif.state points back here */
	struct vnet *dev;	/* the device under it */
	uint64_t rx_nomem;	/* frames dropped: no pbuf wrapper */
	uint64_t tx_busy;	/* frames lwIP had to drop: the TX ring was full */
	uint64_t tx_lent;	/* frames dropped while the device was lent (below) */
};

/* A received frame as a pbuf: the driver's buffer stays lent until pbuf_free. */
struct rx_pbuf {
	struct pbuf_custom pc;	/* first: a struct pbuf * is a struct rx_pbuf * */
	struct vnet *dev;
	void *buf;
};

#define RX_COPYBREAK	256	/* frames up to this long are copied: cheaper than lending */
#define RX_LENT_MAX	192	/* buffers lent to lwIP at most (the driver has 2 per ring slot) */

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

/* Driver RX handler (NET_RX softirq): one Ethernet frame into lwIP. */
static void vnetif_rx(void *ctx, void *frame, size_t len, void *buf)
{
	struct vnetif *vi = ctx;
	struct pbuf *p;

	trace_point(TRACE_LWIP_IN, vi, (uint32_t)len);
	if (len <= RX_COPYBREAK || rx_lent >= RX_LENT_MAX) {
		p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
		if (p)
			memcpy(p->payload, frame, len);
		vnet_rx_release(vi->dev, buf);
	} else {
		struct rx_pbuf *r = kmem_cache_alloc(rx_pbuf_cache);
		p = NULL;
		if (r) {
			r->pc.custom_free_function = rx_pbuf_free;
			r->dev = vi->dev;
			r->buf = buf;
			p = pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_REF, &r->pc, frame, (u16_t)len);
			rx_lent++;
		} else {
			vnet_rx_release(vi->dev, buf);
		}
	}
	if (!p) {
		vi->rx_nomem++;
		return;
	}
	if (vi->netif.input(p, &vi->netif) != ERR_OK)
		pbuf_free(p);
	net_timers_update();	/* input may have asked lwIP for an earlier timeout */
}

static void tx_done(void *arg)
{
	pbuf_free(arg);
}

static err_t vnetif_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct vnetif *vi = netif->state;
	struct vnet_seg segs[VNET_TX_MAX_SEGS];
	struct pbuf *send = p;
	int n = 0;

	/* A device whose frames go to someone else (an in-guest test took its receive handler)
	 * carries none of lwIP's either meanwhile: they are lost, as on a wire, and counted. */
	if (vnet_rx_owner(vi->dev) != vi) {
		vi->tx_lent++;
		return ERR_OK;
	}
	for (struct pbuf *q = p; q; q = q->next) {
		if (n == VNET_TX_MAX_SEGS) {
			/* A chain longer than the device takes: send a flat copy instead. */
			send = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
			if (!send)
				return ERR_MEM;
			segs[0] = (struct vnet_seg){ send->payload, send->len };
			n = 1;
			break;
		}
		if (q->len)
			segs[n++] = (struct vnet_seg){ q->payload, q->len };
	}
	if (send == p)
		pbuf_ref(p);
	int err = vnet_tx(vi->dev, segs, n, tx_done, send);
	if (err) {
		pbuf_free(send);
		if (err == -EAGAIN) {
			vi->tx_busy++;
			return ERR_MEM;		/* dropped: TCP retransmits */
		}
		return ERR_IF;
	}
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

static void vnetif_busy_poll_end(bool prefer)
{
	(void)prefer;
	vnet_busy_poll_end(ifs[0].dev);
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
		bool first = i == 0;
		if (!netif_add(&vi->netif, first ? &addr : IP4_ADDR_ANY4, first ? &mask : IP4_ADDR_ANY4,
			       first ? &gw : IP4_ADDR_ANY4, vi, vnetif_init, ethernet_input))
			continue;
		nr_ifs++;
		netif_set_status_callback(&vi->netif, vnetif_status);
		vnet_set_rx_handler(vi->dev, vnetif_rx, vi);
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

bool netif_vnet_wait_address(uint64_t timeout_ns)
{
	if (!nr_ifs)
		return false;
	struct netif *n = &ifs[0].netif;
	uint64_t left = wait_event_timeout(&addr_wq, !ip4_addr_isany_val(*netif_ip4_addr(n)), timeout_ns);
	return left != 0;
}

void netif_vnet_counters(uint64_t *rx_nomem, uint64_t *tx_busy)
{
	*rx_nomem = *tx_busy = 0;
	for (int i = 0; i < nr_ifs; i++) {
		*rx_nomem += ifs[i].rx_nomem;
		*tx_busy += ifs[i].tx_busy;
	}
}

void netif_vnet_print_stats(void)
{
	struct net_mem_counters m;
	net_mem_counters(&m);
	for (int i = 0; i < nr_ifs; i++) {
		struct vnet_stats v;
		vnet_stats(ifs[i].dev, &v);
		printk("net: eth%d rx %llu frames %llu bytes (bad len %llu, bad hdr %llu, no pbuf %llu), tx %llu frames "
		       "(ring full %llu, dropped %llu, lent out %llu, watchdog %llu, doorbells %llu, plugged %llu), irqs %llu polls %llu, "
		       "rx buffers lent %d; "
		       "tcp %u active %u listen %u time-wait; lwIP heap %zu bytes\n", i,
		       (unsigned long long)v.rx_frames, (unsigned long long)v.rx_bytes,
		       (unsigned long long)v.rx_dropped_bad_len,
		       (unsigned long long)(v.rx_dropped_bad_hdr + v.rx_bad_token),
		       (unsigned long long)ifs[i].rx_nomem,
		       (unsigned long long)v.tx_frames, (unsigned long long)v.tx_ring_full,
		       (unsigned long long)ifs[i].tx_busy, (unsigned long long)ifs[i].tx_lent,
		       (unsigned long long)v.tx_watchdog_kicks,
		       (unsigned long long)v.tx_doorbells, (unsigned long long)v.tx_plugged,
		       (unsigned long long)v.irqs,
		       (unsigned long long)v.polls, rx_lent, m.tcp_active, m.tcp_listen,
		       m.tcp_time_wait, m.heap_used);
	}
	for (int i = 0; i < nr_ifs; i++) {
		struct vnet_stats v;
		vnet_stats(ifs[i].dev, &v);
		if (v.busy_polls)
			printk("net: eth%d busy polls %llu, frames they found %llu\n", i,
			       (unsigned long long)v.busy_polls, (unsigned long long)v.busy_frames);
	}
	uint64_t sent, valid;
	net_syncookie_stats(&sent, &valid);
	printk("net: SYN cookies sent %llu, valid ones returned %llu\n", (unsigned long long)sent,
	       (unsigned long long)valid);
}
