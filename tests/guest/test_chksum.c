// SPDX-License-Identifier: MIT
/* The port's Internet checksum (net_chksum, net/port/hooks.c, lwIP's LWIP_CHKSUM) against lwIP's
 * own lwip_standard_chksum: the same 16 bits for every start alignment and every length up to
 * past two 64-bit blocks' worth, over patterned bytes and over all 0xff (the sum that carries on
 * every add), and for lengths of a full frame. */
#include <stdint.h>

#include <kernel/ktest.h>

#include "hooks.h"

uint16_t lwip_standard_chksum(const void *dataptr, int len);

static unsigned char buf[1600];

KTEST(chksum, same_as_lwip_every_alignment_and_length)
{
	int bad = 0;
	for (int pattern = 0; pattern < 3; pattern++) {
		for (unsigned i = 0; i < sizeof(buf); i++)
			buf[i] = pattern == 0 ? (unsigned char)(i * 37 + (i >> 5)) :
				 pattern == 1 ? 0xff : (unsigned char)(i & 1 ? 0x00 : 0x80);
		for (int off = 0; off < 8; off++)
			for (int len = 0; len <= 40; len++)
				bad += net_chksum(buf + off, len) != lwip_standard_chksum(buf + off, len);
		for (int len = 1400; len <= 1514; len += 19)
			bad += net_chksum(buf + 3, len) != lwip_standard_chksum(buf + 3, len);
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(net_chksum(buf, -1), lwip_standard_chksum(buf, 0));
}
