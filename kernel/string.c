// SPDX-License-Identifier: MIT
/* The C string functions for the freestanding kernel (and its apps). Compiled with
 * -fno-tree-loop-distribute-patterns so gcc does not turn these loops back into calls to
 * themselves. Word-at-a-time copies: the compiler vectorizes nothing here (no SSE in the kernel);
 * x86-64 loads and stores a word at any alignment, so a misaligned buffer (a TCP payload, a
 * user's buffer) is copied by words too. */
#include <stdint.h>
#include <string.h>

/* A word that may sit at any address (the compiler then assumes nothing of its alignment). */
typedef uint64_t __attribute__((may_alias, aligned(1))) uword_any;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_any;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n >= 32; n -= 32, d += 32, s += 32) {
		uint64_t a = ((const uword_any *)s)[0], b = ((const uword_any *)s)[1];
		uint64_t c = ((const uword_any *)s)[2], e = ((const uword_any *)s)[3];
		((uword_any *)d)[0] = a;
		((uword_any *)d)[1] = b;
		((uword_any *)d)[2] = c;
		((uword_any *)d)[3] = e;
	}
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(uword_any *)d = *(const uword_any *)s;
	if (n >= 4) {
		*(u32_any *)d = *(const u32_any *)s;
		n -= 4, d += 4, s += 4;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || !n)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = 0x0101010101010101ULL * (unsigned char)c;

	for (; n >= 8; n -= 8, d += 8)
		*(uword_any *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	char *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}
