/* SPDX-License-Identifier: MIT */
/* IPv4 addresses and protocol numbers (Linux's values), and struct sockaddr_in's layout:
 * family, port and address in network byte order, 8 bytes of zero padding: 16 bytes. */
#ifndef UAPI_IN_H
#define UAPI_IN_H

#include <stdint.h>
#include <uapi/socket.h>

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41
#define IPPROTO_RAW	255

struct in_addr {
	in_addr_t s_addr;	/* network byte order */
};

struct sockaddr_in {
	sa_family_t sin_family;		/* AF_INET */
	in_port_t sin_port;		/* network byte order */
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};

/* Host byte order, as in C's and Linux's headers: compare after ntohl or wrap in htonl. */
#define INADDR_ANY		((in_addr_t)0x00000000)
#define INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define INADDR_NONE		((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK		((in_addr_t)0x7f000001)

#define INET_ADDRSTRLEN		16

/* TCP-level options (IPPROTO_TCP): Linux's numbers. */
#define TCP_NODELAY		1
#define TCP_MAXSEG		2
#define TCP_CORK		3
#define TCP_KEEPIDLE		4
#define TCP_KEEPINTVL		5
#define TCP_KEEPCNT		6
#define TCP_SYNCNT		7
#define TCP_LINGER2		8
#define TCP_DEFER_ACCEPT	9
#define TCP_WINDOW_CLAMP	10
#define TCP_INFO		11
#define TCP_QUICKACK		12
#define TCP_CONGESTION		13
#define TCP_USER_TIMEOUT	18
#define TCP_FASTOPEN		23
#define TCP_NOTSENT_LOWAT	25

#endif
