// SPDX-License-Identifier: MIT
/* SipHash-2-4 (Aumasson and Bernstein): a keyed hash that an adversary cannot steer without the
 * key. For SYN cookies and the kernel's random numbers. Pure: host-tested. */
#include <kernel/siphash.h>

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static inline void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static inline void sip_absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t siphash24(uint64_t k0, uint64_t k1, const void *data, unsigned len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
	};
	unsigned i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t m = 0;
		for (unsigned b = 0; b < 8; b++)
			m |= (uint64_t)p[i + b] << (8 * b);	/* little-endian words */
		sip_absorb(v, m);
	}
	uint64_t last = (uint64_t)(len & 0xff) << 56;
	for (unsigned b = 0; i + b < len; b++)
		last |= (uint64_t)p[i + b] << (8 * b);
	sip_absorb(v, last);
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
