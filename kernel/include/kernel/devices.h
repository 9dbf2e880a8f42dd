/* SPDX-License-Identifier: MIT */
/* The devices epunk has (kernel/devices.c), as Linux's memory devices behave. */
#ifndef KERNEL_DEVICES_H
#define KERNEL_DEVICES_H

struct file_operations;

extern const struct file_operations dev_null_fops;	/* /dev/null, 1:3 */
extern const struct file_operations dev_zero_fops;	/* /dev/zero, 1:5 */
extern const struct file_operations dev_random_fops;	/* /dev/random, 1:8 */
extern const struct file_operations dev_urandom_fops;	/* /dev/urandom, 1:9 */

#endif
