// SPDX-License-Identifier: MIT
/* Starting an application: an executable of the initrd in user mode (kernel/proc.c), its
 * arguments split into argv as a shell would (quotes group words); ending it: its status becomes
 * QEMU's exit code. */
#include <arch/cpu.h>
#include <kernel/app.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/trace.h>
#include <string.h>

#define APP_MAX_ARGS	32
#define APP_ARGS_MAX	512

/* Split @args at spaces (quotes group words) into argv[1..]; argv[0] = @name. */
static int split_args(const char *name, const char *args, char *buf, size_t size, char **argv)
{
	int argc = 0;

	argv[argc++] = (char *)name;
	size_t n = strnlen(args, size - 1);
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
	return argc;
}

/* The environment a program starts with (Linux's init gives a similar one). */
static char *const app_envp[] = { "PATH=/bin", "HOME=/", "TERM=linux", NULL };

int app_start(const struct initrd_file *exe, const char *args)
{
	static char buf[APP_ARGS_MAX];
	char *argv[APP_MAX_ARGS + 2];
	char err[160];
	const char *base = strrchr(exe->path, '/') + 1;

	split_args(base, args, buf, sizeof(buf), argv);
	int rc = proc_start(exe->path, exe->data, exe->size, argv, app_envp, err, sizeof(err));
	if (rc)
		printk("epunk: cannot run %s: %s\n", exe->path, err);
	return rc;
}

void app_not_found(const char *name)
{
	int n = 0;
	printk("epunk: no program '%s' in the initrd; it has:", name);
	for (const struct initrd_file *f; (f = initrd_file(n)); n++)
		if ((f->mode & INITRD_S_IFMT) == INITRD_S_IFREG)
			printk(" %s", f->path);
	printk("%s\n", n ? "" : " nothing (no -initrd given?)");
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
