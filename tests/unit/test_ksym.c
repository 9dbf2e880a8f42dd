// SPDX-License-Identifier: MIT
/* Symbol lookup by binary search over a table shaped like the generated .ksyms. */
#include <kernel/ksym.h>
#include <kernel/ktest.h>
#include <string.h>

static const uint64_t addrs[] = { 0x1000, 0x1040, 0x1100, 0x2000 };
static const uint32_t offs[] = { 0, 6, 12, 18 };
static const char names[] = "alpha\0bravo\0charl\0delta";
static const struct ksym_table table = { 4, addrs, offs, names, 0x2100 };

KTEST(ksym, lookup_inside_and_between)
{
	uint64_t off = 99;
	EXPECT_STREQ(ksym_lookup_in(&table, 0x1000, &off), "alpha");
	EXPECT_EQ(off, 0);
	EXPECT_STREQ(ksym_lookup_in(&table, 0x103f, &off), "alpha");
	EXPECT_EQ(off, 0x3f);
	EXPECT_STREQ(ksym_lookup_in(&table, 0x1040, &off), "bravo");
	EXPECT_STREQ(ksym_lookup_in(&table, 0x1fff, &off), "charl");
	EXPECT_EQ(off, 0xeff);
	EXPECT_STREQ(ksym_lookup_in(&table, 0x20ff, &off), "delta");
}

KTEST(ksym, lookup_outside_text)
{
	uint64_t off;
	EXPECT_TRUE(ksym_lookup_in(&table, 0xfff, &off) == NULL);
	EXPECT_TRUE(ksym_lookup_in(&table, 0x2100, &off) == NULL);
	const struct ksym_table empty = { 0, addrs, offs, names, 0x2100 };
	EXPECT_TRUE(ksym_lookup_in(&empty, 0x1000, &off) == NULL);
}
