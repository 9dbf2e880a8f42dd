// SPDX-License-Identifier: MIT
/* TSC calibration, cheapest first: the hypervisor's timing leaf 0x40000010, then kvmclock's
 * scale factors, then counting TSC ticks across a PIT channel 2 countdown. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/memory.h>
#include <kernel/compiler.h>
#include "x86.h"

#define PIT_HZ		1193182ULL
#define PIT_WINDOW_MS	5	/* a polling step is ~0.1 us under TCG: 0.002% of a window */

static bool hypervisor_leaf(uint32_t *max, char sig[13])
{
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	struct cpuid_regs r = cpuid(0x40000000, 0);
	*max = r.eax;
	__builtin_memcpy(sig, &r.ebx, 4);
	__builtin_memcpy(sig + 4, &r.ecx, 4);
	__builtin_memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	return true;
}

/* kvmclock's pvclock page; the host fills it in once we hand it the address. */
struct pvclock {
	uint32_t version;		/* odd while the host updates */
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;	/* ns = (tsc << shift) * mul >> 32 */
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((aligned(64)));

static struct pvclock pvclock;

static uint64_t kvmclock_khz(void)
{
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, virt_to_phys(&pvclock) | 1);
	uint32_t v, mul;
	int8_t shift;
	do {
		v = READ_ONCE(pvclock.version);
		barrier();
		mul = pvclock.tsc_to_system_mul;
		shift = pvclock.tsc_shift;
		barrier();
	} while ((v & 1) || v != READ_ONCE(pvclock.version));
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);	/* we only wanted the scale: stop the updates */
	if (!mul)
		return 0;
	uint64_t khz = (1000000ULL << 32) / mul;
	return shift < 0 ? khz << -shift : khz >> shift;
}

/* TSC ticks from loading PIT channel 2 with count to its output rising. */
static uint64_t pit_window(uint16_t count)
{
	uint8_t gate = arch_inb(0x61);

	arch_outb(0x61, (gate & ~0x02) | 0x01);	/* speaker off, channel 2 gate on */
	arch_outb(0x43, 0xb0);			/* channel 2, lobyte/hibyte, mode 0 */
	arch_outb(0x42, count & 0xff);
	arch_outb(0x42, count >> 8);
	uint64_t t0 = arch_cycles();
	uint64_t spins = 0;
	while (!(arch_inb(0x61) & 0x20)) {	/* OUT2 rises at terminal count */
		if (++spins > 100000000ULL)
			return 0;
	}
	uint64_t t1 = arch_cycles();
	arch_outb(0x61, gate);
	return t1 - t0;
}

/*
 * A busy host stretches windows, never shrinks them (a vCPU descheduled around either edge; under
 * TCG, windows run long with no slow polling step to explain it). So windows are taken until two
 * agree within 0.004%, and the shorter of the two is used.
 */
#define PIT_TRIES	24	/* 120 ms at worst, on a host too busy for two clean windows */

static uint64_t pit_khz(void)
{
	uint16_t count = PIT_HZ * PIT_WINDOW_MS / 1000;
	uint64_t ticks[PIT_TRIES], best = UINT64_MAX;

	for (int n = 0; n < PIT_TRIES; n++) {
		ticks[n] = pit_window(count);
		if (!ticks[n])
			return 0;
		for (int i = 0; i < n; i++) {
			uint64_t lo = MIN(ticks[i], ticks[n]), hi = MAX(ticks[i], ticks[n]);
			if ((hi - lo) * 25000 <= lo) {
				best = lo;
				goto found;
			}
		}
		best = MIN(best, ticks[n]);
	}
found:
	return best * PIT_HZ / ((uint64_t)count * 1000);
}

uint64_t tsc_calibrate(const char **how)
{
	uint32_t max;
	char sig[13];

	if (hypervisor_leaf(&max, sig)) {
		if (max >= 0x40000010) {
			uint32_t khz = cpuid(0x40000010, 0).eax;
			if (khz) {
				*how = "CPUID leaf 0x40000010";
				return khz;
			}
		}
		if (!__builtin_memcmp(sig, "KVMKVMKVM\0\0\0", 12) && max >= 0x40000001 &&
		    (cpuid(0x40000001, 0).eax & (1u << 3))) {
			uint64_t khz = kvmclock_khz();
			if (khz) {
				*how = "kvmclock";
				return khz;
			}
		}
	}
	*how = "PIT channel 2 (5 ms windows, two agreeing)";
	return pit_khz();
}
