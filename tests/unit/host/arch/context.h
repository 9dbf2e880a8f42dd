/* SPDX-License-Identifier: MIT */
/* Host stand-in for arch/context.h: threads are not switched in the host unit-test binary. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

struct arch_context {
	uint64_t sp;
};

#endif
