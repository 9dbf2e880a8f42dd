/* SPDX-License-Identifier: MIT */
/* Names (kernel/path.c): paths resolved as Linux resolves them, over the read-only file tree of
 * kernel/tree.c; the working directory and the file-creation mask. */
#ifndef KERNEL_PATH_H
#define KERNEL_PATH_H

#include <kernel/initrd.h>
#include <stdint.h>

struct file_operations;

/* No name epunk knows is longer (the built-in ones are shorter). */
#define PATH_NODE_MAX	INITRD_PATH_MAX

/* What a name leads to. */
struct path_node {
	unsigned mode;				/* type and permission bits */
	unsigned long rdev;			/* a device's number (STAT_DEV), else 0 */
	uint64_t ino;				/* the same at every lookup; below FILE_INO_FIRST */
	uint64_t size;				/* st_size: an initrd file's bytes; a generated
						 * file's as Linux reports it */
	const struct file_operations *fops;	/* a device: what open() makes of it */
	const uint8_t *data;			/* an initrd file's contents (size bytes) */
	int (*show)(char *buf, size_t size);	/* a generated file: writes its text, returns
						 * its length (kernel/procfs.c) */
	char path[PATH_NODE_MAX + 1];		/* absolute and canonical: "/", "/dev/null" */
};

/**
 * path_lookup - the node the path @upath (a system call's argument) names; a relative path
 * starts at @dirfd: AT_FDCWD is the working directory, else a directory's descriptor.
 * Returns 0 with @node filled; -EFAULT (the path cannot be read), -ENAMETOOLONG (PATH_MAX bytes
 * or more, or a component over NAME_MAX), -ENOENT (no such name, or the empty path), -ENOTDIR
 * (a component after one that is not a directory, or a trailing slash after it, or @dirfd is
 * not a directory), -EBADF (@dirfd is not open), -ENOMEM.
 */
int path_lookup(int dirfd, const char *upath, struct path_node *node);
/** path_cwd - the working directory's node. */
void path_cwd(struct path_node *node);

long sys_getcwd(char *buf, unsigned long size);
long sys_chdir(const char *path);
long sys_fchdir(int fd);
long sys_umask(int mask);

#endif
