/* SPDX-License-Identifier: MIT */
/* The port's random numbers (LWIP_RAND), defined in net/port/sys_arch.c beside lwIP's sys_now(),
 * which lwip/sys.h declares. */
#ifndef EPUNK_LWIP_SYS_ARCH_H
#define EPUNK_LWIP_SYS_ARCH_H

#include <stdint.h>

/**
 * net_rand - 32 bits an observer cannot predict without the boot-time key (not a secret in
 * themselves). Callers hold net_lock() or are net_init().
 */
uint32_t net_rand(void);

#endif
