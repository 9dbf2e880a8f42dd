// SPDX-License-Identifier: MIT
/* Split virtqueue logic against a simulated device (host and guest): descriptor chains and the
 * free list, free-running indices across the 16-bit wrap, event-idx notification suppression
 * both ways, the re-check after enabling callbacks, and used entries a device gets wrong. */
#include <drivers/virtqueue.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>

/* Big enough for a 256-entry ring (about 11 KiB). */
static uint8_t ring_mem[16384] __attribute__((aligned(4096)));

/* The device side: what a virtio device does with the rings. */
struct sim {
	struct virtq *vq;
	uint16_t last_avail;	/* next available entry to take */
	uint16_t used_idx;	/* our used->idx */
	int notifies;		/* driver -> device notifications seen */
	int interrupts;		/* device -> driver notifications it would have sent */
	unsigned chain_descs;	/* descriptors in the last chain taken */
	uint32_t chain_readable;	/* bytes in its device-readable part */
	uint32_t chain_writable;	/* bytes in its device-writable part */
};

static struct sim *sim_of_notify;

static void sim_notify(struct virtq *vq)
{
	(void)vq;
	sim_of_notify->notifies++;
}

static void sim_init(struct sim *s, struct virtq *vq, uint16_t num, bool event_idx)
{
	*s = (struct sim){ .vq = vq };
	sim_of_notify = s;
	virtq_init(vq, 0, num, ring_mem, event_idx, sim_notify);
}

/* Take the next available chain, mark it used with @written bytes. -1 when none. */
static int sim_use(struct sim *s, uint32_t written)
{
	struct virtq *vq = s->vq;
	if (s->last_avail == vq->avail->idx)
		return -1;
	uint16_t head = vq->avail->ring[s->last_avail & (vq->num - 1)];
	s->last_avail++;
	s->chain_descs = 0;
	s->chain_readable = s->chain_writable = 0;
	for (uint16_t i = head;; i = vq->desc[i].next) {
		s->chain_descs++;
		if (vq->desc[i].flags & VRING_DESC_F_WRITE)
			s->chain_writable += vq->desc[i].len;
		else
			s->chain_readable += vq->desc[i].len;
		if (!(vq->desc[i].flags & VRING_DESC_F_NEXT) || s->chain_descs > vq->num)
			break;
	}
	uint16_t old = s->used_idx;
	vq->used->ring[old & (vq->num - 1)].id = head;
	vq->used->ring[old & (vq->num - 1)].len = written;
	s->used_idx++;
	vq->used->idx = s->used_idx;
	bool irq = vq->event_idx ? vring_need_event(*virtq_used_event(vq), s->used_idx, old) :
				   !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	s->interrupts += irq;
	return head;
}

/* Write a raw used entry, as a broken or hostile device might. */
static void sim_put_used(struct sim *s, uint32_t id, uint32_t len)
{
	struct virtq *vq = s->vq;
	vq->used->ring[s->used_idx & (vq->num - 1)].id = id;
	vq->used->ring[s->used_idx & (vq->num - 1)].len = len;
	s->used_idx++;
	vq->used->idx = s->used_idx;
}

static int tokens[512];

static int add_one(struct virtq *vq, void *token)
{
	struct virtq_buf b = { 0x100000, 64 };
	return virtq_add(vq, &b, 1, 0, token);
}

KTEST(virtq, init_rejects_bad_sizes)
{
	struct virtq vq;
	EXPECT_EQ(virtq_init(&vq, 0, 0, ring_mem, false, sim_notify), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 3, ring_mem, false, sim_notify), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 65535, ring_mem, false, sim_notify), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 8, NULL, false, sim_notify), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 256, ring_mem, true, sim_notify), 0);
	EXPECT_LE(virtq_mem_size(256), sizeof(ring_mem));
	EXPECT_EQ(vq.num_free, 256);
	/* Alignment the spec requires: descriptors 16, available ring 2, used ring 4. */
	EXPECT_EQ((uintptr_t)vq.desc % 16, 0);
	EXPECT_EQ((uintptr_t)vq.avail % 2, 0);
	EXPECT_EQ((uintptr_t)vq.used % 4096, 0);
}

KTEST(virtq, chain_of_readable_then_writable)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, false);
	struct virtq_buf b[3] = { { 0x1000, 12 }, { 0x2000, 100 }, { 0x3000, 2048 } };
	int head = virtq_add(&vq, b, 2, 1, &tokens[0]);
	ASSERT_EQ(head, 0);
	EXPECT_EQ(vq.num_free, 5);
	EXPECT_EQ(vq.avail->idx, 1);
	EXPECT_EQ(vq.avail->ring[0], 0);
	uint16_t i = (uint16_t)head;
	EXPECT_EQ(vq.desc[i].addr, 0x1000);
	EXPECT_EQ(vq.desc[i].flags, VRING_DESC_F_NEXT);
	i = vq.desc[i].next;
	EXPECT_EQ(vq.desc[i].len, 100);
	EXPECT_EQ(vq.desc[i].flags, VRING_DESC_F_NEXT);
	i = vq.desc[i].next;
	EXPECT_EQ(vq.desc[i].addr, 0x3000);
	EXPECT_EQ(vq.desc[i].flags, VRING_DESC_F_WRITE);

	EXPECT_EQ(sim_use(&s, 1500), 0);
	EXPECT_EQ(s.chain_descs, 3);
	EXPECT_EQ(s.chain_readable, 112);
	EXPECT_EQ(s.chain_writable, 2048);
	uint32_t len = 0;
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tokens[0]);
	EXPECT_EQ(len, 1500);
	EXPECT_EQ(vq.num_free, 8);
	EXPECT_TRUE(virtq_get_used(&vq, &len) == NULL);
}

KTEST(virtq, full_ring_and_bad_chains)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, false);
	struct virtq_buf b[9] = { { 0x1000, 1 } };
	EXPECT_EQ(virtq_add(&vq, b, 0, 0, &tokens[0]), -EINVAL);	/* empty */
	EXPECT_EQ(virtq_add(&vq, b, 1, 0, NULL), -EINVAL);		/* no token */
	EXPECT_EQ(virtq_add(&vq, b, 5, 4, &tokens[0]), -EINVAL);	/* longer than the ring */
	for (int k = 0; k < 8; k++)
		EXPECT_EQ(add_one(&vq, &tokens[k]), k);
	EXPECT_EQ(add_one(&vq, &tokens[8]), -ENOSPC);
	EXPECT_EQ(vq.num_free, 0);
	/* The device completes out of order: 3 first, then the rest. */
	uint32_t len;
	for (int k = 0; k < 8; k++)
		sim_use(&s, (uint32_t)k);
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tokens[0]);
	EXPECT_EQ(vq.num_free, 1);
	EXPECT_EQ(virtq_next_head(&vq), 0);
	EXPECT_EQ(add_one(&vq, &tokens[8]), 0);		/* the freed descriptor is reused */
	int got = 0;
	while (virtq_get_used(&vq, &len))
		got++;
	EXPECT_EQ(got, 7);
	EXPECT_EQ(vq.num_free, 7);
}

KTEST(virtq, indices_wrap_past_65535)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 16, true);
	ktest_rand_seed(0);
	/* A FIFO of the tokens in flight, to check completion order and lengths. */
	static int *fifo[16];
	unsigned head_i = 0, tail_i = 0, in_flight = 0;
	uint64_t done = 0;
	for (int round = 0; round < 140000; round++) {
		unsigned n = 1 + ktest_rand_below(3);
		if (in_flight < 4 && vq.num_free >= n) {
			struct virtq_buf b[3] = { { 0x1000, 10 }, { 0x2000, 20 }, { 0x3000, 30 } };
			int *tok = &tokens[round % 512];
			if (virtq_add(&vq, b, n - 1, 1, tok) < 0)
				break;
			fifo[tail_i++ % 16] = tok;
			in_flight++;
		}
		if (ktest_rand_below(2) && sim_use(&s, 7) >= 0) {
			uint32_t len = 0;
			int *tok = virtq_get_used(&vq, &len);
			if (tok != fifo[head_i++ % 16] || len != 7)
				break;
			in_flight--;
			done++;
		}
	}
	EXPECT_GE(done, 65536 + 1000);		/* the free-running indices went round */
	EXPECT_EQ((uint16_t)(vq.avail_idx - vq.last_used_idx), in_flight);
	EXPECT_EQ(vq.bad_used, 0);
}

KTEST(virtq, need_event_rule)
{
	/* Notify when new_idx has passed event_idx since old: event in [old, new). */
	EXPECT_TRUE(vring_need_event(5, 6, 5));
	EXPECT_FALSE(vring_need_event(5, 5, 4));
	EXPECT_TRUE(vring_need_event(4, 6, 4));
	EXPECT_FALSE(vring_need_event(10, 6, 4));
	EXPECT_FALSE(vring_need_event(3, 6, 4));	/* already passed before old */
	EXPECT_TRUE(vring_need_event(65535, 1, 65534));	/* across the wrap */
	EXPECT_FALSE(vring_need_event(2, 1, 65534));
}

KTEST(virtq, kick_follows_avail_event)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, true);
	/* A fresh device asks to be told about entry 0. */
	add_one(&vq, &tokens[0]);
	EXPECT_TRUE(virtq_kick(&vq));
	EXPECT_EQ(s.notifies, 1);
	/* It has not caught up (avail_event still 0): no second notification. */
	add_one(&vq, &tokens[1]);
	EXPECT_FALSE(virtq_kick(&vq));
	/* It processed both and asks about entry 2: the next add must notify. */
	sim_use(&s, 0);
	sim_use(&s, 0);
	*virtq_avail_event(&vq) = s.last_avail;
	add_one(&vq, &tokens[2]);
	add_one(&vq, &tokens[3]);
	EXPECT_TRUE(virtq_kick(&vq));		/* one notification for both */
	EXPECT_FALSE(virtq_kick(&vq));		/* nothing new */
	EXPECT_EQ(s.notifies, 2);
}

KTEST(virtq, kick_follows_no_notify_flag)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, false);
	add_one(&vq, &tokens[0]);
	EXPECT_TRUE(virtq_kick(&vq));
	vq.used->flags = VRING_USED_F_NO_NOTIFY;
	add_one(&vq, &tokens[1]);
	EXPECT_FALSE(virtq_kick(&vq));
	vq.used->flags = 0;
	add_one(&vq, &tokens[2]);
	EXPECT_TRUE(virtq_kick(&vq));
	EXPECT_EQ(s.notifies, 2);
}

KTEST(virtq, enable_cb_rechecks_event_idx)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, true);
	for (int k = 0; k < 4; k++)
		add_one(&vq, &tokens[k]);
	sim_use(&s, 1);
	EXPECT_EQ(s.interrupts, 1);		/* callbacks start enabled */
	uint32_t len;
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tokens[0]);

	virtq_disable_cb(&vq);
	sim_use(&s, 1);
	EXPECT_EQ(s.interrupts, 1);		/* suppressed */
	/* Enabling now finds the buffer used meanwhile: the caller must poll, not wait. */
	EXPECT_FALSE(virtq_enable_cb(&vq));
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tokens[1]);
	EXPECT_TRUE(virtq_enable_cb(&vq));
	EXPECT_EQ(*virtq_used_event(&vq), vq.last_used_idx);
	sim_use(&s, 1);
	EXPECT_EQ(s.interrupts, 2);		/* the next one interrupts again */
}

KTEST(virtq, enable_cb_rechecks_flags)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, false);
	add_one(&vq, &tokens[0]);
	add_one(&vq, &tokens[1]);
	virtq_disable_cb(&vq);
	EXPECT_EQ(vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	sim_use(&s, 1);
	EXPECT_EQ(s.interrupts, 0);
	EXPECT_FALSE(virtq_enable_cb(&vq));
	EXPECT_EQ(vq.avail->flags, 0);
	uint32_t len;
	EXPECT_TRUE(virtq_get_used(&vq, &len) != NULL);
	EXPECT_TRUE(virtq_enable_cb(&vq));
	sim_use(&s, 1);
	EXPECT_EQ(s.interrupts, 1);
}

KTEST(virtq, enable_cb_delayed_waits_for_three_quarters)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 16, true);
	for (int k = 0; k < 8; k++)
		add_one(&vq, &tokens[k]);
	virtq_disable_cb(&vq);
	EXPECT_TRUE(virtq_enable_cb_delayed(&vq));
	EXPECT_EQ(*virtq_used_event(&vq), 6);	/* 3/4 of the 8 in flight */
	for (int k = 0; k < 6; k++)
		sim_use(&s, 0);
	EXPECT_EQ(s.interrupts, 0);
	sim_use(&s, 0);				/* entry 6: the threshold */
	EXPECT_EQ(s.interrupts, 1);
	/* Past the threshold before asking: enabling reports work to do now. */
	uint32_t len;
	virtq_get_used(&vq, &len);
	virtq_disable_cb(&vq);
	EXPECT_FALSE(virtq_enable_cb_delayed(&vq));
}

KTEST(virtq, enable_cb_delayed_counts_chains)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 16, true);
	/* One frame of three descriptors: its completion alone must interrupt. */
	struct virtq_buf b[3] = { { 0x1000, 12 }, { 0x2000, 14 }, { 0x3000, 28 } };
	virtq_add(&vq, b, 3, 0, &tokens[0]);
	virtq_disable_cb(&vq);
	EXPECT_TRUE(virtq_enable_cb_delayed(&vq));
	EXPECT_EQ(*virtq_used_event(&vq), vq.last_used_idx);
	sim_use(&s, 0);
	EXPECT_EQ(s.interrupts, 1);
}

KTEST(virtq, bad_used_entries_are_ignored)
{
	struct virtq vq;
	struct sim s;
	sim_init(&s, &vq, 8, true);
	add_one(&vq, &tokens[0]);			/* head 0 */
	add_one(&vq, &tokens[1]);			/* head 1 */
	uint32_t len;
	sim_put_used(&s, 99, 64);			/* out of range */
	sim_put_used(&s, 5, 64);			/* a descriptor that is free */
	sim_put_used(&s, 1, 10);
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tokens[1]);
	EXPECT_EQ(len, 10);
	EXPECT_EQ(vq.bad_used, 2);
	sim_put_used(&s, 1, 10);			/* completed twice */
	EXPECT_TRUE(virtq_get_used(&vq, &len) == NULL);
	EXPECT_EQ(vq.bad_used, 3);
	EXPECT_EQ(vq.num_free, 7);			/* head 0 still in flight */
	sim_put_used(&s, 0, 0xffffffffu);		/* an absurd length passes through */
	EXPECT_TRUE(virtq_get_used(&vq, &len) == &tokens[0]);
	EXPECT_EQ(len, 0xffffffffu);
	EXPECT_EQ(vq.num_free, 8);
}
