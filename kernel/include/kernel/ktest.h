/* SPDX-License-Identifier: MIT */
/* Test cases with EXPECT-style checks. The same test file builds into the kernel (cases in the
 * .ktests section, run by ktest=...) and into the host unit-test binary (cases registered by
 * constructors), so pure code is tested under ASan/UBSan on the host and again in the guest. */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <kernel/compiler.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct ktest_ctx {
	int failures;		/* failed checks in the running case */
};

#define KTEST_F_EXPLICIT 1	/* runs only when named in full: crashes on purpose, or fails on purpose */

struct ktest_case {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest_ctx *ktest_ctx);
	unsigned flags;
	int line;		/* source order within a suite */
};

void ktest_fail(struct ktest_ctx *ctx, const char *file, int line, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

/**
 * ktest_run - run the cases @filter selects: "all", or a comma-separated list of SUITE or
 * SUITE.CASE. Prints a line per case, a summary per suite and a final "N passed, N failed".
 * Returns the number of failed cases (a filter that matches nothing counts as one failure).
 */
int ktest_run(const char *filter);

/*
 * Deterministic pseudo-random numbers for tests (xorshift64), so a failure replays exactly.
 * ktest_rand_seed(0) picks a fixed non-zero seed; ktest_rand_below(n) is uniform in [0, n).
 */
void ktest_rand_seed(uint64_t seed);
uint64_t ktest_rand(void);
static inline uint32_t ktest_rand_below(uint32_t n)
{
	return (uint32_t)(((ktest_rand() >> 32) * n) >> 32);
}

#ifdef KTEST_HOST
void ktest_register(const struct ktest_case *c);
#define KTEST_REGISTER(id) \
	static void __attribute__((constructor)) ktest_reg_##id(void) { ktest_register(&ktest_case_##id); }
#else
#define KTEST_REGISTER(id) \
	static const struct ktest_case *const ktest_ptr_##id \
	__attribute__((used, section(".ktests"), aligned(8))) = &ktest_case_##id;
#endif

#define KTEST_DEFINE(suite, name, flags) \
	static void ktest_fn_##suite##_##name(struct ktest_ctx *ktest_ctx); \
	static const struct ktest_case ktest_case_##suite##_##name = \
		{ #suite, #name, ktest_fn_##suite##_##name, flags, __LINE__ }; \
	KTEST_REGISTER(suite##_##name) \
	static void ktest_fn_##suite##_##name(struct ktest_ctx *ktest_ctx UNUSED)

/* KTEST(suite, name) { ...checks... } defines and registers one case. */
#define KTEST(suite, name)		KTEST_DEFINE(suite, name, 0)
#define KTEST_EXPLICIT(suite, name)	KTEST_DEFINE(suite, name, KTEST_F_EXPLICIT)

/* Wait until @cond holds or @ms milliseconds pass, sleeping a millisecond at a time; returns
 * whether it held. In-guest cases only (the user includes kernel/sched.h and kernel/time.h). */
#define WAIT_FOR(cond, ms) ({ \
	uint64_t end_ = ktime_ns() + (uint64_t)(ms) * NSEC_PER_MSEC; \
	while (!(cond) && ktime_ns() < end_) \
		msleep(1); \
	(bool)(cond); \
})

#define KTEST_CHECK_OP(a, op, b, on_fail) do { \
	long long ka_ = (long long)(a), kb_ = (long long)(b); \
	if (!(ka_ op kb_)) { \
		ktest_fail(ktest_ctx, __FILE__, __LINE__, "%s %s %s: %lld vs %lld", \
			   #a, #op, #b, ka_, kb_); \
		on_fail; \
	} \
} while (0)

#define KTEST_CHECK(cond, on_fail) do { \
	if (!(cond)) { \
		ktest_fail(ktest_ctx, __FILE__, __LINE__, "%s", #cond); \
		on_fail; \
	} \
} while (0)

#define KTEST_CHECK_STR(a, b, on_fail) do { \
	const char *sa_ = (a), *sb_ = (b); \
	if (!sa_ || !sb_ || strcmp(sa_, sb_)) { \
		ktest_fail(ktest_ctx, __FILE__, __LINE__, "%s == %s: \"%s\" vs \"%s\"", \
			   #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
		on_fail; \
	} \
} while (0)

#define EXPECT_TRUE(c)		KTEST_CHECK(c, (void)0)
#define EXPECT_FALSE(c)		KTEST_CHECK(!(c), (void)0)
#define EXPECT_EQ(a, b)		KTEST_CHECK_OP(a, ==, b, (void)0)
#define EXPECT_NE(a, b)		KTEST_CHECK_OP(a, !=, b, (void)0)
#define EXPECT_LT(a, b)		KTEST_CHECK_OP(a, <, b, (void)0)
#define EXPECT_LE(a, b)		KTEST_CHECK_OP(a, <=, b, (void)0)
#define EXPECT_GT(a, b)		KTEST_CHECK_OP(a, >, b, (void)0)
#define EXPECT_GE(a, b)		KTEST_CHECK_OP(a, >=, b, (void)0)
#define EXPECT_STREQ(a, b)	KTEST_CHECK_STR(a, b, (void)0)
#define ASSERT_TRUE(c)		KTEST_CHECK(c, return)
#define ASSERT_EQ(a, b)		KTEST_CHECK_OP(a, ==, b, return)
#define ASSERT_NE(a, b)		KTEST_CHECK_OP(a, !=, b, return)
#define ASSERT_GE(a, b)		KTEST_CHECK_OP(a, >=, b, return)

#endif
