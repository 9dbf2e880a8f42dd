// SPDX-License-Identifier: MIT
/* Starting an application: find it in the generated table, split its arguments into argv, call
 * its main() on the calling thread; ending it: its status becomes QEMU's exit code. */
#include <arch/cpu.h>
#include <kernel/app.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/trace.h>
#include <string.h>

#define APP_MAX_ARGS	32
#define APP_ARGS_MAX	512

int app_run(const char *name, const char *args, int *status)
{
	static char buf[APP_ARGS_MAX];
	char *argv[APP_MAX_ARGS + 2];
	int argc = 0;

	const struct app_entry *app = NULL;
	for (int i = 0; i < app_count; i++)
		if (!strcmp(app_table[i].name, name))
			app = &app_table[i];
	if (!app) {
		printk("epunk: no application named '%s'; built in:", name);
		for (int i = 0; i < app_count; i++)
			printk(" %s", app_table[i].name);
		printk("%s\n", app_count ? "" : " (none)");
		return -ENOENT;
	}
	argv[argc++] = (char *)app->name;
	size_t n = strnlen(args, sizeof(buf) - 1);
	memcpy(buf, args, n);
	buf[n] = '\0';
	for (char *p = buf; *p && argc <= APP_MAX_ARGS;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		char quote = (*p == '"' || *p == '\'') ? *p++ : 0;
		argv[argc++] = p;
		while (*p && (quote ? *p != quote : *p != ' '))
			p++;
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	*status = app->main(argc, argv);
	return 0;
}

/* An application's exit status leaves QEMU as its exit code. Linux keeps status & 0xff; QEMU's
 * exit code carries 0..126 (see arch_exit), so larger values are reported as 126. */
void app_exit(int status)
{
	int s = status & 0xff;
	if (trace_enabled)
		trace_report();		/* the summary at shutdown */
	if (s > EXIT_STATUS_MAX) {
		printk("epunk: exit status %d reported as %d (the most QEMU's exit code carries)\n", s,
		       EXIT_STATUS_MAX);
		s = EXIT_STATUS_MAX;
	}
	arch_exit(s);
}
