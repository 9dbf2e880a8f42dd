// SPDX-License-Identifier: MIT
/*
 * SYN cookies. The 32-bit cookie:
 *
 *   31..27  the period it was made in (now_ms >> SYNCOOKIE_PERIOD_SHIFT), modulo 32
 *   26..24  the client's MSS, as an index into mss_steps
 *   23..0   SipHash-2-4 (secret key) of addresses, ports, client ISN, full period and MSS index
 *
 * A forged ACK passes with odds of 2^-24 per try. The window scale and timestamp options are
 * not carried: lwIP here negotiates neither, so a cookie connection loses nothing.
 */
#include <kernel/siphash.h>
#include <net/syncookie.h>

static uint64_t key0, key1;

/* MSS values clients commonly offer (536: none offered; 1460: Ethernet; PPPoE, tunnels, IPv6
 * paths in between), ascending. */
static const uint16_t mss_steps[8] = { 536, 1024, 1220, 1300, 1380, 1400, 1440, 1460 };

void syncookie_set_key(uint64_t k0, uint64_t k1)
{
	key0 = k0;
	key1 = k1;
}

static uint32_t cookie_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			    uint32_t client_isn, uint32_t period, unsigned mss_idx)
{
	uint8_t m[21];
	uint32_t w[5] = { saddr, daddr, (uint32_t)sport << 16 | dport, client_isn, period };

	for (unsigned i = 0; i < 5; i++)
		for (unsigned b = 0; b < 4; b++)
			m[4 * i + b] = (uint8_t)(w[i] >> (8 * b));
	m[20] = (uint8_t)mss_idx;
	return (uint32_t)siphash24(key0, key1, m, sizeof(m)) & 0xffffff;
}

uint32_t syncookie_make(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t client_isn, uint16_t mss, uint32_t now_ms)
{
	uint32_t period = now_ms >> SYNCOOKIE_PERIOD_SHIFT;
	unsigned idx = 0;

	while (idx + 1 < 8 && mss_steps[idx + 1] <= mss)
		idx++;
	return (period & 31) << 27 | (uint32_t)idx << 24 |
	       cookie_hash(saddr, daddr, sport, dport, client_isn, period, idx);
}

bool syncookie_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
		     uint32_t client_isn, uint32_t cookie, uint32_t now_ms, uint16_t *mss)
{
	uint32_t now = now_ms >> SYNCOOKIE_PERIOD_SHIFT;
	uint32_t age = (now - (cookie >> 27)) & 31;	/* periods since it was made, modulo 32 */
	unsigned idx = (cookie >> 24) & 7;

	if (age > 1)
		return false;
	/* now_ms wraps (49.7 days) and the period with it: the period before 0 is the last one */
	uint32_t made = (now - age) & (0xffffffffu >> SYNCOOKIE_PERIOD_SHIFT);
	if (cookie_hash(saddr, daddr, sport, dport, client_isn, made, idx) != (cookie & 0xffffff))
		return false;
	*mss = mss_steps[idx];
	return true;
}
