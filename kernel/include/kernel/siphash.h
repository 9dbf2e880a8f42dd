/* SPDX-License-Identifier: MIT */
/* SipHash-2-4 (kernel/siphash.c). */
#ifndef KERNEL_SIPHASH_H
#define KERNEL_SIPHASH_H

#include <stdint.h>

/** siphash24 - SipHash-2-4 of @len bytes at @data with the key (@k0, @k1). */
uint64_t siphash24(uint64_t k0, uint64_t k1, const void *data, unsigned len);

#endif
