// SPDX-License-Identifier: MIT
/*
 * Names. There is no file system: the names epunk knows are / and /dev (directories), /dev/null
 * and /dev/zero (kernel/devices.c), and the initrd's regular files and directories, with the
 * directories their paths imply. The working directory is / for every thread. A path is resolved
 * as Linux resolves one, a component at a time: repeated slashes, "." and ".." (no symbolic
 * links: ".." is the parent by name), a component only below a directory, a trailing slash only
 * after one. open() opens the two devices; the initrd's files and the directories are found
 * (their status can be read) but cannot be opened: EACCES.
 */
#include <kernel/compiler.h>
#include <kernel/devices.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/initrd.h>
#include <kernel/path.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <limits.h>
#include <string.h>
#include <uapi/stat.h>

/* Inode numbers: a built-in name's is its index + 1; the initrd's i-th entry's INO_INITRD + 2i,
 * the directory first implied by it INO_INITRD + 2i + 1. */
#define INO_INITRD	16
/* No name epunk knows is longer (the built-in ones are shorter). */
#define NODE_PATH_MAX	INITRD_PATH_MAX

static const struct {
	const char *path;
	unsigned mode;				/* a directory's; a device's is its fops' */
	const struct file_operations *fops;
} builtins[] = {
	{ "/", S_IFDIR | 0755, NULL },
	{ "/dev", S_IFDIR | 0755, NULL },
	{ "/dev/null", 0, &dev_null_fops },
	{ "/dev/zero", 0, &dev_zero_fops },
};

/* The node at the absolute, canonical @path; false when there is none. The initrd's entries of
 * other types (links, devices) are not served: they are not found. */
static bool node_find(const char *path, struct path_node *n)
{
	const struct initrd_file *f;
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(builtins); i++) {
		if (strcmp(builtins[i].path, path))
			continue;
		const struct file_operations *fops = builtins[i].fops;
		*n = (struct path_node){ fops ? fops->mode : builtins[i].mode,
					 fops ? fops->rdev : 0, (uint64_t)i + 1, 0, fops };
		return true;
	}
	for (i = 0; (f = initrd_file(i)); i++) {
		if (strcmp(f->path, path))
			continue;
		unsigned type = f->mode & S_IFMT;
		if (type != S_IFREG && type != S_IFDIR)
			return false;
		*n = (struct path_node){ f->mode, 0, INO_INITRD + 2 * (uint64_t)i,
					 type == S_IFREG ? f->size : 0, NULL };
		return true;
	}
	size_t len = strlen(path);
	for (i = 0; (f = initrd_file(i)); i++) {
		if (!strncmp(f->path, path, len) && f->path[len] == '/') {
			*n = (struct path_node){ S_IFDIR | 0755, 0,
						 INO_INITRD + 2 * (uint64_t)i + 1, 0, NULL };
			return true;
		}
	}
	return false;
}

void path_cwd(struct path_node *node)
{
	node_find("/", node);
}

/* Resolve @p (a kernel copy, not empty) from the working directory. */
static int walk(const char *p, struct path_node *node)
{
	char cur[NODE_PATH_MAX + 1] = "";	/* the node's path; "" is / */
	size_t n = 0;

	path_cwd(node);
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - c);
		if (!S_ISDIR(node->mode))
			return -ENOTDIR;
		if (len == 1 && c[0] == '.')
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n && cur[--n] != '/')
				;
			cur[n] = '\0';
			if (!node_find(n ? cur : "/", node))
				return -ENOENT;
			continue;
		}
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (n + 1 + len > NODE_PATH_MAX)
			return -ENOENT;
		cur[n++] = '/';
		memcpy(cur + n, c, len);
		n += len;
		cur[n] = '\0';
		if (!node_find(cur, node))
			return -ENOENT;
	}
	if (p[-1] == '/' && !S_ISDIR(node->mode))
		return -ENOTDIR;
	return 0;
}

int path_lookup(int dirfd, const char *upath, struct path_node *node)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long len = uaccess_strncpy(buf, upath, PATH_MAX);
	int err;
	if (len < 0) {
		err = (int)len;
	} else if (len == PATH_MAX) {
		err = -ENAMETOOLONG;
	} else if (!len) {
		err = -ENOENT;
	} else if (buf[0] != '/' && dirfd != AT_FDCWD) {
		struct file *d = fd_get(dirfd);
		err = d ? -ENOTDIR : -EBADF;
		if (d)
			file_put(d);
	} else {
		err = walk(buf, node);
	}
	kfree(buf);
	return err;
}

/* Flags open() accepts and keeps (the rest of Linux's are meaningless without a file system). */
#define OPEN_KEEP	(O_ACCMODE | O_NONBLOCK | O_APPEND | O_CLOEXEC)

long sys_openat(int dirfd, const char *path, int flags, unsigned mode)
{
	struct path_node node;

	(void)mode;
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	int err = path_lookup(dirfd, path, &node);
	if (err)
		return err == -ENOENT && (flags & O_CREAT) ? -EROFS : err;
	if ((flags & O_DIRECTORY) && !S_ISDIR(node.mode))
		return -ENOTDIR;
	if (!node.fops)
		return -EACCES;
	struct file *f = file_alloc(node.fops, NULL, (unsigned)flags & OPEN_KEEP & ~O_CLOEXEC);
	if (!f)
		return -ENOMEM;
	f->f_ino = node.ino;
	int fd = fd_install_new(f, (unsigned)flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(const char *path, int flags, unsigned mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}
