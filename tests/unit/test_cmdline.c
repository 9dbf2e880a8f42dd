// SPDX-License-Identifier: MIT
/* Command-line parsing: values, quoting, and an error naming the problem for bad input. */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <string.h>

static struct cmdline cl;	/* a private instance: the kernel's own line stays untouched */

KTEST(cmdline, key_values_and_bare_keys)
{
	char err[128];
	ASSERT_EQ(cmdline_parse_into(&cl, "  ktest=all   quiet ", err, sizeof(err)), 0);
	EXPECT_STREQ(cmdline_lookup(&cl, "ktest"), "all");
	EXPECT_STREQ(cmdline_lookup(&cl, "quiet"), "");
	EXPECT_TRUE(cmdline_lookup(&cl, "app") == NULL);
	ASSERT_EQ(cmdline_parse_into(&cl, "", err, sizeof(err)), 0);
	EXPECT_TRUE(cmdline_lookup(&cl, "ktest") == NULL);
}

KTEST(cmdline, quoted_values)
{
	char err[128];
	ASSERT_EQ(cmdline_parse_into(&cl, "app=\"echo -v\" ktest='a b'", err, sizeof(err)), 0);
	EXPECT_STREQ(cmdline_lookup(&cl, "app"), "echo -v");
	EXPECT_STREQ(cmdline_lookup(&cl, "ktest"), "a b");
}

KTEST(cmdline, errors_name_the_problem)
{
	char err[128];
	EXPECT_EQ(cmdline_parse_into(&cl, "ktest=all bogus=1", err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "unknown option 'bogus'") != NULL);
	EXPECT_EQ(cmdline_parse_into(&cl, "=x", err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "without an option name") != NULL);
	EXPECT_EQ(cmdline_parse_into(&cl, "app=\"open", err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "unterminated quote") != NULL);
	EXPECT_EQ(cmdline_parse_into(&cl, "app=1 app=2", err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "given twice") != NULL);
	char longkey[64];
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	EXPECT_EQ(cmdline_parse_into(&cl, longkey, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "too long") != NULL);
}

KTEST(cmdline, number_in_range)
{
	long n = -1;
	EXPECT_EQ(cmdline_number("1000", 100, 600000, &n), 0);
	EXPECT_EQ(n, 1000);
	EXPECT_EQ(cmdline_number("100", 100, 600000, &n), 0);	/* both bounds included */
	EXPECT_EQ(cmdline_number("600000", 100, 600000, &n), 0);
	EXPECT_EQ(n, 600000);
	EXPECT_EQ(cmdline_number("99", 100, 600000, &n), -EINVAL);
	EXPECT_EQ(cmdline_number("600001", 100, 600000, &n), -EINVAL);
	EXPECT_EQ(cmdline_number("", 1, 10, &n), -EINVAL);
	EXPECT_EQ(cmdline_number("5s", 1, 10, &n), -EINVAL);
	EXPECT_EQ(cmdline_number("abc", 1, 10, &n), -EINVAL);
	EXPECT_EQ(n, 600000);					/* untouched on error */
}
