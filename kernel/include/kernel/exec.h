/* SPDX-License-Identifier: MIT */
/* Loading a static ELF executable into user space (kernel/exec.c). */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <stddef.h>
#include <stdint.h>

struct exec_image {
	uint64_t entry;		/* where the main thread starts */
	uint64_t sp;		/* its stack pointer: argc, argv, envp, auxv as Linux lays them out */
};

/**
 * exec_load - replace user space with the executable @image (@size bytes; @path names it, for
 * AT_EXECFN) and the initial stack for @argv and @envp (NULL-terminated; either may be NULL).
 * Returns 0 and fills @out, or -ENOEXEC/-ENOMEM with a one-line reason in @err (nothing stays
 * mapped then).
 */
int exec_load(const char *path, const void *image, size_t size, char *const argv[],
	      char *const envp[], struct exec_image *out, char *err, size_t errlen);

#endif
