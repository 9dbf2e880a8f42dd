// SPDX-License-Identifier: MIT
/* kmain: bring the machine up, print the banner, then run the tests or the application. */
#include <arch/cpu.h>
#include <arch/setup.h>
#include <arch/timer.h>
#include <drivers/serial.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>

#define EPUNK_VERSION	"0.1"

struct boot_info boot_info;

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

	printk("epunk %s: x86-64 unikernel, booted via %s\n", EPUNK_VERSION, bi->protocol);
	if (cmdline_get("quiet"))
		return;
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
	printk("boot time: %llu.%03llu ms from the first instruction to this banner (TSC)\n",
	       (unsigned long long)(boot_ns / 1000000), (unsigned long long)(boot_ns / 1000 % 1000));
}

void kmain(void)
{
	const char *why;
	char err[160];

	serial_init();
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
	banner(boot_ns);
	arch_irq_enable();

	const char *tests = cmdline_get("ktest");
	if (tests) {
		int failed = ktest_run(*tests ? tests : "all");
		arch_exit(failed ? EXIT_FAILURE_STATUS : EXIT_SUCCESS_STATUS);
	}
	if (cmdline_get("app")) {
		printk("epunk: app=%s: no applications are built in yet\n", cmdline_get("app"));
		arch_exit(EXIT_FAILURE_STATUS);
	}
	printk("epunk: no application to run; idle (Ctrl-A x quits QEMU)\n");
	for (;;)
		arch_safe_halt();
}
