# SPDX-License-Identifier: MIT
# kernel: printk, memory, threads, wait queues, RCU, timers, files, pipe, eventfd, eventpoll,
# the system calls, tracing, the in-guest test runner. It includes no drivers/ or net/ header.
KERNEL_SRCS := \
	kernel/console.c \
	kernel/printk.c \
	kernel/vsprintf.c \
	kernel/ksym.c \
	kernel/cmdline.c \
	kernel/string.c \
	kernel/time.c \
	kernel/vdso.c \
	kernel/ktest.c \
	kernel/stackprot.c \
	kernel/rbtree.c \
	kernel/page.c \
	kernel/slab.c \
	kernel/timer.c \
	kernel/wait.c \
	kernel/rcu.c \
	kernel/sched.c \
	kernel/softirq.c \
	kernel/mutex.c \
	kernel/file.c \
	kernel/pipe.c \
	kernel/eventfd.c \
	kernel/stdlib.c \
	kernel/eventpoll.c \
	kernel/busy_poll.c \
	kernel/sys_epoll.c \
	kernel/sys_file.c \
	kernel/select.c \
	kernel/app.c \
	kernel/trace.c \
	kernel/trace_core.c \
	kernel/sys_misc.c \
	kernel/sys_resource.c \
	kernel/uaccess.c \
	kernel/mm.c \
	kernel/proc.c \
	kernel/exec.c \
	kernel/initrd.c \
	kernel/futex.c \
	kernel/signal.c \
	kernel/random.c \
	kernel/siphash.c \
	kernel/devices.c \
	kernel/path.c \
	kernel/tree.c \
	kernel/procfs.c \
	kernel/sys_stat.c
# The part with no hardware under it: host unit tests and both fuzz targets build it (with the
# stand-ins of tests/unit/host), each adding what it drives.
KERNEL_HOST_SRCS := \
	kernel/siphash.c \
	kernel/initrd.c \
	kernel/vsprintf.c \
	kernel/time.c \
	kernel/rbtree.c \
	kernel/page.c \
	kernel/slab.c \
	kernel/wait.c \
	kernel/rcu.c \
	kernel/mutex.c \
	kernel/file.c \
	kernel/eventpoll.c \
	kernel/busy_poll.c \
	kernel/trace_core.c
