// SPDX-License-Identifier: MIT
/* The test runner shared by the kernel (ktest=) and the host unit-test binary. */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <stdarg.h>
#include <string.h>

#define KTEST_MAX	2048

static const struct ktest_case *sorted[KTEST_MAX];

#ifdef KTEST_HOST
static const struct ktest_case *registered[KTEST_MAX];
static size_t nr_registered;

void ktest_register(const struct ktest_case *c)
{
	if (nr_registered < KTEST_MAX)
		registered[nr_registered++] = c;
}

static size_t all_cases(const struct ktest_case *const **out)
{
	*out = registered;
	return nr_registered;
}
#else
extern const struct ktest_case *const __ktest_start[], *const __ktest_end[];

static size_t all_cases(const struct ktest_case *const **out)
{
	*out = __ktest_start;
	return (size_t)(__ktest_end - __ktest_start);
}
#endif

static uint64_t rand_state = 0x9e3779b97f4a7c15ULL;

void ktest_rand_seed(uint64_t seed)
{
	rand_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t ktest_rand(void)
{
	uint64_t x = rand_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rand_state = x;
}

void ktest_fail(struct ktest_ctx *ctx, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("    %s:%d: check failed: %s\n", file, line, msg);
	ctx->failures++;
}

static int case_cmp(const struct ktest_case *a, const struct ktest_case *b)
{
	int c = strcmp(a->suite, b->suite);
	return c ? c : a->line - b->line;
}

/* Does @word (SUITE or SUITE.CASE, or "all") select @c? Crash cases need their full name. */
static bool word_selects(const char *word, size_t len, const struct ktest_case *c)
{
	size_t sl = strlen(c->suite);
	if (len == 3 && !strncmp(word, "all", 3))
		return !(c->flags & KTEST_F_EXPLICIT);
	if (len == sl && !strncmp(word, c->suite, sl))
		return !(c->flags & KTEST_F_EXPLICIT);
	return len == sl + 1 + strlen(c->name) && !strncmp(word, c->suite, sl) &&
	       word[sl] == '.' && !strncmp(word + sl + 1, c->name, len - sl - 1);
}

static bool selected(const char *filter, const struct ktest_case *c)
{
	const char *w = filter;
	while (*w) {
		const char *end = strchr(w, ',');
		size_t len = end ? (size_t)(end - w) : strlen(w);
		if (word_selects(w, len, c))
			return true;
		if (!end)
			break;
		w = end + 1;
	}
	return false;
}

static void suite_summary(const char *suite, int passed, int failed)
{
	printk("ktest: suite %s: %d passed, %d failed\n", suite, passed, failed);
}

int ktest_run(const char *filter)
{
	const struct ktest_case *const *cases;
	size_t n = all_cases(&cases), nsel = 0;

	for (size_t i = 0; i < n && nsel < KTEST_MAX; i++) {
		if (!selected(filter, cases[i]))
			continue;
		size_t j = nsel++;	/* insertion sort: suites together, cases in source order */
		for (; j > 0 && case_cmp(sorted[j - 1], cases[i]) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = cases[i];
	}
	if (!nsel) {
		printk("ktest: no test case matches '%s'\n", filter);
		printk("ktest: 0 passed, 1 failed\n");
		return 1;
	}
	int passed = 0, failed = 0, spassed = 0, sfailed = 0;
	for (size_t i = 0; i < nsel; i++) {
		const struct ktest_case *c = sorted[i];
		struct ktest_ctx ctx = { 0 };
		uint64_t t0 = ktime_ns();
		c->fn(&ctx);
		uint64_t us = (ktime_ns() - t0) / 1000;
		if (ctx.failures) {
			printk("  FAIL %s.%s (%llu us)\n", c->suite, c->name, (unsigned long long)us);
			failed++, sfailed++;
		} else {
			printk("  ok   %s.%s (%llu us)\n", c->suite, c->name, (unsigned long long)us);
			passed++, spassed++;
		}
		if (i + 1 == nsel || strcmp(sorted[i + 1]->suite, c->suite)) {
			suite_summary(c->suite, spassed, sfailed);
			spassed = sfailed = 0;
		}
	}
	printk("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}
