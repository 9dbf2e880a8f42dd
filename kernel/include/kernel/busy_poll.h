/* SPDX-License-Identifier: MIT */
/*
 * Busy polling (kernel/busy_poll.c), Linux's napi_busy_loop: a thread that would sleep waiting
 * for network input (epoll_wait on an instance with busy polling on, a blocking socket read with
 * SO_BUSY_POLL) polls the NIC's receive queue itself for a while first, and takes what arrives
 * through the stack without an interrupt or a wake-up. The network stack registers the poller;
 * kernel code calls busy_poll_loop. With one NIC, the queue polled is that NIC's (Linux follows
 * the napi_id of the sockets' last packets).
 */
#ifndef KERNEL_BUSY_POLL_H
#define KERNEL_BUSY_POLL_H

#include <stdbool.h>
#include <stdint.h>

#define BUSY_POLL_BUDGET_DEFAULT	8	/* Linux's BUSY_POLL_BUDGET */
#define BUSY_POLL_BUDGET_MAX		64	/* NAPI_POLL_WEIGHT: above it Linux wants CAP_NET_ADMIN */

struct busy_poll_ops {
	/* Take up to @budget received frames through the stack, in a thread, bottom halves on.
	 * With @prefer the queue's interrupt is left off afterwards. Returns the frames taken. */
	int (*poll)(unsigned budget, bool prefer);
	/* Polling ends (the thread has what it waited for, or will sleep): an interrupt @prefer
	 * kept off is turned back on, with a look for what arrived meanwhile. */
	void (*end)(bool prefer);
};

/** busy_poll_register - the network stack's poller (NULL: none). */
void busy_poll_register(const struct busy_poll_ops *ops);

/** busy_poll_default_usecs - busy_poll= of the command line (Linux's net.core.busy_poll): how
 * long epoll_wait polls when its instance sets nothing; 0: off. */
extern uint32_t busy_poll_default_usecs;

/**
 * busy_poll_loop - poll until @done(@arg), @usecs have passed, a signal is pending or another
 * thread should run; then busy polling ends (ops->end). Returns whether @done said so. Nothing
 * happens (false) when no poller is registered. Thread context, bottom halves on.
 */
bool busy_poll_loop(uint32_t usecs, unsigned budget, bool prefer, bool (*done)(void *arg), void *arg);

#endif
