// SPDX-License-Identifier: MIT
/* Local APIC: x2APIC (MSRs) when the CPU offers it, xAPIC (MMIO at the APIC base) otherwise. The
 * timer runs one-shot: by TSC deadline when available (no calibration needed), else by counting
 * down at a bus frequency taken from CPUID 0x40000010 or measured against the TSC. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <arch/boot.h>
#include <kernel/printk.h>
#include "x86.h"

#define APIC_ID		0x020
#define APIC_VERSION	0x030
#define APIC_TPR	0x080
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ISR	0x100	/* 8 registers of 32 bits, 0x10 apart */
#define APIC_ICR	0x300
#define APIC_ICR_HI	0x310
#define X2APIC_SELF_IPI	0x83f
#define ICR_SELF	(1u << 18)	/* destination shorthand: self */
#define APIC_LVT_TIMER	0x320
#define APIC_TIMER_INIT	0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0
#define APIC_BASE_EXTD	(1ULL << 10)
#define APIC_BASE_EN	(1ULL << 11)
#define LVT_MASKED	(1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)

static bool x2apic;
static bool tsc_deadline;
static volatile uint8_t *xapic_base;
static uint64_t apic_ticks_per_ktsc;	/* APIC timer ticks per 1024 TSC cycles (count-down mode) */

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return mmio_read32(xapic_base + reg);
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		mmio_write32(xapic_base + reg, v);
}

uint32_t lapic_id(void)
{
	return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void arch_irq_eoi(void)
{
	lapic_eoi();
}

void arch_irq_self(int vec)
{
	if (x2apic) {
		wrmsr(X2APIC_SELF_IPI, (uint32_t)vec);
	} else {
		apic_write(APIC_ICR_HI, 0);
		apic_write(APIC_ICR, ICR_SELF | (uint32_t)vec);	/* fixed delivery, edge */
	}
}

bool arch_irq_in_service(int vec)
{
	return apic_read(APIC_ISR + 0x10 * ((uint32_t)vec / 32)) & (1u << (vec % 32));
}

void arch_timer_arm(uint64_t deadline)
{
	if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, deadline ? deadline : 1);
		return;
	}
	uint64_t now = arch_cycles();
	uint64_t delta = deadline > now ? deadline - now : 0;
	uint64_t ticks = (delta * apic_ticks_per_ktsc) >> 10;
	if (ticks > 0xffffffffULL)
		ticks = 0xffffffffULL;	/* the handler re-arms for the rest */
	apic_write(APIC_TIMER_INIT, ticks ? (uint32_t)ticks : 1);
}

void arch_timer_disarm(void)
{
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		apic_write(APIC_TIMER_INIT, 0);
}

const char *arch_timer_mode(void)
{
	if (tsc_deadline)
		return x2apic ? "x2APIC, TSC-deadline" : "xAPIC, TSC-deadline";
	return x2apic ? "x2APIC, one-shot count-down" : "xAPIC, one-shot count-down";
}

/* Count-down mode: how many APIC timer ticks pass per TSC cycle. */
static void calibrate_countdown(void)
{
	struct cpuid_regs h = cpuid(0x40000000, 0);
	if ((cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR) && h.eax >= 0x40000010) {
		uint32_t bus_khz = cpuid(0x40000010, 0).ebx;
		if (bus_khz && boot_info.tsc_khz) {
			apic_ticks_per_ktsc = (uint64_t)bus_khz * 1024 / boot_info.tsc_khz;
			return;
		}
	}
	/* Measure: let the counter run (divide by 1) for 1 ms of TSC time. */
	apic_write(APIC_TIMER_INIT, 0xffffffff);
	uint64_t t0 = arch_cycles(), span = boot_info.tsc_khz;
	while (arch_cycles() - t0 < span)
		arch_cpu_relax();
	uint32_t left = apic_read(APIC_TIMER_CUR);
	uint64_t t1 = arch_cycles();
	apic_write(APIC_TIMER_INIT, 0);
	apic_ticks_per_ktsc = (uint64_t)(0xffffffffu - left) * 1024 / (t1 - t0);
	if (!apic_ticks_per_ktsc)
		apic_ticks_per_ktsc = 1;
}

void lapic_init(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint64_t base = rdmsr(MSR_APIC_BASE);

	x2apic = r.ecx & CPUID1_ECX_X2APIC;
	tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
	if (x2apic) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	} else {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
		xapic_base = arch_map_mmio(base & ~0xfffULL, 4096);
	}
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, 0x100 | IRQ_VECTOR_SPURIOUS);	/* software-enable */
	apic_write(APIC_TIMER_DIV, 0xb);			/* divide by 1 */
	if (tsc_deadline) {
		apic_write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | IRQ_VECTOR_TIMER);
	} else {
		apic_write(APIC_LVT_TIMER, IRQ_VECTOR_TIMER);	/* one-shot */
		calibrate_countdown();
	}
	lapic_eoi();
}
