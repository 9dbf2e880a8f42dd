/* SPDX-License-Identifier: MIT */
/* <arpa/inet.h>: IPv4 address text conversions (AF_INET only) and the byte-order functions. */
#ifndef EPUNK_ARPA_INET_H
#define EPUNK_ARPA_INET_H

#include <netinet/in.h>
#include <sys/types.h>

/** inet_pton - "a.b.c.d" (exactly four decimal parts, each 0..255) to @dst (struct in_addr).
 * Returns 1, 0 for text that is not such an address, -1 with errno EAFNOSUPPORT for af != AF_INET. */
int inet_pton(int af, const char *src, void *dst);
/** inet_ntop - @src (struct in_addr) as "a.b.c.d" in @dst; NULL with errno ENOSPC when @size is
 * too small, EAFNOSUPPORT for af != AF_INET. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
/** inet_aton - the classic parser: 1 to 4 parts, each decimal, octal (0...) or hex (0x...), the
 * last filling the remaining bytes. Returns 1 and fills @inp, or 0. */
int inet_aton(const char *cp, struct in_addr *inp);
/** inet_addr - inet_aton's result in network order, or INADDR_NONE. */
in_addr_t inet_addr(const char *cp);
/** inet_ntoa - "a.b.c.d" in a static buffer (not thread-safe, as everywhere). */
char *inet_ntoa(struct in_addr in);

#endif
