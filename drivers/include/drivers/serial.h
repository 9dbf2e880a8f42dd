/* SPDX-License-Identifier: MIT */
/* The 16550 UART on COM1: the kernel console. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stddef.h>

/** serial_init - 115200 8N1, FIFOs on, no interrupts (the console writes synchronously). */
void serial_init(void);
/** serial_write - send @len bytes, waiting for room in the transmitter. */
void serial_write(const char *s, size_t len);

#endif
