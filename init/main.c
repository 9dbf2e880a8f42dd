// SPDX-License-Identifier: MIT
/* kmain: bring the machine up, print the banner, then run the tests or the application. */
#include <arch/boot.h>
#include <arch/cpu.h>
#include <arch/memory.h>
#include <arch/mmu.h>
#include <arch/setup.h>
#include <arch/timer.h>
#include <arch/user.h>
#include <drivers/drivers.h>
#include <drivers/serial.h>
#include <drivers/virtio_net.h>
#include <kernel/app.h>
#include <kernel/busy_poll.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/eventpoll.h>
#include <kernel/file.h>
#include <kernel/futex.h>
#include <kernel/initrd.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/rcu.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/softirq.h>
#include <kernel/stackprot.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/trace.h>
#include <kernel/ubsan.h>
#include <kernel/version.h>
#include <net/net.h>
#include <net/netif_vnet.h>
#include <string.h>

#include "init.h"


extern char __kernel_end[];

static void print_size(uint64_t bytes)
{
	if (bytes >= (1ULL << 20))
		printk("%llu MiB", (unsigned long long)(bytes >> 20));
	else
		printk("%llu KiB", (unsigned long long)(bytes >> 10));
}

static void banner(uint64_t boot_ns)
{
	const struct boot_info *bi = &boot_info;

	if (cmdline_get("quiet"))
		return;
	printk("epunk %s: x86-64 unikernel, booted via %s\n", EPUNK_VERSION, bi->protocol);
	printk("command line: \"%s\"\n", bi->cmdline);
	printk("memory map:\n");
	for (int i = 0; i < bi->nr_mem; i++) {
		const struct mem_region *r = &bi->mem[i];
		printk("  %016llx-%016llx  %-9s ", (unsigned long long)r->base,
		       (unsigned long long)(r->base + r->size - 1), mem_type_name(r->type));
		print_size(r->size);
		printk("\n");
	}
	printk("  RAM total: ");
	print_size(bi->ram_bytes);
	printk("\n");
	printk("TSC: %llu.%03llu MHz, found by %s\n", (unsigned long long)(bi->tsc_khz / 1000),
	       (unsigned long long)(bi->tsc_khz % 1000), bi->tsc_how);
	printk("timer: LAPIC %s\n", arch_timer_mode());
	printk("hardening: stack protector (guard from %s), W^X, guard pages below stacks%s%s\n",
	       stackprot_source(), arch_mmu_smep() ? ", SMEP" : "", ubsan_enabled() ? ", UBSan" : "");
	printk("applications: static x86-64 ELF, user mode, %s saved per thread\n",
	       arch_user_features());
	printk("boot time: %llu.%03llu ms from the first instruction to this banner (TSC)\n",
	       (unsigned long long)(boot_ns / 1000000), (unsigned long long)(boot_ns / 1000 % 1000));
}

/* The first thread: runs the tests or the application, then leaves QEMU with its status. */
static void *main_thread(void *arg)
{
	(void)arg;
	const char *tests = cmdline_get("ktest");
	if (tests) {
		int failed = ktest_run(*tests ? tests : "all");
		if (cmdline_get("meminfo"))
			meminfo_print();
		arch_exit(failed ? EXIT_FAILURE_STATUS : EXIT_SUCCESS_STATUS);
	}
	/* With DHCP, give the lease a moment before the application starts serving. */
	const char *ip = cmdline_get("ip");
	if ((!ip || !strcmp(ip, "dhcp")) && vnet_get(0) && !netif_vnet_wait_address(10 * NSEC_PER_SEC))
		printk("net: no DHCP lease after 10 s; starting without an address\n");
	const char *name = cmdline_get("app");
	const char *args = cmdline_get("args");
	/* The initrd's program: the one app= names, else its only file. */
	const struct initrd_file *exe = name ? initrd_lookup(name) : NULL;
	if (!name && initrd_file(0) && !initrd_file(1))
		exe = initrd_file(0);
	if (exe) {
		if (app_start(exe, args ? args : ""))
			arch_exit(EXIT_FAILURE_STATUS);
		return NULL;	/* the application runs on; its end ends the machine */
	}
	if (name) {
		app_not_found(name);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	if (args) {
		printk("epunk: args= given without app=\n");
		arch_exit(EXIT_FAILURE_STATUS);
	}
	printk("epunk: no application to run; idle (Ctrl-A x quits QEMU)\n");
	return NULL;
}

/* Options read at boot: a bad value is an error naming the option, never silently ignored. */
static void apply_options(void)
{
	const char *ms = cmdline_get("timeslice_ms"), *us = cmdline_get("timeslice_us");
	const char *tlb = cmdline_get("tlb_refresh_ms");
	long n;

	if (ms && us) {
		printk("epunk: timeslice_ms= and timeslice_us= both given: give one\n");
		arch_exit(EXIT_FAILURE_STATUS);
	}
	if (ms) {
		if (cmdline_number(ms, 1, 10000, &n)) {
			printk("epunk: timeslice_ms=%s: expected a whole number of milliseconds, 1..10000\n", ms);
			arch_exit(EXIT_FAILURE_STATUS);
		}
		sched_set_timeslice((uint64_t)n * NSEC_PER_MSEC);
	}
	if (us) {
		if (cmdline_number(us, 50, 10000000, &n)) {
			printk("epunk: timeslice_us=%s: expected a whole number of microseconds, 50..10000000\n", us);
			arch_exit(EXIT_FAILURE_STATUS);
		}
		sched_set_timeslice((uint64_t)n * NSEC_PER_USEC);
	}
	if (tlb) {
		if (cmdline_number(tlb, 0, 10000, &n)) {
			printk("epunk: tlb_refresh_ms=%s: expected a whole number of milliseconds, "
			       "0..10000\n", tlb);
			arch_exit(EXIT_FAILURE_STATUS);
		}
		sched_set_tlb_refresh((uint64_t)n * NSEC_PER_MSEC);
	}
}

void kmain(void)
{
	const char *why;
	char err[160];

	serial_init();
	console_register(serial_write);
	if (arch_early_init(&boot_info, &why)) {
		printk("epunk: cannot boot: %s\n", why);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	arch_init(&boot_info);
	time_init(boot_info.tsc_khz, boot_info.boot_tsc);
	uint64_t boot_ns = ktime_ns();
	if (cmdline_parse(boot_info.cmdline, err, sizeof(err))) {
		printk("epunk: bad kernel command line \"%s\": %s\n", boot_info.cmdline, err);
		cmdline_print_known();
		arch_exit(EXIT_FAILURE_STATUS);
	}
	apply_options();
	if (page_init_from_boot(&boot_info, virt_to_phys(__kernel_end)) <= 0)
		panic("no usable RAM above the kernel image");
	kmalloc_init();
	rcu_init();
	random_init();
	arch_user_init();
	futex_init();
	if (eventpoll_init() || mm_init())
		panic("cannot create eventpoll's and the memory manager's caches");
	if (initrd_init(&boot_info, err, sizeof(err))) {
		printk("epunk: %s\n", err);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	if (console_files_init())
		panic("cannot open the console as descriptors 0, 1 and 2");
	sched_init();
	timers_init();
	if (net_init())
		panic("cannot start the network stack");
	if (softirq_init())
		panic("cannot start ksoftirqd");
	const char *vd = cmdline_get("vnet_rx_defer");
	long vd_usecs;
	if (vd && cmdline_number(vd, 0, VNET_RX_DEFER_MAX_US, &vd_usecs)) {	/* read by the probe */
		printk("epunk: vnet_rx_defer=%s: expected microseconds, 0..%d\n", vd, VNET_RX_DEFER_MAX_US);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	const char *vo = cmdline_get("vnet_offload");
	if (vo && strcmp(vo, "on") && strcmp(vo, "off")) {	/* read by the driver's probe */
		printk("epunk: vnet_offload=%s: expected on or off\n", vo);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	drivers_init();		/* no device is not an error: it finds none and says nothing */
	if (netif_vnet_init(err, sizeof(err)) < 0) {
		printk("epunk: %s\n", err);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	if (trace_init()) {
		printk("epunk: trace=%s trace_report=%s: expected on|off and a number of seconds\n",
		       cmdline_get("trace") ? cmdline_get("trace") : "",
		       cmdline_get("trace_report") ? cmdline_get("trace_report") : "");
		arch_exit(EXIT_FAILURE_STATUS);
	}
	if (stats_start()) {
		printk("epunk: net_stats=%s: expected a number of seconds, 1..3600\n", cmdline_get("net_stats"));
		arch_exit(EXIT_FAILURE_STATUS);
	}
	const char *bp = cmdline_get("busy_poll");
	long bp_usecs = 0;
	if (bp && cmdline_number(bp, 0, INT32_MAX, &bp_usecs)) {
		printk("epunk: busy_poll=%s: expected microseconds, 0..%d\n", bp, INT32_MAX);
		arch_exit(EXIT_FAILURE_STATUS);
	}
	busy_poll_default_usecs = (uint32_t)bp_usecs;
	if (net_set_tcp_msl(cmdline_get("tcp_msl"))) {
		printk("epunk: tcp_msl=%s: expected milliseconds, 100..600000\n", cmdline_get("tcp_msl"));
		arch_exit(EXIT_FAILURE_STATUS);
	}
	banner(boot_ns);
	if (cmdline_get("meminfo"))
		meminfo_print();
	arch_irq_enable();

	if (!thread_create("main", main_thread, NULL, 0))
		panic("cannot create the main thread");
	sched_idle_loop();
}
