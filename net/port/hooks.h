/* SPDX-License-Identifier: MIT */
/*
 * The functions lwIP calls in epunk, defined in net/port/hooks.c: those lwipopts.h's options name
 * and those our patches to lwIP call (net/lwip/patches). lwIP includes this file where it has
 * hook points (LWIP_HOOK_FILENAME); arch/cc.h includes it too, since any lwIP file may expand an
 * option that names one. It is read before lwIP's own types exist: C types only.
 */
#ifndef EPUNK_LWIP_HOOKS_H
#define EPUNK_LWIP_HOOKS_H

#include <stddef.h>
#include <stdint.h>

struct tcp_pcb_listen;

/**
 * net_core_assert_locked - LWIP_ASSERT_CORE_LOCKED(): panic, naming @file:@line, unless the
 * caller may call lwIP (the rule of net/include/net/net.h).
 */
void net_core_assert_locked(const char *file, int line);

/**
 * net_chksum - LWIP_CHKSUM(): the ones'-complement sum of the @len bytes at @data taken as
 * little-endian 16-bit words from @data (an odd last byte as the low half of a word), folded to
 * 16 bits, not complemented: exactly lwIP's lwip_standard_chksum, at any alignment.
 */
uint16_t net_chksum(const void *data, int len);

/**
 * net_loopback_signal - lwIP's tcpip_try_callback() when @netif's loop queue turns non-empty:
 * raise SOFTIRQ_NET_TIMER, whose handler feeds the queue back with netif_poll().
 */
void net_loopback_signal(void *netif);

struct tcp_pcb;
/**
 * net_tcp_tso_max - LWIP_HOOK_TCP_TSO_MAX: the payload bytes one TCP segment of @pcb may carry
 * through the netif it routes by, when that netif's NIC cuts segments at the MSS (TSO); 0 when
 * it does not (net/lwip/patches/0011-tcp-segmentation-offload.patch).
 */
uint16_t net_tcp_tso_max(const struct tcp_pcb *pcb);

/**
 * net_timeout_first - LWIP_HOOK_TIMEOUT_FIRST: lwIP added a timeout due at @abs_ms (sys_now()
 * milliseconds) ahead of all others; arm the kernel timer for it unless armed earlier
 * (net/lwip/patches/0013-timeouts-hook-first.patch).
 */
void net_timeout_first(uint32_t abs_ms);

/** net_calloc - mem_clib_calloc: zeroed @count * @size bytes from kmalloc, NULL on overflow. */
void *net_calloc(size_t count, size_t size);

/* TCP_MSL in ms (TIME_WAIT lasts twice that): 60000 unless net_set_tcp_msl() changed it. */
extern unsigned long net_tcp_msl_ms;

/* Connections in TIME-WAIT that a new SYN replaced since boot (patch
 * 0014-tcp-timewait-syn-reopens); under net_lock(). */
extern uint64_t net_tcp_tw_reopened;

/*
 * SYN cookies, for the patch 0005-tcp-syn-cookies. Addresses are as lwIP stores them, ports in
 * host order; all run under net_lock().
 */
/** net_syncookie_make - the cookie (our ISN) answering a SYN with sequence number @client_isn. */
uint32_t net_syncookie_make(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			    uint32_t client_isn, uint16_t mss);
/**
 * net_syncookie_check - 1 if @cookie (the ACK's acknowledgment number - 1) is one we made for
 * this connection and @client_isn (its sequence number - 1), with the MSS it carries in *@mss;
 * else 0.
 */
int net_syncookie_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t client_isn, uint32_t cookie, uint16_t *mss);
/**
 * net_syncookie_stats - SYN cookies sent (in SYN-ACKs) and valid ones returned (in ACKs; one
 * dropped for a full accept queue counts again when the client sends it again) since boot.
 */
void net_syncookie_stats(uint64_t *sent, uint64_t *valid);
/**
 * net_tcp_acceptq_full - whether the accept queue of the socket listening on @lpcb holds its
 * backlog plus @extra: then a SYN gets no answer (@extra 0) and a cookie's ACK no connection
 * (@extra the backlog). Always 0 for a listener without a socket (in-guest tests' raw pcbs).
 */
int net_tcp_acceptq_full(const struct tcp_pcb_listen *lpcb, unsigned int extra);
/**
 * net_tcp_synq_full - whether a SYN to @lpcb gets a cookie instead of a half-open connection:
 * the half-open ones have reached min(backlog, NET_SYN_BACKLOG), or with the queued ones the
 * backlog.
 */
int net_tcp_synq_full(const struct tcp_pcb_listen *lpcb);

#endif
