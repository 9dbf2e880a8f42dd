// SPDX-License-Identifier: MIT
/* The kernel's number parsing (kernel/stdlib.c, behind the command line's numbers and ip=):
 * C's strto* rules for bases, signs, prefixes, the end pointer, and saturation on overflow. */
#include <limits.h>
#include <stdlib.h>

#include <kernel/ktest.h>

KTEST(stdlib, strtol_edges)
{
	char *end;
	const char *s;

	s = "  -42xyz";
	EXPECT_EQ(strtol(s, &end, 10), -42);
	EXPECT_TRUE(end == s + 5);
	s = "0x1F";
	EXPECT_EQ(strtol(s, &end, 0), 31);
	EXPECT_TRUE(end == s + 4);
	s = "0x";
	EXPECT_EQ(strtol(s, &end, 16), 0);
	EXPECT_TRUE(end == s + 1);		/* the "0"; "x" is not part of the number */
	EXPECT_EQ(strtol("0777", NULL, 0), 511);
	EXPECT_EQ(strtol("z", NULL, 36), 35);
	EXPECT_EQ(strtol("+17", NULL, 10), 17);
	EXPECT_EQ(strtol("9223372036854775807", NULL, 10), LONG_MAX);
	EXPECT_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);	/* saturates */
	EXPECT_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	EXPECT_EQ(strtol("-9223372036854775809", NULL, 10), LONG_MIN);
	EXPECT_EQ(strtol("99999999999999999999999", NULL, 10), LONG_MAX);
	EXPECT_TRUE(strtoul("-1", NULL, 10) == ULONG_MAX);
	EXPECT_TRUE(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX);
	EXPECT_TRUE(strtoull("18446744073709551616", NULL, 10) == ULLONG_MAX);
	s = "";
	EXPECT_EQ(strtol(s, &end, 10), 0);
	EXPECT_TRUE(end == s);
	s = "abc";
	EXPECT_EQ(strtol(s, &end, 10), 0);
	EXPECT_TRUE(end == s);
	s = "12";
	EXPECT_EQ(strtol(s, &end, 1), 0);	/* bad base */
	EXPECT_TRUE(end == s);
	s = "12";
	EXPECT_EQ(strtol(s, &end, 99), 0);
	EXPECT_TRUE(end == s);
	EXPECT_EQ(atoi("123abc"), 123);
	EXPECT_EQ(atol("-77"), -77);
}
