// SPDX-License-Identifier: MIT
/* Hardening checks that need no crash: every stack (each thread's, the idle thread's boot
 * stack, the exception IST stacks) has an unmapped guard page right below it; W^X holds for
 * text, rodata, data, the heap and the stacks; the stack-protector guard was drawn at boot.
 * The crashes these rights cause are in test_crash.c. */
#include <arch/context.h>
#include <arch/mmu.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/stackprot.h>
#include <string.h>

struct guard_walk {
	struct ktest_ctx *ctx;
	int threads;
	bool idle, main, ksoftirqd;
};

static void check_stack(struct ktest_ctx *ktest_ctx, const char *name, uintptr_t guard, uintptr_t top)
{
	struct page_rights g = arch_mmu_query(guard);
	struct page_rights lo = arch_mmu_query(guard + PAGE_SIZE);
	struct page_rights hi = arch_mmu_query(top - 1);
	if (g.present)
		ktest_fail(ktest_ctx, __FILE__, __LINE__, "stack of %s: guard page %#lx is mapped",
			   name, (unsigned long)guard);
	if (!lo.present || !lo.writable || lo.executable || !hi.present || !hi.writable ||
	    hi.executable)
		ktest_fail(ktest_ctx, __FILE__, __LINE__, "stack of %s: not RW/NX above its guard",
			   name);
}

static void walk_thread(struct thread *t, void *arg)
{
	struct guard_walk *w = arg;
	w->threads++;
	w->idle |= !strcmp(t->name, "idle");
	w->main |= !strcmp(t->name, "main");
	w->ksoftirqd |= !strcmp(t->name, "ksoftirqd");
	if (!t->stack) {
		ktest_fail(w->ctx, __FILE__, __LINE__, "thread %s: no stack recorded", t->name);
		return;
	}
	check_stack(w->ctx, t->name, (uintptr_t)t->stack,
		    (uintptr_t)t->stack + ((uintptr_t)PAGE_SIZE << t->stack_order));
}

static void *sleeper(void *arg)
{
	(void)arg;
	nsleep(1000000);
	return NULL;
}

KTEST(harden, stack_guards)
{
	struct guard_walk w = { .ctx = ktest_ctx };
	struct thread *extra = thread_create("guard-check", sleeper, NULL, 4);	/* a bigger stack */
	EXPECT_TRUE(extra != NULL);
	sched_for_each_thread(walk_thread, &w);
	EXPECT_GE(w.threads, 4);
	EXPECT_TRUE(w.idle && w.main && w.ksoftirqd);

	struct arch_stack s[8];
	int n = arch_static_stacks(s, 8);
	EXPECT_GE(n, 3);
	for (int i = 0; i < n && i < 8; i++) {
		check_stack(ktest_ctx, s[i].name, s[i].guard, s[i].top);
		EXPECT_STREQ(sched_guard_owner(s[i].guard + 8), i ? s[i].name : "idle");
	}
	char here;
	EXPECT_STREQ(sched_guard_owner((uintptr_t)current_thread()->stack), "main");
	EXPECT_TRUE(sched_guard_owner((uintptr_t)&here) == NULL);	/* the stack itself is not */
	if (extra)
		thread_join(extra);
}

static const char rodata_probe[] = "read-only";
static int data_probe = 1;
static int bss_probe;

KTEST(harden, w_xor_x)
{
	struct page_rights r;
	char local[8] = { 0 };
	void *heap = kmalloc(64);
	void *page = page_alloc(0);

	r = arch_mmu_query((uintptr_t)&ktest_run);
	EXPECT_TRUE(r.present && r.executable && !r.writable);
	r = arch_mmu_query((uintptr_t)rodata_probe);
	EXPECT_TRUE(r.present && !r.executable && !r.writable);
	r = arch_mmu_query((uintptr_t)&data_probe);
	EXPECT_TRUE(r.present && !r.executable && r.writable);
	r = arch_mmu_query((uintptr_t)&bss_probe);
	EXPECT_TRUE(r.present && !r.executable && r.writable);
	r = arch_mmu_query((uintptr_t)local);
	EXPECT_TRUE(r.present && !r.executable && r.writable);
	EXPECT_TRUE(heap && page);
	if (heap) {
		r = arch_mmu_query((uintptr_t)heap);
		EXPECT_TRUE(r.present && !r.executable && r.writable);
	}
	if (page) {
		r = arch_mmu_query((uintptr_t)page);
		EXPECT_TRUE(r.present && !r.executable && r.writable);
	}
	kfree(heap);
	page_free(page, 0);
	(void)local[0];
}

KTEST(harden, stack_guard_value)
{
	EXPECT_NE(__stack_chk_guard, 0);
	EXPECT_EQ(__stack_chk_guard & 0xff, 0);			/* stops string overruns */
	EXPECT_NE(__stack_chk_guard, 0x595e9fbd94fda700ULL);	/* drawn, not the placeholder */
}
