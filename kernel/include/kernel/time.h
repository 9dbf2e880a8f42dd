/* SPDX-License-Identifier: MIT */
/* Kernel time: TSC cycles converted to nanoseconds since the first instruction of boot. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

/** time_init - set the TSC rate (@tsc_khz) and the TSC value that counts as time zero. */
void time_init(uint64_t tsc_khz, uint64_t tsc_zero);
/** ktime_ns - nanoseconds since boot. */
uint64_t ktime_ns(void);
/** cycles_to_ns / ns_to_cycles - conversions at the calibrated TSC rate. */
uint64_t cycles_to_ns(uint64_t cycles);
uint64_t ns_to_cycles(uint64_t ns);
/** tsc_khz - the calibrated rate. */
uint64_t time_tsc_khz(void);
/** time_tsc_params - ktime_ns()'s own figures: ns = (TSC - *@zero) * *@ns_mult >> 32 (the vDSO
 * computes the same). */
void time_tsc_params(uint64_t *zero, uint64_t *ns_mult);

#endif
