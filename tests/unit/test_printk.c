// SPDX-License-Identifier: MIT
/* kvsnprintf: every conversion printk promises, with widths, padding and truncation. */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <string.h>

#define EXPECT_FMT(want, ...) do { \
	char b_[128]; \
	int n_ = ksnprintf(b_, sizeof(b_), __VA_ARGS__); \
	EXPECT_STREQ(b_, want); \
	EXPECT_EQ(n_, (int)strlen(want)); \
} while (0)

KTEST(printk, integers)
{
	EXPECT_FMT("42", "%d", 42);
	EXPECT_FMT("-42", "%i", -42);
	EXPECT_FMT("-2147483648", "%d", (int)-2147483647 - 1);
	EXPECT_FMT("4294967295", "%u", 4294967295u);
	EXPECT_FMT("0", "%u", 0u);
	EXPECT_FMT("18446744073709551615", "%llu", 18446744073709551615ULL);
	EXPECT_FMT("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	EXPECT_FMT("123456789012", "%zu", (size_t)123456789012ULL);
	EXPECT_FMT("-5", "%ld", -5L);
	EXPECT_FMT("255 -1", "%hhu %hhd", 255, 255);
	EXPECT_FMT("65535", "%hu", 65535);
}

KTEST(printk, hex_and_octal)
{
	EXPECT_FMT("ff", "%x", 255);
	EXPECT_FMT("FF", "%X", 255);
	EXPECT_FMT("0xff", "%#x", 255);
	EXPECT_FMT("0", "%#x", 0);
	EXPECT_FMT("deadbeefcafe", "%lx", 0xdeadbeefcafeUL);
	EXPECT_FMT("ffffffffffffffff", "%llx", ~0ULL);
	EXPECT_FMT("17", "%o", 15);
}

KTEST(printk, widths_and_padding)
{
	EXPECT_FMT("   42", "%5d", 42);
	EXPECT_FMT("42   |", "%-5d|", 42);
	EXPECT_FMT("00042", "%05d", 42);
	EXPECT_FMT("-0042", "%05d", -42);
	EXPECT_FMT("0000beef", "%08x", 0xbeef);
	EXPECT_FMT("0x00ff", "%#06x", 255);
	EXPECT_FMT("   ab", "%*s", 5, "ab");
	EXPECT_FMT("ab   |", "%-*s|", 5, "ab");
	EXPECT_FMT("ab   |", "%*s|", -5, "ab");
	EXPECT_FMT("12345", "%3d", 12345);
	EXPECT_FMT("+7", "%+d", 7);
	EXPECT_FMT(" 7", "% d", 7);
	EXPECT_FMT("007", "%.3d", 7);
	EXPECT_FMT("0000000000000010", "%016llx", 16ULL);
}

KTEST(printk, strings_chars_percent)
{
	EXPECT_FMT("hello", "%s", "hello");
	const char *volatile null_str = NULL;	/* hidden from gcc's format checks */
	EXPECT_FMT("(null)", "%s", null_str);
	EXPECT_FMT("hel", "%.3s", "hello");
	EXPECT_FMT("  x", "%3c", 'x');
	EXPECT_FMT("x  |", "%-3c|", 'x');
	EXPECT_FMT("100%", "%d%%", 100);
	EXPECT_FMT("a%b", "a%%b");
}

KTEST(printk, pointers)
{
	EXPECT_FMT("0x1000", "%p", (void *)0x1000);
	EXPECT_FMT("(nil)", "%p", NULL);
	EXPECT_FMT("0xffff800000000000", "%p", (void *)0xffff800000000000ULL);
}

KTEST(printk, truncation_keeps_nul_and_returns_full_length)
{
	char b[8];
	memset(b, 'Z', sizeof(b));
	int n = ksnprintf(b, sizeof(b), "%s-%d", "abcdef", 12345);
	EXPECT_EQ(n, 12);
	EXPECT_STREQ(b, "abcdef-");
	n = ksnprintf(b, 1, "xyz");
	EXPECT_EQ(n, 3);
	EXPECT_EQ(b[0], '\0');
	n = ksnprintf(NULL, 0, "%d", 1234);
	EXPECT_EQ(n, 4);
}

/* Format strings gcc would reject at compile time: passed through a variable. */
static int fmt_runtime(char *buf, size_t size, const char *fmt)
{
	return ksnprintf(buf, size, fmt, 0);
}

KTEST(printk, unknown_conversion_is_printed_verbatim)
{
	char b[16];
	EXPECT_EQ(fmt_runtime(b, sizeof(b), "%q"), 2);
	EXPECT_STREQ(b, "%q");
	EXPECT_EQ(fmt_runtime(b, sizeof(b), "x%"), 2);
	EXPECT_STREQ(b, "x%");
}
