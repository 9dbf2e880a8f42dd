// SPDX-License-Identifier: MIT
/* SYN cookies: the hash against SipHash's published vectors, and what a cookie accepts. */
#include <kernel/siphash.h>
#include <kernel/ktest.h>
#include <net/syncookie.h>

#define K0	0x0706050403020100ULL	/* SipHash's test key: bytes 00..0f */
#define K1	0x0f0e0d0c0b0a0908ULL

KTEST(syncookie, siphash_reference_vectors)
{
	uint8_t m[15];
	for (unsigned i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	EXPECT_EQ(siphash24(K0, K1, m, 0), 0x726fdb47dd0e0e31ULL);	/* empty message */
	EXPECT_EQ(siphash24(K0, K1, m, 15), 0xa129ca6149be45e5ULL);	/* the paper's example */
	EXPECT_NE(siphash24(K0, K1 ^ 1, m, 15), 0xa129ca6149be45e5ULL);
}

#define SA	0x0a4d0c01u	/* 10.77.12.1 */
#define DA	0x0a4d0c02u
#define T0	1000000u	/* ms */

KTEST(syncookie, round_trip_carries_the_mss)
{
	static const uint16_t offered[] = { 536, 1460, 1459, 1440, 1400, 1300, 1024, 100, 9000 };
	static const uint16_t kept[] = { 536, 1460, 1440, 1440, 1400, 1300, 1024, 536, 1460 };
	syncookie_set_key(0x1234, 0x5678);
	for (unsigned i = 0; i < sizeof(offered) / sizeof(offered[0]); i++) {
		uint32_t c = syncookie_make(SA, DA, 40000, 7, 0xdeadbeef, offered[i], T0);
		uint16_t mss = 0;
		EXPECT_TRUE(syncookie_check(SA, DA, 40000, 7, 0xdeadbeef, c, T0, &mss));
		EXPECT_EQ(mss, kept[i]);
	}
}

KTEST(syncookie, bound_to_the_connection_and_the_key)
{
	syncookie_set_key(1, 2);
	uint32_t c = syncookie_make(SA, DA, 40000, 7, 5000, 1460, T0);
	uint16_t mss;
	EXPECT_FALSE(syncookie_check(SA + 1, DA, 40000, 7, 5000, c, T0, &mss));
	EXPECT_FALSE(syncookie_check(SA, DA + 1, 40000, 7, 5000, c, T0, &mss));
	EXPECT_FALSE(syncookie_check(SA, DA, 40001, 7, 5000, c, T0, &mss));
	EXPECT_FALSE(syncookie_check(SA, DA, 40000, 8, 5000, c, T0, &mss));
	EXPECT_FALSE(syncookie_check(SA, DA, 40000, 7, 5001, c, T0, &mss));
	for (unsigned bit = 0; bit < 32; bit++)	/* any bit flipped: the hash, the MSS or the time */
		EXPECT_FALSE(syncookie_check(SA, DA, 40000, 7, 5000, c ^ (1u << bit), T0, &mss));
	syncookie_set_key(1, 3);
	EXPECT_FALSE(syncookie_check(SA, DA, 40000, 7, 5000, c, T0, &mss));
}

KTEST(syncookie, valid_for_its_period_and_the_next)
{
	const uint32_t period = 1u << SYNCOOKIE_PERIOD_SHIFT;
	uint32_t start = 7 * period;	/* the first millisecond of a period */
	uint16_t mss;
	syncookie_set_key(9, 9);
	uint32_t c = syncookie_make(SA, DA, 1, 2, 3, 536, start);
	EXPECT_TRUE(syncookie_check(SA, DA, 1, 2, 3, c, start + period - 1, &mss));
	EXPECT_TRUE(syncookie_check(SA, DA, 1, 2, 3, c, start + 2 * period - 1, &mss));
	EXPECT_FALSE(syncookie_check(SA, DA, 1, 2, 3, c, start + 2 * period, &mss));
	EXPECT_FALSE(syncookie_check(SA, DA, 1, 2, 3, c, start + 32 * period, &mss));	/* same 5 bits */
	EXPECT_FALSE(syncookie_check(SA, DA, 1, 2, 3, c, start - 1, &mss));	/* from the future */
	/* Across the wrap of the millisecond clock (49.7 days). */
	uint32_t late = 0xffffffffu - 10;
	c = syncookie_make(SA, DA, 1, 2, 3, 536, late);
	EXPECT_TRUE(syncookie_check(SA, DA, 1, 2, 3, c, late + 20, &mss));
}
