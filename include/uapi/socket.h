/* SPDX-License-Identifier: MIT */
/* The socket ABI: Linux's x86-64 values for address families, socket types, SOL_SOCKET options,
 * message flags and shutdown directions, and the generic address structures. */
#ifndef UAPI_SOCKET_H
#define UAPI_SOCKET_H

#include <stdint.h>
#include <uapi/fcntl.h>

typedef unsigned short sa_family_t;

#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_LOCAL	AF_UNIX
#define AF_INET		2
#define AF_INET6	10
#define AF_NETLINK	16
#define AF_PACKET	17
#define AF_MAX		46	/* Linux's NPROTO: families at or above it are EAFNOSUPPORT */
#define PF_UNSPEC	AF_UNSPEC
#define PF_UNIX		AF_UNIX
#define PF_LOCAL	AF_LOCAL
#define PF_INET		AF_INET
#define PF_INET6	AF_INET6

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_RDM	4
#define SOCK_SEQPACKET	5
#define SOCK_DCCP	6
#define SOCK_PACKET	10
#define SOCK_MAX	11	/* types at or above it are EINVAL */
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOCK_CLOEXEC	O_CLOEXEC

#define SOL_SOCKET	1
#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_OOBINLINE	10
#define SO_NO_CHECK	11
#define SO_PRIORITY	12
#define SO_LINGER	13
#define SO_BSDCOMPAT	14
#define SO_REUSEPORT	15
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_RCVTIMEO	20	/* struct timeval (the 64-bit "old" layout) */
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_SNDBUFFORCE	32
#define SO_RCVBUFFORCE	33
#define SO_PROTOCOL	38
#define SO_DOMAIN	39
#define SO_BUSY_POLL	46
#define SO_PREFER_BUSY_POLL	69
#define SO_BUSY_POLL_BUDGET	70

#define SOMAXCONN	4096	/* listen() backlogs above it are cut to it */

#define MSG_OOB		0x00000001
#define MSG_PEEK	0x00000002
#define MSG_DONTROUTE	0x00000004
#define MSG_CTRUNC	0x00000008
#define MSG_PROXY	0x00000010
#define MSG_TRUNC	0x00000020
#define MSG_DONTWAIT	0x00000040
#define MSG_EOR		0x00000080
#define MSG_WAITALL	0x00000100
#define MSG_FIN		0x00000200
#define MSG_SYN		0x00000400
#define MSG_CONFIRM	0x00000800
#define MSG_RST		0x00001000
#define MSG_ERRQUEUE	0x00002000
#define MSG_NOSIGNAL	0x00004000
#define MSG_MORE	0x00008000
#define MSG_WAITFORONE	0x00010000
#define MSG_FASTOPEN	0x20000000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

struct sockaddr {
	sa_family_t sa_family;	/* AF_* */
	char sa_data[14];	/* the family's address */
};

/* Room for any address: 128 bytes, aligned for a long. */
struct sockaddr_storage {
	sa_family_t ss_family;
	char ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
	unsigned long ss_align;
};

struct linger {
	int l_onoff;		/* non-zero: linger on close */
	int l_linger;		/* seconds; 0 with l_onoff: reset the connection on close */
};

/* SO_PEERCRED's value: the peer process's credentials when the socket was connected. */
struct ucred {
	int32_t pid;		/* 0 when the socket has no peer credentials */
	uint32_t uid;		/* (uid_t)-1 then */
	uint32_t gid;		/* (gid_t)-1 then */
};

#endif
