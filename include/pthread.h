/* SPDX-License-Identifier: MIT */
/* <pthread.h>: POSIX threads over the kernel's threads, mutexes and wait queues. Functions
 * return 0 or an error number (they leave errno alone). What is provided:
 *   threads: create, join, detach, exit, self, equal, once; attributes: detach state and stack
 *     size (rounded up to the kernel's stack sizes, at most 4 MiB - 4 KiB; more is EINVAL).
 *   mutexes: NORMAL (= DEFAULT), ERRORCHECK and RECURSIVE. Every kind reports misuse instead of
 *     hanging or crashing: relocking a non-recursive mutex one holds is EDEADLK, unlocking one
 *     not held is EPERM (POSIX leaves both undefined for NORMAL).
 *   condition variables: wait, timedwait (absolute time on CLOCK_REALTIME, or CLOCK_MONOTONIC
 *     chosen with pthread_condattr_setclock), signal, broadcast.
 * There is one process: the pshared attributes, scheduling attributes, cancellation and
 * thread-specific data are not provided (a program using them does not compile). */
#ifndef EPUNK_PTHREAD_H
#define EPUNK_PTHREAD_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A thread is the kernel's struct thread. */
typedef struct thread *pthread_t;

#define PTHREAD_CREATE_JOINABLE	0
#define PTHREAD_CREATE_DETACHED	1
#define PTHREAD_STACK_MIN	16384

typedef struct {
	int detachstate;	/* PTHREAD_CREATE_JOINABLE or PTHREAD_CREATE_DETACHED */
	size_t stacksize;	/* bytes asked for; 0: the kernel's default (28 KiB) */
} pthread_attr_t;

#define PTHREAD_MUTEX_NORMAL		0
#define PTHREAD_MUTEX_RECURSIVE		1
#define PTHREAD_MUTEX_ERRORCHECK	2
#define PTHREAD_MUTEX_DEFAULT		PTHREAD_MUTEX_NORMAL

/* The kernel's struct mutex lives in impl (lib/pthread.c checks that it fits). A statically
 * initialized mutex is set up on first use, because the kernel's wait queue links to itself. */
typedef struct {
	int kind;		/* PTHREAD_MUTEX_* */
	unsigned int ready;	/* impl has been initialized */
	unsigned int depth;	/* times the owner holds it (above 1 only for RECURSIVE) */
	uint64_t impl[5];	/* struct mutex */
} pthread_mutex_t;

typedef struct {
	int kind;		/* PTHREAD_MUTEX_* */
} pthread_mutexattr_t;

#define PTHREAD_MUTEX_INITIALIZER		{ .kind = PTHREAD_MUTEX_NORMAL }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP	{ .kind = PTHREAD_MUTEX_RECURSIVE }
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP	{ .kind = PTHREAD_MUTEX_ERRORCHECK }

/* The kernel's wait queue head lives in impl; set up on first use like a mutex. */
typedef struct {
	unsigned int ready;	/* impl has been initialized */
	clockid_t clock;	/* the clock of timedwait's deadline: CLOCK_REALTIME (0) or MONOTONIC */
	uint64_t impl[3];	/* struct wait_queue_head: the waiters, first come first woken */
} pthread_cond_t;

typedef struct {
	clockid_t clock;	/* CLOCK_REALTIME or CLOCK_MONOTONIC */
} pthread_condattr_t;

#define PTHREAD_COND_INITIALIZER	{ .clock = CLOCK_REALTIME }

typedef int pthread_once_t;
#define PTHREAD_ONCE_INIT	0

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);

/** pthread_create - EAGAIN when memory is short, EINVAL for a bad attribute. */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
/** pthread_join - EDEADLK for the caller itself, EINVAL for a detached thread. */
int pthread_join(pthread_t thread, void **retval);
/** pthread_detach - EINVAL when already detached. */
int pthread_detach(pthread_t thread);
__attribute__((noreturn)) void pthread_exit(void *retval);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_once(pthread_once_t *once, void (*fn)(void));

int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int kind);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *kind);

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
/** pthread_mutex_destroy - EBUSY while locked. */
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
/** pthread_mutex_trylock - EBUSY when another thread holds it. */
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
/** pthread_condattr_setclock - CLOCK_REALTIME or CLOCK_MONOTONIC; EINVAL otherwise. */
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
/** pthread_cond_destroy - EBUSY while threads wait on it. */
int pthread_cond_destroy(pthread_cond_t *c);
/** pthread_cond_wait - EPERM when the caller does not hold @m. */
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/** pthread_cond_timedwait - ETIMEDOUT once @abstime (on the cond's clock) has passed, EINVAL
 * for a tv_nsec outside 0..999999999; @m is held again on every return. */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

#endif
