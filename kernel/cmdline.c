// SPDX-License-Identifier: MIT
/* Command-line parsing. Pure code (host-tested): the known keys are listed here, one place. */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <stdlib.h>
#include <string.h>

struct cmdline_opt {
	const char *key;
	const char *help;
};

static const struct cmdline_opt known[] = {
	{ "ktest", "run in-guest tests and exit: all | SUITE | SUITE.CASE[,...]" },
	{ "app", "program of the initrd to run, /bin/NAME (default: the initrd's only file, else none)" },
	{ "args", "the application's arguments, quoted when more than one word" },
	{ "quiet", "print no banner: only the application's own output" },
	{ "ip", "network address: ADDR/PREFIX (with gw=ADDR), or dhcp (the default)" },
	{ "gw", "default gateway, with a static ip=" },
	{ "net_stats", "print network counters every SECONDS" },
	{ "tcp_msl", "TCP maximum segment lifetime in ms (TIME_WAIT = 2 x; default 60000)" },
	{ "busy_poll", "microseconds epoll_wait polls the NIC before it sleeps, for instances that "
		       "set none (Linux's net.core.busy_poll; default 0: off)" },
	{ "vnet_offload", "on | off: virtio-net checksum offloads, when the device offers them "
			  "(default on)" },
	{ "vnet_rx_defer", "microseconds between virtio-net polls while a thread has the CPU, "
			   "with the receive interrupt off (0: off; default 100)" },
	{ "trace", "on | off: TSC tracepoints along the data path (default off)" },
	{ "trace_report", "print per-hop latency histograms every SECONDS (turns tracing on)" },
	{ "timeslice_ms", "scheduler time slice in milliseconds (default 10)" },
	{ "timeslice_us", "scheduler time slice in microseconds, in place of timeslice_ms" },
	{ "tlb_refresh_ms", "milliseconds between reloads of the page tables, so that QEMU's TCG "
			    "resizes its software TLB (0: never; default 100)" },
	{ "meminfo", "print memory counters after boot and after the tests" },
};

static struct cmdline kernel_cmdline;

static const struct cmdline_opt *find_known(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(known[i].key, key))
			return &known[i];
	return NULL;
}

int cmdline_parse_into(struct cmdline *cl, const char *s, char *err, size_t errlen)
{
	struct cmdline_arg *args = cl->args;

	cl->nr_args = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (cl->nr_args == CMDLINE_MAX_ARGS) {
			ksnprintf(err, errlen, "more than %d words", CMDLINE_MAX_ARGS);
			return -EINVAL;
		}
		struct cmdline_arg *a = &args[cl->nr_args];
		size_t k = 0, v = 0;
		while (*s && *s != '=' && *s != ' ' && *s != '\t') {
			if (k + 1 >= sizeof(a->key)) {
				ksnprintf(err, errlen, "option name too long near '%.40s'", s - k);
				return -EINVAL;
			}
			a->key[k++] = *s++;
		}
		a->key[k] = '\0';
		if (!k) {
			ksnprintf(err, errlen, "'=' without an option name near '%.40s'", s);
			return -EINVAL;
		}
		if (*s == '=') {
			s++;
			char quote = 0;
			if (*s == '"' || *s == '\'')
				quote = *s++;
			while (*s && (quote ? *s != quote : (*s != ' ' && *s != '\t'))) {
				if (v + 1 >= sizeof(a->value)) {
					ksnprintf(err, errlen, "value of '%s' longer than %zu bytes",
						  a->key, sizeof(a->value) - 1);
					return -EINVAL;
				}
				a->value[v++] = *s++;
			}
			if (quote) {
				if (*s != quote) {
					ksnprintf(err, errlen, "unterminated quote in the value of '%s'", a->key);
					return -EINVAL;
				}
				s++;
			}
		}
		a->value[v] = '\0';
		if (!find_known(a->key)) {
			ksnprintf(err, errlen, "unknown option '%s'", a->key);
			return -EINVAL;
		}
		for (int i = 0; i < cl->nr_args; i++) {
			if (!strcmp(args[i].key, a->key)) {
				ksnprintf(err, errlen, "option '%s' given twice", a->key);
				return -EINVAL;
			}
		}
		cl->nr_args++;
	}
	return 0;
}

const char *cmdline_lookup(const struct cmdline *cl, const char *key)
{
	for (int i = 0; i < cl->nr_args; i++)
		if (!strcmp(cl->args[i].key, key))
			return cl->args[i].value;
	return NULL;
}

int cmdline_parse(const char *s, char *err, size_t errlen)
{
	return cmdline_parse_into(&kernel_cmdline, s, err, errlen);
}

const char *cmdline_get(const char *key)
{
	return cmdline_lookup(&kernel_cmdline, key);
}

int cmdline_number(const char *v, long min, long max, long *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < min || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

void cmdline_print_known(void)
{
	printk("known options:\n");
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		printk("  %-13s %s\n", known[i].key, known[i].help);
}
