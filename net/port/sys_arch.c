// SPDX-License-Identifier: MIT
/* What lwIP needs from the platform under NO_SYS: a millisecond clock (sys_now) and random
 * numbers (LWIP_RAND: initial sequence numbers, ephemeral ports, DHCP transaction ids). */
#include <arch/cpu.h>
#include <kernel/time.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lwip/arch.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
	return (u32_t)(ktime_ns() / NSEC_PER_MSEC);
}

/*
 * RDRAND when CPUID says the CPU has it (QEMU's TCG "max" CPU does), else xorshift64 seeded from
 * the TSC. Not cryptographic either way; lwIP asks for unpredictable, not secret.
 *
 * The CPUID and RDRAND instructions belong behind arch/ (an arch_random() contract next to
 * arch_cycles); they sit here until that header exists, because arch/ was being changed by
 * others when this was written. The two helpers are the only x86 in net/.
 */
static bool have_rdrand;
static uint64_t xs_state;

static bool cpu_has_rdrand(void)
{
	uint32_t a = 1, b, c = 0, d;
	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return c & (1u << 30);
}

static bool rdrand32(uint32_t *v)
{
	unsigned char ok;
	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok;
}

void net_rand_init(void)
{
	have_rdrand = cpu_has_rdrand();
	xs_state = arch_cycles() * 0x9e3779b97f4a7c15ULL;
	if (!xs_state)
		xs_state = 0x2545f4914f6cdd1dULL;
}

uint32_t net_rand(void)
{
	uint32_t v;
	/* RDRAND may fail transiently; Intel recommends ten tries. */
	for (int i = 0; have_rdrand && i < 10; i++)
		if (rdrand32(&v))
			return v;
	xs_state ^= xs_state << 13;
	xs_state ^= xs_state >> 7;
	xs_state ^= xs_state << 17;
	return (uint32_t)(xs_state >> 32);
}
