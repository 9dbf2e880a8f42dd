// SPDX-License-Identifier: MIT
/* IPv4 address text conversions of <arpa/inet.h>, with glibc's rules: inet_pton takes exactly
 * "d.d.d.d" (no leading zeros, each part 0..255), inet_aton the classic 1-to-4-part forms in
 * decimal, octal or hex, followed by nothing or white space. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int inet_pton(int af, const char *src, void *dst)
{
	unsigned char out[4];
	int parts = 0;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	while (parts < 4) {
		if (*src < '0' || *src > '9')
			return 0;
		unsigned v = 0;
		int digits = 0;
		while (*src >= '0' && *src <= '9') {
			if (digits && v == 0)
				return 0;	/* a leading zero */
			v = v * 10 + (unsigned)(*src++ - '0');
			if (v > 255)
				return 0;
			digits++;
		}
		out[parts++] = (unsigned char)v;
		if (parts < 4 && *src++ != '.')
			return 0;
	}
	if (*src)
		return 0;
	memcpy(dst, out, sizeof(out));
	return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	char buf[INET_ADDRSTRLEN];
	const unsigned char *b = src;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	int n = snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, buf, (size_t)n + 1);
	return dst;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* One part: decimal, 0-prefixed octal or 0x-prefixed hex; 0 if there are no digits or the
 * value passes 32 bits. */
static int aton_part(const char **sp, unsigned long *out)
{
	const char *s = *sp;
	unsigned base = 10;
	unsigned long v = 0;
	int digits = 0;

	if (*s == '0') {
		base = 8;
		s++;
		digits = 1;	/* "0" alone is a valid part */
		if (*s == 'x' || *s == 'X') {
			base = 16;
			s++;
			digits = 0;
		}
	}
	for (;; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (d >= base)
			return 0;
		v = v * base + d;
		if (v > 0xffffffffUL)
			return 0;
		digits++;
	}
	if (!digits)
		return 0;
	*sp = s;
	*out = v;
	return 1;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	unsigned long parts[4];
	int n = 0;

	for (;;) {
		if (!aton_part(&cp, &parts[n]))
			return 0;
		n++;
		if (*cp != '.')
			break;
		if (n == 4)
			return 0;
		cp++;
	}
	if (*cp && !is_space(*cp))
		return 0;
	/* The last part fills the bytes the others leave. */
	unsigned long v = parts[n - 1];
	static const unsigned long last_max[5] = { 0, 0xffffffffUL, 0xffffffUL, 0xffffUL, 0xffUL };
	if (v > last_max[n])
		return 0;
	for (int i = 0; i < n - 1; i++) {
		if (parts[i] > 0xff)
			return 0;
		v |= parts[i] << (24 - 8 * i);
	}
	if (inp)
		inp->s_addr = htonl((uint32_t)v);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;
	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &in, buf, sizeof(buf));
	return buf;
}
