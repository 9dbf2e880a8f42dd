// SPDX-License-Identifier: MIT
/* Fails if an interrupt or a context switch clobbers what a running program keeps in registers or
 * below its stack pointer: several threads each load known values into the 128-byte red zone,
 * the general registers, XMM0-15 (and the upper halves of YMM0-15 where the CPU and the kernel
 * have AVX), the x87 stack and control word and MXCSR, spin for a while in a loop that touches
 * nothing else (so timer interrupts and preemptions land in it), then check every one.
 * Prints "regs: N rounds per thread, no corruption" and exits 0, or names what was clobbered
 * and exits 1. Values differ per thread and per round, so state leaking from another thread
 * shows up as well as state lost. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define THREADS		4
#define ROUNDS		40		/* per thread */
#define SPINS		4000000ULL	/* loop iterations per round: ~15 ms of QEMU/TCG, over a time slice */
#define MAX_REPORTS	20		/* clobbered items named, at most */

/* What a round loads (struct regs_in) and what it finds afterwards (struct regs_out). The
 * assembly below uses the offsets given by the REGS_* constants, checked against the structs. */
struct regs_state {
	uint8_t xmm[16][16];	/* XMM0-15 */
	uint8_t ymm_hi[16][16];	/* bits 128-255 of YMM0-15 (with AVX) */
	uint64_t gpr[12];	/* rax rbx rdx rbp r8 r9 r10 r11 r12 r13 r14 r15 */
	uint64_t redzone[16];	/* -128(%rsp) .. -8(%rsp) */
	uint64_t st[4];		/* x87 stack, as integers (st[3] is ST(0) while loaded) */
	uint32_t mxcsr;		/* SSE control and status */
	uint16_t fcw;		/* x87 control word */
	uint16_t avx;		/* in: nonzero to load and check the YMM upper halves */
};

#define REGS_XMM	0
#define REGS_YMM_HI	256
#define REGS_GPR	512
#define REGS_REDZONE	608
#define REGS_ST		736
#define REGS_MXCSR	768
#define REGS_FCW	772
#define REGS_AVX	774
_Static_assert(offsetof(struct regs_state, ymm_hi) == REGS_YMM_HI, "ymm_hi");
_Static_assert(offsetof(struct regs_state, gpr) == REGS_GPR, "gpr");
_Static_assert(offsetof(struct regs_state, redzone) == REGS_REDZONE, "redzone");
_Static_assert(offsetof(struct regs_state, st) == REGS_ST, "st");
_Static_assert(offsetof(struct regs_state, mxcsr) == REGS_MXCSR, "mxcsr");
_Static_assert(offsetof(struct regs_state, fcw) == REGS_FCW, "fcw");
_Static_assert(offsetof(struct regs_state, avx) == REGS_AVX, "avx");

/* void regs_round(const struct regs_state *in, struct regs_state *out, uint64_t spins)
 * A function of its own in assembly, so that no compiler-generated code runs while the values
 * are live and the red zone below its stack pointer is its own (its caller made a call, so it
 * keeps nothing there). Leaves with MXCSR and the x87 unit as a C function expects them. */
#define S(x) #x
#define X(x) S(x)
#define XMM_LOAD(n)  "movdqu " X(REGS_XMM) "+16*" #n "(%rdi), %xmm" #n "\n\t"
#define XMM_STORE(n) "movdqu %xmm" #n ", " X(REGS_XMM) "+16*" #n "(%rsi)\n\t"
#define YMM_LOAD(n)  "vinsertf128 $1, " X(REGS_YMM_HI) "+16*" #n "(%rdi), %ymm" #n ", %ymm" #n "\n\t"
#define YMM_STORE(n) "vextractf128 $1, %ymm" #n ", " X(REGS_YMM_HI) "+16*" #n "(%rsi)\n\t"
#define RZ_LOAD(n)   "movq " X(REGS_REDZONE) "+8*" #n "(%rdi), %rax\n\tmovq %rax, -128+8*" #n "(%rsp)\n\t"
#define RZ_STORE(n)  "movq -128+8*" #n "(%rsp), %rax\n\tmovq %rax, " X(REGS_REDZONE) "+8*" #n "(%rsi)\n\t"
#define ALL16(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)
#define GPRS(m) m(0, rax) m(1, rbx) m(2, rdx) m(3, rbp) m(4, r8) m(5, r9) m(6, r10) m(7, r11) \
		m(8, r12) m(9, r13) m(10, r14) m(11, r15)
#define GPR_LOAD(i, r)  "movq " X(REGS_GPR) "+8*" #i "(%rdi), %" #r "\n\t"
#define GPR_STORE(i, r) "movq %" #r ", " X(REGS_GPR) "+8*" #i "(%rsi)\n\t"

void regs_round(const struct regs_state *in, struct regs_state *out, uint64_t spins);
__asm__(
	".text\n\t"
	".globl regs_round\n\t"
	".type regs_round, @function\n"
	"regs_round:\n\t"
	"pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
	"movq %rdx, %rcx\n\t"
	"fninit\n\t"
	"fldcw " X(REGS_FCW) "(%rdi)\n\t"
	"fildq " X(REGS_ST) "+0(%rdi)\n\t"
	"fildq " X(REGS_ST) "+8(%rdi)\n\t"
	"fildq " X(REGS_ST) "+16(%rdi)\n\t"
	"fildq " X(REGS_ST) "+24(%rdi)\n\t"
	"ldmxcsr " X(REGS_MXCSR) "(%rdi)\n\t"
	ALL16(XMM_LOAD)
	"cmpw $0, " X(REGS_AVX) "(%rdi)\n\t"
	"je 1f\n\t"
	ALL16(YMM_LOAD)
	"1:\n\t"
	ALL16(RZ_LOAD)
	GPRS(GPR_LOAD)
	/* Only %rcx changes here; everything else must survive the interrupts that land here. */
	"2:\n\t"
	"decq %rcx\n\t"
	"jnz 2b\n\t"
	GPRS(GPR_STORE)
	ALL16(RZ_STORE)
	ALL16(XMM_STORE)
	"cmpw $0, " X(REGS_AVX) "(%rdi)\n\t"
	"je 3f\n\t"
	ALL16(YMM_STORE)
	"vzeroupper\n"
	"3:\n\t"
	"stmxcsr " X(REGS_MXCSR) "(%rsi)\n\t"
	"fnstcw " X(REGS_FCW) "(%rsi)\n\t"
	"fistpq " X(REGS_ST) "+24(%rsi)\n\t"
	"fistpq " X(REGS_ST) "+16(%rsi)\n\t"
	"fistpq " X(REGS_ST) "+8(%rsi)\n\t"
	"fistpq " X(REGS_ST) "+0(%rsi)\n\t"
	"movl $0x1f80, -4(%rsp)\n\t"	/* the ABI's MXCSR and x87 state again */
	"ldmxcsr -4(%rsp)\n\t"
	"fninit\n\t"
	"popq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\t"
	"ret\n\t"
	".size regs_round, .-regs_round\n\t"
	".previous");

static const char *const gpr_name[12] = { "rax", "rbx", "rdx", "rbp", "r8", "r9", "r10", "r11",
					   "r12", "r13", "r14", "r15" };

static int have_avx;	/* the CPU has AVX and the kernel enabled YMM state (XCR0) */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reports;	/* clobbered items named so far */
static int clobbered[THREADS];

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void make_values(struct regs_state *in, int thread, int round)
{
	uint64_t s = ((uint64_t)thread << 32) | (uint64_t)round;

	memset(in, 0, sizeof(*in));
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j += 8) {
			uint64_t v = splitmix(&s), w = splitmix(&s);
			memcpy(&in->xmm[i][j], &v, 8);
			memcpy(&in->ymm_hi[i][j], &w, 8);
		}
	for (int i = 0; i < 12; i++)
		in->gpr[i] = splitmix(&s);
	for (int i = 0; i < 16; i++)
		in->redzone[i] = splitmix(&s);
	for (int i = 0; i < 4; i++)	/* exact as a long double: 62 bits and a sign */
		in->st[i] = (uint64_t)((int64_t)(splitmix(&s) >> 1) >> 1);
	/* Rounding modes differ per thread, so another thread's control words would show. */
	in->mxcsr = 0x1f80u | (uint32_t)((thread + round) % 4) << 13 | (thread & 1 ? 0x8040u : 0);
	in->fcw = (uint16_t)(0x037f | ((thread + round + 1) % 4) << 10);
	in->avx = (uint16_t)have_avx;
}

static void report(int thread, int round, const char *what, int index, const void *got, const void *want,
		   size_t n)
{
	pthread_mutex_lock(&report_lock);
	if (reports++ < MAX_REPORTS) {
		printf("regs: thread %d round %d: %s", thread, round, what);
		if (index >= 0)
			printf("%d", index);
		printf(" clobbered: 0x");
		for (size_t i = n; i-- > 0;)
			printf("%02x", ((const uint8_t *)got)[i]);
		printf(", expected 0x");
		for (size_t i = n; i-- > 0;)
			printf("%02x", ((const uint8_t *)want)[i]);
		printf("\n");
	}
	pthread_mutex_unlock(&report_lock);
}

/* Compares one round's values; returns how many items were clobbered. */
static int compare(int thread, int round, const struct regs_state *in, const struct regs_state *out)
{
	int bad = 0;

#define CMP(field, what, index) \
	do { \
		if (memcmp(&in->field, &out->field, sizeof(in->field))) { \
			report(thread, round, what, index, &out->field, &in->field, sizeof(in->field)); \
			bad++; \
		} \
	} while (0)
	for (int i = 0; i < 16; i++) {
		CMP(xmm[i], "xmm", i);
		if (have_avx)
			CMP(ymm_hi[i], "upper half of ymm", i);
		/* The red zone, named by its offset from %rsp. */
		CMP(redzone[i], "red zone slot -", 128 - 8 * i);
	}
	for (int i = 0; i < 12; i++)
		CMP(gpr[i], gpr_name[i], -1);
	for (int i = 0; i < 4; i++)
		CMP(st[i], "x87 st", 3 - i);
	CMP(mxcsr, "mxcsr", -1);
	CMP(fcw, "x87 control word", -1);
#undef CMP
	return bad;
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	struct regs_state in, out;

	for (int r = 0; r < ROUNDS; r++) {
		make_values(&in, t, r);
		memset(&out, 0, sizeof(out));
		regs_round(&in, &out, SPINS);
		clobbered[t] += compare(t, r, &in, &out);
	}
	return NULL;
}

static int detect_avx(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_AVX) || !(c & bit_OSXSAVE))
		return 0;
	uint32_t lo, hi;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;	/* the kernel saves SSE and AVX state */
}

int main(void)
{
	pthread_t th[THREADS];
	int total = 0;

	have_avx = detect_avx();
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i)) {
			printf("regs: pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		total += clobbered[i];
	}
	if (total) {
		printf("regs: %d clobbered values in %d rounds per thread (%d threads)\n", total, ROUNDS, THREADS);
		return 1;
	}
	printf("regs: %d rounds per thread, no corruption\n", ROUNDS);
	return 0;
}
