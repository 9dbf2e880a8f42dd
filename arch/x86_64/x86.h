/* SPDX-License-Identifier: MIT */
/* x86-64 instruction helpers private to arch/x86_64: CPUID, MSRs, control registers, tables. */
#ifndef X86_H
#define X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/user.h>

#include "segments.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;
	__asm__ __volatile__("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(sub));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ __volatile__("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ __volatile__("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ __volatile__("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ __volatile__("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ __volatile__("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline void invlpg(uintptr_t va) { __asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory"); }

#define MSR_APIC_BASE		0x1b
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081	/* SYSCALL/SYSRET segment selectors */
#define MSR_LSTAR		0xc0000082	/* SYSCALL's 64-bit entry point */
#define MSR_FMASK		0xc0000084	/* RFLAGS bits SYSCALL clears */
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102	/* the GS base SWAPGS exchanges with GS_BASE */
#define EFER_SCE		(1ULL << 0)	/* SYSCALL enable */
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_BASE		0x800

#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)
#define CPUID1_ECX_RDRAND	(1u << 30)

/* The per-CPU block GS points at in the kernel (user mode has its own GS base; SWAPGS exchanges
 * them at every entry from and exit to user mode). Offsets: segments.h, for user.S. */
struct percpu {
	uint64_t user_rsp;	/* the user stack pointer at SYSCALL, until the frame holds it */
	uint64_t kernel_rsp;	/* the top of the running thread's kernel stack */
};

/* Set up by cpu.c. */
void cpu_init(void);
void idt_init(void);
/* cpu.c: the kernel stack an entry from user mode lands on (TSS RSP0 and the SYSCALL path). */
void cpu_set_kernel_stack(uint64_t top);
/* mmu.c */
void mmu_init(void);
/* fpu.c: user threads' FPU/SSE/AVX state (see there). */
struct arch_context;
void fpu_init(void);
const char *fpu_describe(void);
int fpu_state_init(struct arch_context *ctx, const struct arch_context *from);
void fpu_state_free(struct arch_context *ctx);
void fpu_switch_to(struct arch_context *next);
/* fpu.c, for signal frames: the state's size and format (XSAVE's standard format, else
 * FXSAVE's), the components saved; fpu_sync makes ctx->fpu current (saving the registers if
 * they hold it); fpu_reset gives the thread the initial state; fpu_load installs @image (a
 * kernel copy of what a frame held; @legacy_only: only its first 512 bytes are valid) after
 * checking what would make the restore fault (-1, nothing changed). */
size_t fpu_state_size(void);
bool fpu_xsave(void);
uint64_t fpu_xfeatures(void);
void fpu_sync(struct arch_context *ctx);
void fpu_reset(struct arch_context *ctx);
int fpu_load(struct arch_context *ctx, const void *image, bool legacy_only);
/* context.c: load a user thread's FS and GS bases (MSR writes only on a change). */
void arch_user_bases_set(uint64_t fs, uint64_t gs);
/* tsc.c: calibrate; returns kHz and names the method in *how. */
uint64_t tsc_calibrate(const char **how);
/* lapic.c */
void lapic_init(void);
uint32_t lapic_id(void);	/* this CPU's APIC ID (x2APIC: 32 bits; xAPIC: 8) */

/* The saved state of an interrupted context, as entry.S lays it out. */

#endif
