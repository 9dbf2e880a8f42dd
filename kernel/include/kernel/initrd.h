/* SPDX-License-Identifier: MIT */
/* The files given at boot (kernel/initrd.c): QEMU's -initrd, read-only, in place. */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include <arch/boot.h>
#include <stddef.h>
#include <stdint.h>

#define INITRD_S_IFMT	0170000
#define INITRD_S_IFDIR	0040000
#define INITRD_S_IFREG	0100000
#define INITRD_S_IFLNK	0120000
#define INITRD_PATH_MAX	256	/* the longest path of an initrd file, its NUL excluded */

struct initrd_file {
	const char *path;	/* absolute, normalised: "/bin/echo" */
	const uint8_t *data;	/* the contents, in the boot module */
	size_t size;
	unsigned mode;		/* type and permission bits, as cpio gives them */
};

/**
 * initrd_init - index the first boot module: a cpio archive (newc, what `cpio -H newc` writes),
 * or a single executable file, then named /bin/app. No module: an empty tree. Returns 0, or
 * -EINVAL with the problem in @err (a damaged archive: nothing is kept).
 */
int initrd_init(const struct boot_info *bi, char *err, size_t errlen);
/** initrd_lookup - the file at @path ("/bin/echo", or "echo" for /bin/echo), or NULL. */
const struct initrd_file *initrd_lookup(const char *path);
/** initrd_file - the @i-th file in archive order, or NULL past the last. */
const struct initrd_file *initrd_file(int i);

#endif
