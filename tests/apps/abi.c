// SPDX-License-Identifier: MIT
/* The acceptance program of the ABI issue: what an ordinary static Linux program expects of the
 * C library and of the kernel under it, one line of results per area, printed the same on host
 * Linux (musl or glibc) and on epunk. Exits 7 when every check holds, 1 when one does not (the
 * failed check is named on its area's line). args are echoed on the first line. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define STATUS_OK	7
#define STATUS_FAILED	1

/* FP work per thread: the four threads take about a second together under QEMU/TCG, as long again
 * for the references. */
#ifndef FP_ITERS
#define FP_ITERS	300000
#endif
#define FP_THREADS	4

static int area_failures;	/* failed checks in the area being run */
static int failed_areas;	/* areas with at least one failed check */

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line)
{
	if (!ok) {
		area_failures++;
		printf("  FAIL line %d: %s\n", line, what);
	}
}

/* Ends an area: its line of results, and the verdict. */
__attribute__((format(printf, 2, 3))) static void area_end(const char *area, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", area);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("%s\n", area_failures ? " -- FAILED" : "");
	if (area_failures)
		failed_areas++;
	area_failures = 0;
	fflush(stdout);
}

/* FNV-1a, for checksums of data whose bytes do not depend on the C library. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

/* Deterministic pseudo-random numbers (a 64-bit LCG, the high bits). */
static uint64_t lcg_state = 12345;
static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(lcg_state >> 33);
}

static int close_to(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fabs(want) || got == want;
}

/* ---- floating point and libm ---- */

static void test_libm(void)
{
	/* volatile: computed at run time by libm, not folded by the compiler. */
	volatile double two = 2.0, one = 1.0, ten = 10.0, half = 0.5, zero = 0.0;
	volatile long double ltwo = 2.0L;
	int n = 0;

#define NEAR(expr, want) (n++, CHECK(close_to((expr), (want), 1e-15)))
#define EXACT(expr, want) (n++, CHECK((expr) == (want)))
	NEAR(sqrt(two), 1.4142135623730951);
	EXACT(sqrt(two * two * 4), 4.0);
	NEAR(cbrt(27.0 * one), 3.0);
	NEAR(sin(one), 0.8414709848078965);
	NEAR(cos(one), 0.5403023058681398);
	NEAR(tan(half), 0.5463024898437905);
	NEAR(asin(half), 0.5235987755982989);
	NEAR(acos(half), 1.0471975511965979);
	NEAR(atan(one), 0.7853981633974483);
	NEAR(atan2(one, -one), 2.356194490192345);
	NEAR(sinh(one), 1.1752011936438014);
	NEAR(cosh(one), 1.5430806348152437);
	NEAR(tanh(half), 0.46211715726000974);
	NEAR(exp(one), 2.718281828459045);
	NEAR(exp2(ten + half), 1448.1546878700492);
	NEAR(expm1(1e-10 * one), 1.00000000005e-10);
	NEAR(log(ten), 2.302585092994046);
	EXACT(log2(1024 * one), 10.0);
	NEAR(log10(0.001 * one), -3.0);
	NEAR(log1p(1e-10 * one), 9.9999999995e-11);
	NEAR(pow(two, half), 1.4142135623730951);
	EXACT(pow(two, ten), 1024.0);
	n++, CHECK(isnan(pow(-8 * one, 1.0 / 3)));
	EXACT(fmod(10.5 * one, 3.0), 1.5);
	EXACT(fmod(-10.5 * one, 3.0), -1.5);
	EXACT(remainder(10.5 * one, 3.0), -1.5);
	EXACT(hypot(3 * one, 4.0), 5.0);
	EXACT(floor(-2.5 * one), -3.0);
	EXACT(ceil(-2.5 * one), -2.0);
	EXACT(round(-2.5 * one), -3.0);
	EXACT(trunc(-2.7 * one), -2.0);
	EXACT(rint(2.5 * one), 2.0);
	EXACT(nearbyint(3.5 * one), 4.0);
	EXACT(lrint(-2.5 * one), -2L);
	EXACT(llround(2.5 * one), 3LL);
	EXACT(fma(0.1 * one, 10.0, -1.0), 5.551115123125783e-17);
	int e;
	EXACT(frexp(48.0 * one, &e), 0.75);
	EXACT(e, 6);
	EXACT(ldexp(0.75 * one, 6), 48.0);
	double ip;
	EXACT(modf(-3.25 * one, &ip), -0.25);
	EXACT(ip, -3.0);
	EXACT(copysign(3.0, -zero), -3.0);
	EXACT(nextafter(one, 2.0), 1.0000000000000002);
	NEAR(erf(half), 0.5204998778130465);
	NEAR(erfc(half), 0.4795001221869535);
	NEAR(tgamma(5.0 * one), 24.0);
	NEAR(lgamma(half), 0.5723649429247001);
	EXACT(fmin(one, -zero), -0.0);
	EXACT(fmax(one, 2.0), 2.0);
	EXACT(fpclassify(DBL_MIN / 4 * one), FP_SUBNORMAL);
	n++, CHECK(isinf(one / zero) && signbit(-one / zero));
	n++, CHECK(isnan(zero / zero));
	NEAR(sinf((float)one), 0.84147096f);
	NEAR(expf((float)one), 2.7182817f);
	NEAR((double)sqrtl(ltwo), 1.4142135623730951);
	n++, CHECK(fabsl(sqrtl(ltwo) * sqrtl(ltwo) - 2.0L) < 4 * LDBL_EPSILON);
	n++, CHECK(fabsl(expl(1.0L * ltwo / 2) - 2.718281828459045235360287L) < 4 * LDBL_EPSILON);
	n++, CHECK(fabsl(sinl(ltwo) - 0.9092974268256816953960199L) < 4 * LDBL_EPSILON);
	n++, CHECK(powl(ltwo, 64.0L) == 18446744073709551616.0L);
	n++, CHECK(LDBL_MANT_DIG == 64 && (1.0L + LDBL_EPSILON) != 1.0L);
#undef NEAR
#undef EXACT

	/* The floating-point environment: rounding modes and exception flags live in MXCSR and
	 * the x87 control and status words. */
	int fenv_ok = 0;
	fesetround(FE_UPWARD);
	fenv_ok += rint(2.1 * one) == 3.0 && one / 3 > 0.3333333333333333;
	fesetround(FE_DOWNWARD);
	fenv_ok += rint(2.9 * one) == 2.0 && -one / 3 < -0.3333333333333333;
	fesetround(FE_TOWARDZERO);
	fenv_ok += rint(-2.9 * one) == -2.0 && (long double)one / 3 < 1.0L / 3;
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	volatile double r = one / zero;
	(void)r;
	fenv_ok += fetestexcept(FE_DIVBYZERO) != 0 && fetestexcept(FE_INEXACT) == 0;
	feclearexcept(FE_ALL_EXCEPT);
	r = one / 3;
	fenv_ok += fetestexcept(FE_INEXACT) != 0;
	CHECK(fenv_ok == 5);
	area_end("libm", "%d results as expected; fenv %d/5 (rounding modes, exception flags)", n, fenv_ok);
}

/* ---- printf of doubles and long doubles ---- */

static void test_printf(void)
{
	static const struct { const char *fmt; int ld; long double v; const char *want; } t[] = {
		{ "%f", 0, 3.14159265358979, "3.141593" },
		{ "%.3e", 0, 6.02214076e23, "6.022e+23" },
		{ "%g", 0, 1e-5, "1e-05" },
		{ "%g", 0, 123456789.0, "1.23457e+08" },
		{ "%.17g", 0, 0.1 + 0.2, "0.30000000000000004" },
		{ "%.20f", 0, 0.1, "0.10000000000000000555" },
		{ "%.0f", 0, 0.5, "0" },
		{ "%.0f", 0, 1.5, "2" },
		{ "%.0f", 0, 2.5, "2" },
		{ "%f", 0, -0.0, "-0.000000" },
		{ "%e", 0, DBL_MAX, "1.797693e+308" },
		{ "%g", 0, DBL_MIN, "2.22507e-308" },
		{ "%.3g", 0, 4.9406564584124654e-324, "4.94e-324" },
		{ "%f", 0, 1e20, "100000000000000000000.000000" },
		{ "%10.3f|", 0, -1.0 / 3, "    -0.333|" },
		{ "%-10.2e|", 0, 12345.678, "1.23e+04  |" },
		{ "%+g", 0, 42.0, "+42" },
		{ "% g", 0, 42.5, " 42.5" },
		{ "%#g", 0, 1.0, "1.00000" },
		{ "%08.3f", 0, -3.14159, "-003.142" },
		{ "%a", 0, 1.0, "0x1p+0" },
		{ "%a", 0, 0.1, "0x1.999999999999ap-4" },
		{ "%.3a", 0, 3.14159, "0x1.922p+1" },
		{ "%A", 0, 255.5, "0X1.FFP+7" },
		{ "%f", 0, INFINITY, "inf" },
		{ "%F", 0, -INFINITY, "-INF" },
		{ "%e", 0, NAN, "nan" },
		{ "%Lf", 1, 1.0L / 3, "0.333333" },
		{ "%.25Lf", 1, 2.0L / 3, "0.6666666666666666666847367" },
		{ "%.20Le", 1, 1.0L / 3, "3.33333333333333333342e-01" },
		{ "%Lg", 1, 1e4000L, "1e+4000" },
		{ "%Lg", 1, LDBL_MAX, "1.18973e+4932" },
		{ "%.21Lg", 1, 0.1L, "0.100000000000000000001" },
		{ "%Le", 1, LDBL_MIN, "3.362103e-4932" },
	};
	char buf[128];
	uint64_t h = FNV_INIT;
	int ok = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].ld)
			snprintf(buf, sizeof(buf), t[i].fmt, t[i].v);
		else
			snprintf(buf, sizeof(buf), t[i].fmt, (double)t[i].v);
		h = fnv(h, buf, strlen(buf) + 1);
		if (strcmp(buf, t[i].want)) {
			printf("  FAIL: printf(\"%s\") gave \"%s\", expected \"%s\"\n", t[i].fmt, buf, t[i].want);
			area_failures++;
		} else {
			ok++;
		}
	}
	/* %a and %La of values whose spelling libcs choose differently (subnormals, the leading
	 * hex digit of a long double): printed, then read back, must give the same value. */
	static const double d[] = { DBL_MIN / 4, 4.9406564584124654e-324, -DBL_MAX, 1.0 / 3, 1e-300 };
	static const long double ld[] = { 1.0L / 3, LDBL_MAX, LDBL_MIN / 8, -1e-4000L, 1.0L };
	int trips = 0;
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		snprintf(buf, sizeof(buf), "%a", d[i]);
		trips += strtod(buf, NULL) == d[i];
		snprintf(buf, sizeof(buf), "%.17g", d[i]);
		trips += strtod(buf, NULL) == d[i];
	}
	for (size_t i = 0; i < sizeof(ld) / sizeof(ld[0]); i++) {
		snprintf(buf, sizeof(buf), "%La", ld[i]);
		trips += strtold(buf, NULL) == ld[i];
		snprintf(buf, sizeof(buf), "%.21Lg", ld[i]);
		trips += strtold(buf, NULL) == ld[i];
	}
	CHECK(trips == 20);
	area_end("printf", "%d formats as expected (checksum %016" PRIx64 "); %%a %%La %%.17g %%.21Lg round trips %d/20",
		 ok, h, trips);
}

/* ---- threads with __thread doing FP work ---- */

static __thread double tls_sum;		/* running sum of the thread's FP work */
static __thread long double tls_lsum;	/* the same in x87 extended precision */
static __thread long tls_iters;		/* iterations done by this thread */
static __thread int tls_id = -1;	/* the thread's number, set once */

struct fp_result {
	double d;		/* final double result */
	long double ld;		/* final long double result */
	long iters;		/* iterations counted in TLS */
	int id;			/* tls_id read back at the end */
	uintptr_t tls_addr;	/* where this thread's tls_sum lives */
};

/* The same function makes the references (main thread) and the threads' results: every value
 * lives in XMM or x87 registers across many iterations, so a register clobbered by an interrupt
 * or a context switch changes the result. No system call in the loop: the threads change only
 * by preemption, which lands anywhere (a call such as sched_yield would have the compiler keep
 * nothing in XMM registers across it). */
static void fp_work(int id, long n, struct fp_result *r)
{
	double x = 0.25 + 0.125 * id;

	tls_id = id;
	tls_sum = 0;
	tls_lsum = 1.0L + id;
	tls_iters = 0;
	for (long i = 0; i < n; i++) {
		x = sin(x + 1.0) * 0.9 + sqrt(x * x + 0.5) * 0.1;
		tls_sum += x * (double)(1 + (i & 7));
		tls_lsum = tls_lsum * 0.999999L + (long double)x / 3;
		tls_iters++;
	}
	r->d = tls_sum + exp(x);
	r->ld = tls_lsum;
	r->iters = tls_iters;
	r->id = tls_id;
	r->tls_addr = (uintptr_t)&tls_sum;
}

static pthread_barrier_t fp_barrier;
static struct fp_result fp_got[FP_THREADS];

static void *fp_thread(void *arg)
{
	int id = (int)(intptr_t)arg;

	pthread_barrier_wait(&fp_barrier);	/* all compute at once, so they preempt each other */
	fp_work(id, FP_ITERS, &fp_got[id]);
	return NULL;
}

static void test_threads(void)
{
	struct fp_result want[FP_THREADS];
	pthread_t t[FP_THREADS];
	int match = 0;

	for (int i = 0; i < FP_THREADS; i++)
		fp_work(i, FP_ITERS, &want[i]);
	tls_id = 99;
	pthread_barrier_init(&fp_barrier, NULL, FP_THREADS);
	for (int i = 0; i < FP_THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, fp_thread, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < FP_THREADS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	pthread_barrier_destroy(&fp_barrier);
	for (int i = 0; i < FP_THREADS; i++) {
		int ok = fp_got[i].d == want[i].d && fp_got[i].ld == want[i].ld &&
			 fp_got[i].iters == FP_ITERS && fp_got[i].id == i;
		if (!ok)
			printf("  FAIL: thread %d: %.17g %.21Lg %ld %d, expected %.17g %.21Lg %d %d\n", i,
			       fp_got[i].d, fp_got[i].ld, fp_got[i].iters, fp_got[i].id, want[i].d, want[i].ld,
			       FP_ITERS, i);
		match += ok;
		for (int j = 0; j < i; j++)
			CHECK(fp_got[i].tls_addr != fp_got[j].tls_addr);
		CHECK(fp_got[i].tls_addr != (uintptr_t)&tls_sum);
	}
	area_end("threads", "%d threads x %d FP iterations, __thread per thread: %d/%d results equal to the references%s",
		 FP_THREADS, FP_ITERS, match, FP_THREADS, tls_id == 99 ? "" : " (main's __thread changed)");
	CHECK(tls_id == 99);
}

/* ---- mutexes and condition variables: a bounded buffer ---- */

#define PC_PRODUCERS	2
#define PC_CONSUMERS	2
#define PC_ITEMS	3000	/* per producer */
#define PC_SLOTS	8

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	long slot[PC_SLOTS];
	int head, count;
	long sum[PC_CONSUMERS];		/* what each consumer took */
	long taken[PC_CONSUMERS];
} pc = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0 }, 0, 0,
	 { 0 }, { 0 } };

static void pc_put(long v)
{
	pthread_mutex_lock(&pc.lock);
	while (pc.count == PC_SLOTS)
		pthread_cond_wait(&pc.not_full, &pc.lock);
	pc.slot[(pc.head + pc.count++) % PC_SLOTS] = v;
	pthread_cond_signal(&pc.not_empty);
	pthread_mutex_unlock(&pc.lock);
}

static long pc_get(void)
{
	pthread_mutex_lock(&pc.lock);
	while (pc.count == 0)
		pthread_cond_wait(&pc.not_empty, &pc.lock);
	long v = pc.slot[pc.head];
	pc.head = (pc.head + 1) % PC_SLOTS;
	pc.count--;
	pthread_cond_signal(&pc.not_full);
	pthread_mutex_unlock(&pc.lock);
	return v;
}

static void *producer(void *arg)
{
	long base = (long)(intptr_t)arg * 1000000;

	for (long i = 1; i <= PC_ITEMS; i++)
		pc_put(base + i);
	return NULL;
}

static void *consumer(void *arg)
{
	int id = (int)(intptr_t)arg;
	long v;

	while ((v = pc_get()) >= 0) {
		pc.sum[id] += v;
		pc.taken[id]++;
	}
	return NULL;
}

static void test_mutex_cond(void)
{
	pthread_t p[PC_PRODUCERS], c[PC_CONSUMERS];
	long sum = 0, taken = 0, want = 0;

	for (int i = 0; i < PC_CONSUMERS; i++)
		CHECK(pthread_create(&c[i], NULL, consumer, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < PC_PRODUCERS; i++)
		CHECK(pthread_create(&p[i], NULL, producer, (void *)(intptr_t)(i + 1)) == 0);
	for (int i = 0; i < PC_PRODUCERS; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < PC_CONSUMERS; i++)
		pc_put(-1);	/* one end marker per consumer */
	for (int i = 0; i < PC_CONSUMERS; i++) {
		pthread_join(c[i], NULL);
		sum += pc.sum[i];
		taken += pc.taken[i];
	}
	for (long i = 1; i <= PC_PRODUCERS; i++)
		want += i * 1000000 * PC_ITEMS + (long)PC_ITEMS * (PC_ITEMS + 1) / 2;
	CHECK(taken == PC_PRODUCERS * PC_ITEMS && sum == want && pc.count == 0);

	/* trylock on a held mutex, and a timed wait nobody signals. */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	struct timespec t0, t1, dl;
	pthread_mutex_lock(&m);
	int busy = pthread_mutex_trylock(&m);
	clock_gettime(CLOCK_REALTIME, &t0);
	dl = t0;
	dl.tv_nsec += 20000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	int timed = pthread_cond_timedwait(&cv, &m, &dl);
	clock_gettime(CLOCK_REALTIME, &t1);
	pthread_mutex_unlock(&m);
	long waited_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(busy == EBUSY);
	CHECK(timed == ETIMEDOUT && waited_ms >= 19);
	area_end("mutex/cond", "%d producers x %d items through %d slots to %d consumers: %ld items, sum %ld; "
		 "trylock %s, timedwait %s", PC_PRODUCERS, PC_ITEMS, PC_SLOTS, PC_CONSUMERS, taken, sum,
		 busy == EBUSY ? "EBUSY" : "?", timed == ETIMEDOUT ? "ETIMEDOUT" : "?");
}

/* ---- robust mutexes: a holder's exit leaves EOWNERDEAD to the next locker ---- */

static pthread_barrier_t rb_barrier;

static void *rb_exit_holding(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;
}

/* Takes the mutex, lets the main thread block on it, and exits holding it. */
static void *rb_exit_under_waiter(void *arg)
{
	struct timespec ms50 = { 0, 50000000 };

	pthread_mutex_lock(arg);
	pthread_barrier_wait(&rb_barrier);
	nanosleep(&ms50, NULL);
	return NULL;
}

/* Lock @m, giving up after 5 s (a kernel that leaves the dead owner's lock word alone would
 * otherwise hang the program). */
static int rb_lock(pthread_mutex_t *m)
{
	struct timespec dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	return pthread_mutex_timedlock(m, &dl);
}

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "0";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	case ENOSYS: return "ENOSYS";
	case ENOTSUP: return "ENOTSUP";
	default: return "?";
	}
}

static void test_robust(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t gone, waited, dropped;
	pthread_t t;

	pthread_mutexattr_init(&a);
	int set = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	int init = pthread_mutex_init(&gone, &a) | pthread_mutex_init(&waited, &a) |
		   pthread_mutex_init(&dropped, &a);
	CHECK(set == 0 && init == 0);
	if (set || init) {
		area_end("robust mutex", "setrobust %s, init %s", err_name(set), err_name(init));
		return;
	}

	/* The owner exited before anyone asked. */
	pthread_create(&t, NULL, rb_exit_holding, &gone);
	pthread_join(t, NULL);
	int gone_lock = rb_lock(&gone);
	int made = pthread_mutex_consistent(&gone);
	pthread_mutex_unlock(&gone);
	int relock = rb_lock(&gone);
	pthread_mutex_unlock(&gone);

	/* The owner exits while this thread waits: it is woken. */
	pthread_barrier_init(&rb_barrier, NULL, 2);
	pthread_create(&t, NULL, rb_exit_under_waiter, &waited);
	pthread_barrier_wait(&rb_barrier);
	int waited_lock = rb_lock(&waited);
	pthread_mutex_consistent(&waited);
	pthread_mutex_unlock(&waited);
	pthread_join(t, NULL);
	pthread_barrier_destroy(&rb_barrier);

	/* Unlocked without being made consistent: nobody can have it again. */
	pthread_create(&t, NULL, rb_exit_holding, &dropped);
	pthread_join(t, NULL);
	int dropped_lock = rb_lock(&dropped);
	pthread_mutex_unlock(&dropped);
	int dropped_again = rb_lock(&dropped);

	CHECK(gone_lock == EOWNERDEAD && made == 0 && relock == 0);
	CHECK(waited_lock == EOWNERDEAD);
	CHECK(dropped_lock == EOWNERDEAD && dropped_again == ENOTRECOVERABLE);
	area_end("robust mutex", "owner gone: %s, made consistent: %s, then %s; waiter woken: %s; "
		 "left inconsistent: %s, then %s", err_name(gone_lock), err_name(made),
		 err_name(relock), err_name(waited_lock), err_name(dropped_lock),
		 err_name(dropped_again));
}

/* ---- epoll over an eventfd written by another thread, and over a pipe ---- */

#define EP_EVENTS	10
#define EP_PIPE_BYTES	20000

static int ep_efd, ep_pipe[2];

static void *ep_writer(void *arg)
{
	unsigned char buf[1000];

	(void)arg;
	for (int i = 1; i <= EP_EVENTS; i++) {
		uint64_t v = (uint64_t)i;
		usleep(1000);
		if (write(ep_efd, &v, sizeof(v)) != sizeof(v))
			return (void *)1;
		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (unsigned char)((i * 7 + j) & 0xff);
		for (int k = 0; k < EP_PIPE_BYTES / EP_EVENTS; k += (int)sizeof(buf))
			if (write(ep_pipe[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				return (void *)2;
	}
	close(ep_pipe[1]);
	return NULL;
}

static void test_epoll(void)
{
	struct epoll_event ev, out[4];
	uint64_t efd_sum = 0, h = FNV_INIT;
	long pipe_bytes = 0;
	int eof = 0, hup = 0, wakeups = 0;
	pthread_t t;
	void *tr = (void *)-1;

	int ep = epoll_create1(EPOLL_CLOEXEC);
	ep_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(ep >= 0 && ep_efd >= 0 && pipe(ep_pipe) == 0);
	CHECK(fcntl(ep_pipe[0], F_SETFL, O_NONBLOCK) == 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 1;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep_efd, &ev) == 0);
	ev.data.u64 = 2;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep_pipe[0], &ev) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep_pipe[0], &ev) == -1 && errno == EEXIST);
	int nothing = epoll_wait(ep, out, 4, 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int nothing2 = epoll_wait(ep, out, 4, 20);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long waited_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(nothing == 0 && nothing2 == 0 && waited_ms >= 19);

	CHECK(pthread_create(&t, NULL, ep_writer, NULL) == 0);
	while ((efd_sum < EP_EVENTS * (EP_EVENTS + 1) / 2 || !eof) && wakeups < 100000) {
		int n = epoll_wait(ep, out, 4, 5000);
		if (n <= 0) {
			printf("  FAIL: epoll_wait returned %d (%s)\n", n, n ? strerror(errno) : "timeout");
			area_failures++;
			break;
		}
		wakeups++;
		for (int i = 0; i < n; i++) {
			if (out[i].data.u64 == 1) {
				uint64_t v;
				CHECK(read(ep_efd, &v, sizeof(v)) == sizeof(v));
				efd_sum += v;
			} else {
				unsigned char buf[4096];
				ssize_t r;
				if (out[i].events & EPOLLHUP)
					hup = 1;
				while ((r = read(ep_pipe[0], buf, sizeof(buf))) > 0) {
					h = fnv(h, buf, (size_t)r);
					pipe_bytes += r;
				}
				if (r == 0) {
					eof = 1;
					CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, ep_pipe[0], NULL) == 0);
				} else {
					CHECK(errno == EAGAIN);
				}
			}
		}
	}
	pthread_join(t, &tr);
	uint64_t v;
	CHECK(read(ep_efd, &v, sizeof(v)) == -1 && errno == EAGAIN);
	CHECK(tr == NULL && efd_sum == EP_EVENTS * (EP_EVENTS + 1) / 2 && pipe_bytes == EP_PIPE_BYTES && eof);
	CHECK(hup);
	close(ep_pipe[0]);
	close(ep_efd);
	close(ep);
	area_end("epoll", "eventfd from a thread: sum %" PRIu64 "; pipe: %ld bytes (checksum %016" PRIx64 "), %s, "
		 "end of file; empty waits 0 and 20 ms: %d %d", efd_sum, pipe_bytes, h,
		 hup ? "EPOLLHUP" : "no EPOLLHUP", nothing, nothing2);
}

/* ---- malloc, realloc, free from 1 byte to 1 MiB ---- */

#define MiB (1024 * 1024)

static unsigned char pat(uintptr_t seed, size_t i)
{
	return (unsigned char)((seed * 131 + i * 7 + (i >> 8)) & 0xff);
}

static void fill(unsigned char *p, size_t from, size_t to, uintptr_t seed)
{
	for (size_t i = from; i < to; i++)
		p[i] = pat(seed, i);
}

static int intact(const unsigned char *p, size_t n, uintptr_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pat(seed, i))
			return 0;
	return 1;
}

static void test_malloc(void)
{
	long mallocs = 0, reallocs = 0, frees = 0, bad = 0;
	size_t top = 0;

	/* One block grown from 1 byte to 1 MiB and shrunk back, checked after every realloc. */
	size_t sizes[64];
	int ns = 0;
	for (size_t s = 1; s < MiB; s = s * 3 / 2 + 1)
		sizes[ns++] = s;
	sizes[ns++] = MiB;
	unsigned char *p = malloc(1);
	mallocs++;
	fill(p, 0, 1, 1);
	size_t cur = 1;
	for (int i = 1; i < ns; i++) {
		unsigned char *q = realloc(p, sizes[i]);
		reallocs++;
		if (!q || !intact(q, cur, 1)) {
			bad++;
			break;
		}
		fill(q, cur, sizes[i], 1);
		p = q;
		cur = sizes[i];
	}
	top = cur;
	for (int i = ns - 2; i >= 0 && !bad; i--) {
		unsigned char *q = realloc(p, sizes[i]);
		reallocs++;
		if (!q || !intact(q, sizes[i], 1))
			bad++;
		else
			p = q;
	}
	free(p);
	frees++;

	/* Many blocks at once, of sizes spread over 1 B .. 1 MiB (log-uniform), each with its pattern. */
	enum { SLOTS = 32 };
	struct { unsigned char *p; size_t n; uintptr_t seed; } s[SLOTS] = { { NULL, 0, 0 } };
	for (int round = 0; round < 400; round++) {
		int i = (int)(lcg() % SLOTS);
		size_t n = ((size_t)1 << (lcg() % 20)) + lcg() % ((size_t)1 << (lcg() % 20));
		if (n > MiB)
			n = MiB;
		if (s[i].p && !intact(s[i].p, s[i].n, s[i].seed))
			bad++;
		switch (lcg() % 3) {
		case 0:	/* free, then a new block */
			free(s[i].p);
			frees += s[i].p != NULL;
			s[i].p = malloc(n);
			mallocs++;
			s[i].seed = (uintptr_t)round;
			if (s[i].p)
				fill(s[i].p, 0, n, s[i].seed);
			break;
		default: {	/* realloc: the old prefix kept */
			unsigned char *q = realloc(s[i].p, n);
			reallocs++;
			if (!q) {
				bad++;
				continue;
			}
			size_t keep = s[i].n < n ? s[i].n : n;
			if (!intact(q, keep, s[i].seed))
				bad++;
			fill(q, keep, n, s[i].seed);
			s[i].p = q;
			break;
		}
		}
		if (!s[i].p)
			bad++;
		s[i].n = s[i].p ? n : 0;
		if (n > top)
			top = n;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (s[i].p && !intact(s[i].p, s[i].n, s[i].seed))
			bad++;
		free(s[i].p);
		frees += s[i].p != NULL;
	}

	/* calloc's zeroes and the aligned allocators. */
	unsigned char *z = calloc(MiB / 4, 4);
	int zero_ok = z != NULL;
	for (size_t i = 0; z && i < MiB; i++)
		zero_ok &= z[i] == 0;
	free(z);
	void *a1 = aligned_alloc(4096, 8192), *a2 = NULL;
	int al = posix_memalign(&a2, 64, 1000);
	int align_ok = a1 && !al && ((uintptr_t)a1 & 4095) == 0 && ((uintptr_t)a2 & 63) == 0;
	free(a1);
	free(a2);
	CHECK(bad == 0);
	CHECK(zero_ok && align_ok);
	area_end("malloc", "%ld mallocs, %ld reallocs, %ld frees, 1 B .. %zu B, patterns intact: %s; calloc zeroed %s, "
		 "aligned %s", mallocs, reallocs, frees, top, bad ? "no" : "yes", zero_ok ? "yes" : "no",
		 align_ok ? "yes" : "no");
}

/* ---- qsort and bsearch ---- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_sort(void)
{
	enum { N = 20000 };
	static int a[N];
	uint64_t h = FNV_INIT;
	int sorted = 1, found = 0, absent = 0;

	lcg_state = 42;
	for (int i = 0; i < N; i++)
		a[i] = (int)(lcg() % 1000000) * 2;	/* even: odd keys are absent */
	qsort(a, N, sizeof(a[0]), cmp_int);
	for (int i = 1; i < N; i++)
		sorted &= a[i - 1] <= a[i];
	h = fnv(h, a, sizeof(a));
	for (int i = 0; i < 2000; i++) {
		int key = a[(i * 7919) % N];
		int *f = bsearch(&key, a, N, sizeof(a[0]), cmp_int);
		found += f && *f == key;
		key |= 1;
		absent += bsearch(&key, a, N, sizeof(a[0]), cmp_int) == NULL;
	}
	const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "apricot", "date", "kiwi",
				"Zebra", "zoo", "", "a" };
	enum { NW = sizeof(words) / sizeof(words[0]) };
	qsort(words, NW, sizeof(words[0]), cmp_str);
	char joined[128] = "";
	for (int i = 0; i < NW; i++) {
		strcat(joined, i ? "," : "");
		strcat(joined, words[i]);
	}
	const char *key = "fig";
	const char **w = bsearch(&key, words, NW, sizeof(words[0]), cmp_str);
	CHECK(sorted && found == 2000 && absent == 2000);
	CHECK(!strcmp(joined, ",Zebra,a,apple,apricot,banana,cherry,date,fig,kiwi,pear,zoo") && w && w - words == 8);
	area_end("qsort/bsearch", "%d ints sorted (checksum %016" PRIx64 "), %d/2000 found, %d/2000 absent; words: %s",
		 N, h, found, absent, joined);
}

/* ---- ctype over 0..255 ---- */

static void test_ctype(void)
{
	static const struct { const char *name; int (*f)(int); int want; } c[] = {
		{ "alpha", isalpha, 52 }, { "digit", isdigit, 10 }, { "alnum", isalnum, 62 },
		{ "space", isspace, 6 }, { "upper", isupper, 26 }, { "lower", islower, 26 },
		{ "punct", ispunct, 32 }, { "print", isprint, 95 }, { "graph", isgraph, 94 },
		{ "cntrl", iscntrl, 33 }, { "xdigit", isxdigit, 22 }, { "blank", isblank, 2 },
	};
	char line[256] = "";
	uint64_t h = FNV_INIT;
	long up = 0, low = 0;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int n = 0;
		for (int ch = 0; ch < 256; ch++) {
			unsigned char yes = c[i].f(ch) != 0;
			n += yes;
			h = fnv(h, &yes, 1);
		}
		CHECK(n == c[i].want);
		CHECK(c[i].f(EOF) == 0);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s %d", i ? ", " : "", c[i].name, n);
	}
	for (int ch = 0; ch < 256; ch++) {
		up += toupper(ch) * (ch + 1);
		low += tolower(ch) * (ch + 1);
	}
	CHECK(toupper('q') == 'Q' && tolower('Q') == 'q' && toupper('1') == '1' && toupper(200) == 200);
	CHECK(toupper(EOF) == EOF);
	area_end("ctype", "%s; classes checksum %016" PRIx64 ", toupper %ld tolower %ld", line, h, up, low);
}

/* ---- strtod, strtol and friends on tricky inputs ---- */

static void test_strto(void)
{
	static const struct { const char *s; double want; int used; int erange; } d[] = {
		{ "0.1", 0.1, 3, 0 },
		{ "1e23", 1e23, 4, 0 },
		{ "9007199254740993", 9007199254740992.0, 16, 0 },	/* 2^53 + 1: ties to even */
		{ "2.2250738585072011e-308", 0x0.fffffffffffffp-1022, 23, -1 },	/* the PHP hang */
		{ "4.9e-324", 0x1p-1074, 8, -1 },
		{ "2.4703282292062328e-324", 0x1p-1074, 23, -1 },	/* just above half the smallest */
		{ "1e-400", 0.0, 6, 1 },
		{ "1e309", HUGE_VAL, 5, 1 },
		{ "1.7976931348623158e308", DBL_MAX, 22, 0 },
		{ "1.7976931348623159e308", HUGE_VAL, 22, 1 },
		{ "-0.0", -0.0, 4, 0 },
		{ "  +1.5e+2xyz", 150.0, 9, 0 },
		{ "0x1.8p1", 3.0, 7, 0 },
		{ "0X1P-1074", 0x1p-1074, 9, -1 },
		{ "0x", 0.0, 1, 0 },
		{ "inf", INFINITY, 3, 0 },
		{ "-Infinity", -INFINITY, 9, 0 },
		{ "infinit", INFINITY, 3, 0 },
		{ ".5", 0.5, 2, 0 },
		{ "5.", 5.0, 2, 0 },
		{ "1e", 1.0, 1, 0 },
		{ "1e+", 1.0, 1, 0 },
		{ "", 0.0, 0, 0 },
		{ "abc", 0.0, 0, 0 },
		{ "- 1", 0.0, 0, 0 },
		{ "123456789012345678901234567890", 1.2345678901234568e29, 30, 0 },
		{ "0.000000000000000000000000000000000000000000001e45", 1.0, 50, 0 },
	};
	static const struct { const char *s; int base; long want; int used; int err; } l[] = {
		{ "2147483648", 10, 2147483648L, 10, 0 },
		{ "9223372036854775807", 10, LONG_MAX, 19, 0 },
		{ "9223372036854775808", 10, LONG_MAX, 19, ERANGE },
		{ "-9223372036854775808", 10, LONG_MIN, 20, 0 },
		{ "-9223372036854775809", 10, LONG_MIN, 20, ERANGE },
		{ "0x7fffffffffffffff", 0, LONG_MAX, 18, 0 },
		{ "0777", 0, 511, 4, 0 },
		{ "0x", 16, 0, 1, 0 },
		{ "0xg", 0, 0, 1, 0 },
		{ "  -42abc", 10, -42, 5, 0 },
		{ "z", 36, 35, 1, 0 },
		{ "ZZ", 36, 1295, 2, 0 },
		{ "+", 10, 0, 0, -1 },	/* no conversion: errno 0 or EINVAL (POSIX: may) */
		{ "12", 1, 0, 0, EINVAL },
		{ "089", 0, 0, 1, 0 },
	};
	char *end;
	int ok = 0, nd = (int)(sizeof(d) / sizeof(d[0])), nl = (int)(sizeof(l) / sizeof(l[0]));

	for (int i = 0; i < nd; i++) {
		errno = 0;
		double v = strtod(d[i].s, &end);
		int e = errno;
		int good = (v == d[i].want || (isnan(v) && isnan(d[i].want))) &&
			   signbit(v) == signbit(d[i].want) && end - d[i].s == d[i].used &&
			   (d[i].erange < 0 || (e == ERANGE) == d[i].erange);
		if (!good)
			printf("  FAIL: strtod(\"%s\") = %a, %d chars, errno %d; expected %a, %d chars\n", d[i].s, v,
			       (int)(end - d[i].s), e, d[i].want, d[i].used);
		ok += good;
	}
	for (int i = 0; i < nl; i++) {
		errno = 0;
		long v = strtol(l[i].s, &end, l[i].base);
		int e = errno;
		int good = v == l[i].want && (l[i].err == EINVAL || end - l[i].s == l[i].used) &&
			   (l[i].err < 0 ? e == 0 || e == EINVAL : e == l[i].err);
		if (!good)
			printf("  FAIL: strtol(\"%s\", %d) = %ld, %d chars, errno %d; expected %ld, %d chars, errno %d\n",
			       l[i].s, l[i].base, v, (int)(end - l[i].s), e, l[i].want, l[i].used, l[i].err);
		ok += good;
	}
	/* nan, the other widths and the unsigned ones. */
	int more = 0;
	more += isnan(strtod("nan", &end)) && *end == '\0';
	more += isnan(strtod("-nan(123)x", &end)) && *end == 'x';
	errno = 0;
	more += strtof("1e39", NULL) == HUGE_VALF && errno == ERANGE;
	more += strtof("3.4028235e38", NULL) == FLT_MAX;
	more += strtold("0.1", NULL) == 0.1L && strtold("1e4000", NULL) == 1e4000L;
	errno = 0;
	more += strtoul("-1", NULL, 10) == ULONG_MAX && errno == 0;
	more += strtoull("18446744073709551616", NULL, 10) == ULLONG_MAX && errno == ERANGE;
	errno = 0;
	more += strtoll("-0x8000000000000000", NULL, 16) == LLONG_MIN && errno == 0;
	more += atoi("  -17x") == -17 && atol("99") == 99;
	more += strtoimax("  12345678901234", NULL, 10) == 12345678901234;
	CHECK(ok == nd + nl);
	CHECK(more == 10);
	area_end("strtod/strtol", "%d/%d conversions as expected (values, characters used, ERANGE/EINVAL); %d/10 more",
		 ok, nd + nl, more);
}

/* ---- setjmp and longjmp ---- */

static jmp_buf jb;
static sigjmp_buf sjb;

static int dive(int depth, volatile int *deepest)
{
	char pad[64];

	memset(pad, depth, sizeof(pad));
	*deepest = depth;
	if (depth == 100)
		longjmp(jb, 42);
	if (depth > 100)
		return 0;	/* never: the jump leaves at 100 */
	return dive(depth + 1, deepest) + pad[depth % 64];
}

static void test_setjmp(void)
{
	volatile int deepest = 0, passes = 0;
	volatile double fp = 1.5;
	int r;

	r = setjmp(jb);
	passes++;
	if (r == 0) {
		fp = 2.5;
		dive(1, &deepest);
	}
	int first = r;
	CHECK(first == 42 && deepest == 100 && passes == 2 && fp == 2.5);

	r = setjmp(jb);
	if (r == 0)
		longjmp(jb, 0);	/* must come back as 1 */
	int zero = r;
	CHECK(zero == 1);

	/* sigsetjmp(env, 1) saves the signal mask and siglongjmp restores it. */
	sigset_t set, now;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	volatile int blocked_inside = 0;
	r = sigsetjmp(sjb, 1);
	if (r == 0) {
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigprocmask(SIG_BLOCK, NULL, &now);
		blocked_inside = sigismember(&now, SIGUSR1);
		siglongjmp(sjb, 3);
	}
	sigprocmask(SIG_BLOCK, NULL, &now);
	int restored = !sigismember(&now, SIGUSR1);
	CHECK(r == 3 && blocked_inside == 1 && restored);
	area_end("setjmp", "longjmp from depth %d gave %d, longjmp(0) gave %d, siglongjmp gave %d with the mask %s",
		 deepest, first, zero, r, restored ? "restored" : "not restored");
}

/* ---- clocks and sleeping ---- */

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ns_of(&t);
}

static void test_clock(void)
{
	enum { READS = 20000 };
	struct timespec t, res;
	int64_t last = mono_ns(), backwards = 0;

	for (int i = 0; i < READS; i++) {
		int64_t now = mono_ns();
		backwards += now < last;
		last = now;
	}
	CHECK(backwards == 0);
	CHECK(clock_gettime(CLOCK_REALTIME, &t) == 0);
	int after_2020 = t.tv_sec >= 1577836800 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000;
	CHECK(after_2020);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	time_t now = time(NULL);
	CHECK(llabs((long long)tv.tv_sec - (long long)t.tv_sec) <= 2 && llabs((long long)now - (long long)t.tv_sec) <= 2);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
	      res.tv_nsec <= 10000000);
	CHECK(clock_gettime(12345, &t) == -1 && errno == EINVAL);

	/* Sleeps last at least as long as asked. */
	static const long asked[] = { 1000, 1000000, 10000000, 30000000 };
	int long_enough = 0;
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		struct timespec req = { 0, asked[i] }, rem = { 7, 7 };
		int64_t t0 = mono_ns();
		int rc = nanosleep(&req, &rem);
		int64_t slept = mono_ns() - t0;
		long_enough += rc == 0 && slept >= asked[i];
		if (slept < asked[i])
			printf("  FAIL: nanosleep(%ld ns) slept only %" PRId64 " ns\n", asked[i], slept);
	}
	CHECK(long_enough == 4);
	struct timespec badreq = { 0, 1000000000 };
	errno = 0;
	int einval = nanosleep(&badreq, NULL) == -1 && errno == EINVAL;
	CHECK(einval);
	int64_t t0 = mono_ns();
	struct timespec until = { (time_t)((t0 + 20000000) / 1000000000), (long)((t0 + 20000000) % 1000000000) };
	int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	int abs_ok = rc == 0 && mono_ns() >= t0 + 20000000;
	CHECK(abs_ok);
	t0 = mono_ns();
	usleep(5000);
	int us_ok = mono_ns() - t0 >= 5000000;
	CHECK(us_ok);
	area_end("clock", "monotonic never backwards over %d reads: %s, realtime after 2020: %s; nanosleep %d/4 at least "
		 "as asked, 1e9 ns EINVAL: %s, absolute clock_nanosleep %s, usleep %s", READS, backwards ? "no" : "yes",
		 after_2020 ? "yes" : "no", long_enough, einval ? "yes" : "no", abs_ok ? "ok" : "early",
		 us_ok ? "ok" : "early");
}

int main(int argc, char **argv)
{
	printf("abi: %d args:", argc - 1);
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	fflush(stdout);
	test_libm();
	test_printf();
	test_threads();
	test_mutex_cond();
	test_robust();
	test_epoll();
	test_malloc();
	test_sort();
	test_ctype();
	test_strto();
	test_setjmp();
	test_clock();
	if (failed_areas) {
		printf("abi: %d areas FAILED\n", failed_areas);
		return STATUS_FAILED;
	}
	printf("abi: all areas as expected\n");
	return STATUS_OK;
}
