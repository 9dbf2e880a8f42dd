/* SPDX-License-Identifier: MIT */
/* <assert.h>: assert() prints "file:line: function: Assertion `expr' failed." on stderr and
 * calls abort(); with NDEBUG defined it evaluates nothing. No include guard: C lets a program
 * include it again after changing NDEBUG. */
#undef assert

#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
__attribute__((noreturn)) void epunk_assert_fail(const char *expr, const char *file, int line,
						 const char *func);
#define assert(expr) \
	((expr) ? (void)0 : epunk_assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif
