/* SPDX-License-Identifier: MIT */
/* The network core: bringing lwIP up, the one rule for calling it, its timers and loopback
 * delivery. A NIC driver's glue uses lwIP's own netif API under this rule; nothing else here
 * is needed for it. */
#ifndef NET_NET_H
#define NET_NET_H

#include <kernel/compiler.h>
#include <kernel/preempt.h>
#include <kernel/softirq.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Who may call lwIP, and when. lwIP is not reentrant, so there is one rule:
 *
 *   lwIP runs in the NET softirqs (SOFTIRQ_NET_RX: a NIC's input path; SOFTIRQ_NET_TIMER:
 *   lwIP's timeouts and loopback delivery). A thread calls lwIP only between net_lock() and
 *   net_unlock(), which are local_bh_disable()/local_bh_enable(): inside, no softirq (so no
 *   lwIP input, timer or loopback delivery) can run, and the thread is not preempted. Hard
 *   interrupt handlers never call lwIP; they raise a softirq.
 *
 * Consequences:
 *  - Nothing sleeps under net_lock(): to wait, drop it, sleep, take it again and re-check.
 *    lwIP's callbacks (the socket layer's) run under it too and never sleep.
 *  - net_unlock() runs the pending softirqs: a loopback packet queued inside the section is
 *    delivered right there, on the unlocking thread, before net_unlock() returns. lwIP's
 *    timer needs nothing from it: a timeout lwIP adds ahead of the others arms the kernel
 *    timer at once (net/net.c).
 *  - The sections nest (the count is per CPU), and a softirq handler is already inside one.
 *
 * The rule is checked, not just stated: net_assert_locked() panics outside a softirq or a
 * bottom-half-disabled section, or in a hard interrupt. The socket layer calls it at every
 * entry into lwIP, and lwIP calls it on each of its own API functions (LWIP_ASSERT_CORE_LOCKED
 * in net/port/lwipopts.h).
 */
static inline void net_lock(void)
{
	local_bh_disable();
}

/** net_unlock - end a section: let pending softirqs run. */
void net_unlock(void);

/** net_is_locked - true in a softirq or a bottom-half-disabled section (not a hard irq). */
static inline bool net_is_locked(void)
{
	return in_softirq() && !in_irq();
}

/** net_lock_violation - report lwIP entered outside the rule, at @file:@line, and panic. */
NORETURN void net_lock_violation(const char *file, int line);

/** net_assert_locked - panic (naming the call site) unless net_is_locked(). lwIP's own
 * LWIP_ASSERT_CORE_LOCKED() is the same check. */
#define net_assert_locked() do { \
	if (unlikely(!net_is_locked())) \
		net_lock_violation(__FILE__, __LINE__); \
} while (0)

/**
 * net_init - start lwIP: its core, timers, and the loopback interface "lo" (127.0.0.1/8, up).
 * Called once from kmain after timers_init(). Returns 0 (or a negative errno).
 */
int net_init(void);

/** net_timers_update - with the lock held: arm the kernel timer for lwIP's next timeout
 * (after the due ones ran, when the earliest left may be one that was already there). */
void net_timers_update(void);
/** net_timers_arm - arm the kernel timer for lwIP's timeouts at @deadline (ktime ns), unless it
 * is armed for an earlier one. Any context. */
void net_timers_arm(uint64_t deadline);

/* lwIP's memory in use, for leak checks (tests). */
struct net_mem_counters {
	size_t heap_used;		/* bytes lwIP holds from kmalloc (pools included) */
	size_t pool_used[32];		/* objects in use per lwIP pool (memp), by pool index */
	int pools;			/* how many pool_used entries are meaningful */
	size_t pools_total;		/* the sum of pool_used */
	size_t tcp_pcbs;		/* TCP pcbs allocated (any state) */
	size_t tcp_segs;		/* TCP segments queued (unsent, unacked, out of order) */
	size_t pbufs;			/* pbufs allocated (both pools) */
	uint32_t tcp_active;		/* pcbs connecting, connected or closing */
	uint32_t tcp_listen;		/* listening pcbs */
	uint32_t tcp_time_wait;		/* pcbs in TIME_WAIT */
	uint32_t tcp_bound;		/* bound, not yet listening or connecting */
	uint32_t udp;			/* UDP pcbs (DHCP's included once a NIC runs it) */
};

/** net_mem_counters - take a snapshot. */
void net_mem_counters(struct net_mem_counters *c);
/** net_pool_name - lwIP's name of pool @i ("TCP_PCB", "PBUF_POOL", ...), for reports. */
const char *net_pool_name(int i);

/**
 * net_set_tcp_msl - tcp_msl=MS from the command line (NULL: keep the default, 60000): TIME_WAIT
 * then lasts 2 * MS. Returns 0, or -EINVAL when @v is not a number in 100..600000.
 */
int net_set_tcp_msl(const char *v);

/**
 * net_time_wait_purge - drop every TIME_WAIT pcb now (lwIP keeps them 2 * TCP_MSL = 120 s).
 * For leak checks in tests only: it gives up TIME_WAIT's protection of old segments.
 * Returns how many were dropped.
 */
int net_time_wait_purge(void);

#endif
