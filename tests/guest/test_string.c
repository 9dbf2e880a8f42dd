// SPDX-License-Identifier: MIT
/* The kernel's memcpy, memmove and memset (kernel/string.c) at every alignment of source and
 * destination and every length up to past two of memcpy's 32-byte blocks: exactly the bytes
 * asked for, none before or after. */
#include <stdint.h>
#include <string.h>

#include <kernel/ktest.h>

#define SPAN	80
#define PAD	16

static unsigned char src[SPAN + 2 * PAD], dst[SPAN + 2 * PAD];

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

KTEST(string, memcpy_every_alignment_and_length)
{
	static unsigned char want[sizeof(dst)];
	int bad = 0;
	fill(src, sizeof(src), 3);
	for (size_t so = 0; so < 8; so++)
		for (size_t dso = 0; dso < 8; dso++)
			for (size_t n = 0; n <= SPAN; n++) {
				for (size_t i = 0; i < sizeof(dst); i++)
					dst[i] = want[i] = 0xee;
				for (size_t k = 0; k < n; k++)
					want[PAD + dso + k] = src[PAD + so + k];
				void *r = memcpy(dst + PAD + dso, src + PAD + so, n);
				if (r != dst + PAD + dso)
					bad++;
				for (size_t i = 0; i < sizeof(dst); i++)
					bad += dst[i] != want[i];
			}
	EXPECT_EQ(bad, 0);
}

KTEST(string, memmove_overlapping_both_ways)
{
	int bad = 0;
	for (size_t from = 0; from < 24; from++)
		for (size_t to = 0; to < 24; to++)
			for (size_t n = 0; n <= 48; n++) {
				unsigned char ref[SPAN];
				fill(src, sizeof(src), 11);
				memcpy(ref, src + from, n);
				void *r = memmove(src + to, src + from, n);
				if (r != src + to || memcmp(src + to, ref, n))
					bad++;
			}
	EXPECT_EQ(bad, 0);
}

KTEST(string, memset_every_alignment_and_length)
{
	int bad = 0;
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= SPAN; n++) {
			memset(dst, 0x11, sizeof(dst));
			void *r = memset(dst + PAD + off, 0xa5, n);
			if (r != dst + PAD + off)
				bad++;
			for (size_t i = 0; i < sizeof(dst); i++) {
				unsigned char w = i >= PAD + off && i < PAD + off + n ? 0xa5 : 0x11;
				if (dst[i] != w)
					bad++;
			}
		}
	EXPECT_EQ(bad, 0);
}
