/* SPDX-License-Identifier: MIT */
/* Spinlocks, written for SMP (atomic exchange, acquire/release ordering) although one CPU runs.
 * Holding one disables preemption. Take a lock that interrupt handlers also take with
 * spin_lock_irqsave. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <arch/cpu.h>
#include <kernel/compiler.h>
#include <kernel/preempt.h>

struct spinlock {
	uint32_t locked;	/* 0 free, 1 held */
};

#define SPINLOCK_INIT { 0 }

static inline void spin_lock_init(struct spinlock *l)
{
	l->locked = 0;
}

static inline void spin_lock_raw(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
}

static inline void spin_unlock_raw(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline void spin_lock(struct spinlock *l)
{
	preempt_disable();
	spin_lock_raw(l);
}

static inline bool spin_trylock(struct spinlock *l)
{
	preempt_disable();
	if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return true;
	preempt_enable_no_resched();
	return false;
}

static inline void spin_unlock(struct spinlock *l)
{
	spin_unlock_raw(l);
	preempt_enable();
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();
	preempt_disable();
	spin_lock_raw(l);
	return flags;
}

/* Interrupts come back on before preemption is re-enabled, so a reschedule that became due
 * while the lock was held happens here rather than at the next interrupt. */
static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	spin_unlock_raw(l);
	arch_irq_restore(flags);
	preempt_enable();
}

#endif
