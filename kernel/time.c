// SPDX-License-Identifier: MIT
/* Cycle/nanosecond conversion by fixed-point multiply (no division on the hot path). */
#include <arch/cpu.h>
#include <kernel/time.h>

static uint64_t ns_mult;	/* ns = cycles * ns_mult >> 32 */
static uint64_t cyc_mult;	/* cycles = ns * cyc_mult >> 32 */
static uint64_t zero;		/* TSC at time zero */
static uint64_t khz;

void time_init(uint64_t tsc_khz, uint64_t tsc_zero)
{
	khz = tsc_khz ? tsc_khz : 1000000;	/* never divide by zero: assume 1 GHz */
	ns_mult = (1000000ULL << 32) / khz;
	cyc_mult = (khz << 32) / 1000000ULL;
	zero = tsc_zero;
}

uint64_t cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * ns_mult) >> 32);
}

uint64_t ns_to_cycles(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * cyc_mult) >> 32);
}

uint64_t ktime_ns(void)
{
	return cycles_to_ns(arch_cycles() - zero);
}

void time_tsc_params(uint64_t *zero_out, uint64_t *ns_mult_out)
{
	*zero_out = zero;
	*ns_mult_out = ns_mult;
}

uint64_t time_tsc_khz(void)
{
	return khz;
}
