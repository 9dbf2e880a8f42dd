/* SPDX-License-Identifier: MIT */
/* <netinet/in.h>: IPv4 addresses, protocol numbers, and the byte-order conversions (x86-64 is
 * little-endian; the network is big-endian). */
#ifndef EPUNK_NETINET_IN_H
#define EPUNK_NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>
#include <uapi/in.h>

static inline uint16_t htons(uint16_t v) { return __builtin_bswap16(v); }
static inline uint16_t ntohs(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
static inline uint32_t ntohl(uint32_t v) { return __builtin_bswap32(v); }

#endif
