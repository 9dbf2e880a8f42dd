/* SPDX-License-Identifier: MIT */
/* Names (kernel/path.c): the paths epunk knows, resolved as Linux resolves paths. */
#ifndef KERNEL_PATH_H
#define KERNEL_PATH_H

#include <stdint.h>

struct file_operations;

/* What a name leads to. */
struct path_node {
	unsigned mode;				/* type and permission bits */
	unsigned long rdev;			/* a device's number (STAT_DEV), else 0 */
	uint64_t ino;				/* the same at every lookup; below FILE_INO_FIRST */
	uint64_t size;				/* an initrd file's bytes, else 0 */
	const struct file_operations *fops;	/* what open() makes of it; NULL: epunk cannot
						 * open it */
};

/**
 * path_lookup - the node the path @upath (a system call's argument) names; a relative path
 * starts at @dirfd: AT_FDCWD is the working directory, /, and no descriptor is a directory.
 * Returns 0 with @node filled; -EFAULT (the path cannot be read), -ENAMETOOLONG (PATH_MAX bytes
 * or more, or a component over NAME_MAX), -ENOENT (no such name, or the empty path), -ENOTDIR
 * (a component after one that is not a directory, or a trailing slash after it, or @dirfd is
 * not a directory), -EBADF (@dirfd is not open), -ENOMEM.
 */
int path_lookup(int dirfd, const char *upath, struct path_node *node);
/** path_cwd - the working directory's node (every thread's is /). */
void path_cwd(struct path_node *node);

#endif
