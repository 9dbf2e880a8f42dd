// SPDX-License-Identifier: MIT
/*
 * signals: what a program expects of signal handlers, printed so that the output is the same on
 * Linux and on epunk (the programs stage diffs them):
 * - a handler sees its siginfo and ucontext, and a context it edits is the one the program
 *   resumes in (a SIGILL handler steps over ud2; a SIGSEGV handler siglongjmps out);
 * - a handler runs on the alternate stack under SA_ONSTACK, with SA_NODEFER it nests;
 * - a storm of signals from another thread changes nothing in the interrupted code's general,
 *   SSE and x87 registers (the frame saves and restores them) while the handler does FP work;
 * - the default action of an unhandled signal ends the program with 128 + its number.
 * usage: signals            every check above but the last; status 0 when all pass
 *        signals die SIG    raise SIG (a number) with its default action
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			failures++;						\
			printf("  FAIL line %d: %s\n", __LINE__, #cond);	\
		}								\
	} while (0)

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL)) {
		printf("sigaction %d: %s\n", sig, strerror(errno));
		exit(2);
	}
}

/* ---- a handler edits the context it returns to ---- */

static volatile int ill_seen;
static volatile uintptr_t ill_addr, ill_rip;

static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	ill_seen++;
	ill_addr = (uintptr_t)si->si_addr;
	ill_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RIP] += 2;		/* over the ud2 */
	uc->uc_mcontext.gregs[REG_RBX] = 0x1234;	/* and a register the code then reads */
}

static void test_edit_context(void)
{
	uint64_t rbx = 0;
	on(SIGILL, on_ill, 0);
	__asm__ volatile("xor %%ebx, %%ebx\n\tud2\n\tmov %%rbx, %0" : "=r"(rbx) :: "rbx", "memory");
	CHECK(ill_seen == 1);
	CHECK(ill_addr == ill_rip);
	CHECK(rbx == 0x1234);
	printf("context: a SIGILL handler stepped over ud2 (si_addr is the rip: %s) and set rbx: %s\n",
	       ill_addr == ill_rip ? "yes" : "no", rbx == 0x1234 ? "yes" : "no");
	signal(SIGILL, SIG_DFL);
}

static sigjmp_buf segv_jump;
static volatile uintptr_t segv_addr;
static volatile int segv_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_addr = (uintptr_t)si->si_addr;
	segv_code = si->si_code;
	siglongjmp(segv_jump, 1);
}

static void test_segv_recovery(void)
{
	static volatile int *volatile bad;
	volatile int rounds = 0;
	bad = (volatile int *)(uintptr_t)0x10;
	on(SIGSEGV, on_segv, 0);
	for (int i = 0; i < 3; i++) {
		if (!sigsetjmp(segv_jump, 1))
			(void)*bad;	/* faults; the handler jumps back */
		else
			rounds++;
	}
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(rounds == 3);
	CHECK(segv_addr == 0x10);
	CHECK(segv_code == SEGV_MAPERR);
	CHECK(!sigismember(&now, SIGSEGV));
	printf("segv: recovered %d times by siglongjmp, si_addr %#lx, SEGV_MAPERR: %s, unblocked after: %s\n",
	       rounds, (unsigned long)segv_addr, segv_code == SEGV_MAPERR ? "yes" : "no",
	       sigismember(&now, SIGSEGV) ? "no" : "yes");
	signal(SIGSEGV, SIG_DFL);
}

/* ---- the alternate stack, nesting ---- */

static char *alt_base;
static const size_t alt_size = 64 * 1024;
static volatile int on_alt, depth, max_depth;

static void on_usr1_alt(int sig, siginfo_t *si, void *uc)
{
	char here;
	(void)sig;
	(void)si;
	(void)uc;
	on_alt = &here >= alt_base && &here < alt_base + alt_size;
}

static void on_usr2_nest(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (depth < 3)
		raise(sig);	/* SA_NODEFER: it runs again, inside this one */
	depth--;
}

static void test_altstack_and_nesting(void)
{
	alt_base = malloc(alt_size);
	stack_t ss = { .ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0 };
	CHECK(sigaltstack(&ss, NULL) == 0);
	on(SIGUSR1, on_usr1_alt, SA_ONSTACK);
	raise(SIGUSR1);
	CHECK(on_alt);
	stack_t cur;
	sigaltstack(NULL, &cur);
	CHECK(cur.ss_flags == 0);
	on(SIGUSR2, on_usr2_nest, SA_NODEFER);
	raise(SIGUSR2);
	CHECK(max_depth == 3);
	printf("altstack: the SA_ONSTACK handler ran on it: %s; SA_NODEFER nested %d deep\n",
	       on_alt ? "yes" : "no", max_depth);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	free(alt_base);
}

/* ---- a storm while the interrupted code computes ---- */

static volatile long storm_hits;
static volatile double handler_sum;

static void on_storm(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	/* FP work in the handler: it must not leak into the interrupted code's registers. */
	double x = 1.0;
	for (int i = 0; i < 50; i++)
		x = x * 1.0000001 + 0.5;
	handler_sum += x;
	storm_hits++;
}

static volatile int storm_stop;

static void *stormer(void *arg)
{
	pthread_t target = *(pthread_t *)arg;
	while (!storm_stop) {
		pthread_kill(target, SIGUSR1);
		sched_yield();
	}
	return NULL;
}

/* Registers loaded with known values, a spin, then compared: in assembly, so that the compiler
 * keeps nothing in them that a signal could legitimately change. Returns the number of values
 * found changed. */
static int spin_with_registers(long rounds)
{
	uint64_t out[6];
	double xout[2];
	long double st;
	__asm__ volatile(
		"movq $0x1111111111111111, %%r12\n\t"
		"movq $0x2222222222222222, %%r13\n\t"
		"movq $0x3333333333333333, %%r14\n\t"
		"movq $0x4444444444444444, %%r15\n\t"
		"movq $0x5555555555555555, %%rbx\n\t"
		"movq $0x6666666666666666, %%rsi\n\t"
		"movq $0x4010000000000000, %%rax\n\t"	/* 4.0 */
		"movq %%rax, %%xmm6\n\t"
		"movq $0x4020000000000000, %%rax\n\t"	/* 8.0 */
		"movq %%rax, %%xmm7\n\t"
		"fldpi\n\t"
		"1: decq %[n]\n\t"
		"jnz 1b\n\t"
		"fstpt %[st]\n\t"
		"movq %%r12, 0(%[o])\n\t"
		"movq %%r13, 8(%[o])\n\t"
		"movq %%r14, 16(%[o])\n\t"
		"movq %%r15, 24(%[o])\n\t"
		"movq %%rbx, 32(%[o])\n\t"
		"movq %%rsi, 40(%[o])\n\t"
		"movsd %%xmm6, 0(%[x])\n\t"
		"movsd %%xmm7, 8(%[x])\n\t"
		: [n] "+r"(rounds), [st] "=m"(st)
		: [o] "r"(out), [x] "r"(xout)
		: "rax", "rbx", "rsi", "r12", "r13", "r14", "r15", "xmm6", "xmm7", "memory", "cc");
	static const uint64_t want[6] = { 0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
					  0x4444444444444444, 0x5555555555555555, 0x6666666666666666 };
	int bad = 0;
	for (int i = 0; i < 6; i++)
		bad += out[i] != want[i];
	bad += xout[0] != 4.0;
	bad += xout[1] != 8.0;
	bad += st < 3.14159265358979L || st > 3.14159265358980L;
	return bad;
}

static void test_storm(void)
{
	pthread_t self = pthread_self(), t;
	on(SIGUSR1, on_storm, SA_RESTART);
	pthread_create(&t, NULL, stormer, &self);
	int bad = 0;
	for (int i = 0; i < 20; i++)
		bad += spin_with_registers(2000000);
	storm_stop = 1;
	pthread_join(t, NULL);
	CHECK(bad == 0);
	CHECK(storm_hits > 0);
	printf("storm: registers intact through the signals: %s (%s)\n", bad ? "no" : "yes",
	       storm_hits > 0 ? "signals delivered" : "no signal delivered");
	signal(SIGUSR1, SIG_DFL);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "die")) {
		int sig = atoi(argv[2]);
		printf("signals: raising %d with its default action\n", sig);
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
		printf("signals: still alive after %d\n", sig);
		return 1;
	}
	test_edit_context();
	test_segv_recovery();
	test_altstack_and_nesting();
	test_storm();
	printf("signals: %s\n", failures ? "FAILED" : "all as expected");
	return failures ? 1 : 0;
}
