// SPDX-License-Identifier: MIT
/* The functions lwIP calls in epunk (declared, with their contracts, in hooks.h): the lock
 * rule's check, loopback delivery, segmentation offload's bound, its heap's calloc, TIME_WAIT's length and the SYN-cookie
 * hooks of our patch to lwIP's listen path. */
#include <kernel/compiler.h>
#include <kernel/slab.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <net/net.h>
#include <net/netif_vnet.h>
#include <net/socket.h>
#include <net/syncookie.h>
#include <stdbool.h>
#include <stdint.h>

#include "hooks.h"
#include "lwip/sys.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"

void net_core_assert_locked(const char *file, int line)
{
	if (unlikely(!net_is_locked()))
		net_lock_violation(file, line);
}

typedef uint64_t __attribute__((may_alias, aligned(1))) u64_any;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_any;
typedef uint16_t __attribute__((may_alias, aligned(1))) u16_any;

/* A 64-bit load is four of the 16-bit words in place, and adding with the carry folded back in
 * (ones' complement) sums them all at once; the fold to 16 bits keeps that sum. */
uint16_t net_chksum(const void *data, int len)
{
	const unsigned char *p = data;
	size_t n = len > 0 ? (size_t)len : 0;
	uint64_t sum = 0, v;

	for (; n >= 8; n -= 8, p += 8) {
		v = *(const u64_any *)p;
		sum += v;
		sum += sum < v;
	}
	if (n >= 4) {
		v = *(const u32_any *)p;
		sum += v;
		sum += sum < v;
		n -= 4, p += 4;
	}
	if (n >= 2) {
		v = *(const u16_any *)p;
		sum += v;
		sum += sum < v;
		n -= 2, p += 2;
	}
	if (n) {
		v = *p;
		sum += v;
		sum += sum < v;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

void net_loopback_signal(void *netif)
{
	(void)netif;
	raise_softirq(SOFTIRQ_NET_TIMER);
}

void net_timeout_first(uint32_t abs_ms)
{
	int32_t left = (int32_t)(abs_ms - sys_now());	/* lwIP's times wrap at 32 bits */
	net_timers_arm(ktime_ns() + (left > 0 ? (uint64_t)left * NSEC_PER_MSEC : 0));
}

uint16_t net_tcp_tso_max(const struct tcp_pcb *pcb)
{
	struct netif *n = pcb->netif_idx != NETIF_NO_INDEX ? netif_get_by_index(pcb->netif_idx) :
			  ip4_route(ip_2_ip4(&pcb->remote_ip));
	return n ? netif_vnet_tso_max(n) : 0;
}

void *net_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return kzalloc(count * size);
}

unsigned long net_tcp_msl_ms = 60000;
uint64_t net_tcp_tw_reopened;

static uint64_t syncookies_sent, syncookies_valid;

uint32_t net_syncookie_make(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			    uint32_t client_isn, uint16_t mss)
{
	syncookies_sent++;
	return syncookie_make(saddr, daddr, sport, dport, client_isn, mss, sys_now());
}

int net_syncookie_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t client_isn, uint32_t cookie, uint16_t *mss)
{
	bool ok = syncookie_check(saddr, daddr, sport, dport, client_isn, cookie, sys_now(), mss);
	syncookies_valid += ok;
	return ok;
}

void net_syncookie_stats(uint64_t *sent, uint64_t *valid)
{
	*sent = syncookies_sent;
	*valid = syncookies_valid;
}

/* A cookie was only sent while the queue had room, and a half-open connection lwIP keeps
 * completes whatever the queue holds by then (up to a backlog of them past it): a cookie's ACK
 * gets the same slack. */
int net_tcp_acceptq_full(const struct tcp_pcb_listen *lpcb, unsigned int extra)
{
	int queued = sock_accept_queued(lpcb);

	return queued >= 0 && (unsigned)queued >= lpcb->backlog + extra;
}

/* lwIP's accepts_pending counts the half-open connections and those queued for accept() (the
 * socket layer marks each with tcp_backlog_delayed): the half-open ones are the difference. */
int net_tcp_synq_full(const struct tcp_pcb_listen *lpcb)
{
	int n = sock_accept_queued(lpcb);
	unsigned queued = n > 0 ? MIN((unsigned)n, lpcb->accepts_pending) : 0;

	return lpcb->accepts_pending >= lpcb->backlog ||
	       lpcb->accepts_pending - queued >= MIN(lpcb->backlog, NET_SYN_BACKLOG);
}
