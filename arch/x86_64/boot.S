/* SPDX-License-Identifier: MIT */
/* PVH entry: QEMU -kernel jumps here in 32-bit protected mode, paging off, with %ebx pointing
 * at hvm_start_info. We stamp the TSC, zero .bss, map the low 4 GiB three ways with 2 MiB pages
 * (at their own addresses for this stub, at DIRECT_BASE as the direct map, and the first 2 GiB
 * at KERNEL_BASE where the rest of the kernel is linked; mmu_init replaces them with
 * permission-split tables without the first), enter long mode, jump to KERNEL_BASE and call
 * kmain. Until then every kernel symbol is used at its physical address, sym - KERNEL_BASE. */

#include <arch/memory.h>

#define PHYS(sym)	((sym) - KERNEL_BASE)
#define PML4_INDEX(va)	(((va) >> 39) & 511)
#define PDPT_INDEX(va)	(((va) >> 30) & 511)

#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_OSFXSR	(1 << 9)
#define PTE_P		0x1
#define PTE_W		0x2
#define PTE_PS		0x80

/* The ELF note QEMU reads to find the 32-bit entry (XEN_ELFNOTE_PHYS32_ENTRY = 18). It lives in
 * its own 4-byte-aligned section; the linker script gives it a PT_NOTE program header. */
	.section .note.pvh, "a", @note
	.p2align 2
	.long	4		/* namesz */
	.long	4		/* descsz */
	.long	18		/* type */
	.asciz	"Xen"
	.long	pvh_start32

	.section .boot.text, "ax", @progbits
	.code32
	.globl	pvh_start32
pvh_start32:
	cli
	cld
	rdtsc			/* first instruction that matters: boot time is measured from here */
	mov	%eax, PHYS(boot_tsc)
	mov	%edx, PHYS(boot_tsc) + 4
	mov	%ebx, PHYS(boot_info_ptr)
	mov	$PHYS(boot_stack_top), %esp

	/* .bss: QEMU's ELF loader zero-fills it, but nothing says every loader does. */
	mov	$PHYS(__bss_start), %edi
	mov	$PHYS(__bss_end), %ecx
	sub	%edi, %ecx
	shr	$2, %ecx		/* whole dwords: the linker script aligns both ends */
	xor	%eax, %eax
	rep stosl

	/* Long mode is required; NX is used when present. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	test	$(1 << 29), %edx
	jz	no_long_mode
	mov	%edx, %esi		/* keep bit 20 (NX) for EFER below */

	/* Boot page tables: 4 page directories of 2 MiB pages cover the low 4 GiB. boot_pdpt holds
	 * all four, boot_pdpt_k the first two at KERNEL_BASE's slots; the PML4 points at boot_pdpt
	 * from slot 0 (this stub) and DIRECT_BASE's, at boot_pdpt_k from KERNEL_BASE's. */
	mov	$PHYS(boot_pdpt), %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, PHYS(boot_pml4)
	mov	%eax, PHYS(boot_pml4) + 8 * PML4_INDEX(DIRECT_BASE)
	mov	$PHYS(boot_pdpt_k), %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, PHYS(boot_pml4) + 8 * PML4_INDEX(KERNEL_BASE)
	mov	$PHYS(boot_pd), %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, PHYS(boot_pdpt_k) + 8 * PDPT_INDEX(KERNEL_BASE)
	add	$4096, %eax
	mov	%eax, PHYS(boot_pdpt_k) + 8 * PDPT_INDEX(KERNEL_BASE) + 8
	mov	$PHYS(boot_pd), %edi
	mov	$PHYS(boot_pdpt), %edx
	mov	$4, %ecx
1:	mov	%edi, %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, (%edx)
	add	$8, %edx
	add	$4096, %edi
	loop	1b
	mov	$PHYS(boot_pd), %edi
	xor	%eax, %eax
	mov	$2048, %ecx		/* 4 x 512 entries */
2:	mov	%eax, %edx
	or	$(PTE_P | PTE_W | PTE_PS), %edx
	mov	%edx, (%edi)
	add	$8, %edi
	add	$0x200000, %eax
	loop	2b

	mov	%cr4, %eax
	or	$(CR4_PAE | CR4_OSFXSR), %eax
	mov	%eax, %cr4
	mov	$PHYS(boot_pml4), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	test	$(1 << 20), %esi
	jz	3f
	or	$EFER_NXE, %eax
3:	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PE | CR0_WP | CR0_PG), %eax
	mov	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$0x08, $long_mode_entry

/* No long mode: say so on COM1 and stop (isa-debug-exit, status 1, when present). */
no_long_mode:
	mov	$no_lm_msg, %esi
	mov	$0x3f8, %dx
4:	lodsb
	test	%al, %al
	jz	5f
	out	%al, %dx
	jmp	4b
5:	mov	$2, %al
	mov	$0xf4, %dx
	out	%al, %dx
6:	hlt
	jmp	6b

	.code64
long_mode_entry:
	movabs	$long_mode_high, %rax
	jmp	*%rax

	.text
long_mode_high:
	xor	%eax, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	xor	%ebp, %ebp		/* terminates backtraces */
	call	stackprot_init		/* the stack-protector guard, before any protected frame */
	call	kmain
7:	cli
	hlt
	jmp	7b

	.section .boot.rodata, "a"
no_lm_msg:
	.asciz	"epunk: this CPU has no long mode (x86-64); cannot boot\r\n"

	.p2align 3
boot_gdt:
	.quad	0			/* null */
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .bss
	.p2align 12
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pdpt_k:	.skip 4096
boot_pd:	.skip 4096 * 4
	/* The idle thread's stack: the same shape as a thread's (THREAD_STACK_ORDER: 28 KiB above a
	 * 4 KiB guard page that mmu_init leaves unmapped, see arch_static_stacks). */
	.globl	boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack:	.skip 28672
boot_stack_top:

	.section .data
	.p2align 3
	.globl	boot_tsc, boot_info_ptr
boot_tsc:	.quad 0
boot_info_ptr:	.quad 0

	.section .note.GNU-stack, "", @progbits
