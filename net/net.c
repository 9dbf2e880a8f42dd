// SPDX-License-Identifier: MIT
/* The network core: lwIP's start, the lock rule's check, and the SOFTIRQ_NET_TIMER bottom half
 * that runs lwIP's timeouts and delivers loopback packets. The rule itself is stated in
 * net/include/net/net.h.
 *
 * Timers: lwIP keeps its own list of timeouts (sys_timeout); one kernel timer is armed for the
 * earliest of them and raises SOFTIRQ_NET_TIMER, whose handler runs the due ones and re-arms
 * for the new earliest (net_timers_update). A timeout added ahead of the others arms it at
 * once, from inside lwIP (net_timeout_first in net/port/hooks.c, the hook of
 * net/lwip/patches/0013-timeouts-hook-first.patch), so nobody needs to ask on the way out of
 * lwIP. lwIP's cyclic timers (ARP 1 s, IP reassembly 1 s, DHCP 0.5 s and 60 s,
 * TCP 0.25 s while any pcb exists) mean the guest takes up to a few wake-ups a second once
 * lwIP runs.
 *
 * Loopback: lwIP queues a packet for "lo" (or for a netif's own address) on that netif and
 * calls the hook net_loopback_signal() when the queue turns non-empty (net/port/hooks.c); that
 * raises SOFTIRQ_NET_TIMER, whose handler feeds the queue to ip_input with netif_poll(). From a
 * thread inside net_lock() the softirq runs at net_unlock(): a write to a loopback socket is
 * delivered to its peer before the writer's system call returns. */
#include <arch/cpu.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/net.h>
#include <net/syncookie.h>

#include "hooks.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "sys_arch.h"

static struct ktimer net_timer;
static uint64_t net_timer_deadline = UINT64_MAX;	/* ktime the timer is armed for */
static bool net_up;

void net_lock_violation(const char *file, int line)
{
	panic("lwIP entered without net_lock() at %s:%d (%s)", file, line,
	      in_irq() ? "in a hard interrupt" : "bottom halves enabled");
}

void net_timers_arm(uint64_t deadline)
{
	unsigned long flags = arch_irq_save();
	if (deadline < net_timer_deadline) {
		net_timer_deadline = deadline;
		timer_arm(&net_timer, deadline);
	}
	arch_irq_restore(flags);
}

void net_timers_update(void)
{
	net_assert_locked();
	uint32_t ms = sys_timeouts_sleeptime();
	if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return;		/* an armed timer may fire early: the handler copes */
	net_timers_arm(ktime_ns() + ms * NSEC_PER_MSEC);
}

void net_unlock(void)
{
	local_bh_enable();
}

/* Hard interrupt context: leave the work to the bottom half. */
static void net_timer_fire(struct ktimer *t)
{
	(void)t;
	net_timer_deadline = UINT64_MAX;
	raise_softirq(SOFTIRQ_NET_TIMER);
}

static void net_loopback_poll(void)
{
	struct netif *n;
	NETIF_FOREACH(n) {
		if (n->loop_first)
			netif_poll(n);
	}
}

/* SOFTIRQ_NET_TIMER: due timeouts, then loopback delivery (which may add timeouts). */
static void net_timer_softirq(void)
{
	sys_check_timeouts();
	net_loopback_poll();
	net_timers_update();
}

int net_init(void)
{
	if (net_up)
		return 0;
	syncookie_set_key((uint64_t)net_rand() << 32 | net_rand(), (uint64_t)net_rand() << 32 | net_rand());
	timer_init(&net_timer, net_timer_fire, NULL);
	open_softirq(SOFTIRQ_NET_TIMER, net_timer_softirq);
	net_lock();
	lwip_init();	/* also adds "lo", 127.0.0.1/8, up */
	net_timers_update();
	net_up = true;
	net_unlock();
	return 0;
}

static uint32_t count_pcbs(struct tcp_pcb *list)
{
	uint32_t n = 0;
	for (struct tcp_pcb *p = list; p; p = p->next)
		n++;
	return n;
}

static const char *const pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

const char *net_pool_name(int i)
{
	return i >= 0 && i < (int)ARRAY_SIZE(pool_names) ? pool_names[i] : "?";
}

void net_mem_counters(struct net_mem_counters *c)
{
	net_lock();
	c->heap_used = lwip_stats.mem.used;
	c->pools = MIN((int)MEMP_MAX, (int)ARRAY_SIZE(c->pool_used));
	c->pools_total = 0;
	for (int i = 0; i < c->pools; i++) {
		c->pool_used[i] = lwip_stats.memp[i] ? lwip_stats.memp[i]->used : 0;
		c->pools_total += c->pool_used[i];
	}
	c->tcp_pcbs = c->pool_used[MEMP_TCP_PCB];
	c->tcp_segs = c->pool_used[MEMP_TCP_SEG];
	c->pbufs = c->pool_used[MEMP_PBUF] + c->pool_used[MEMP_PBUF_POOL];
	c->tcp_active = count_pcbs(tcp_active_pcbs);
	c->tcp_listen = count_pcbs((struct tcp_pcb *)tcp_listen_pcbs.listen_pcbs);
	c->tcp_time_wait = count_pcbs(tcp_tw_pcbs);
	c->tcp_bound = count_pcbs(tcp_bound_pcbs);
	c->udp = 0;
	for (struct udp_pcb *u = udp_pcbs; u; u = u->next)
		c->udp++;
	net_unlock();
}

int net_set_tcp_msl(const char *v)
{
	long ms;
	if (!v)
		return 0;
	if (cmdline_number(v, 100, 600000, &ms))
		return -EINVAL;
	WRITE_ONCE(net_tcp_msl_ms, (unsigned long)ms);
	return 0;
}

int net_time_wait_purge(void)
{
	int n = 0;
	net_lock();
	while (tcp_tw_pcbs) {
		tcp_abort(tcp_tw_pcbs);	/* TIME_WAIT: removed and freed, no RST sent */
		n++;
	}
	net_unlock();
	return n;
}
