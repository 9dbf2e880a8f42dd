// SPDX-License-Identifier: MIT
/* What lwIP needs from the platform under NO_SYS: a millisecond clock (sys_now) and random
 * numbers (LWIP_RAND: the first ephemeral ports, DHCP transaction ids; net_init also keys the
 * SYN cookies with them). */
#include <arch/cpu.h>
#include <kernel/time.h>
#include <net/syncookie.h>
#include <stdint.h>

#include "lwip/arch.h"
#include "lwip/sys.h"
#include "sys_arch.h"

u32_t sys_now(void)
{
	return (u32_t)(ktime_ns() / NSEC_PER_MSEC);
}

/*
 * arch_boot_random() is meant for boot-time secrets (without RDRAND it takes several CPUID
 * exits), so it is drawn once, for a 128-bit key; net_rand() is SipHash-2-4 of a counter under
 * that key: a pseudo-random function, so its outputs tell nothing about the key or each other.
 */
static uint64_t rand_key[2];
static uint64_t rand_counter;

void net_rand_init(void)
{
	const char *how;

	rand_key[0] = arch_boot_random(&how);
	rand_key[1] = arch_boot_random(&how);
}

uint32_t net_rand(void)
{
	uint64_t n = rand_counter++;

	return (uint32_t)siphash24(rand_key[0], rand_key[1], &n, sizeof(n));
}
