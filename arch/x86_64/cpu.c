// SPDX-License-Identifier: MIT
/* The CPU's descriptor tables: a GDT with a TSS (whose IST stacks catch double faults even when
 * the kernel stack is gone), and an IDT of interrupt gates pointing at entry.S's stubs. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <kernel/compiler.h>
#include "x86.h"

#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define TSS_SEL		0x18
#define IST_STACK_SIZE	8192

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];	/* stacks for privilege changes (unused: ring 0 only) */
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
static uint64_t gdt[5];		/* null, code, data, TSS (two slots) */
static struct idt_gate idt[256];
static uint8_t ist_df_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ist_nmi_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

extern const uint64_t trap_stubs[256];

void cpu_init(void)
{
	uintptr_t t = (uintptr_t)&tss;

	tss.ist[0] = (uintptr_t)ist_df_stack + IST_STACK_SIZE;	/* IST1: #DF */
	tss.ist[1] = (uintptr_t)ist_nmi_stack + IST_STACK_SIZE;	/* IST2: NMI, #MC */
	tss.iomap_base = sizeof(tss);

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;	/* 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL;	/* data */
	gdt[3] = (sizeof(tss) - 1) | ((t & 0xffffffULL) << 16) | (0x89ULL << 40) |
		 (((t >> 24) & 0xffULL) << 56);	/* available 64-bit TSS */
	gdt[4] = t >> 32;

	struct desc_ptr gp = { sizeof(gdt) - 1, (uintptr_t)gdt };
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
		"xor %%eax, %%eax\n\tmov %%eax, %%fs\n\tmov %%eax, %%gs\n\t"
		"pushq %2\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\tlretq\n1:\n\t"
		"ltr %w3"
		:: "m"(gp), "r"(KERNEL_DS), "i"(KERNEL_CS), "r"(TSS_SEL) : "rax", "memory");

	/* The legacy PICs would deliver on vectors 8-15 otherwise: mask them all. */
	arch_outb(0x21, 0xff);
	arch_outb(0xa1, 0xff);
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
