// SPDX-License-Identifier: MIT
/* Number parsing for the kernel (the command line): C's strto* rules, including base 0 (0x
 * prefix = 16, leading 0 = 8), optional sign, leading blanks, and saturation on overflow (the
 * kernel has no errno: a caller checks the range it wants). */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Parse the magnitude; *neg gets the sign, *overflow is set past ULLONG_MAX. */
static unsigned long long parse(const char *s, char **end, int base, bool *neg, bool *overflow)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false;

	*neg = false;
	*overflow = false;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	for (int d; (d = digit_value(*p)) < base; p++) {
		any = true;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			*overflow = true;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return v;
}

long long strtoll(const char *s, char **end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);
	if (neg) {
		if (ovf || v > (unsigned long long)LLONG_MAX + 1)
			return LLONG_MIN;
		return v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	}
	if (ovf || v > LLONG_MAX)
		return LLONG_MAX;
	return (long long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);
	if (ovf)
		return ULLONG_MAX;
	return neg ? 0ULL - v : v;
}

/* long and long long are both 64-bit on x86-64: the same ranges. */
long strtol(const char *s, char **end, int base)
{
	return (long)strtoll(s, end, base);
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return (unsigned long)strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}
