/* SPDX-License-Identifier: MIT */
/* The kernel console: printk's output and the file behind descriptors 0, 1 and 2. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/** console_register - the device that writes console output (@write may wait for room). */
void console_register(void (*write)(const char *s, size_t len));
/** console_write - raw bytes to the console device, whole (under the console lock). */
void console_write(const char *s, size_t len);
/**
 * console_unlock_for_panic - from now on console_write takes no lock, so a fatal report gets
 * out even from inside a write. Returns false when a panic had already done so.
 */
bool console_unlock_for_panic(void);
/**
 * console_files_init - open the console as descriptors 0, 1 and 2 (one file, three
 * references). Call at boot, before anything else opens a descriptor. Returns 0, -ENOMEM, or
 * -EBUSY when one of those descriptors is already taken (nothing is then left open).
 */
int console_files_init(void);

#endif
