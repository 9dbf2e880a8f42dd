/* SPDX-License-Identifier: MIT */
/* virtio-net devices as lwIP interfaces, addressed from the command line. */
#ifndef NET_NETIF_VNET_H
#define NET_NETIF_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * netif_vnet_init - one lwIP interface per virtio-net device; the first is the default route
 * and gets ip=ADDR/PREFIX gw=ADDR, or DHCP (ip=dhcp, the default). Returns the number of
 * interfaces, or a negative errno with the reason in @err (bad ip=/gw=, ip= without a device).
 */
int netif_vnet_init(char *err, size_t errlen);
/** netif_vnet_wait_address - wait up to @timeout_ns for the first interface's address. */
bool netif_vnet_wait_address(uint64_t timeout_ns);
/** netif_vnet_counters - frames dropped for want of a pbuf wrapper / of TX ring room. */
void netif_vnet_counters(uint64_t *rx_nomem, uint64_t *tx_busy);

/** netif_vnet_print_stats - one line per interface: the driver's, this glue's and lwIP's
 * counters; then the SYN-cookie counters. */
void netif_vnet_print_stats(void);

struct netif;
/** netif_vnet_tso_max - the TCP payload one segment may carry through @netif when its device
 * does segmentation offload (a virtio netif with VNET_OFFLOAD_TSO4), else 0. */
uint16_t netif_vnet_tso_max(struct netif *netif);

#endif
