/* SPDX-License-Identifier: MIT */
/* The application: an executable of the initrd, started in user mode, whose end ends the machine. */
#ifndef KERNEL_APP_H
#define KERNEL_APP_H

#include <kernel/compiler.h>
#include <kernel/initrd.h>

/**
 * app_start - start the executable @exe of the initrd in user mode with the space-separated
 * @args (quotes group words) as argv[1..] (argv[0]: its file name). Returns 0 once its main
 * thread is started, or a negative errno after printing why it cannot run.
 */
int app_start(const struct initrd_file *exe, const char *args);

/** app_not_found - say that the initrd has no program @name, and list what it has. */
void app_not_found(const char *name);
/** app_exit - end the application: QEMU exits with @status & 0xff (at most 126). */
NORETURN void app_exit(int status);

#endif
