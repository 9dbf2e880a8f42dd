/* SPDX-License-Identifier: MIT */
/* Interrupt vectors and their handlers, as generic code and drivers see them. */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_VECTOR_FIRST	0x30	/* first vector handed out to devices */
#define IRQ_VECTOR_LAST		0xdf
#define IRQ_VECTOR_TIMER	0xef	/* LAPIC timer */
#define IRQ_VECTOR_SPURIOUS	0xff

typedef void (*irq_handler_fn)(void *arg);

/**
 * arch_irq_alloc_vector - reserve a free device vector and install @fn on it.
 * Returns the vector, or -ENOSPC when none is left. @fn runs with interrupts disabled.
 */
int arch_irq_alloc_vector(irq_handler_fn fn, void *arg);

/** arch_irq_set_handler - install @fn on the fixed vector @vec (timer and friends). */
void arch_irq_set_handler(int vec, irq_handler_fn fn, void *arg);

/** irq_count - interrupts taken on @vec since boot (statistics, tests). */
uint64_t arch_irq_count(int vec);

/**
 * arch_msi_compose - the message (address, data) a device writes to raise @vector on this CPU,
 * for PCI MSI and MSI-X table entries.
 */
void arch_msi_compose(int vector, uint64_t *addr, uint32_t *data);

/** arch_irq_self - raise @vec on this CPU through its local APIC (a self-IPI), for tests. */
void arch_irq_self(int vec);
/** arch_irq_in_service - whether the local APIC has @vec in service (taken, not yet EOI'd). */
bool arch_irq_in_service(int vec);
/** arch_irq_eoi - acknowledge the highest-priority interrupt in service (interrupts off). */
void arch_irq_eoi(void);

#endif
