/* SPDX-License-Identifier: MIT */
/* SYN cookies: the initial sequence number a listener with a full backlog answers a SYN with,
 * encoding what the connection needs (the client's MSS) and a keyed hash of its addresses,
 * ports, the client's sequence number and the time, so that the ACK coming back can make the
 * connection with nothing kept in between. Pure functions (host-tested); the lwIP side is the
 * patch net/lwip/patches/0005-tcp-syn-cookies.patch. */
#ifndef NET_SYNCOOKIE_H
#define NET_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

/* A cookie is valid in the period it was made and the next: 64-128 s. */
#define SYNCOOKIE_PERIOD_SHIFT	16	/* a period is 2^16 ms */

/** syncookie_set_key - the secret key of the hash (boot: random). */
void syncookie_set_key(uint64_t k0, uint64_t k1);

/**
 * syncookie_make - the cookie (our initial sequence number) for a SYN from @saddr:@sport to
 * @daddr:@dport (addresses and ports as numbers, host order) with sequence number @client_isn
 * and MSS option @mss (536 when it had none), at @now_ms. The MSS is kept as the largest of
 * eight steps not above it.
 */
uint32_t syncookie_make(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t client_isn, uint16_t mss, uint32_t now_ms);

/**
 * syncookie_check - whether @cookie (the ACK's acknowledgment number - 1) is one we made for
 * this connection and @client_isn (its sequence number - 1) in this period or the last; if so
 * *@mss is the MSS it carries.
 */
bool syncookie_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
		     uint32_t client_isn, uint32_t cookie, uint32_t now_ms, uint16_t *mss);

#endif
