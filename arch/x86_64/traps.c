// SPDX-License-Identifier: MIT
/* Trap dispatch: CPU exceptions become a full report (vector, error code, RIP with symbol, CR2,
 * registers, backtrace) and a failure exit; device and timer vectors go to their handlers. */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/memory.h>
#include <arch/boot.h>
#include <kernel/errno.h>
#include <kernel/ksym.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <arch/mmu.h>
#include "x86.h"

void lapic_eoi(void);

static const char *const exception_names[32] = {
	[0] = "divide error (#DE)", [1] = "debug (#DB)", [2] = "NMI",
	[3] = "breakpoint (#BP)", [4] = "overflow (#OF)", [5] = "bound range (#BR)",
	[6] = "invalid opcode (#UD)", [7] = "device not available (#NM)",
	[8] = "double fault (#DF)", [9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)", [11] = "segment not present (#NP)",
	[12] = "stack-segment fault (#SS)", [13] = "general protection fault (#GP)",
	[14] = "page fault (#PF)", [16] = "x87 floating point (#MF)",
	[17] = "alignment check (#AC)", [18] = "machine check (#MC)",
	[19] = "SIMD floating point (#XM)", [20] = "virtualization (#VE)",
	[21] = "control protection (#CP)", [28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)", [30] = "security (#SX)",
};

struct irq_slot {
	irq_handler_fn fn;	/* NULL: vector free */
	void *arg;
	uint64_t count;		/* times taken */
};
static struct irq_slot irq_slots[256];

void arch_irq_set_handler(int vec, irq_handler_fn fn, void *arg)
{
	irq_slots[vec].arg = arg;
	WRITE_ONCE(irq_slots[vec].fn, fn);
}

int arch_irq_alloc_vector(irq_handler_fn fn, void *arg)
{
	unsigned long flags = arch_irq_save();
	for (int v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++) {
		if (!irq_slots[v].fn) {
			arch_irq_set_handler(v, fn, arg);
			arch_irq_restore(flags);
			return v;
		}
	}
	arch_irq_restore(flags);
	return -ENOSPC;
}

uint64_t arch_irq_count(int vec)
{
	return READ_ONCE(irq_slots[vec].count);
}

/* A frame pointer is followed only while it points into kernel memory that is mapped, cached
 * (not a device register) and 8-byte aligned, so that a corrupted chain ends the backtrace
 * instead of faulting inside the report. */
static bool frame_readable(unsigned long fp)
{
	if (fp < DIRECT_BASE || (fp & 7) || fp + 16 < fp)
		return false;
	struct page_rights a = arch_mmu_query(fp), b = arch_mmu_query(fp + 15);
	return a.present && !a.uncached && b.present && !b.uncached;
}

static void print_frame(unsigned long addr)
{
	char sym[96];
	ksym_format(addr, sym, sizeof(sym));
	printk("  [<%016lx>] %s\n", addr, sym);
}

static void backtrace_from(unsigned long rip, unsigned long rsp, unsigned long rbp)
{
	printk("Backtrace:\n");
	if (rip)
		print_frame(rip);
	/* A faulting function that has not pushed a frame (leaf code, prologue) leaves its return
	 * address at RSP, and the frame chain would skip its caller: show that address as a guess,
	 * marked '?' the way Linux marks unreliable entries. */
	if (rsp && frame_readable(rsp) && frame_readable(rbp)) {
		unsigned long top = *(unsigned long *)rsp;
		if (ksym_is_text(top - 1) && top != ((unsigned long *)rbp)[1]) {
			char sym[96];
			ksym_format(top - 1, sym, sizeof(sym));
			printk("  [<%016lx>] ? %s\n", top - 1, sym);
		}
	}
	unsigned long last = 0, repeats = 0;
	for (int depth = 0; depth < 64 && frame_readable(rbp); depth++) {
		unsigned long *fp = (unsigned long *)rbp;
		unsigned long ret = fp[1];
		/* ret - 1: a call to a noreturn function can be the last instruction of the text. */
		if (!ksym_is_text(ret - 1))
			break;
		/* The return address points after the call: step back one byte to name the caller.
		 * Runs of the same frame (recursion) are folded into one line. */
		if (ret == last) {
			repeats++;
		} else {
			if (repeats)
				printk("  ... the frame above %lu more times\n", repeats);
			repeats = 0;
			print_frame(ret - 1);
			last = ret;
		}
		if (fp[0] <= rbp)	/* frames grow towards higher addresses; anything else is a loop */
			break;
		rbp = fp[0];
	}
	if (repeats)
		printk("  ... the frame above %lu more times\n", repeats);
}

void arch_backtrace(unsigned long rip, unsigned long rbp)
{
	backtrace_from(rip, 0, rbp);
}

static bool describe_stack_overflow(uint64_t addr)
{
	const char *who = sched_guard_owner(addr);
	if (who)
		printk("*** kernel stack overflow: %016lx is the guard page below the stack of "
		       "thread '%s'\n", (unsigned long)addr, who);
	return who != NULL;
}

static void describe_page_fault(uint64_t err)
{
	printk("CR2: %016lx  (%s, %s, %s%s%s)\n", (unsigned long)read_cr2(),
	       err & 1 ? "protection violation" : "page not present",
	       err & 2 ? "write" : "read",
	       err & 16 ? "instruction fetch" : "data",
	       err & 4 ? ", user" : "",
	       err & 8 ? ", reserved bit set" : "");
}

static NORETURN void exception_report(struct trap_frame *f)
{
	const char *name = f->vector < 32 && exception_names[f->vector] ?
			   exception_names[f->vector] : "reserved exception";
	char sym[96];

	oops_begin();
	ksym_format(f->rip, sym, sizeof(sym));
	printk("\n*** CPU exception %lu: %s, error code %#lx\n", (unsigned long)f->vector, name,
	       (unsigned long)f->error);
	printk("RIP: %04lx:%016lx  %s\n", (unsigned long)f->cs, (unsigned long)f->rip, sym);
	if (f->vector == 14) {
		describe_page_fault(f->error);
		describe_stack_overflow(read_cr2());
	}
	if (f->vector == 8) {
		/* A push into a guard page faults, and delivering that #PF needs the same stack:
		 * the CPU escalates to #DF, which runs on its own IST stack. CR2 still names the
		 * address of the first fault. */
		printk("CR2: %016lx (address of the fault that escalated)\n",
		       (unsigned long)read_cr2());
		if (!describe_stack_overflow(read_cr2()))
			describe_stack_overflow(f->rsp);
	}
	printk("RSP: %016lx  RFLAGS: %08lx  SS: %04lx\n", (unsigned long)f->rsp,
	       (unsigned long)f->rflags, (unsigned long)f->ss);
	printk("RAX: %016lx  RBX: %016lx  RCX: %016lx\n", (unsigned long)f->rax,
	       (unsigned long)f->rbx, (unsigned long)f->rcx);
	printk("RDX: %016lx  RSI: %016lx  RDI: %016lx\n", (unsigned long)f->rdx,
	       (unsigned long)f->rsi, (unsigned long)f->rdi);
	printk("RBP: %016lx  R8:  %016lx  R9:  %016lx\n", (unsigned long)f->rbp,
	       (unsigned long)f->r8, (unsigned long)f->r9);
	printk("R10: %016lx  R11: %016lx  R12: %016lx\n", (unsigned long)f->r10,
	       (unsigned long)f->r11, (unsigned long)f->r12);
	printk("R13: %016lx  R14: %016lx  R15: %016lx\n", (unsigned long)f->r13,
	       (unsigned long)f->r14, (unsigned long)f->r15);
	printk("CR0: %016lx  CR3: %016lx  CR4: %016lx\n", (unsigned long)read_cr0(),
	       (unsigned long)read_cr3(), (unsigned long)read_cr4());
	backtrace_from(f->rip, f->rsp, f->rbp);
	die("fatal CPU exception %lu (%s) at %s", (unsigned long)f->vector, name, sym);
}

void trap_dispatch(struct trap_frame *f)
{
	uint64_t vec = f->vector;

	if (vec < 32) {
		/* An application's fault, or a page of user memory the kernel touched for it: the
		 * process decides (a page mapped on first touch, or the application ended). */
		bool user_mode = f->cs & 3;
		uint64_t addr = vec == 14 ? read_cr2() : f->rip;
		if ((user_mode || (vec == 14 && addr < USER_TOP)) && proc_fault(f, (unsigned)vec, addr,
										   user_mode)) {
			if (user_mode)
				proc_user_return(f);	/* a handler for the fault runs now */
			return;
		}
		exception_report(f);
	}
	if (vec == IRQ_VECTOR_SPURIOUS)
		return;		/* no EOI for spurious interrupts */
	struct irq_slot *s = &irq_slots[vec];
	s->count++;
	irq_enter();
	if (s->fn)
		s->fn(s->arg);
	else
		printk("epunk: unexpected interrupt on vector %lu\n", (unsigned long)vec);
	/*
	 * A device's EOI waits until the bottom half it raised has run (irq_exit): the bottom half
	 * runs with interrupts on, and only vectors of the device's priority class and below wait
	 * for the EOI (the driver keeps its queues' interrupts off while it polls anyway). The
	 * timer, in the top class, is acknowledged first.
	 */
	bool device = vec != IRQ_VECTOR_TIMER;
	if (!device)
		lapic_eoi();
	irq_exit(device);
	if (f->cs & 3)
		proc_user_return(f);	/* a switch due, or a signal, before user mode resumes */
}
