/* SPDX-License-Identifier: MIT */
/* Segment selectors of cpu.c's GDT and offsets user.S needs, usable from C and assembly (private
 * to arch/x86_64). SYSRET takes CS and SS from STAR[63:48] + 16 and + 8, so the user data segment
 * sits right below the user code segment, above a 32-bit code placeholder. */
#ifndef X86_SEGMENTS_H
#define X86_SEGMENTS_H

#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define USER32_CS	0x1b	/* never loaded */
#define USER_DS		0x23
#define USER_CS		0x2b
#define TSS_SEL		0x30

/* struct percpu (x86.h), which GS points at in the kernel. */
#define PERCPU_USER_RSP		0
#define PERCPU_KERNEL_RSP	8

/* The vector field of a trap frame built by the SYSCALL entry. */
#define SYSCALL_VECTOR		0x100

/* struct trap_frame offsets (x86.h). */
#define TF_R15		0
#define TF_R14		8
#define TF_R13		16
#define TF_R12		24
#define TF_R11		32
#define TF_R10		40
#define TF_R9		48
#define TF_R8		56
#define TF_RBP		64
#define TF_RDI		72
#define TF_RSI		80
#define TF_RDX		88
#define TF_RCX		96
#define TF_RBX		104
#define TF_RAX		112
#define TF_VECTOR	120
#define TF_ERROR	128
#define TF_RIP		136
#define TF_CS		144
#define TF_RFLAGS	152
#define TF_RSP		160
#define TF_SS		168
#define TF_SIZE		176

#endif
