// SPDX-License-Identifier: MIT
/* wire: a host-side Ethernet wire between a QEMU guest and a tap, with seeded, reproducible
 * impairments in each direction and an optional hostile-frame injector toward the guest.
 *
 *   QEMU  -netdev dgram,id=n0,local.type=unix,local.path=SOCK.qemu,remote.type=unix,remote.path=SOCK
 *         (one frame per datagram; tools/run/qemu.sh --net wire with WIRE_SOCK=SOCK)
 *   wire  binds SOCK and opens the tap TAP (run it inside the tap's network namespace).
 *
 * Datagrams rather than QEMU's stream netdev (a 4-byte big-endian length before each frame):
 * QEMU 7.2's stream backend reads 64 KiB at a time and queues every frame in it when the guest
 * has no receive buffer, then reads again after each queued frame it delivers, so its queue
 * grows without bound under a flood. Its dgram backend reads one datagram and waits until that one is delivered, and a
 * connected unix datagram socket blocks the writer while the reader's queue is full: the
 * injector is paced by what the guest really absorbs, and real frames wait behind at most
 * INJECT_LOW bytes of injected ones. One QEMU per run: the first datagram names QEMU's socket.
 *
 * Each direction (to-guest: tap -> QEMU; to-host: QEMU -> tap) drops, duplicates, delays with
 * jitter (which reorders: frames leave by due time), holds back ("reorders") and corrupts
 * (one bit flipped) frames with the given probabilities, each from its own PRNG stream derived
 * from --seed, so a run's decisions depend only on the seed and the order of the frames.
 * --inject N sends N generated hostile frames (random bytes, bad lengths and checksums,
 * truncated headers, IP options, TCP flag soups, fragments, ARP storms, mutated copies of real
 * frames) to the guest, paced by how fast QEMU takes them. They never carry the host's address
 * as their source, so they cannot touch the real client's connections (see defang()).
 * Counters go to stdout (and --stats FILE) on SIGTERM/SIGINT, and to --stats on SIGUSR1;
 * SIGUSR2 stops the injector.
 * The event loop is epoll; delayed frames wait in a binary heap keyed by due time. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX	65536		/* largest frame accepted from either side */
#define GEN_MAX		1600		/* largest generated frame (QEMU drops what does not fit) */
#define QBUF_CAP	(1 << 20)	/* bytes queued toward QEMU before frames are dropped */
#define INJECT_LOW	(16 << 10)	/* inject only while less than this is queued to QEMU */
#define HEAP_CAP	65536		/* frames waiting for their due time */
#define RECENT		32		/* real frames kept for the mutation generator */

enum { TO_GUEST, TO_HOST, NDIR };
static const char *const dir_name[NDIR] = { "to-guest", "to-host" };

struct imp {			/* impairment settings, per direction */
	double loss, dup, reorder, corrupt;
	double delay_ms, jitter_ms, reorder_ms;
};

struct dstats {
	uint64_t in, in_bytes, out, out_bytes, dropped, duplicated, reordered, held, delayed,
		corrupted, overflow;
	uint64_t last_seq_out;	/* to count out-of-order deliveries */
	uint64_t last_due;	/* of the last frame in order */
	uint64_t seq;
};

enum { K_RANDOM, K_BADLEN, K_BADCSUM, K_TRUNC, K_IPOPT, K_TCPFLAGS, K_FRAG, K_ARP, K_MUTATE,
       K_ICMP, NKINDS };
static const char *const kind_name[NKINDS] = { "random", "bad-length", "bad-checksum",
	"truncated", "ip-options", "tcp-flags", "fragment", "arp", "mutated", "icmp" };

struct pending {
	uint64_t due, seq;
	int dir;
	uint32_t len;
	uint8_t *data;
};

static struct imp imp[NDIR];
static struct dstats st[NDIR];
static uint64_t rng_state[NDIR + 1];	/* per direction, then the injector */
static uint64_t seed;
static struct pending *heap;
static unsigned nheap;
static int qfd = -1, tapfd = -1, epfd = -1;
static bool qemu_peer;			/* qfd is connected to QEMU's socket */
static uint8_t *qout;			/* toward QEMU: length-prefixed frames */
static size_t qout_len;
static bool qout_armed;			/* EPOLLOUT requested */
static uint8_t guest_mac[6], host_mac[6];
static uint32_t guest_ip, host_ip;	/* network order */
static long long inject_total;		/* -1: until stopped */
static uint64_t injected, injected_bytes, injected_short, kind_count[NKINDS];
static unsigned kinds_on = (1u << NKINDS) - 1;	/* --kinds */
static double inject_rate;		/* frames per second cap, 0 = as fast as QEMU takes them */
static uint64_t inject_t0, inject_t1;	/* first injection possible, last frame injected */
static uint8_t recent[RECENT][GEN_MAX];
static uint16_t recent_len[RECENT];
static unsigned nrecent, recent_next;
static const char *stats_path;
static volatile sig_atomic_t stop_flag, dump_flag, inject_stop;
static uint64_t t_start;

static void die(const char *what)
{
	fprintf(stderr, "wire: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64 seeds the streams, xorshift64* draws from them */
static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(int stream)
{
	uint64_t x = rng_state[stream];
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state[stream] = x;
	return x * 0x2545f4914f6cdd1dull;
}

static double rnd01(int s)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static uint32_t rndn(int s, uint32_t n)
{
	return n ? (uint32_t)(rnd(s) % n) : 0;
}

/* ---- delayed frames: a min-heap on (due, seq) ---- */

static bool heap_less(const struct pending *a, const struct pending *b)
{
	return a->due != b->due ? a->due < b->due : a->seq < b->seq;
}

static void heap_push(struct pending p)
{
	unsigned i = nheap++;
	heap[i] = p;
	while (i && heap_less(&heap[i], &heap[(i - 1) / 2])) {
		struct pending t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct pending heap_pop(void)
{
	struct pending top = heap[0];
	heap[0] = heap[--nheap];
	unsigned i = 0;
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < nheap && heap_less(&heap[l], &heap[m]))
			m = l;
		if (r < nheap && heap_less(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		struct pending t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

/* ---- the two ends ---- */

static void epoll_set(int fd, uint32_t events, bool add)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	if (epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) < 0)
		die("epoll_ctl");
}

/* Send the queued frames, one datagram each, until QEMU's socket is full. */
static void qemu_flush(void)
{
	size_t off = 0;
	while (qemu_peer && off < qout_len) {
		uint32_t be;
		memcpy(&be, qout + off, 4);
		uint32_t len = ntohl(be);
		if (send(qfd, qout + off + 4, len, MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			fprintf(stderr, "wire: QEMU went away (%s)\n", strerror(errno));
			qemu_peer = false;	/* a new QEMU would need a new wire: see main */
			off = qout_len;
			break;
		}
		off += 4 + len;
	}
	memmove(qout, qout + off, qout_len - off);
	qout_len -= off;
	if (qout_armed != (qout_len != 0)) {
		qout_armed = qout_len != 0;
		epoll_set(qfd, EPOLLIN | (qout_armed ? EPOLLOUT : 0), false);
	}
}

/* Queue one frame toward QEMU; false when there is no room (or no QEMU). */
static bool to_qemu(const uint8_t *f, uint32_t len)
{
	if (!qemu_peer || qout_len + 4 + len > QBUF_CAP)
		return false;
	uint32_t be = htonl(len);
	memcpy(qout + qout_len, &be, 4);
	memcpy(qout + qout_len + 4, f, len);
	qout_len += 4 + len;
	return true;
}

static bool to_tap(const uint8_t *f, uint32_t len)
{
	return write(tapfd, f, len) == (ssize_t)len;
}

static void deliver(int dir, const uint8_t *f, uint32_t len, uint64_t seq)
{
	struct dstats *s = &st[dir];
	if (!(dir == TO_GUEST ? to_qemu(f, len) : to_tap(f, len))) {
		s->overflow++;
		return;
	}
	s->out++;
	s->out_bytes += len;
	if (seq < s->last_seq_out)
		s->reordered++;		/* overtaken: a later frame went out first */
	else
		s->last_seq_out = seq;
}

/* One frame enters direction @dir: decide its fate from the direction's stream. */
static void impair(int dir, const uint8_t *f, uint32_t len)
{
	struct dstats *s = &st[dir];
	const struct imp *p = &imp[dir];
	uint64_t now = now_ns();
	s->in++;
	s->in_bytes += len;
	/* Draw every decision for every frame, so one setting does not shift the others' stream. */
	double r_loss = rnd01(dir), r_dup = rnd01(dir), r_reo = rnd01(dir), r_cor = rnd01(dir);
	double r_jit = rnd01(dir), r_jit2 = rnd01(dir);
	uint64_t r_bit = rnd(dir);
	if (r_loss < p->loss) {
		s->dropped++;
		return;
	}
	int copies = r_dup < p->dup ? 2 : 1;
	if (copies == 2)
		s->duplicated++;
	for (int c = 0; c < copies; c++) {
		double ms = p->delay_ms + p->jitter_ms * (2 * (c ? r_jit2 : r_jit) - 1);
		if (c == 0 && r_reo < p->reorder) {
			ms += p->reorder_ms;
			s->held++;
		}
		if (ms < 0)
			ms = 0;
		/* Jitter alone keeps the order (a frame never leaves before the one ahead of it,
		 * as behind a real queue); only held-back frames are overtaken. */
		uint64_t due = now + (uint64_t)(ms * 1e6);
		if (!(c == 0 && r_reo < p->reorder)) {
			if (due < s->last_due)
				due = s->last_due;
			s->last_due = due;
		}
		uint8_t *d = malloc(len ? len : 1);
		if (!d)
			die("malloc");
		memcpy(d, f, len);
		if (c == 0 && r_cor < p->corrupt && len) {
			d[(r_bit >> 3) % len] ^= (uint8_t)(1u << (r_bit & 7));
			s->corrupted++;
		}
		uint64_t seq = s->seq++;
		if (ms == 0 && !nheap && due <= now) {
			deliver(dir, d, len, seq);
			free(d);
			continue;
		}
		if (ms > 0)
			s->delayed++;
		if (nheap == HEAP_CAP) {
			s->overflow++;
			free(d);
			continue;
		}
		heap_push((struct pending){ due, seq, dir, len, d });
	}
}

static void remember(const uint8_t *f, uint32_t len)
{
	if (len > GEN_MAX)
		len = GEN_MAX;
	memcpy(recent[recent_next], f, len);
	recent_len[recent_next] = (uint16_t)len;
	recent_next = (recent_next + 1) % RECENT;
	if (nrecent < RECENT)
		nrecent++;
}

/* ---- the hostile frames ---- */

#define INJ NDIR	/* the injector's stream */

static uint16_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void fill_rand(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(INJ);
}

/* Sources of the generated frames: --sources addresses from .100 of the guest's /24 (neither
 * the host nor the guest, checked in main). Many by default, a storm: every ARP request or reply
 * addressed to the guest and every reply it sends (RST, SYN-ACK, ICMP) to one of them wants an
 * entry in its ARP table, which must not cost the real host its own (stock lwIP recycled the
 * oldest entry by age: with 150 sources at 5000 ARP frames a second, connections to the host
 * waited past 20 s; net/lwip/patches/0004-etharp-recycle-by-last-use.patch is the fix). */
static unsigned nsources = 150;

static uint32_t source_ip(unsigned i)
{
	return htonl((ntohl(guest_ip) & 0xffffff00u) | (100 + i));
}

static uint32_t fake_ip(void)
{
	return source_ip(rndn(INJ, nsources));
}

static bool is_fake(uint32_t a)
{
	uint32_t h = ntohl(a), base = ntohl(source_ip(0));
	return h >= base && h < base + nsources;
}

static void eth(uint8_t *f, uint16_t type)
{
	switch (rndn(INJ, 8)) {
	case 0: memset(f, 0xff, 6); break;
	case 1: fill_rand(f, 6); break;
	default: memcpy(f, guest_mac, 6); break;
	}
	fill_rand(f + 6, 6);
	f[6] &= 0xfe;		/* a unicast source */
	put16(f + 12, type);
}

static void ip_csum(uint8_t *ip)
{
	unsigned hl = (ip[0] & 15) * 4u;
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~csum_add(0, ip, hl));
}

/* IPv4 header at f+14 with @hl bytes of header and @plen of payload; returns the header. */
static uint8_t *ipv4(uint8_t *f, unsigned hl, unsigned plen, uint8_t proto)
{
	uint8_t *ip = f + 14;
	eth(f, 0x0800);
	ip[0] = (uint8_t)(0x40 | (hl / 4));
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(hl + plen));
	put16(ip + 4, (uint16_t)rnd(INJ));
	put16(ip + 6, rndn(INJ, 4) ? 0x4000 : 0);
	ip[8] = (uint8_t)(1 + rndn(INJ, 255));
	ip[9] = proto;
	uint32_t src = fake_ip(), dst = rndn(INJ, 8) ? guest_ip : fake_ip();
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	ip_csum(ip);
	return ip;
}

/* Transport checksum over the pseudo header. */
static void l4_csum(uint8_t *ip, unsigned off)
{
	unsigned hl = (ip[0] & 15) * 4u, len = (unsigned)(ip[2] << 8 | ip[3]) - hl;
	uint8_t *l4 = ip + hl;
	uint8_t ph[12];
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	put16(ph + 10, (uint16_t)len);
	put16(l4 + off, 0);
	uint32_t sum = csum_add(0, ph, 12);
	put16(l4 + off, (uint16_t)~csum_add(sum, l4, len));
}

/* A well-formed UDP or TCP frame from a fake source; returns its length. */
static uint32_t gen_l4(uint8_t *f, bool tcp)
{
	unsigned hl = 20, l4h = tcp ? 20 : 8, pay = rndn(INJ, 200);
	uint8_t *ip = ipv4(f, hl, l4h + pay, tcp ? 6 : 17);
	uint8_t *l4 = ip + hl;
	put16(l4, (uint16_t)(1024 + rndn(INJ, 60000)));
	put16(l4 + 2, rndn(INJ, 2) ? 7 : (uint16_t)rnd(INJ));
	fill_rand(l4 + 4, l4h - 4 + pay);
	if (tcp) {
		l4[12] = 0x50;
		l4[13] = (uint8_t)rnd(INJ);
		l4_csum(ip, 16);
	} else {
		put16(l4 + 4, (uint16_t)(8 + pay));
		l4_csum(ip, 6);
	}
	return 14 + hl + l4h + pay;
}

/* TCP with any combination of flags and data offsets, and one time in four a SYN flood frame: a
 * well-formed bare SYN to the echo port, each one a half-open connection for the guest (the
 * listener's backlog bounds them) and a SYN-ACK to a source that never answers ARP. */
static uint32_t gen_tcpflags(uint8_t *f)
{
	uint32_t len = gen_l4(f, true);
	uint8_t *ip = f + 14, *tcp = ip + 20;
	if (rndn(INJ, 4) == 0) {
		put16(tcp + 2, 7);
		tcp[12] = 0x50;
		tcp[13] = 0x02;
		l4_csum(ip, 16);
		return len;
	}
	uint8_t flags = (uint8_t)rnd(INJ);
	tcp[13] = flags;
	if (rndn(INJ, 4) == 0)
		tcp[12] = (uint8_t)(rndn(INJ, 16) << 4);	/* data offset 0..15 words */
	if (rndn(INJ, 2))
		tcp[12] |= 1;					/* a reserved bit (AE) */
	l4_csum(ip, 16);
	if (rndn(INJ, 4) == 0)
		tcp[16] ^= (uint8_t)(1 + rndn(INJ, 255));	/* a bad checksum */
	return len;
}

static uint32_t gen_ipopt(uint8_t *f)
{
	unsigned hl = 24 + 4 * rndn(INJ, 10), pay = 8 + rndn(INJ, 64);
	uint8_t *ip = ipv4(f, hl, pay, 17);
	uint8_t *o = ip + 20;
	if (rndn(INJ, 2)) {
		fill_rand(o, hl - 20);		/* garbage options */
	} else {			/* plausible ones: NOP, record route, timestamp, EOL */
		unsigned i = 0;
		while (i < hl - 20) {
			unsigned left = hl - 20 - i;
			unsigned t = rndn(INJ, 4);
			if (t == 0 || left < 4) {
				o[i++] = (uint8_t)(t == 1 ? 0 : 1);
				continue;
			}
			unsigned ol = 3 + rndn(INJ, left - 2);
			o[i] = t == 1 ? 7 : t == 2 ? 68 : 0x94;		/* RR, TS, router alert */
			o[i + 1] = (uint8_t)(rndn(INJ, 8) ? ol : rnd(INJ));
			o[i + 2] = (uint8_t)(4 + 4 * rndn(INJ, 4));
			fill_rand(o + i + 3, ol - 3);
			i += ol;
		}
	}
	ip_csum(ip);
	uint8_t *udp = ip + hl;
	put16(udp, (uint16_t)(1024 + rndn(INJ, 60000)));
	put16(udp + 2, rndn(INJ, 2) ? 7 : (uint16_t)rnd(INJ));
	put16(udp + 4, (uint16_t)pay);
	fill_rand(udp + 8, pay - 8);
	l4_csum(ip, 6);
	return 14 + hl + pay;
}

static uint32_t gen_frag(uint8_t *f)
{
	unsigned pay = 8 * (1 + rndn(INJ, 60));
	uint8_t *ip = ipv4(f, 20, pay, rndn(INJ, 2) ? 17 : 6);
	uint16_t off = (uint16_t)(rndn(INJ, 3) ? rndn(INJ, 64) : rndn(INJ, 8192));
	uint16_t fl = (uint16_t)(rndn(INJ, 4) ? 0x2000 : 0);		/* MF */
	if (rndn(INJ, 16) == 0)
		fl |= 0x4000;					/* DF on a fragment */
	put16(ip + 4, (uint16_t)(rndn(INJ, 16)));		/* few ids: overlaps */
	put16(ip + 6, (uint16_t)(fl | off));
	fill_rand(ip + 20, pay);
	ip_csum(ip);
	return 14 + 20 + pay;
}

static uint32_t gen_arp(uint8_t *f)
{
	eth(f, 0x0806);
	if (rndn(INJ, 2))
		memset(f, 0xff, 6);
	uint8_t *a = f + 14;
	put16(a, rndn(INJ, 8) ? 1 : (uint16_t)rnd(INJ));		/* hardware type */
	put16(a + 2, rndn(INJ, 8) ? 0x0800 : (uint16_t)rnd(INJ));
	a[4] = (uint8_t)(rndn(INJ, 8) ? 6 : rnd(INJ));
	a[5] = (uint8_t)(rndn(INJ, 8) ? 4 : rnd(INJ));
	put16(a + 6, (uint16_t)(rndn(INJ, 8) ? 1 + rndn(INJ, 2) : rnd(INJ)));
	fill_rand(a + 8, 6);
	a[8] &= 0xfe;
	uint32_t spa = fake_ip(), tpa = rndn(INJ, 2) ? guest_ip : fake_ip();
	memcpy(a + 14, &spa, 4);
	fill_rand(a + 18, 6);
	memcpy(a + 24, &tpa, 4);
	uint32_t len = 14 + 28;
	if (rndn(INJ, 8) == 0)
		len = 14 + rndn(INJ, 28);		/* truncated */
	else if (rndn(INJ, 4) == 0)
		len += rndn(INJ, 32);			/* trailing bytes */
	return len;
}

static uint32_t gen_icmp(uint8_t *f)
{
	unsigned pay = 8 + rndn(INJ, 120);
	uint8_t *ip = ipv4(f, 20, pay, 1);
	uint8_t *ic = ip + 20;
	fill_rand(ic, pay);
	ic[0] = (uint8_t)(rndn(INJ, 2) ? (uint8_t[]){ 0, 3, 5, 8, 11, 12 }[rndn(INJ, 6)] : rnd(INJ));
	if (pay >= 36 && rndn(INJ, 2)) {	/* an error quoting a plausible IPv4 + TCP/UDP header */
		ic[8] = 0x45;
		memcpy(ic + 8 + 12, &guest_ip, 4);
		ic[8 + 9] = rndn(INJ, 2) ? 6 : 17;
	}
	put16(ic + 2, 0);
	put16(ic + 2, (uint16_t)~csum_add(0, ic, pay));
	return 14 + 20 + pay;
}

/* Make sure a generated frame cannot pass for the host (and so reach the real connections), nor
 * claim the host's or the guest's address in ARP, nor come from outside the --sources set:
 * whatever the mutations did. */
static void defang(uint8_t *f, uint32_t len)
{
	if (len < 14)
		return;
	uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == 0x0800 && len >= 14 + 16) {
		uint32_t src;
		memcpy(&src, f + 14 + 12, 4);
		if (!is_fake(src)) {
			src = fake_ip();
			memcpy(f + 14 + 12, &src, 4);	/* and the header checksum no longer fits */
		}
	} else if (type == 0x0806 && len >= 14 + 18) {
		uint32_t spa;
		memcpy(&spa, f + 14 + 14, 4);
		if (!is_fake(spa)) {
			spa = fake_ip();
			memcpy(f + 14 + 14, &spa, 4);
		}
	}
	if (!memcmp(f + 6, host_mac, 6))
		f[11] ^= 0x5a;
}

static uint32_t gen_frame(uint8_t *f, int *kind_out)
{
	int kind;
	do
		kind = (int)rndn(INJ, NKINDS);
	while (!(kinds_on & (1u << kind)));
	uint32_t len;
	memset(f, 0, GEN_MAX);
	switch (kind) {
	case K_RANDOM:
		len = 1 + rndn(INJ, GEN_MAX);
		fill_rand(f, len);
		if (rndn(INJ, 2))
			memcpy(f, guest_mac, 6);
		break;
	case K_BADLEN: {
		len = gen_l4(f, rndn(INJ, 2));
		uint8_t *ip = f + 14;
		switch (rndn(INJ, 3)) {
		case 0: put16(ip + 2, (uint16_t)rnd(INJ)); break;		/* total length */
		case 1: ip[0] = (uint8_t)(0x40 | rndn(INJ, 16)); break;	/* header length */
		default: put16(ip + 20 + 4, (uint16_t)rnd(INJ)); break;	/* UDP length / seq */
		}
		ip_csum(ip);
		if (rndn(INJ, 2))
			len = 14 + 20 + rndn(INJ, len - 34 + 1);		/* and cut short */
		break;
	}
	case K_BADCSUM:
		len = gen_l4(f, rndn(INJ, 2));
		if (rndn(INJ, 2))
			f[14 + 10] ^= (uint8_t)(1 + rndn(INJ, 255));	/* IP header checksum */
		else
			f[len - 1 - rndn(INJ, len - 34)] ^= (uint8_t)(1 + rndn(INJ, 255));
		break;
	case K_TRUNC: {
		uint8_t tmp[GEN_MAX];
		uint32_t full = rndn(INJ, 2) ? gen_l4(tmp, rndn(INJ, 2)) : gen_ipopt(tmp);
		len = 1 + rndn(INJ, full - 1);
		memcpy(f, tmp, len);
		break;
	}
	case K_IPOPT: len = gen_ipopt(f); break;
	case K_TCPFLAGS: len = gen_tcpflags(f); break;
	case K_FRAG: len = gen_frag(f); break;
	case K_ARP: len = gen_arp(f); break;
	case K_ICMP: len = gen_icmp(f); break;
	default:		/* K_MUTATE */
		if (!nrecent) {
			len = gen_tcpflags(f);
			kind = K_TCPFLAGS;
			break;
		}
		unsigned k = rndn(INJ, nrecent);
		len = recent_len[k];
		memcpy(f, recent[k], len);
		if (len >= 14 + 20 && f[12] == 8 && f[13] == 0) {
			uint32_t src = fake_ip();
			memcpy(f + 14 + 12, &src, 4);
			if (rndn(INJ, 2))
				ip_csum(f + 14);
		}
		for (unsigned m = 1 + rndn(INJ, 8); m--;) {
			switch (rndn(INJ, 4)) {
			case 0: if (len > 1) len = 1 + rndn(INJ, len - 1); break;
			case 1: { uint32_t add = rndn(INJ, 64);
				  if (len + add <= GEN_MAX) { fill_rand(f + len, add); len += add; }
				  break; }
			default: if (len) f[rndn(INJ, len)] = (uint8_t)rnd(INJ); break;
			}
		}
		break;
	}
	if (len == 0)
		len = 1;
	defang(f, len);
	*kind_out = kind;
	return len;
}

static bool inject_pending(void);

/* Inject while QEMU keeps up (and the rate cap allows). */
static void inject_some(void)
{
	uint8_t f[GEN_MAX];
	for (int batch = 0; batch < 64; batch++) {
		if (!inject_pending() || qout_len >= INJECT_LOW)
			return;
		if (inject_rate > 0 &&
		    (double)injected >= inject_rate * (double)(now_ns() - inject_t0) / 1e9)
			return;
		int kind;
		uint32_t len = gen_frame(f, &kind);
		if (!to_qemu(f, len))
			return;
		injected++;
		injected_bytes += len;
		if (len < 14)
			injected_short++;	/* the guest's driver must drop these (bad length) */
		kind_count[kind]++;
		if (inject_total >= 0 && injected == (uint64_t)inject_total)
			inject_t1 = now_ns();
	}
}

static bool inject_pending(void)
{
	if (inject_stop && !inject_t1 && inject_t0)
		inject_t1 = now_ns();
	return qemu_peer && !inject_stop && (inject_total < 0 || injected < (uint64_t)inject_total);
}

/* ---- counters ---- */

static void print_stats(FILE *o)
{
	double secs = (double)(now_ns() - t_start) / 1e9;
	fprintf(o, "wire: seed %llu, %.1f s, QEMU %s\n", (unsigned long long)seed, secs,
		qemu_peer ? "attached" : "not attached (any more)");
	for (int d = 0; d < NDIR; d++) {
		struct dstats *s = &st[d];
		fprintf(o, "wire %s: in %llu frames %llu bytes, out %llu frames %llu bytes; dropped %llu "
			"duplicated %llu reordered %llu (held back %llu) delayed %llu corrupted %llu "
			"overflow %llu\n", dir_name[d],
			(unsigned long long)s->in, (unsigned long long)s->in_bytes,
			(unsigned long long)s->out, (unsigned long long)s->out_bytes,
			(unsigned long long)s->dropped, (unsigned long long)s->duplicated,
			(unsigned long long)s->reordered, (unsigned long long)s->held,
			(unsigned long long)s->delayed, (unsigned long long)s->corrupted,
			(unsigned long long)s->overflow);
	}
	double isecs = inject_t0 ? (double)((inject_t1 ? inject_t1 : now_ns()) - inject_t0) / 1e9 : 0;
	fprintf(o, "wire injected: %llu frames %llu bytes in %.1f s (%.0f frames/s)",
		(unsigned long long)injected, (unsigned long long)injected_bytes, isecs,
		isecs > 0 ? (double)injected / isecs : 0);
	fprintf(o, "; shorter than an Ethernet header %llu", (unsigned long long)injected_short);
	for (int k = 0; k < NKINDS; k++)
		fprintf(o, "%s %s %llu", k ? "," : ";", kind_name[k], (unsigned long long)kind_count[k]);
	fputc('\n', o);
	fflush(o);
}

static void write_stats_file(void)
{
	if (!stats_path)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", stats_path);
	FILE *o = fopen(tmp, "w");
	if (!o)
		return;
	print_stats(o);
	fclose(o);
	rename(tmp, stats_path);
}

/* --selftest: what the seed decides, without sockets. Each generated frame is also fed back as a
 * "real" frame now and then, so the mutation generator has material; delayed frames are all
 * released at the end (their due times are the only thing the clock decides). */
static int run_selftest(uint64_t n)
{
	uint8_t f[GEN_MAX];
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a over lengths and bytes */
	for (uint64_t i = 0; i < n; i++) {
		int kind;
		uint32_t len = gen_frame(f, &kind);
		injected++;
		injected_bytes += len;
		kind_count[kind]++;
		if (len < 14)
			injected_short++;
		for (uint32_t k = 0; k < 4; k++)
			h = (h ^ (uint8_t)(len >> (8 * k))) * 0x100000001b3ull;
		for (uint32_t k = 0; k < len; k++)
			h = (h ^ f[k]) * 0x100000001b3ull;
		if (i % 64 == 0)
			remember(f, len);
		for (int d = 0; d < NDIR; d++)
			impair(d, f, len);
		while (nheap)
			free(heap_pop().data);
	}
	printf("wire selftest: seed %llu, %llu frames, hash %016llx\n", (unsigned long long)seed,
	       (unsigned long long)n, (unsigned long long)h);
	print_stats(stdout);
	return 0;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_flag = 1;
	else if (sig == SIGUSR2)
		inject_stop = 1;
	else
		stop_flag = 1;
}

/* ---- setup ---- */

static int open_tap(const char *name)
{
	if (!if_nametoindex(name)) {	/* TUNSETIFF would create it: it must be the test's tap */
		fprintf(stderr, "wire: no interface '%s' in this network namespace\n", name);
		exit(2);
	}
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("/dev/net/tun");
	struct ifreq ifr = { 0 };
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF (does the tap exist in this namespace?)");
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memcpy(host_mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return fd;
}

static int bind_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "wire: socket path too long: %s\n", path);
		exit(2);
	}
	strcpy(a.sun_path, path);
	struct stat sb;
	if (lstat(path, &sb) == 0 && !S_ISSOCK(sb.st_mode)) {
		fprintf(stderr, "wire: %s exists and is not a socket: not replacing it\n", path);
		exit(2);
	}
	unlink(path);		/* a socket left by an earlier run */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die(path);
	int sz = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return fd;
}

static bool parse_mac(const char *s, uint8_t *m)
{
	unsigned v[6];
	char extra;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &extra) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return false;
		m[i] = (uint8_t)v[i];
	}
	return true;
}

static unsigned parse_kinds(const char *list)
{
	unsigned mask = 0;
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		die("strdup");
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = 0;
		while (k < NKINDS && strcmp(t, kind_name[k]))
			k++;
		if (k == NKINDS) {
			fprintf(stderr, "wire: unknown frame kind '%s'\n", t);
			exit(2);
		}
		mask |= 1u << k;
	}
	free(copy);
	if (!mask) {
		fprintf(stderr, "wire: --kinds names no kind\n");
		exit(2);
	}
	return mask;
}

static double num(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "wire: %s wants a number in [%g, %g], not '%s'\n", opt, lo, hi, s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: wire --sock PATH --tap NAME --guest-mac MAC --guest-ip A --host-ip A [options]\n"
		"  impairments, both directions (prefix with to-guest- or to-host- for one):\n"
		"    --loss P --dup P --reorder P --corrupt P   probabilities in [0,1]\n"
		"    --delay MS --jitter MS                     delay of each frame: MS +- jitter\n"
		"    --reorder-ms MS                            extra delay of a reordered frame (30)\n"
		"  --seed N          PRNG seed (default: from the clock; printed)\n"
		"  --inject N        send N hostile frames to the guest (-1: until stopped)\n"
		"  --inject-rate R   at most R of them per second (default: as fast as QEMU takes them)\n"
		"  --sources N       source addresses of injected frames: .100 .. .100+N-1 (150; <= 150)\n"
		"  --kinds A,B,..    only these kinds of frames (default all: random, bad-length,\n"
		"                    bad-checksum, truncated, ip-options, tcp-flags, fragment, arp,\n"
		"                    mutated, icmp)\n"
		"  --stats FILE      counters to FILE at exit and on SIGUSR1\n"
		"  --selftest N      no QEMU, no tap: N generated frames and N synthetic frames through\n"
		"                    each direction's impairments; prints a hash of the generated\n"
		"                    frames and the counters (the same for the same seed)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *tap = NULL;
	bool have_seed = false, have_mac = false;
	uint64_t selftest = 0;
	for (int d = 0; d < NDIR; d++)
		imp[d].reorder_ms = 30;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--help") || !strcmp(o, "-h"))
			usage();
		if (!v) {
			fprintf(stderr, "wire: %s needs a value\n", o);
			usage();
		}
		i++;
		int lo = 0, hi = NDIR;
		const char *name = strncmp(o, "--", 2) ? "" : o + 2;
		if (!strncmp(o, "--to-guest-", 11)) {
			hi = 1;
			name = o + 11;
		} else if (!strncmp(o, "--to-host-", 10)) {
			lo = 1;
			name = o + 10;
		}
		bool done = true;
		for (int d = lo; d < hi; d++) {
			struct imp *p = &imp[d];
			if (!strcmp(name, "loss")) p->loss = num(o, v, 0, 1);
			else if (!strcmp(name, "dup")) p->dup = num(o, v, 0, 1);
			else if (!strcmp(name, "reorder")) p->reorder = num(o, v, 0, 1);
			else if (!strcmp(name, "corrupt")) p->corrupt = num(o, v, 0, 1);
			else if (!strcmp(name, "delay")) p->delay_ms = num(o, v, 0, 10000);
			else if (!strcmp(name, "jitter")) p->jitter_ms = num(o, v, 0, 10000);
			else if (!strcmp(name, "reorder-ms")) p->reorder_ms = num(o, v, 0, 10000);
			else done = false;
		}
		if (done)
			continue;
		if (lo != 0 || hi != NDIR) {
			fprintf(stderr, "wire: unknown option '%s'\n", o);
			usage();
		}
		if (!strcmp(o, "--sock")) sock = v;
		else if (!strcmp(o, "--tap")) tap = v;
		else if (!strcmp(o, "--stats")) stats_path = v;
		else if (!strcmp(o, "--seed")) { seed = (uint64_t)num(o, v, 0, 9007199254740992.0); have_seed = true; }
		else if (!strcmp(o, "--inject")) inject_total = (long long)num(o, v, -1, 1e15);
		else if (!strcmp(o, "--inject-rate")) inject_rate = num(o, v, 0, 1e9);
		else if (!strcmp(o, "--kinds")) kinds_on = parse_kinds(v);
		else if (!strcmp(o, "--selftest")) selftest = (uint64_t)num(o, v, 1, 1e9);
		else if (!strcmp(o, "--sources")) nsources = (unsigned)num(o, v, 1, 150);
		else if (!strcmp(o, "--guest-mac")) {
			if (!parse_mac(v, guest_mac)) { fprintf(stderr, "wire: bad MAC '%s'\n", v); exit(2); }
			have_mac = true;
		} else if (!strcmp(o, "--guest-ip") || !strcmp(o, "--host-ip")) {
			struct in_addr a;
			if (inet_pton(AF_INET, v, &a) != 1) {
				fprintf(stderr, "wire: bad IPv4 address '%s'\n", v);
				exit(2);
			}
			*(o[2] == 'g' ? &guest_ip : &host_ip) = a.s_addr;
		} else {
			fprintf(stderr, "wire: unknown option '%s'\n", o);
			usage();
		}
	}
	if ((!selftest && (!sock || !tap)) || !have_mac || !guest_ip || !host_ip)
		usage();
	for (unsigned k = 0; k < nsources; k++) {
		if (source_ip(k) == host_ip || source_ip(k) == guest_ip) {
			fprintf(stderr, "wire: the host or the guest is among the --sources addresses\n");
			exit(2);
		}
	}
	if (!have_seed)
		seed = now_ns() ^ (uint64_t)getpid() << 32;
	uint64_t x = seed;
	for (int s = 0; s <= NDIR; s++)
		rng_state[s] = splitmix(&x) | 1;

	heap = calloc(HEAP_CAP, sizeof(*heap));
	qout = malloc(QBUF_CAP);
	if (!heap || !qout)
		die("malloc");
	if (selftest) {
		t_start = now_ns();
		return run_selftest(selftest);
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	tapfd = open_tap(tap);
	qfd = bind_unix(sock);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1");
	epoll_set(tapfd, EPOLLIN, true);
	epoll_set(qfd, EPOLLIN, true);
	t_start = now_ns();
	printf("wire: seed %llu; listening on %s, tap %s\n", (unsigned long long)seed, sock, tap);
	fflush(stdout);

	static uint8_t buf[FRAME_MAX];
	while (!stop_flag) {
		if (dump_flag) {
			dump_flag = 0;
			write_stats_file();
		}
		int timeout = -1;
		uint64_t now = now_ns();
		if (nheap)
			timeout = heap[0].due <= now ? 0 : (int)((heap[0].due - now) / 1000000 + 1);
		if (inject_pending() && qout_len < INJECT_LOW)
			timeout = inject_rate > 0 ? (timeout < 0 || timeout > 1 ? 1 : timeout) : 0;
		struct epoll_event evs[8];
		int n = epoll_wait(epfd, evs, 8, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == tapfd) {
				for (int k = 0; k < 64; k++) {
					ssize_t r = read(tapfd, buf, sizeof(buf));
					if (r <= 0)
						break;
					if (nrecent < RECENT || rndn(INJ, 16) == 0)
						remember(buf, (uint32_t)r);
					impair(TO_GUEST, buf, (uint32_t)r);
				}
			} else if (fd == qfd) {
				if (evs[i].events & EPOLLOUT)
					qemu_flush();
				if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
					continue;
				for (int k = 0; k < 64; k++) {
					struct sockaddr_un from;
					socklen_t flen = sizeof(from);
					ssize_t r = recvfrom(qfd, buf, sizeof(buf), 0,
							     (struct sockaddr *)&from, &flen);
					if (r < 0)
						break;
					if (!qemu_peer) {
						/* QEMU's first datagram (the guest's first frame) names
						 * its socket: talk to that one from now on. Frames meant
						 * for the guest before it spoke were dropped (counted as
						 * overflow): nobody was listening. */
						if (flen <= sizeof(sa_family_t) ||
						    connect(qfd, (struct sockaddr *)&from, flen) < 0) {
							fprintf(stderr, "wire: a datagram from an unnamed "
								"or unreachable socket: ignored\n");
							continue;
						}
						qemu_peer = true;
						inject_t0 = now_ns();
					}
					impair(TO_HOST, buf, (uint32_t)r);
				}
			}
		}
		now = now_ns();
		while (nheap && heap[0].due <= now) {
			struct pending p = heap_pop();
			deliver(p.dir, p.data, p.len, p.seq);
			free(p.data);
		}
		inject_some();
		qemu_flush();
	}
	print_stats(stdout);
	write_stats_file();
	unlink(sock);
	return 0;
}
