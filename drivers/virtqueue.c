// SPDX-License-Identifier: MIT
/* Split virtqueues: descriptor free list, available ring, used ring, event-idx suppression.
 * No CPU access here (host-tested): barriers are compiler atomics, memory comes from the caller.
 * Everything the device writes (used ring, avail_event) is read once and checked before use;
 * the free list lives in a private array, never in the shared descriptor table. */
#include <drivers/virtqueue.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <string.h>

#define PAGE_BYTES	4096u

/* Orders our ring stores before the device's reads, and its stores before our reads. On x86
 * the release and acquire fences are compiler barriers; the full one is an mfence. */
static inline void virtq_wmb(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
static inline void virtq_rmb(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void virtq_mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

struct virtq_layout {
	size_t avail;		/* offsets from the start of the memory */
	size_t used;
	size_t token;
	size_t next;
	size_t chain_len;
	size_t total;
};

static struct virtq_layout layout(uint16_t num)
{
	struct virtq_layout l;
	l.avail = sizeof(struct vring_desc) * num;
	size_t avail_end = l.avail + sizeof(uint16_t) * (3 + (size_t)num);	/* + used_event */
	l.used = ALIGN_UP(avail_end, (size_t)PAGE_BYTES);
	size_t used_end = l.used + sizeof(uint16_t) * 3 + sizeof(struct vring_used_elem) * num;
	l.token = ALIGN_UP(used_end, (size_t)8);
	l.next = l.token + sizeof(void *) * num;
	l.chain_len = l.next + sizeof(uint16_t) * num;
	l.total = l.chain_len + sizeof(uint16_t) * num;
	return l;
}

size_t virtq_mem_size(uint16_t num)
{
	return layout(num).total;
}

int virtq_init(struct virtq *vq, uint16_t index, uint16_t num, void *mem, bool event_idx,
	       void (*notify)(struct virtq *vq))
{
	if (!num || (num & (num - 1)) || num > VIRTQ_MAX_SIZE || !mem)
		return -EINVAL;
	struct virtq_layout l = layout(num);
	char *base = mem;
	memset(mem, 0, l.total);
	memset(vq, 0, sizeof(*vq));
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + l.avail);
	vq->used = (struct vring_used *)(base + l.used);
	vq->token = (void **)(base + l.token);
	vq->next = (uint16_t *)(base + l.next);
	vq->chain_len = (uint16_t *)(base + l.chain_len);
	vq->num = num;
	vq->index = index;
	vq->num_free = num;
	vq->free_head = 0;
	for (uint16_t i = 0; i + 1 < num; i++)
		vq->next[i] = i + 1;
	vq->event_idx = event_idx;
	vq->notify = notify;
	return 0;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned nout, unsigned nin,
	      void *token)
{
	unsigned total = nout + nin;
	if (!total || !token || total > vq->num)
		return -EINVAL;
	if (total > vq->num_free)
		return -ENOSPC;

	uint16_t head = vq->free_head, i = head, last = head;
	for (unsigned k = 0; k < total; k++) {
		struct vring_desc *d = &vq->desc[i];
		d->addr = bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = (k >= nout ? VRING_DESC_F_WRITE : 0) |
			   (k + 1 < total ? VRING_DESC_F_NEXT : 0);
		d->next = vq->next[i];
		last = i;
		i = vq->next[i];
	}
	vq->desc[last].next = 0;
	vq->free_head = i;
	vq->num_free -= total;
	vq->token[head] = token;
	vq->chain_len[head] = (uint16_t)total;

	/* The descriptors and the ring slot must be visible before the index that publishes them. */
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	virtq_wmb();
	vq->avail_idx++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	return head;
}

bool virtq_kick_prepare(struct virtq *vq)
{
	uint16_t old = vq->kicked_idx, new = vq->avail_idx;
	bool need;

	/* Our avail->idx store must be globally visible before we read what the device asked
	 * for, or both sides can decide the other will act (store-load: a full barrier). */
	virtq_mb();
	if (vq->event_idx)
		need = vring_need_event(READ_ONCE(*virtq_avail_event(vq)), new, old);
	else
		need = !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
	vq->kicked_idx = new;
	return need && new != old;
}

bool virtq_kick(struct virtq *vq)
{
	if (!virtq_kick_prepare(vq))
		return false;
	vq->notify(vq);
	return true;
}

bool virtq_has_used(const struct virtq *vq)
{
	return READ_ONCE(vq->used->idx) != vq->last_used_idx;
}

/* Put the chain starting at @head back on the free list. */
static void free_chain(struct virtq *vq, uint16_t head)
{
	uint16_t n = vq->chain_len[head], last = head;
	for (uint16_t k = 1; k < n; k++)
		last = vq->next[last];
	vq->next[last] = vq->free_head;
	vq->free_head = head;
	vq->num_free += n;
	vq->token[head] = NULL;
	vq->chain_len[head] = 0;
}

void *virtq_get_used(struct virtq *vq, uint32_t *len)
{
	for (;;) {
		if (!virtq_has_used(vq))
			return NULL;
		/* The entry is read only after the index that published it. */
		virtq_rmb();
		const struct vring_used_elem *e = &vq->used->ring[vq->last_used_idx & (vq->num - 1)];
		uint32_t id = READ_ONCE(e->id), l = READ_ONCE(e->len);
		vq->last_used_idx++;
		if (id >= vq->num || !vq->token[id]) {
			vq->bad_used++;		/* a device bug or a lie: not ours to free */
			continue;
		}
		void *token = vq->token[id];
		free_chain(vq, (uint16_t)id);
		*len = l;
		return token;
	}
}

void virtq_disable_cb(struct virtq *vq)
{
	if (vq->cb_disabled)
		return;
	vq->cb_disabled = true;
	if (vq->event_idx) {
		/* An index the device has already passed: it notifies again only after the used
		 * index wraps all the way round, and the poll re-enables long before that. */
		WRITE_ONCE(*virtq_used_event(vq), (uint16_t)(vq->last_used_idx - 1));
	} else {
		vq->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, vq->avail_flags);
	}
}

static bool enable_at(struct virtq *vq, uint16_t event)
{
	vq->cb_disabled = false;
	if (vq->event_idx) {
		WRITE_ONCE(*virtq_used_event(vq), event);
	} else if (vq->avail_flags & VRING_AVAIL_F_NO_INTERRUPT) {
		vq->avail_flags &= ~VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, vq->avail_flags);
	}
	/* The request must be visible before we look at used->idx (store-load), or a buffer the
	 * device used just before seeing it would raise no interrupt and wait unseen. */
	virtq_mb();
	return !virtq_has_used(vq);
}

bool virtq_enable_cb(struct virtq *vq)
{
	return enable_at(vq, vq->last_used_idx);
}

bool virtq_enable_cb_delayed(struct virtq *vq)
{
	/* Chains, not descriptors: a chain of three descriptors is still one used entry. */
	uint16_t in_flight = (uint16_t)(vq->avail_idx - vq->last_used_idx);
	uint16_t event = (uint16_t)(vq->last_used_idx + in_flight * 3 / 4);
	if (!vq->event_idx)
		return virtq_enable_cb(vq);
	vq->cb_disabled = false;
	WRITE_ONCE(*virtq_used_event(vq), event);
	virtq_mb();
	/* Pending work only matters here once the threshold has been crossed: until then the
	 * caller is content to wait for the interrupt. */
	return (uint16_t)(READ_ONCE(vq->used->idx) - vq->last_used_idx) <=
	       (uint16_t)(event - vq->last_used_idx);
}
