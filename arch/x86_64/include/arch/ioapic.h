/* SPDX-License-Identifier: MIT */
/* Wired interrupts: a global system interrupt (GSI, an IOAPIC input) routed to a CPU vector. */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <stdint.h>

/* Flags of arch_ioapic_route. Without them: edge-triggered, active-high (ISA style). */
#define IOAPIC_LEVEL		1u	/* level-triggered: the line stays asserted until acked */
#define IOAPIC_ACTIVE_LOW	2u	/* asserted when low (real PCI INTx wiring) */

/**
 * arch_ioapic_route - deliver GSI @gsi as fixed vector @vector to this CPU, triggered as @flags
 * say. The pin is left masked: arch_ioapic_unmask starts delivery.
 * Returns 0; -ENODEV when no IOAPIC answers at its address; -EINVAL for a GSI it does not have
 * or a vector outside the device range.
 */
int arch_ioapic_route(unsigned gsi, int vector, unsigned flags);
/** arch_ioapic_mask / arch_ioapic_unmask - stop and restart delivery of a routed GSI. */
void arch_ioapic_mask(unsigned gsi);
void arch_ioapic_unmask(unsigned gsi);
/** arch_ioapic_pins - number of GSIs the IOAPIC has (0 when there is none). */
unsigned arch_ioapic_pins(void);

#endif
