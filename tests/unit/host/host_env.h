/* SPDX-License-Identifier: MIT */
/* The kernel's environment on the host (host_env.c). */
#ifndef HOST_ENV_H
#define HOST_ENV_H

#include <stddef.h>

/** host_env_init - line-buffer stdout, start the clock (1 GHz "TSC"), give the page allocator @arena_bytes of RAM,
 * set up the slabs. Returns 0, or -1 with a message on stderr. */
int host_env_init(size_t arena_bytes);

#endif
