// SPDX-License-Identifier: MIT
/* FPU, SSE and AVX state for user threads. The kernel is built without them (-mgeneral-regs-only)
 * and never touches those registers, so they hold the state of the last user thread that ran
 * (fpu_owner) until another user thread needs them: switching to or from kernel threads costs
 * nothing, and a save happens only when a second user thread takes the CPU. XSAVE with every
 * user-state component the CPU has (x87, SSE, AVX, AVX-512) when available, else FXSAVE.
 * Locking: fpu_owner is per CPU and changes with interrupts off (context switch, thread free). */
#include <arch/context.h>
#include <arch/cpu.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <string.h>
#include "x86.h"

#define CPUID1_ECX_XSAVE	(1u << 26)
#define CR0_MP			(1ULL << 1)
#define CR0_EM			(1ULL << 2)
#define CR0_TS			(1ULL << 3)
#define CR0_NE			(1ULL << 5)
#define CR4_OSFXSR		(1ULL << 9)
#define CR4_OSXMMEXCPT		(1ULL << 10)
#define CR4_OSXSAVE		(1ULL << 18)
/* XCR0 components saved for user mode: x87, SSE, AVX, AVX-512's opmask, ZMM_Hi256, Hi16_ZMM. */
#define XCR0_USER		0xe7ULL
#define FXSAVE_SIZE		512

static bool use_xsave;
static uint64_t xcr0;
static size_t state_size;
static struct kmem_cache *fpu_cache;
static void *initial_state;		/* fninit + default MXCSR, saved once */
static struct arch_context *fpu_owner;	/* whose state the registers hold (this CPU) */

static inline void write_cr0(uint64_t v) { __asm__ __volatile__("mov %0, %%cr0" :: "r"(v)); }

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ __volatile__("xsetbv" :: "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void fpu_save(void *area)
{
	if (use_xsave)
		__asm__ __volatile__("xsave64 (%0)" :: "r"(area), "a"(0xffffffffu), "d"(0xffffffffu)
				     : "memory");
	else
		__asm__ __volatile__("fxsave64 (%0)" :: "r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
	if (use_xsave)
		__asm__ __volatile__("xrstor64 (%0)" :: "r"(area), "a"(0xffffffffu), "d"(0xffffffffu)
				     : "memory");
	else
		__asm__ __volatile__("fxrstor64 (%0)" :: "r"(area) : "memory");
}

void fpu_init(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	use_xsave = r.ecx & CPUID1_ECX_XSAVE;
	if (use_xsave) {
		write_cr4(cr4 | CR4_OSXSAVE);
		struct cpuid_regs d = cpuid(0xd, 0);
		xcr0 = (((uint64_t)d.edx << 32) | d.eax) & XCR0_USER;
		xsetbv(0, xcr0);
		state_size = cpuid(0xd, 0).ebx;	/* for the components XCR0 now enables */
	} else {
		write_cr4(cr4);
		state_size = FXSAVE_SIZE;
	}
	fpu_cache = kmem_cache_create("fpu_state", state_size, 64);
	initial_state = fpu_cache ? kmem_cache_zalloc(fpu_cache) : NULL;
	if (!initial_state)
		panic("cannot allocate the FPU state template (%zu bytes)", state_size);
	__asm__ __volatile__("fninit");
	uint32_t mxcsr = 0x1f80;		/* every exception masked, round to nearest */
	__asm__ __volatile__("ldmxcsr %0" :: "m"(mxcsr));
	fpu_save(initial_state);
}

const char *fpu_describe(void)
{
	if (!use_xsave)
		return "FXSAVE (x87, SSE)";
	return xcr0 & 0xe0 ? "XSAVE (x87, SSE, AVX, AVX-512)" :
	       xcr0 & 4 ? "XSAVE (x87, SSE, AVX)" : "XSAVE (x87, SSE)";
}

int fpu_state_init(struct arch_context *ctx, const struct arch_context *from)
{
	ctx->fpu = kmem_cache_alloc(fpu_cache);
	if (!ctx->fpu)
		return -1;
	const void *src = initial_state;
	if (from && from->fpu) {
		unsigned long flags = arch_irq_save();
		if (fpu_owner == from)
			fpu_save(from->fpu);	/* the live registers are newer than the copy */
		arch_irq_restore(flags);
		src = from->fpu;
	}
	memcpy(ctx->fpu, src, state_size);
	return 0;
}

void fpu_state_free(struct arch_context *ctx)
{
	unsigned long flags = arch_irq_save();
	if (fpu_owner == ctx)
		fpu_owner = NULL;
	arch_irq_restore(flags);
	kmem_cache_free(fpu_cache, ctx->fpu);
	ctx->fpu = NULL;
}

void fpu_switch_to(struct arch_context *next)
{
	if (fpu_owner == next)
		return;
	if (fpu_owner)
		fpu_save(fpu_owner->fpu);
	fpu_restore(next->fpu);
	fpu_owner = next;
}

/* ---- signal frames ---- */

#define FX_MXCSR		24	/* offsets in the legacy (FXSAVE) area */
#define FX_MXCSR_MASK		28
#define XSAVE_HEADER		512	/* XSTATE_BV, XCOMP_BV, then 48 reserved bytes */
#define XSAVE_HEADER_SIZE	64

size_t fpu_state_size(void)
{
	return state_size;
}

bool fpu_xsave(void)
{
	return use_xsave;
}

uint64_t fpu_xfeatures(void)
{
	return use_xsave ? xcr0 : 3;
}

void fpu_sync(struct arch_context *ctx)
{
	unsigned long flags = arch_irq_save();
	if (fpu_owner == ctx)
		fpu_save(ctx->fpu);
	arch_irq_restore(flags);
}

/* Install @ctx->fpu as the thread's state: in the registers too when they hold its state. */
static void fpu_reload(struct arch_context *ctx)
{
	unsigned long flags = arch_irq_save();
	if (fpu_owner == ctx)
		fpu_restore(ctx->fpu);
	arch_irq_restore(flags);
}

void fpu_reset(struct arch_context *ctx)
{
	memcpy(ctx->fpu, initial_state, state_size);
	fpu_reload(ctx);
}

int fpu_load(struct arch_context *ctx, const void *image, bool legacy_only)
{
	uint32_t mxcsr, mask;
	memcpy(&mask, (const char *)initial_state + FX_MXCSR_MASK, sizeof(mask));
	if (!mask)
		mask = 0xffbf;		/* the architectural default */
	memcpy(&mxcsr, (const char *)image + FX_MXCSR, sizeof(mxcsr));
	if (mxcsr & ~mask)
		return -1;		/* FXRSTOR/XRSTOR would fault on reserved MXCSR bits */
	if (use_xsave && !legacy_only) {
		const uint64_t *hdr = (const uint64_t *)((const char *)image + XSAVE_HEADER);
		if ((hdr[0] & ~xcr0) || hdr[1])
			return -1;	/* components XCR0 lacks, or the compacted format */
		for (int i = 2; i < XSAVE_HEADER_SIZE / 8; i++)
			if (hdr[i])
				return -1;
		memcpy(ctx->fpu, image, state_size);
	} else if (use_xsave) {
		/* Only the legacy area came: the rest of the state is the initial one. */
		memcpy(ctx->fpu, initial_state, state_size);
		memcpy(ctx->fpu, image, FXSAVE_SIZE);
		((uint64_t *)((char *)ctx->fpu + XSAVE_HEADER))[0] |= 3;	/* x87, SSE */
	} else {
		memcpy(ctx->fpu, image, FXSAVE_SIZE);
	}
	fpu_reload(ctx);
	return 0;
}
