/* SPDX-License-Identifier: MIT */
/* The virtio-pci modern transport (virtio 1.x, section 4.1): what a device driver (virtio-net)
 * uses to bring a device up, negotiate features, set up its virtqueues and take interrupts. */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include <drivers/pci.h>
#include <drivers/virtqueue.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_MODERN_BASE	0x1040	/* modern device ID = 0x1040 + virtio device type */

struct virtio_dev {
	struct pci_dev *pci;			/* the PCI function */
	volatile struct virtio_pci_common_cfg *common;	/* common configuration */
	volatile uint8_t *notify_base;		/* start of the notification area */
	uint32_t notify_len;			/* its length */
	uint32_t notify_mult;			/* notify_off_multiplier */
	volatile uint8_t *isr;			/* ISR status byte (read clears it) */
	volatile uint8_t *device_cfg;		/* device-specific configuration */
	uint32_t device_cfg_len;
	uint64_t features;			/* negotiated */
	bool msix;				/* MSI-X enabled: vectors per queue, no ISR */
};

/**
 * virtio_pci_probe - find the modern virtio capabilities of @pci (common, notify, ISR, device
 * configuration), map them, turn on memory decoding and bus mastering, and reset the device.
 * Returns 0; -ENODEV when a required capability is missing or points outside its BAR.
 */
int virtio_pci_probe(struct virtio_dev *vd, struct pci_dev *pci);

/** virtio_reset - write 0 to device_status and wait until the device reads back 0. */
void virtio_reset(struct virtio_dev *vd);
/** virtio_add_status - set @bits in device_status (ACKNOWLEDGE, DRIVER, DRIVER_OK, FAILED). */
void virtio_add_status(struct virtio_dev *vd, uint8_t bits);
uint8_t virtio_get_status(struct virtio_dev *vd);

/** virtio_offered - the feature bits the device offers (before negotiation). */
uint64_t virtio_offered(struct virtio_dev *vd);
/**
 * virtio_negotiate - accept the device's features that are in @wanted, set FEATURES_OK and
 * check the device kept it. @required (a subset of @wanted; VIRTIO_F_VERSION_1 always is) must
 * all be offered. Returns 0 with vd->features set; -ENODEV when a required feature is missing
 * or the device refused FEATURES_OK (the status then carries FAILED).
 */
int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted, uint64_t required);

static inline bool virtio_has(const struct virtio_dev *vd, unsigned bit)
{
	return vd->features & (1ULL << bit);
}

/**
 * virtio_msix_enable - turn MSI-X on for the device (all entries masked; pci_msix_set and
 * pci_msix_unmask program them). Returns the number of entries, or a negative errno (no MSI-X:
 * the device uses INTx and the ISR register).
 */
int virtio_msix_enable(struct virtio_dev *vd);
/** virtio_msix_disable - back to INTx. */
void virtio_msix_disable(struct virtio_dev *vd);

/**
 * virtio_set_config_vector - route configuration-change interrupts to MSI-X entry @entry
 * (VIRTIO_MSI_NO_VECTOR: none). Returns 0, or -EIO when the device refused it.
 */
int virtio_set_config_vector(struct virtio_dev *vd, uint16_t entry);

/**
 * virtio_queue_setup - set up queue @index with at most @max_num entries (the device's maximum
 * if smaller): ring memory from the page allocator, addresses, MSI-X entry @msix_entry
 * (VIRTIO_MSI_NO_VECTOR without MSI-X), notify address, then queue_enable.
 * Returns 0; -ENOENT when the device has no such queue; -ENOMEM; -EIO when the device refused
 * the MSI-X entry. Before DRIVER_OK.
 */
int virtio_queue_setup(struct virtio_dev *vd, struct virtq *vq, uint16_t index, uint16_t max_num,
		       uint16_t msix_entry, bool event_idx);
/** virtio_queue_free - give back the ring memory of a queue set up above (device reset first). */
void virtio_queue_free(struct virtq *vq);

/** virtio_isr_read - read (and so clear) the ISR status: bit 0 queue, bit 1 configuration. */
static inline uint8_t virtio_isr_read(struct virtio_dev *vd)
{
	return *vd->isr;
}

/*
 * Device configuration, with the access width the spec requires for each field size. A value
 * spread over several fields is consistent when virtio_cfg_generation reads the same before and
 * after reading them.
 */
uint8_t virtio_cfg_read8(struct virtio_dev *vd, uint32_t off);
uint16_t virtio_cfg_read16(struct virtio_dev *vd, uint32_t off);
uint32_t virtio_cfg_read32(struct virtio_dev *vd, uint32_t off);
uint8_t virtio_cfg_generation(struct virtio_dev *vd);

#endif
