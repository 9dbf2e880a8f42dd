// SPDX-License-Identifier: MIT
/* The CPU's descriptor tables: a GDT with kernel and user segments and a TSS (RSP0: the kernel
 * stack an interrupt from user mode lands on; IST stacks that catch double faults even when the
 * kernel stack is gone), an IDT of interrupt gates pointing at entry.S's stubs, and the SYSCALL
 * MSRs (user.S's entry). */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <kernel/compiler.h>
#include "x86.h"

#define IST_STACK_SIZE	8192
#define GUARD_SIZE	4096

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];	/* stacks for privilege changes: rsp[0] for entries from user mode */
	uint64_t reserved1;
	uint64_t ist[7];	/* interrupt stack table: IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;	/* past the limit: no I/O bitmap */
} PACKED;

struct idt_gate {
	uint16_t off_lo;	/* handler address bits 0..15 */
	uint16_t sel;		/* code segment */
	uint8_t ist;		/* IST index, 0 = current stack */
	uint8_t type;		/* present | DPL | gate type */
	uint16_t off_mid;	/* bits 16..31 */
	uint32_t off_hi;	/* bits 32..63 */
	uint32_t reserved;
} PACKED;

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} PACKED;

static struct tss tss;
/* null, kernel code and data, user code32 (SYSRET's layout), user data and code, TSS (2 slots) */
static uint64_t gdt[8];
static struct percpu percpu;
static struct idt_gate idt[256];
/* An exception stack with a guard page below it, left unmapped by mmu_init (arch_static_stacks):
 * a handler that overflows it faults instead of running over whatever lies beneath. */
struct ist_stack {
	uint8_t guard[GUARD_SIZE];
	uint8_t stack[IST_STACK_SIZE];
} __attribute__((aligned(4096)));
static struct ist_stack ist_df, ist_nmi;
/* boot.S: the boot stack, which the idle thread keeps, with its guard page below. */
extern uint8_t boot_stack_guard[], boot_stack_top[];

int arch_static_stacks(struct arch_stack *out, int n)
{
	const struct arch_stack all[] = {
		{ "idle (boot)", (uintptr_t)boot_stack_guard, (uintptr_t)boot_stack_top },
		{ "#DF IST", (uintptr_t)ist_df.guard, (uintptr_t)ist_df.stack + IST_STACK_SIZE },
		{ "NMI/#MC IST", (uintptr_t)ist_nmi.guard, (uintptr_t)ist_nmi.stack + IST_STACK_SIZE },
	};
	int i;
	for (i = 0; i < n && i < (int)(sizeof(all) / sizeof(all[0])); i++)
		out[i] = all[i];
	return (int)(sizeof(all) / sizeof(all[0]));
}

extern const uint64_t trap_stubs[256];

#define CPUID1_ECX_RDRAND	(1u << 30)

/* splitmix64's finalizer: every input bit affects every output bit. */
static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

__attribute__((no_stack_protector)) uint64_t arch_boot_random(const char **how)
{
	if (cpuid(1, 0).ecx & CPUID1_ECX_RDRAND) {
		for (int tries = 0; tries < 10; tries++) {	/* Intel's advice: retry a few times */
			uint64_t v;
			uint8_t ok;
			__asm__ __volatile__("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok) {
				*how = "RDRAND";
				return v;
			}
		}
	}
	/* No RDRAND: the TSC's low bits jitter with cache and device timing; fold several
	 * readings taken around cpuid (slow, variable under a hypervisor). */
	uint64_t acc = 0;
	for (int i = 0; i < 8; i++) {
		acc = mix64(acc ^ arch_cycles());
		(void)cpuid(0, 0);
	}
	*how = "TSC mixing";
	return acc;
}

uint64_t arch_hwcap(void)
{
	return cpuid(1, 0).edx;
}

void cpu_init(void)
{
	uintptr_t t = (uintptr_t)&tss;

	tss.ist[0] = (uintptr_t)ist_df.stack + IST_STACK_SIZE;	/* IST1: #DF */
	tss.ist[1] = (uintptr_t)ist_nmi.stack + IST_STACK_SIZE;	/* IST2: NMI, #MC */
	tss.iomap_base = sizeof(tss);

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;	/* 0x08: 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL;	/* 0x10: data, DPL 0 */
	gdt[3] = 0x00cffa000000ffffULL;	/* 0x18: 32-bit code, DPL 3 (never loaded) */
	gdt[4] = 0x00cff2000000ffffULL;	/* 0x20: data, DPL 3 */
	gdt[5] = 0x00affa000000ffffULL;	/* 0x28: 64-bit code, DPL 3 */
	gdt[6] = (sizeof(tss) - 1) | ((t & 0xffffffULL) << 16) | (0x89ULL << 40) |
		 (((t >> 24) & 0xffULL) << 56);	/* 0x30: available 64-bit TSS */
	gdt[7] = t >> 32;

	struct desc_ptr gp = { sizeof(gdt) - 1, (uintptr_t)gdt };
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
		"xor %%eax, %%eax\n\tmov %%eax, %%fs\n\tmov %%eax, %%gs\n\t"
		"pushq %2\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\tlretq\n1:\n\t"
		"ltr %w3"
		:: "m"(gp), "r"(KERNEL_DS), "i"(KERNEL_CS), "r"(TSS_SEL) : "rax", "memory");

	/* GS is the per-CPU block in the kernel; a user thread's own GS base waits in
	 * KERNEL_GS_BASE until SWAPGS brings it in on the way out. */
	wrmsr(MSR_GS_BASE, (uintptr_t)&percpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/* SYSCALL: kernel CS/SS from STAR[47:32], SYSRET's user ones from STAR[63:48]; interrupts,
	 * traps, direction, alignment checks and nested-task off on entry. */
	extern char syscall_entry[];
	wrmsr(MSR_STAR, ((uint64_t)(USER32_CS & ~3) << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x47700);	/* TF, IF, DF, IOPL, NT, AC */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

	/* The legacy PICs would deliver on vectors 8-15 otherwise: mask them all. */
	arch_outb(0x21, 0xff);
	arch_outb(0xa1, 0xff);
}

void cpu_set_kernel_stack(uint64_t top)
{
	tss.rsp[0] = top;
	percpu.kernel_rsp = top;
}

static void idt_set(int vec, uint64_t handler, int ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = KERNEL_CS,
		.ist = ist,
		.type = 0x8e,	/* present, DPL 0, 64-bit interrupt gate (IF cleared on entry) */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		idt_set(v, trap_stubs[v], 0);
	idt_set(2, trap_stubs[2], 2);	/* NMI */
	idt_set(8, trap_stubs[8], 1);	/* double fault: a fresh stack even if ours overflowed */
	idt_set(18, trap_stubs[18], 2);	/* machine check */
	struct desc_ptr ip = { sizeof(idt) - 1, (uintptr_t)idt };
	__asm__ __volatile__("lidt %0" :: "m"(ip));
}

/* isa-debug-exit at port 0xf4 turns a write of v into QEMU's exit code (v << 1) | 1. We write
 * status + 1 so that no guest status yields 1, the code QEMU also uses for its own errors. */
void arch_exit(int status)
{
	if (status < 0 || status > EXIT_STATUS_MAX)
		status = EXIT_STATUS_MAX;
	arch_irq_disable();
	arch_outl(0xf4, (uint32_t)status + 1);
	for (;;)
		__asm__ __volatile__("hlt");
}
