/* SPDX-License-Identifier: MIT */
/* The kernel's random numbers (kernel/random.c). */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/** random_init - key the generator from arch_boot_random; at boot, before any use. */
void random_init(void);
/** random_u64 - 64 bits an observer cannot predict without the boot-time key. Any context. */
uint64_t random_u64(void);
/** random_bytes - fill @buf with @len such bytes. */
void random_bytes(void *buf, size_t len);

long sys_getrandom(void *buf, size_t len, unsigned flags);

#endif
