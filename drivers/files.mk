# SPDX-License-Identifier: MIT
# drivers: serial console, PCI, the virtio-pci transport, virtqueues, virtio-net.
DRIVER_SRCS := \
	drivers/serial.c \
	drivers/drivers.c \
	drivers/pci.c \
	drivers/virtio_pci.c \
	drivers/virtqueue.c \
	drivers/virtio_net.c \
	drivers/virtio_net_hdr.c
DRIVER_HOST_SRCS := drivers/virtqueue.c drivers/virtio_net_hdr.c
