/* SPDX-License-Identifier: MIT */
/* Applications built into the image. Each is an ordinary C program whose main() the build renames
 * to app_<name>_main; tools/build/mkapps.sh generates the table. */
#ifndef KERNEL_APP_H
#define KERNEL_APP_H

#include <kernel/compiler.h>
#include <kernel/initrd.h>

struct app_entry {
	const char *name;
	int (*main)(int argc, char **argv);
};

extern const struct app_entry app_table[];
extern const int app_count;
extern const char app_default[];	/* "" when the image has no default app */

/**
 * app_start - start the executable @exe of the initrd in user mode with the space-separated
 * @args (quotes group words) as argv[1..] (argv[0]: its file name). Returns 0 once its main
 * thread is started, or a negative errno after printing why it cannot run.
 */
int app_start(const struct initrd_file *exe, const char *args);

/**
 * app_run - run application @name with the space-separated @args (quotes group words) as
 * argv[1..], and store main's return value in *@status. Returns 0, or -ENOENT (after listing the
 * applications the image has) when there is no such application.
 */
int app_run(const char *name, const char *args, int *status);
/** app_exit - end the application: QEMU exits with @status & 0xff (at most 126). */
NORETURN void app_exit(int status);

#endif
