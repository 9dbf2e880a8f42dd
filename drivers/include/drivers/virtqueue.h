/* SPDX-License-Identifier: MIT */
/* Split virtqueues (virtio 1.x, section 2.7): the descriptor table with its free list, the
 * available and used rings, event-index notification suppression. Pure memory logic: the
 * transport gives the memory and the notify function, so the host unit tests drive it with a
 * simulated device.
 *
 * Concurrency: one virtq is used by one context at a time (the caller's lock or bottom-half
 * exclusion), except virtq_disable_cb, which a hard interrupt handler may call at any moment:
 * virtq_enable_cb* must therefore run with interrupts off. */
#ifndef DRIVERS_VIRTQUEUE_H
#define DRIVERS_VIRTQUEUE_H

#include <linux/virtio_ring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE	32768	/* split rings: a power of two up to 2^15 */

/* One buffer of a chain: the physical address the device reads or writes, and a length. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
};

struct virtq {
	struct vring_desc *desc;	/* descriptor table (device reads) */
	struct vring_avail *avail;	/* available ring; used_event after ring[num] */
	struct vring_used *used;	/* used ring (device writes); avail_event after ring[num] */
	void **token;			/* per chain head: the caller's token; NULL when free */
	uint16_t *next;			/* our copy of the chain links and the free list */
	uint16_t *chain_len;		/* per chain head: descriptors in the chain */
	uint16_t num;			/* ring size */
	uint16_t index;			/* queue number on the device */
	uint16_t free_head;		/* first free descriptor */
	uint16_t num_free;		/* free descriptors */
	uint16_t avail_idx;		/* our copy of avail->idx (free-running) */
	uint16_t kicked_idx;		/* avail_idx at the last kick decision (event idx "old") */
	uint16_t last_used_idx;		/* next used entry to consume (free-running) */
	uint16_t avail_flags;		/* our copy of avail->flags */
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool cb_disabled;		/* callbacks (used-buffer notifications) suppressed */
	uint64_t bad_used;		/* used entries naming no chain in flight: ignored */
	void (*notify)(struct virtq *vq);	/* tell the device there is new work */
	volatile void *notify_addr;	/* the transport's doorbell for this queue */
	void *priv;			/* owner's data */
};

/**
 * virtq_mem_size - bytes virtq_init needs for a ring of @num entries: the descriptor table, the
 * available ring, the used ring (page-aligned, so the device's writes share no page with ours)
 * and the driver-private arrays.
 */
size_t virtq_mem_size(uint16_t num);

/**
 * virtq_init - lay out a ring of @num entries (a power of two) in @mem (virtq_mem_size bytes,
 * page-aligned, zeroed here) as queue @index. Returns 0, or -EINVAL for a bad @num.
 */
int virtq_init(struct virtq *vq, uint16_t index, uint16_t num, void *mem, bool event_idx,
	       void (*notify)(struct virtq *vq));

/**
 * virtq_add - make a chain of @nout device-readable buffers followed by @nin device-writable
 * ones available, remembered under @token (not NULL). The device may see it at once; it is
 * told (notified) only by virtq_kick. Returns the chain's head index, -ENOSPC when fewer than
 * @nout + @nin descriptors are free, -EINVAL for an empty chain or a NULL token.
 */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned nout, unsigned nin,
	      void *token);

/** virtq_next_head - the head index the next virtq_add will use (valid while num_free > 0). */
static inline uint16_t virtq_next_head(const struct virtq *vq)
{
	return vq->free_head;
}

static inline unsigned virtq_num_free(const struct virtq *vq)
{
	return vq->num_free;
}

/**
 * virtq_kick_prepare - whether the device must be notified of what was added since the last
 * call: with event idx, when avail->idx moved past the avail_event the device published;
 * without, unless the device set VRING_USED_F_NO_NOTIFY. Includes the full barrier that orders
 * our avail->idx store before the load of the device's suppression state.
 */
bool virtq_kick_prepare(struct virtq *vq);

/** virtq_kick - virtq_kick_prepare, then notify when needed. Returns whether it notified. */
bool virtq_kick(struct virtq *vq);

/**
 * virtq_get_used - the next chain the device finished: its token, with *@len the byte count the
 * device says it wrote (not checked: the caller knows its buffer sizes). Its descriptors are
 * free again. NULL when nothing is pending. A used entry naming a descriptor that is not the
 * head of a chain in flight is skipped and counted in bad_used.
 */
void *virtq_get_used(struct virtq *vq, uint32_t *len);

/** virtq_has_used - whether virtq_get_used would return something. */
bool virtq_has_used(const struct virtq *vq);

/**
 * virtq_disable_cb - ask the device not to notify used buffers (a hint it may ignore). Safe in a
 * hard interrupt handler.
 */
void virtq_disable_cb(struct virtq *vq);

/**
 * virtq_enable_cb - ask for a notification at the next used buffer, then look again: returns
 * true when nothing is pending (it is safe to wait for the interrupt), false when buffers came
 * in before the request was visible (poll again; callbacks stay enabled). Interrupts off.
 */
bool virtq_enable_cb(struct virtq *vq);

/**
 * virtq_enable_cb_delayed - like virtq_enable_cb, but with event idx the notification comes only
 * after about 3/4 of the chains now in flight are used (transmit completions in batches).
 */
bool virtq_enable_cb_delayed(struct virtq *vq);

/** virtq_used_event / virtq_avail_event - the event-idx fields after each ring. */
static inline volatile uint16_t *virtq_used_event(struct virtq *vq)
{
	return (volatile uint16_t *)&vq->avail->ring[vq->num];
}

static inline volatile uint16_t *virtq_avail_event(struct virtq *vq)
{
	return (volatile uint16_t *)&vq->used->ring[vq->num];
}

#endif
