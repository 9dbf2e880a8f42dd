// SPDX-License-Identifier: MIT
/* What lwIP needs from the platform under NO_SYS: a millisecond clock (sys_now) and random
 * numbers (LWIP_RAND: the first ephemeral ports, DHCP transaction ids; net_init also keys the
 * SYN cookies with them), the kernel's (kernel/random.c). */
#include <kernel/random.h>
#include <kernel/time.h>
#include <stdint.h>

#include "lwip/arch.h"
#include "lwip/sys.h"
#include "sys_arch.h"

u32_t sys_now(void)
{
	return (u32_t)(ktime_ns() / NSEC_PER_MSEC);
}

uint32_t net_rand(void)
{
	return (uint32_t)random_u64();
}
