/* SPDX-License-Identifier: MIT */
/* Socket ioctl requests (Linux's values): bytes waiting to be read, and bytes sent but not yet
 * consumed by the receiver (AF_UNIX: the send accounting's charge). */
#ifndef UAPI_SOCKIOS_H
#define UAPI_SOCKIOS_H

#define FIONREAD	0x541B
#define TIOCOUTQ	0x5411
#define SIOCINQ		FIONREAD
#define SIOCOUTQ	TIOCOUTQ

#endif
