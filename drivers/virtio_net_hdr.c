// SPDX-License-Identifier: MIT
/* The virtio-net header of a received frame and the buffers it spans: what the device may set,
 * checked before anything trusts it (pure code: the driver, the host unit tests and the frame
 * fuzzer share it). */
#include <drivers/virtio_net.h>
#include <kernel/errno.h>

/* struct virtio_net_hdr_v1, little-endian (<linux/virtio_net.h>) */
#define HDR_FLAGS		0
#define HDR_GSO_TYPE		1
#define HDR_HDR_LEN		2
#define HDR_CSUM_START		6
#define HDR_CSUM_OFFSET		8
#define F_NEEDS_CSUM		1	/* VIRTIO_NET_HDR_F_NEEDS_CSUM */
#define F_DATA_VALID		2	/* VIRTIO_NET_HDR_F_DATA_VALID */
#define HDR_GSO_SIZE		4
#define GSO_NONE		0	/* VIRTIO_NET_HDR_GSO_NONE */
#define GSO_TCPV4		1	/* VIRTIO_NET_HDR_GSO_TCPV4 */

#define ETH_TYPE_IPV4		0x0800
#define IP_PROTO_TCP		6
#define IP_PROTO_UDP		17
#define TCP_CSUM_OFFSET		16
#define UDP_CSUM_OFFSET		6

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Where the L4 header of an unfragmented IPv4 TCP or UDP datagram starts in the frame (its
 * protocol in *proto), or 0 when the frame is anything else. */
static size_t ipv4_l4(const uint8_t *f, size_t len, uint8_t *proto)
{
	const uint8_t *ip = f + VNET_ETH_HLEN;
	if (len < VNET_ETH_HLEN + 20 || be16(f + 12) != ETH_TYPE_IPV4 || (ip[0] >> 4) != 4)
		return 0;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20 || VNET_ETH_HLEN + ihl > len || (be16(ip + 6) & 0x3fff))	/* MF, offset */
		return 0;
	if (ip[9] != IP_PROTO_TCP && ip[9] != IP_PROTO_UDP)
		return 0;
	*proto = ip[9];
	return VNET_ETH_HLEN + ihl;
}

uint16_t vnet_csum_sum(const uint8_t *f, size_t start, size_t len, uint32_t sum)
{
	size_t i = start;
	for (; i + 1 < len; i += 2)
		sum += be16(f + i);
	if (i < len)
		sum += (uint32_t)f[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The ones'-complement checksum of f[start, len) stored at f[field]: what the device left to us. */
static void csum_finish(uint8_t *f, size_t len, size_t start, size_t field)
{
	uint16_t c = (uint16_t)~vnet_csum_sum(f, start, len, 0);
	f[field] = (uint8_t)(c >> 8);
	f[field + 1] = (uint8_t)c;
}

long vnet_rx_gather(struct vnet_rx_frag *f, unsigned nb, void *(*next)(void *ctx, uint32_t *len),
		    void *ctx, uint32_t buf_size, int *nfrags)
{
	size_t total = f[0].len;
	*nfrags = 1;
	if (nb < 1 || nb > VNET_RX_MAX_FRAGS)
		return -1;
	for (unsigned k = 1; k < nb; k++) {
		uint32_t len;
		void *b = next(ctx, &len);
		if (!b)
			return -1;
		f[k] = (struct vnet_rx_frag){ b, len, b };
		*nfrags = (int)k + 1;
		if (!len || len > buf_size)
			return -1;
		total += len;
	}
	return total > VNET_RX_FRAME_MAX ? -1 : (long)total;
}

int vnet_rx_hdr_check(const uint8_t *hdr, uint8_t *frame, size_t first, size_t len,
		      unsigned offloads, unsigned *rx_flags)
{
	uint8_t flags = hdr[HDR_FLAGS], gso = hdr[HDR_GSO_TYPE], proto = 0;
	bool guest_csum = offloads & VNET_OFFLOAD_RX_CSUM;

	*rx_flags = 0;
	if (first < VNET_ETH_HLEN || first > len)
		return -EINVAL;
	if (flags & ~(F_NEEDS_CSUM | F_DATA_VALID))
		return -EINVAL;		/* RSC_INFO and the rest: never negotiated */
	if (gso != GSO_NONE && (gso != GSO_TCPV4 || !(offloads & VNET_OFFLOAD_RX_TSO4)))
		return -EINVAL;		/* UDP, TCPv6, ECN: never negotiated */
	if (le16(hdr + HDR_HDR_LEN) > len)
		return -EINVAL;
	size_t l4 = ipv4_l4(frame, first, &proto);
	if (flags & F_NEEDS_CSUM) {
		size_t start = le16(hdr + HDR_CSUM_START), off = le16(hdr + HDR_CSUM_OFFSET);
		if (!guest_csum || start < VNET_ETH_HLEN || start + off + 2 > len)
			return -EINVAL;
		if (l4 && start == l4 &&
		    off == (proto == IP_PROTO_TCP ? TCP_CSUM_OFFSET : UDP_CSUM_OFFSET))
			*rx_flags = VNET_RX_CSUM_OK;
	} else if ((flags & F_DATA_VALID) && guest_csum && l4) {
		*rx_flags = VNET_RX_CSUM_OK;
	}
	if (gso != GSO_NONE) {
		/* A large TCP segment: lwIP takes it whole, trusting the checksum it cannot have
		 * (the device never computed one for the whole). */
		if (proto != IP_PROTO_TCP || !(*rx_flags & VNET_RX_CSUM_OK) ||
		    !le16(hdr + HDR_GSO_SIZE))
			return -EINVAL;
		return 0;
	}
	if ((flags & F_NEEDS_CSUM) && !*rx_flags) {
		size_t start = le16(hdr + HDR_CSUM_START);
		if (first != len)
			return -EINVAL;	/* spread over buffers: not a layout a device produces */
		csum_finish(frame, len, start, start + le16(hdr + HDR_CSUM_OFFSET));
		*rx_flags = VNET_RX_CSUM_DONE;
	}
	return 0;
}
