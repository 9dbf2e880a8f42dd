/* SPDX-License-Identifier: MIT */
/* The frame fuzzer's fake environment (fake_net_env.c). */
#ifndef FAKE_NET_ENV_H
#define FAKE_NET_ENV_H

#include <stddef.h>
#include <stdint.h>

typedef void (*fake_tx_fn)(const uint8_t *frame, size_t len);

/** fake_clock_advance - move time on by @ns and fire the timers due. */
void fake_clock_advance(uint64_t ns);
/** fake_vnet_rx - deliver one received frame through the driver's RX handler. */
void fake_vnet_rx(const void *frame, size_t len);
/** fake_vnet_rx_hdr - the same with the virtio-net header @hdr (VNET_HDR_LEN bytes, NULL:
 * zeros) the device wrote, spread over buffers of @piece bytes (0: one): checked as the driver
 * checks it, a refused frame counted. */
void fake_vnet_rx_hdr(const uint8_t *hdr, const void *frame, size_t len, size_t piece);
/** fake_vnet_rx_bad_hdr - frames dropped so far for their virtio header. */
long fake_vnet_rx_bad_hdr(void);
/** fake_vnet_set_tx_hook - see every transmitted frame (flattened). */
void fake_vnet_set_tx_hook(fake_tx_fn fn);
/** fake_vnet_tx_complete - complete every queued transmission (runs the done callbacks). */
void fake_vnet_tx_complete(void);
/** fake_vnet_rx_outstanding - RX buffers the stack has not given back yet. */
long fake_vnet_rx_outstanding(void);

#endif
