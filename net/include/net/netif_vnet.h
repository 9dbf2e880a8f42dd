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
/* The glue's counters for one interface (netif_vnet_stats). */
struct netif_vnet_stats {
	uint64_t rx_nomem;		/* frames dropped for want of a pbuf wrapper */
	uint64_t tx_dropped;		/* frames dropped: the ring and the backlog were full */
	uint64_t tx_queued;		/* frames that waited in the backlog for ring room */
	uint64_t tx_lent;		/* frames dropped while a test held the device */
	unsigned tx_backlog;		/* frames waiting now */
	unsigned tx_backlog_max;	/* the most that waited since the limit was set */
	unsigned tx_backlog_limit;	/* the most that may wait */
};
/** netif_vnet_stats - interface @index's counters: 0, or -ENODEV. */
int netif_vnet_stats(int index, struct netif_vnet_stats *st);
/** netif_vnet_set_txqueuelen - how many frames may wait for ring room on interface @index
 * (Linux's txqueuelen): 0..16384 (the default), 0 dropping every frame the ring refuses.
 * 0, -ENODEV, or -EINVAL past 16384. */
int netif_vnet_set_txqueuelen(int index, unsigned frames);

/** netif_vnet_print_stats - one line per interface: the driver's, this glue's and lwIP's
 * counters; then the SYN-cookie counters. */
void netif_vnet_print_stats(void);

struct netif;
/** netif_vnet_tso_max - the TCP payload one segment may carry through @netif when its device
 * does segmentation offload (a virtio netif with VNET_OFFLOAD_TSO4), else 0. */
uint16_t netif_vnet_tso_max(struct netif *netif);

#endif
