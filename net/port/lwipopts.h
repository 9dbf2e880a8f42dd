/* SPDX-License-Identifier: MIT */
/*
 * lwIP's configuration for epunk (lwIP 2.1.3, raw API, NO_SYS). Everything not set here keeps
 * lwIP's default from lwip/opt.h. The choices, and why:
 *
 *  - NO_SYS=1, raw (callback) API only: lwIP runs in the NET softirq and in threads that hold
 *    net_lock() (= bottom halves off); see net/include/net/net.h. No sequential API, no
 *    lwIP sockets: net/socket.c is the socket layer. SYS_LIGHTWEIGHT_PROT=0 since nothing
 *    calls lwIP from hard interrupts; LWIP_ASSERT_CORE_LOCKED checks the rule on every API call.
 *  - Memory: MEM_LIBC_MALLOC and MEMP_MEM_MALLOC route the heap and every pool (pcbs, segments,
 *    pbufs) to kmalloc, so the number of connections is bounded by RAM, not by static pools.
 *    The MEMP_NUM_* values below then only feed lwIP's statistics and compile-time sanity
 *    checks. MEMP_STATS and MEM_STATS stay on: the socket tests check that every pcb, segment
 *    and pbuf comes back.
 *  - TCP: MSS 1460 (Ethernet), receive window and send buffer 179 * MSS = 261,340 bytes, the
 *    most whole segments a window scaled by 4 (TCP_RCV_SCALE 2) announces: with a 64 KiB window
 *    one connection's bulk transfer waited on its window (and segmentation offload builds
 *    segments of at most half the peer's window). A peer that offers no scaling gets 0xffff.
 *    Send queue up to 4 pbufs per MSS of buffer. Per connection that is at most ~255 KiB of
 *    received data waiting for the application plus ~255 KiB of unacknowledged or unsent data,
 *    on top of ~600 bytes of pcb (248 with the 32-bit windows, 224 without: both in kmalloc's
 *    256-byte class), socket (208) and file (72), each rounded up by the allocator; an idle
 *    connection costs only the latter. lwIP's tcp_sndbuf() clamps the send space to 16 bits,
 *    so net/tcp.c reads pcb->snd_buf itself.
 *    Keepalive is available per socket (SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT); SO_REUSEADDR.
 *  - ARP: 192 entries (lwIP's default is 10; past 0x7f its index type widens to 16 bits), more
 *    than the wire's 150 forged sources plus the real peers, as Linux's table (up to 1024) holds
 *    them all: then a storm evicts nothing. When it is full, an entry that carried a packet in
 *    the last ETHARP_KEEP_USED_MS is never recycled, nor a pending one before it had a second to
 *    be answered (net/lwip/patches/0004-etharp-recycle-by-last-use.patch): the table refuses
 *    the new entry instead, so even more sources cannot evict the peers we talk to. 5 s, as
 *    Linux's neighbour GC spares entries updated in the last 5 s; an idle peer's entry may go
 *    and its next packet costs one resolution. 192 entries cost 5 KiB and a linear scan per ARP
 *    message or cache miss.
 *  - Listen backlogs (TCP_LISTEN_BACKLOG) bound the accept queue, up to Linux's SOMAXCONN + 1
 *    (our lwIP counts them in a u16_t); half-open connections have their own limit,
 *    NET_SYN_BACKLOG, past which a SYN is answered with a cookie
 *    (net/lwip/patches/0005-tcp-syn-cookies.patch).
 *  - Checksums are computed in software, per netif (LWIP_CHECKSUM_CTRL_PER_NETIF): the
 *    loopback interface skips them, as Linux's does; the virtio netif leaves TCP's to the
 *    device when it offloads them (net/netif_vnet.c), and then TCP segments may be larger than
 *    the MSS too, for the device to cut (LWIP_HOOK_TCP_TSO_MAX).
 *  - Loopback: LWIP_HAVE_LOOPIF gives "lo" at 127.0.0.1/8; LWIP_NETIF_LOOPBACK also loops
 *    packets sent to a netif's own address. Queued loopback packets must be fed back by
 *    netif_poll(): LWIP_NETIF_LOOPBACK_MULTITHREADING=1 makes lwIP call tcpip_try_callback()
 *    when a netif's loop queue becomes non-empty, and we map that name onto the hook
 *    net_loopback_signal(), which raises the NET timer softirq that polls it. (With NO_SYS
 *    there is no tcpip thread; this is only a hook.)
 *  - Hooks: the functions these options name, and those our patches call, are the port's
 *    (net/port/hooks.c), declared in hooks.h: lwIP includes it at its hook points
 *    (LWIP_HOOK_FILENAME) and arch/cc.h everywhere else. This file declares nothing.
 *  - Assertions stay on in every build (LWIP_NOASSERT undefined: defining it at all disables
 *    them); a failed one panics with lwIP's message. They cost little next to a memcpy per
 *    segment. Build with -DLWIP_NOASSERT in LWIP_CFLAGS to measure without them.
 */
#ifndef EPUNK_LWIPOPTS_H
#define EPUNK_LWIPOPTS_H

/* Half-open connections a listener keeps before it answers SYNs with cookies (Linux's default
 * tcp_max_syn_backlog; see net/lwip/patches/0005-tcp-syn-cookies.patch for the measurements
 * behind it): each re-sends its SYN-ACK while it waits, so under a flood from forged sources
 * they must stay few enough for the TX ring, and many enough that a burst of real connects
 * does not go by cookie. */
#define NET_SYN_BACKLOG			1024

#define NO_SYS				1
#define SYS_LIGHTWEIGHT_PROT		0
#define LWIP_HOOK_FILENAME		"hooks.h"
/* Segments larger than the MSS where the NIC cuts them (net/lwip/patches/0011-...). */
#define LWIP_HOOK_TCP_TSO_MAX(pcb)	net_tcp_tso_max(pcb)
/* The kernel timer armed as soon as a timeout comes first (net/lwip/patches/0013-...). */
#define LWIP_HOOK_TIMEOUT_FIRST(abs_ms)	net_timeout_first(abs_ms)
/* net_assert_locked() of net/include/net/net.h, as a hook. */
#define LWIP_ASSERT_CORE_LOCKED()	net_core_assert_locked(__FILE__, __LINE__)
/* The Internet checksum by 64-bit words (net/port/hooks.c); lwIP's own (algorithm 2, 16 bits at a
 * time) stays built, as the reference the guest tests hold it to. */
#define LWIP_CHKSUM			net_chksum
#define LWIP_CHKSUM_ALGORITHM		2
#define LWIP_TIMERS			1
#define LWIP_NETCONN			0
#define LWIP_SOCKET			0
#define LWIP_NETIF_API			0

/* --- Memory: everything from kmalloc (<kernel/slab.h>, through arch/cc.h) --- */
#define MEM_LIBC_MALLOC			1
#define mem_clib_malloc			kmalloc
#define mem_clib_free			kfree
#define mem_clib_calloc			net_calloc
#define MEMP_MEM_MALLOC			1
#define MEM_ALIGNMENT			8
/* Counts for statistics and lwIP's sanity checks only (MEMP_MEM_MALLOC has no fixed pools):
 * not caps; tools/bench/soak.sh holds 10,000 connections, more than MEMP_NUM_TCP_PCB. */
#define MEMP_NUM_TCP_PCB		8192
#define MEMP_NUM_TCP_PCB_LISTEN		1024
#define MEMP_NUM_UDP_PCB		1024
#define MEMP_NUM_TCP_SEG		16384
#define MEMP_NUM_PBUF			16384
#define MEMP_NUM_REASSDATA		16
#define MEMP_NUM_ARP_QUEUE		64
#define PBUF_POOL_SIZE			1024

/* --- Protocols --- */
#define LWIP_IPV4			1
#define LWIP_IPV6			0
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define ARP_TABLE_SIZE			192
#define ETHARP_KEEP_USED_MS		5000
#define LWIP_ICMP			1
#define LWIP_DHCP			1
#define LWIP_AUTOIP			0
#define LWIP_IGMP			0
#define LWIP_DNS			0
#define LWIP_RAW			0
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_ALTCP			0
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IP_SOF_BROADCAST		1
#define IP_SOF_BROADCAST_RECV		1
#define SO_REUSE			1
#define SO_REUSE_RXTOALL		1

/* --- TCP --- */
#define TCP_MSS				1460
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			2
#define TCP_WND				(179 * TCP_MSS)
#define TCP_SND_BUF			(179 * TCP_MSS)
#define TCP_SND_QUEUELEN		((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
/* Read only by lwIP's netconn API, which we do not build; its default (half the send buffer)
 * fails lwIP's check that it fits 16 bits. */
#define TCP_SNDLOWAT			(16 * TCP_MSS)
/* TIME_WAIT lasts 2 * TCP_MSL; a variable so that tcp_msl=MS on the command line can shorten it
 * (leak checks that must see every pcb go). Default 60 s, Linux's TIME_WAIT. */
#define TCP_MSL				net_tcp_msl_ms
#define TCP_LISTEN_BACKLOG		1
/* lwip/patches "pcb-hash": segments find their pcb in hash tables. 32,768 buckets of 8 bytes
 * (256 KiB) for the 4-tuples of active and TIME-WAIT pcbs: chains stay short with the 10,000
 * connections and the tens of thousands in TIME-WAIT that tools/bench/soak.sh makes. */
#define TCP_CONN_HASH_BITS		15
#define TCP_LISTEN_HASH_BITS		6
#define TCP_DEFAULT_LISTEN_BACKLOG	0xff
#define LWIP_TCP_KEEPALIVE		1
#define TCP_QUEUE_OOSEQ			1
#define LWIP_CALLBACK_API		1

/* --- Interfaces --- */
#define LWIP_NETIF_LOOPBACK		1
#define LWIP_HAVE_LOOPIF		1
#define LWIP_LOOPBACK_MAX_PBUFS		0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 1
/* netif.c calls this when a loop queue turns non-empty (see the top of the file). */
#define tcpip_try_callback(fn, ctx)	(net_loopback_signal(ctx), ERR_OK)
#define LWIP_NETIF_STATUS_CALLBACK	1
/* net/netif_vnet.c wraps the driver's RX buffers in custom pbufs (zero-copy receive). */
#define LWIP_SUPPORT_CUSTOM_PBUF	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1
#define LWIP_SINGLE_NETIF		0

/* --- Statistics: memory only (the leak checks), nothing printed --- */
#define LWIP_STATS			1
#define LWIP_STATS_DISPLAY		0
#define MEM_STATS			1
#define MEMP_STATS			1
#define LINK_STATS			0
#define ETHARP_STATS			0
#define IP_STATS			0
#define IPFRAG_STATS			0
#define ICMP_STATS			0
#define UDP_STATS			0
#define TCP_STATS			0
#define SYS_STATS			0

#endif
