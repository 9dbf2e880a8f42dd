// SPDX-License-Identifier: MIT
/* Starting an application: find it in the generated table, split its arguments into argv, call
 * its main() on the calling thread. */
#include <kernel/app.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
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
