/* SPDX-License-Identifier: MIT */
/* Device bring-up at boot, after the core (pages, kmalloc, threads, timers) is ready. */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

/**
 * drivers_init - enumerate PCI (assigning BARs firmware left empty) and start every virtio-net
 * device, logging each. A machine without devices is not an error. Interrupts may still be off.
 */
void drivers_init(void);

#endif
