/* SPDX-License-Identifier: MIT */
/* <netinet/tcp.h>: TCP-level socket options (TCP_NODELAY, TCP_KEEPIDLE, ...), Linux's numbers.
 * epunk implements TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT and TCP_MAXSEG (read). */
#ifndef EPUNK_NETINET_TCP_H
#define EPUNK_NETINET_TCP_H

#include <uapi/in.h>

#define SOL_TCP		IPPROTO_TCP

#endif
