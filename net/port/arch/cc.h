/* SPDX-License-Identifier: MIT */
/* lwIP's compiler and platform glue for epunk: the freestanding kernel's types and headers,
 * printk for diagnostics, panic for assertions, net_rand for LWIP_RAND, and the declarations
 * of everything lwipopts.h's options name. */
#ifndef EPUNK_LWIP_ARCH_CC_H
#define EPUNK_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>		/* ssize_t (our limits.h defines SSIZE_MAX) */
#include <kernel/printk.h>	/* printk, panic */
#include <kernel/slab.h>	/* kmalloc, kfree: mem_clib_malloc, mem_clib_free */

#include "hooks.h"		/* the port's functions lwipopts.h's options name */
#include "sys_arch.h"		/* net_rand */

/* The kernel has stdint.h, stddef.h and limits.h (include/), but no inttypes.h, ctype.h or
 * unistd.h for lwIP's purposes. */
#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_UNISTD_H	1
#define X8_F	"02x"
#define U16_F	"hu"
#define S16_F	"hd"
#define X16_F	"hx"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

#define BYTE_ORDER		LITTLE_ENDIAN
#define lwip_htons(x)		((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x)		((u32_t)__builtin_bswap32((u32_t)(x)))
/* No htons/ntohl macros from lwIP: the kernel spells lwip_htons, apps get <arpa/inet.h>'s. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* LWIP_PLATFORM_DIAG((fmt, args)): only used with LWIP_DEBUG. */
#define LWIP_PLATFORM_DIAG(x)	do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	panic("lwIP assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)
#define LWIP_RAND()		net_rand()

#endif
