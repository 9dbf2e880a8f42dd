/* SPDX-License-Identifier: MIT */
/* Reading a fuzz input as a stream of bytes (big-endian words); past its end every byte reads
 * as 0, so any input decodes to some sequence of steps. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

static const uint8_t *in_p;
static size_t in_left;

static inline void input_start(const uint8_t *data, size_t size)
{
	in_p = data;
	in_left = size;
}

static inline uint8_t get8(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in_p++;
}

static inline uint16_t get16(void)
{
	return (uint16_t)(get8() << 8 | get8());
}

static inline uint32_t get32(void)
{
	return (uint32_t)get16() << 16 | get16();
}

static inline uint64_t get64(void)
{
	return (uint64_t)get32() << 32 | get32();
}

#endif
