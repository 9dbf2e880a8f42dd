// SPDX-License-Identifier: MIT
/* net_stats=SECONDS: a thread that prints, that often, the NIC's and lwIP's counters and one
 * machine-readable line of the counters a closed connection must give back (tools/bench/soak.sh reads
 * it). It reads every subsystem, so it lives with the boot-time integration. */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/net.h>
#include <net/netif_vnet.h>
#include <net/socket.h>

#include "init.h"

static uint64_t stats_every_ns;

static void print_leak_counters(void)
{
	struct net_mem_counters m;
	struct kmem_usage k;
	struct page_stats ps;

	struct mm_stats u;

	net_mem_counters(&m);
	kmem_usage(&k);
	page_stats(&ps);
	mm_stats(&u);
	/* kernel_objs: the slab objects but the application's memory regions (one per mapping it
	 * holds, which its allocator keeps as it likes): what the kernel itself holds. */
	printk("counters: socks=%ld unix=%ld files=%ld fds=%d epitems=%ld tcp_active=%u "
	       "tcp_listen=%u tcp_tw=%u tcp_bound=%u udp=%u lwip_heap=%zu lwip_pools=%zu pcbs=%zu "
	       "segs=%zu pbufs=%zu slab_objs=%zu kernel_objs=%zu slab_bytes=%zu slab_pages=%zu "
	       "large=%zu pages_used=%zu user_regions=%ld user_pages=%ld\n",
	       socks_alive(), unix_socks_alive(), files_alive(), fd_count(), ep_watches(), m.tcp_active,
	       m.tcp_listen,
	       m.tcp_time_wait, m.tcp_bound, m.udp, m.heap_used, m.pools_total, m.tcp_pcbs, m.tcp_segs, m.pbufs,
	       k.objects, k.objects - (size_t)u.regions, k.bytes, k.slab_pages, k.large_blocks,
	       ps.total - ps.free, u.regions, u.pages);
}

static void *stats_main(void *arg)
{
	(void)arg;
	for (;;) {
		nsleep(stats_every_ns);
		netif_vnet_print_stats();
		uint64_t irqs, fired, programmed;
		timer_stats(&irqs, &fired, &programmed);
		printk("timer: %llu interrupts, %llu callbacks, LAPIC timer written %llu times\n",
		       (unsigned long long)irqs, (unsigned long long)fired,
		       (unsigned long long)programmed);
		print_leak_counters();
	}
	return NULL;
}

int stats_start(void)
{
	const char *v = cmdline_get("net_stats");
	long s;
	if (!v)
		return 0;
	if (cmdline_number(v, 1, 3600, &s))
		return -EINVAL;
	stats_every_ns = (uint64_t)s * NSEC_PER_SEC;
	return thread_create("net_stats", stats_main, NULL, 0) ? 0 : -ENOMEM;
}
