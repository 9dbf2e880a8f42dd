// SPDX-License-Identifier: MIT
/*
 * The few /proc and /sys files a server reads for its own sake, with epunk's own figures where
 * it keeps them and Linux's format:
 *  - /proc/self/stat: proc(5)'s 52 fields. Kept: the pid, the name (the main thread's, which
 *    PR_SET_NAME changes), state R (the reader runs), the thread count, the start time and the
 *    live threads' CPU time in clock ticks (all of it as utime: epunk does not split user from
 *    system time), the virtual size (the regions' bytes), the resident pages (user pages
 *    mapped), the heap's start, priority 20, exit signal SIGCHLD, no RLIMIT_RSS. Every other
 *    field is 0 (no parent, session, terminal, fault counts, signal masks or layout addresses),
 *    and tpgid -1.
 *  - /proc/sys/net/core/somaxconn: SOMAXCONN, where listen() cuts a backlog.
 *  - /proc/sys/vm/overcommit_memory: 1, "always": mmap and brk never refuse for want of memory
 *    (pages come on first touch).
 *  - /sys/kernel/mm/transparent_hugepage/enabled: "never" chosen: application memory is mapped
 *    in 4 KiB pages only.
 */
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/procfs.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <uapi/socket.h>

#define USER_HZ		100	/* clock ticks per second in /proc, as on x86 Linux */
#define SIGCHLD		17

static void add_user_time(struct thread *t, void *arg)
{
	if (t->user)
		*(uint64_t *)arg += t->runtime_ns;	/* the scheduler's lock is held */
}

int procfs_self_stat(char *buf, size_t size)
{
	char comm[THREAD_NAME_MAX];
	struct mm_stats ms;
	uint64_t cpu_ns = 0;

	proc_comm(comm);
	mm_stats(&ms);
	sched_for_each_thread(add_user_time, &cpu_ns);
	unsigned long utime = (unsigned long)(cpu_ns / (NSEC_PER_SEC / USER_HZ));
	unsigned long start = (unsigned long)(proc_start_ns() / (NSEC_PER_SEC / USER_HZ));
	/* Fields 1-13, 14-25, 26-37, 38-52. */
	return ksnprintf(buf, size,
			 "%d (%s) R 0 0 0 0 -1 0 0 0 0 0 "
			 "%lu 0 0 0 20 0 %d 0 %lu %llu %ld 18446744073709551615 "
			 "0 0 0 0 0 0 0 0 0 0 0 0 "
			 "%d 0 0 0 0 0 0 0 0 %lu 0 0 0 0 0\n",
			 PROC_PID, comm, utime, proc_threads(), start,
			 (unsigned long long)ms.bytes, ms.pages, SIGCHLD,
			 (unsigned long)ms.brk_start);
}

int procfs_somaxconn(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%d\n", SOMAXCONN);
}

int procfs_overcommit_memory(char *buf, size_t size)
{
	return ksnprintf(buf, size, "1\n");
}

int procfs_thp_enabled(char *buf, size_t size)
{
	return ksnprintf(buf, size, "always madvise [never]\n");
}
