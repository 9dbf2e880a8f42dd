# SPDX-License-Identifier: MIT
# tests: the cases that run on the host and in the guest, the guest-only ones, the host harness,
# the conformance suite, the fuzz targets, and the harness for Linux's selftests.

# Test cases that run both on the host (ASan, UBSan) and in the guest.
UNIT_TEST_SRCS := \
	tests/unit/test_printk.c \
	tests/unit/test_list.c \
	tests/unit/test_cmdline.c \
	tests/unit/test_ksym.c \
	tests/unit/test_pvh.c \
	tests/unit/test_time.c \
	tests/unit/test_harness.c \
	tests/unit/test_rbtree.c \
	tests/unit/test_page.c \
	tests/unit/test_slab.c \
	tests/unit/test_eventpoll.c \
	tests/unit/test_trace.c \
	tests/unit/test_sock_poll.c \
	tests/unit/test_syncookie.c \
	tests/unit/test_virtqueue.c \
	tests/unit/test_vnet_hdr.c \
	tests/unit/test_initrd.c
# Test cases that need the machine.
GUEST_TEST_SRCS := \
	tests/guest/test_chksum.c \
	tests/guest/test_string.c \
	tests/guest/test_boot.c \
	tests/guest/test_trace.c \
	tests/guest/test_lapic.c \
	tests/guest/test_softirq.c \
	tests/guest/test_crash.c \
	tests/guest/test_sched.c \
	tests/guest/test_wait.c \
	tests/guest/test_rcu.c \
	tests/guest/test_timer.c \
	tests/guest/test_pipe.c \
	tests/guest/test_eventfd.c \
	tests/guest/test_syscalls.c \
	tests/guest/test_stdlib.c \
	tests/guest/test_socket.c \
	tests/guest/test_unix.c \
	tests/guest/test_pci.c \
	tests/guest/test_virtio_net.c \
	tests/guest/test_netif.c \
	tests/guest/test_badsys.c \
	tests/guest/test_hardening.c \
	tests/guest/test_arp.c
# The host side of the unit tests and fuzz targets: printk on stdout, a page arena, one thread.
HOST_ENV_SRCS := \
	tests/unit/host/host_env.c \
	tests/unit/host/host_sched.c \
	tests/unit/host/host_signal.c

# The conformance suite: an application on epunk, a host Linux program as the oracle.
CONFORMANCE_SRCS := \
	tests/conformance/main.c \
	tests/conformance/check.c \
	tests/conformance/abi.c \
	tests/conformance/errors.c \
	tests/conformance/lt_et.c \
	tests/conformance/oneshot.c \
	tests/conformance/exclusive.c \
	tests/conformance/nested.c \
	tests/conformance/wakeup.c \
	tests/conformance/loops.c \
	tests/conformance/close.c \
	tests/conformance/pipe.c \
	tests/conformance/eventfd.c \
	tests/conformance/rotation.c \
	tests/conformance/sockets.c \
	tests/conformance/signals.c \
	tests/conformance/busypoll.c \
	tests/conformance/unix.c \
	tests/conformance/timeouts.c

# The fuzz targets: the kernel's host-buildable core plus what each drives.
FUZZ_SRCS_epoll := $(KERNEL_HOST_SRCS) kernel/sys_file.c kernel/sys_epoll.c kernel/pipe.c \
	kernel/eventfd.c tests/fuzz/fuzz_epoll.c
# The frame target's sys_now and net_rand come from fake_net_env.c (the fake clock, a fixed seed:
# runs repeat), not from net/port/sys_arch.c.
FUZZ_SRCS_frame := $(KERNEL_HOST_SRCS) kernel/sys_file.c kernel/cmdline.c \
	$(filter-out net/port/sys_arch.c,$(NET_SRCS)) drivers/virtio_net_hdr.c \
	tests/fuzz/fake_net_env.c tests/fuzz/fuzz_frame.c

# The harness Linux's epoll selftest is built against (tools/build/fetch-selftest.sh fetches the
# test), and the harness's own tests.
SELFTEST_HARNESS := tests/selftests/kselftest_harness.h
SELFTEST_CHECK_SRCS := tests/selftests/harness_check.c
