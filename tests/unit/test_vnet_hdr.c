// SPDX-License-Identifier: MIT
/* The virtio-net receive header check (drivers/virtio_net_hdr.c), host and guest: what each
 * header field may say with and without the checksum offloads, partial checksums trusted or
 * finished, large TCP segments over several buffers, and every field pointing outside the frame
 * refused. */
#include <drivers/virtio_net.h>
#include <kernel/ktest.h>
#include <string.h>

#define CSUM	(VNET_OFFLOAD_TX_CSUM | VNET_OFFLOAD_RX_CSUM)
#define ALL	(CSUM | VNET_OFFLOAD_TSO4 | VNET_OFFLOAD_RX_TSO4)

static void put16le(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put16be(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A frame in one buffer. */
static int check(const uint8_t *h, uint8_t *f, size_t len, unsigned offloads, unsigned *fl)
{
	return vnet_rx_hdr_check(h, f, len, len, offloads, fl);
}

static void hdr_set(uint8_t *h, uint8_t flags, uint8_t gso, unsigned start, unsigned off)
{
	memset(h, 0, VNET_HDR_LEN);
	h[0] = flags;
	h[1] = gso;
	put16le(h + 6, start);
	put16le(h + 8, off);
}

/* An Ethernet + IPv4 + TCP (proto 6) or UDP (17) frame of @len bytes, payload 0x11 ... */
static void frame_build(uint8_t *f, size_t len, uint8_t proto)
{
	memset(f, 0, len);
	put16be(f + 12, 0x0800);
	f[14] = 0x45;
	put16be(f + 16, (unsigned)(len - 14));
	f[22] = 64;
	f[23] = proto;
	f[26] = 10, f[29] = 1;		/* 10.0.0.1 -> 10.0.0.2 */
	f[30] = 10, f[33] = 2;
	for (size_t i = 34 + 20; i < len; i++)
		f[i] = (uint8_t)(0x11 * i);
}

/* The ones'-complement sum of p[0, n) plus @sum, byte by byte (an oracle independent of the
 * word loop under test). */
static uint16_t sum_be(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (uint32_t)p[i] << (i % 2 ? 0 : 8);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

KTEST(vnet_hdr, no_offload_negotiated)
{
	uint8_t h[VNET_HDR_LEN], f[100];
	unsigned fl = 99;
	frame_build(f, sizeof(f), 6);
	hdr_set(h, 0, 0, 0, 0);
	EXPECT_EQ(check(h, f, sizeof(f), 0, &fl), 0);
	EXPECT_EQ(fl, 0u);
	hdr_set(h, 2, 0, 0, 0);			/* DATA_VALID: tolerated, not trusted */
	EXPECT_EQ(check(h, f, sizeof(f), 0, &fl), 0);
	EXPECT_EQ(fl, 0u);
	hdr_set(h, 1, 0, 34, 16);		/* NEEDS_CSUM without GUEST_CSUM */
	EXPECT_LT(check(h, f, sizeof(f), 0, &fl), 0);
	hdr_set(h, 1, 0, 34, 16);		/* TX_CSUM alone does not allow it either */
	EXPECT_LT(check(h, f, sizeof(f), VNET_OFFLOAD_TX_CSUM, &fl), 0);
	for (unsigned flags = 4; flags < 256; flags++) {	/* RSC_INFO and undefined bits */
		hdr_set(h, (uint8_t)flags, 0, 0, 0);
		EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	}
	for (unsigned gso = 1; gso < 256; gso++) {	/* TCPv4 1, UDP 3, TCPv6 4, ECN 0x80 ... */
		hdr_set(h, 1, (uint8_t)gso, 34, 16);
		put16le(h + 4, 1448);
		EXPECT_LT(check(h, f, sizeof(f), CSUM | VNET_OFFLOAD_TSO4, &fl), 0);
		if (gso != 1)		/* with GUEST_TSO4, TCPv4 alone */
			EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	}
	hdr_set(h, 0, 0, 0xffff, 0xffff);	/* csum_* are meaningless without NEEDS_CSUM */
	put16le(h + 4, 0xffff);			/* and so is gso_size without a GSO type */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	put16le(h + 2, sizeof(f) + 1);		/* hdr_len past the frame */
	EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	put16le(h + 2, sizeof(f));
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_LT(check(h, f, 13, ALL, &fl), 0);	/* shorter than Ethernet */
}

KTEST(vnet_hdr, data_valid)
{
	uint8_t h[VNET_HDR_LEN], f[100];
	unsigned fl;
	hdr_set(h, 2, 0, 0, 0);
	for (int proto = 0; proto < 256; proto++) {
		frame_build(f, sizeof(f), (uint8_t)proto);
		EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
		EXPECT_EQ(fl, proto == 6 || proto == 17 ? (unsigned)VNET_RX_CSUM_OK : 0u);
	}
	frame_build(f, sizeof(f), 6);
	put16be(f + 20, 0x2000);		/* a first fragment: the stack checks it */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, 0u);
	put16be(f + 20, 0x0001);		/* a later one */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, 0u);
	frame_build(f, sizeof(f), 6);
	put16be(f + 12, 0x86dd);		/* not IPv4 */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, 0u);
	frame_build(f, sizeof(f), 6);
	f[14] = 0x4f;				/* IHL 60 bytes: still in the frame */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
	EXPECT_EQ(check(h, f, 14 + 40, ALL, &fl), 0);	/* IHL past the frame */
	EXPECT_EQ(fl, 0u);
	f[14] = 0x44;				/* IHL below 20 */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, 0u);
	EXPECT_EQ(check(h, f, 20, ALL, &fl), 0);	/* no room for an IPv4 header */
	EXPECT_EQ(fl, 0u);
}

KTEST(vnet_hdr, needs_csum_trusted_at_l4)
{
	uint8_t h[VNET_HDR_LEN], f[100], copy[100];
	unsigned fl;
	frame_build(f, sizeof(f), 6);
	memcpy(copy, f, sizeof(f));
	hdr_set(h, 1, 0, 34, 16);
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
	EXPECT_EQ(memcmp(f, copy, sizeof(f)), 0);	/* trusted: left as it is */
	hdr_set(h, 3, 0, 34, 16);			/* with DATA_VALID too: the same */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
	frame_build(f, sizeof(f), 17);
	hdr_set(h, 1, 0, 34, 6);
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
}

KTEST(vnet_hdr, needs_csum_finished_elsewhere)
{
	uint8_t h[VNET_HDR_LEN], f[101];
	unsigned fl;
	/* TCP's field at UDP's offset: not the standard layout, finished here. Odd length too. */
	frame_build(f, sizeof(f), 6);
	f[34 + 6] = 0x12, f[34 + 7] = 0x34;	/* the partial sum the device left */
	hdr_set(h, 1, 0, 34, 6);
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_DONE);
	/* The field held the pseudo-header sum: with it, the finished checksum verifies. */
	EXPECT_EQ(sum_be(f + 34, sizeof(f) - 34, 0x1234), 0xffff);
	/* A checksum over part of the IP header, starting at an odd byte. */
	frame_build(f, sizeof(f), 1);
	hdr_set(h, 1, 0, 15, 4);
	unsigned old = (unsigned)(f[19] << 8 | f[20]);
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_DONE);
	EXPECT_EQ(sum_be(f + 15, sizeof(f) - 15, old), 0xffff);
}

KTEST(vnet_hdr, needs_csum_out_of_bounds)
{
	uint8_t h[VNET_HDR_LEN], f[100], copy[100];
	unsigned fl;
	frame_build(f, sizeof(f), 6);
	memcpy(copy, f, sizeof(f));
	static const unsigned bad[][2] = {
		{ 0, 16 }, { 13, 0 },			/* in the Ethernet header */
		{ 98, 1 }, { 99, 0 }, { 100, 0 },	/* the field past the end */
		{ 34, 65 }, { 34, 0xffff }, { 0xffff, 0xffff }, { 0xfffe, 16 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		hdr_set(h, 1, 0, bad[i][0], bad[i][1]);
		EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
		EXPECT_EQ(memcmp(f, copy, sizeof(f)), 0);	/* nothing written */
	}
	hdr_set(h, 1, 0, 98, 0);			/* the last two bytes: in bounds */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_DONE);
}

KTEST(vnet_hdr, gso_tcpv4)
{
	uint8_t h[VNET_HDR_LEN], f[100];
	unsigned fl;
	frame_build(f, sizeof(f), 6);
	hdr_set(h, 1, 1, 34, 16);		/* NEEDS_CSUM at TCP's, GSO_TCPV4 */
	put16le(h + 2, 54);			/* hdr_len */
	put16le(h + 4, 1448);			/* gso_size */
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
	/* Spread over buffers: the headers in the first, the length the whole frame's. */
	EXPECT_EQ(vnet_rx_hdr_check(h, f, 54, 60000, ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
	hdr_set(h, 2, 1, 0, 0);			/* DATA_VALID: the device verified it */
	put16le(h + 4, 1448);
	EXPECT_EQ(check(h, f, sizeof(f), ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
	/* Refused: no gso_size, no trusted checksum, not TCP, a fragment, not negotiated. */
	put16le(h + 4, 0);
	EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	hdr_set(h, 0, 1, 0, 0);
	put16le(h + 4, 1448);
	EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	hdr_set(h, 1, 1, 34, 15);		/* the partial checksum elsewhere */
	put16le(h + 4, 1448);
	EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	hdr_set(h, 2, 1, 0, 0);
	put16le(h + 4, 1448);
	frame_build(f, sizeof(f), 17);
	EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	frame_build(f, sizeof(f), 6);
	put16be(f + 20, 0x2000);
	EXPECT_LT(check(h, f, sizeof(f), ALL, &fl), 0);
	frame_build(f, sizeof(f), 6);
	EXPECT_LT(check(h, f, sizeof(f), CSUM | VNET_OFFLOAD_TSO4, &fl), 0);
	EXPECT_LT(vnet_rx_hdr_check(h, f, 20, 60000, ALL, &fl), 0);	/* headers cut short */
}

KTEST(vnet_hdr, pieces)
{
	uint8_t h[VNET_HDR_LEN], f[100];
	unsigned fl;
	frame_build(f, sizeof(f), 6);
	/* The first piece must hold an Ethernet header and lie within the frame. */
	hdr_set(h, 0, 0, 0, 0);
	EXPECT_EQ(vnet_rx_hdr_check(h, f, 14, 3000, ALL, &fl), 0);
	EXPECT_LT(vnet_rx_hdr_check(h, f, 13, 3000, ALL, &fl), 0);
	EXPECT_LT(vnet_rx_hdr_check(h, f, 101, 100, ALL, &fl), 0);
	/* A partial checksum to finish in several pieces: refused, nothing written. */
	hdr_set(h, 1, 0, 34, 6);
	EXPECT_LT(vnet_rx_hdr_check(h, f, 60, 100, ALL, &fl), 0);
	/* Its field past the whole frame: refused even when it fits in the first piece's buffer. */
	hdr_set(h, 1, 0, 34, 16);
	EXPECT_LT(vnet_rx_hdr_check(h, f, 40, 40, ALL, &fl), 0);
	EXPECT_EQ(vnet_rx_hdr_check(h, f, 54, 3000, ALL, &fl), 0);
	EXPECT_EQ(fl, (unsigned)VNET_RX_CSUM_OK);
}

/* A used ring for vnet_rx_gather: lengths in order, then empty. */
struct ring {
	const uint32_t *lens;
	int n, next;
	uint8_t bufs[4][8];
};

static void *ring_next(void *ctx, uint32_t *len)
{
	struct ring *r = ctx;
	if (r->next >= r->n)
		return NULL;
	*len = r->lens[r->next];
	return r->bufs[r->next++ % 4];
}

/* Buffers of @buf_size bytes. */
static long gather_in(unsigned nb, const uint32_t *lens, int n, uint32_t buf_size, int *nfrags)
{
	struct vnet_rx_frag f[VNET_RX_MAX_FRAGS];
	struct ring r = { lens, n, 0, { { 0 } } };
	f[0] = (struct vnet_rx_frag){ r.bufs[0], 100, r.bufs[0] };
	return vnet_rx_gather(f, nb, ring_next, &r, buf_size, nfrags);
}

static long gather(unsigned nb, const uint32_t *lens, int n, int *nfrags)
{
	return gather_in(nb, lens, n, 2048, nfrags);
}

KTEST(vnet_hdr, num_buffers)
{
	static const uint32_t full[40] = {
		2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048,
		2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048,
		2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048,
	};
	static const uint32_t bad0[2] = { 2048, 0 }, bad_big[2] = { 2048, 2049 };
	int n;
	EXPECT_EQ(gather(1, full, 0, &n), 100);		/* one buffer: nothing more taken */
	EXPECT_EQ(n, 1);
	EXPECT_EQ(gather(3, full, 40, &n), 100 + 2 * 2048);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(gather(0, full, 40, &n), -1);		/* num_buffers 0 */
	EXPECT_EQ(n, 1);
	EXPECT_EQ(gather(VNET_RX_MAX_FRAGS + 1, full, 40, &n), -1);	/* more than a frame takes */
	EXPECT_EQ(n, 1);
	EXPECT_EQ(gather(0xffff, full, 40, &n), -1);
	EXPECT_EQ(gather(5, full, 3, &n), -1);		/* the used ring holds fewer */
	EXPECT_EQ(n, 4);				/* those taken: to give back */
	EXPECT_EQ(gather(3, bad0, 2, &n), -1);		/* an empty piece */
	EXPECT_EQ(n, 3);
	EXPECT_EQ(gather(3, bad_big, 2, &n), -1);	/* a piece past its buffer */
	EXPECT_EQ(n, 3);
	/* 33 buffers: 100 + 32 x 2048 = 65,636 bytes, past VNET_RX_FRAME_MAX. */
	EXPECT_EQ(gather(VNET_RX_MAX_FRAGS, full, 40, &n), -1);
	EXPECT_EQ(n, VNET_RX_MAX_FRAGS);
	EXPECT_EQ(gather(VNET_RX_MAX_FRAGS - 1, full, 40, &n), 100 + 31 * 2048);
	/* The large-segment buffers: a piece may fill one, and no more. */
	static const uint32_t tso[3] = { VNET_RX_BUF_SIZE_TSO, VNET_RX_BUF_SIZE_TSO, 2049 };
	static const uint32_t tso_big[2] = { VNET_RX_BUF_SIZE_TSO, VNET_RX_BUF_SIZE_TSO + 1 };
	EXPECT_EQ(gather_in(4, tso, 3, VNET_RX_BUF_SIZE_TSO, &n), 100 + 2 * VNET_RX_BUF_SIZE_TSO + 2049);
	EXPECT_EQ(n, 4);
	EXPECT_EQ(gather_in(3, tso_big, 2, VNET_RX_BUF_SIZE_TSO, &n), -1);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(gather_in(2, tso, 1, 2048, &n), -1);	/* 16 KiB in a 2 KiB buffer */
	/* Four 16 KiB buffers and a fifth: past VNET_RX_FRAME_MAX. */
	static const uint32_t tso_long[4] = { 16384, 16384, 16384, 16384 };
	EXPECT_EQ(gather_in(5, tso_long, 4, VNET_RX_BUF_SIZE_TSO, &n), -1);
	EXPECT_EQ(gather_in(4, tso_long, 3, VNET_RX_BUF_SIZE_TSO, &n), 100 + 3 * 16384);
}
