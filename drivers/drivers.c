// SPDX-License-Identifier: MIT
/* Device bring-up at boot: PCI first (addresses, then drivers that claim functions). */
#include <drivers/drivers.h>
#include <drivers/pci.h>
#include <drivers/virtio_net.h>

void drivers_init(void)
{
	if (pci_init() > 0)
		vnet_probe();
}
