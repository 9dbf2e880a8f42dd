// SPDX-License-Identifier: MIT
/* The virtio-pci modern transport: vendor capabilities locate the common configuration, the
 * notification area, the ISR byte and the device configuration inside the BARs; reset, status,
 * feature negotiation, queue setup with MSI-X entries. Expects a modern (virtio 1.x) device,
 * e.g. QEMU's `-device virtio-net-pci,disable-legacy=on` (1af4:1041, capabilities in BAR4,
 * MSI-X table in BAR1; `vectors=0` removes MSI-X). Boot-time code, one thread. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/memory.h>
#include <drivers/virtio_pci.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/page.h>
#include <kernel/printk.h>

/* The common configuration fields by width: the spec wants each accessed at its own width. */
#define COMMON(vd, field)	(&(vd)->common->field)

static volatile uint8_t *cap_map(struct pci_dev *pci, uint8_t cap, uint32_t *len)
{
	uint8_t bar = pci_read8(pci, cap + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci_read32(pci, cap + VIRTIO_PCI_CAP_OFFSET);
	uint32_t length = pci_read32(pci, cap + VIRTIO_PCI_CAP_LENGTH);

	if (bar >= PCI_NUM_BARS || !pci->bar[bar].size ||
	    (uint64_t)off + length > pci->bar[bar].size)
		return NULL;
	volatile uint8_t *base = pci_bar_map(pci, bar);
	if (!base)
		return NULL;
	*len = length;
	return base + off;
}

int virtio_pci_probe(struct virtio_dev *vd, struct pci_dev *pci)
{
	uint32_t len;

	*vd = (struct virtio_dev){ .pci = pci };
	/* Several capabilities of one type may exist; the first usable one is the one to use. */
	for (uint8_t cap = pci_find_cap(pci, PCI_CAP_ID_VNDR, 0); cap;
	     cap = pci_find_cap(pci, PCI_CAP_ID_VNDR, cap)) {
		uint8_t type = pci_read8(pci, cap + VIRTIO_PCI_CAP_CFG_TYPE);
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!vd->common) {
				volatile uint8_t *p = cap_map(pci, cap, &len);
				if (p && len >= sizeof(struct virtio_pci_common_cfg))
					vd->common = (volatile struct virtio_pci_common_cfg *)p;
			}
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!vd->notify_base) {
				vd->notify_base = cap_map(pci, cap, &vd->notify_len);
				vd->notify_mult = pci_read32(pci, cap + VIRTIO_PCI_NOTIFY_CAP_MULT);
			}
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (!vd->isr)
				vd->isr = cap_map(pci, cap, &len);
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!vd->device_cfg)
				vd->device_cfg = cap_map(pci, cap, &vd->device_cfg_len);
			break;
		}
	}
	if (!vd->common || !vd->notify_base || !vd->isr)
		return -ENODEV;
	pci_enable(pci);
	virtio_reset(vd);
	return 0;
}

uint8_t virtio_get_status(struct virtio_dev *vd)
{
	return mmio_read8(COMMON(vd, device_status));
}

void virtio_reset(struct virtio_dev *vd)
{
	mmio_write8(COMMON(vd, device_status), 0);
	/* The reset is complete when the device reads back 0 (QEMU: at once). */
	for (int spins = 0; virtio_get_status(vd) && spins < 1000000; spins++)
		arch_cpu_relax();
}

void virtio_add_status(struct virtio_dev *vd, uint8_t bits)
{
	mmio_write8(COMMON(vd, device_status), virtio_get_status(vd) | bits);
}

static uint64_t device_features(struct virtio_dev *vd)
{
	mmio_write32(COMMON(vd, device_feature_select), 0);
	uint64_t lo = mmio_read32(COMMON(vd, device_feature));
	mmio_write32(COMMON(vd, device_feature_select), 1);
	uint64_t hi = mmio_read32(COMMON(vd, device_feature));
	return hi << 32 | lo;
}

uint64_t virtio_offered(struct virtio_dev *vd)
{
	return device_features(vd);
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted, uint64_t required)
{
	required |= 1ULL << VIRTIO_F_VERSION_1;
	uint64_t offered = device_features(vd);
	if ((offered & required) != required) {
		virtio_add_status(vd, VIRTIO_CONFIG_S_FAILED);
		return -ENODEV;
	}
	uint64_t accept = offered & (wanted | required);
	mmio_write32(COMMON(vd, guest_feature_select), 0);
	mmio_write32(COMMON(vd, guest_feature), (uint32_t)accept);
	mmio_write32(COMMON(vd, guest_feature_select), 1);
	mmio_write32(COMMON(vd, guest_feature), (uint32_t)(accept >> 32));
	virtio_add_status(vd, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(virtio_get_status(vd) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		virtio_add_status(vd, VIRTIO_CONFIG_S_FAILED);
		return -ENODEV;
	}
	vd->features = accept;
	return 0;
}

int virtio_msix_enable(struct virtio_dev *vd)
{
	int n = pci_msix_enable(vd->pci);
	vd->msix = n > 0;
	return n;
}

void virtio_msix_disable(struct virtio_dev *vd)
{
	pci_msix_disable(vd->pci);
	vd->msix = false;
}

int virtio_set_config_vector(struct virtio_dev *vd, uint16_t entry)
{
	mmio_write16(COMMON(vd, msix_config), entry);
	/* The device answers NO_VECTOR when it could not take the entry. */
	return mmio_read16(COMMON(vd, msix_config)) == entry ? 0 : -EIO;
}

static void virtio_pci_notify(struct virtq *vq)
{
	mmio_write16(vq->notify_addr, vq->index);
}

static unsigned ring_order(uint16_t num)
{
	size_t pages = (virtq_mem_size(num) + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned order = 0;
	while ((1UL << order) < pages)
		order++;
	return order;
}

int virtio_queue_setup(struct virtio_dev *vd, struct virtq *vq, uint16_t index, uint16_t max_num,
		       uint16_t msix_entry, bool event_idx)
{
	if (index >= mmio_read16(COMMON(vd, num_queues)))
		return -ENOENT;
	mmio_write16(COMMON(vd, queue_select), index);
	uint16_t num = mmio_read16(COMMON(vd, queue_size));
	if (!num)
		return -ENOENT;
	/* A power of two no larger than both limits (a split ring's size must be one). */
	uint16_t want = 1;
	while ((uint32_t)want * 2 <= MIN(num, max_num))
		want *= 2;
	uint64_t noff = (uint64_t)mmio_read16(COMMON(vd, queue_notify_off)) * vd->notify_mult;
	if (noff + 2 > vd->notify_len)
		return -ENODEV;

	void *mem = page_alloc(ring_order(want));
	if (!mem)
		return -ENOMEM;
	virtq_init(vq, index, want, mem, event_idx, virtio_pci_notify);
	vq->notify_addr = vd->notify_base + noff;

	mmio_write16(COMMON(vd, queue_size), want);
	uint64_t desc = virt_to_phys(vq->desc), avail = virt_to_phys(vq->avail);
	uint64_t used = virt_to_phys(vq->used);
	mmio_write32(COMMON(vd, queue_desc_lo), (uint32_t)desc);
	mmio_write32(COMMON(vd, queue_desc_hi), (uint32_t)(desc >> 32));
	mmio_write32(COMMON(vd, queue_avail_lo), (uint32_t)avail);
	mmio_write32(COMMON(vd, queue_avail_hi), (uint32_t)(avail >> 32));
	mmio_write32(COMMON(vd, queue_used_lo), (uint32_t)used);
	mmio_write32(COMMON(vd, queue_used_hi), (uint32_t)(used >> 32));
	if (vd->msix) {
		mmio_write16(COMMON(vd, queue_msix_vector), msix_entry);
		if (mmio_read16(COMMON(vd, queue_msix_vector)) != msix_entry) {
			page_free(mem, ring_order(want));
			vq->desc = NULL;
			return -EIO;
		}
	}
	mmio_write16(COMMON(vd, queue_enable), 1);
	return 0;
}

void virtio_queue_free(struct virtq *vq)
{
	if (!vq->desc)
		return;
	page_free(vq->desc, ring_order(vq->num));
	vq->desc = NULL;
}

static bool cfg_in_range(struct virtio_dev *vd, uint32_t off, uint32_t width)
{
	return vd->device_cfg && (uint64_t)off + width <= vd->device_cfg_len;
}

uint8_t virtio_cfg_read8(struct virtio_dev *vd, uint32_t off)
{
	return cfg_in_range(vd, off, 1) ? mmio_read8(vd->device_cfg + off) : 0;
}

uint16_t virtio_cfg_read16(struct virtio_dev *vd, uint32_t off)
{
	return cfg_in_range(vd, off, 2) ? mmio_read16(vd->device_cfg + off) : 0;
}

uint32_t virtio_cfg_read32(struct virtio_dev *vd, uint32_t off)
{
	return cfg_in_range(vd, off, 4) ? mmio_read32(vd->device_cfg + off) : 0;
}

uint8_t virtio_cfg_generation(struct virtio_dev *vd)
{
	return mmio_read8(COMMON(vd, config_generation));
}
