// SPDX-License-Identifier: MIT
/*
 * Names: paths resolved as Linux resolves them, a component at a time, over the read-only file
 * tree (kernel/tree.c): repeated slashes, "." and ".." (no symbolic links: ".." is the parent
 * by name), a component only below a directory, a trailing slash only after one. A relative
 * path starts at the working directory or at a directory's descriptor. open() gives the tree's
 * files and directories for reading and refuses, with Linux's errno and in Linux's order, what
 * would write to a read-only file system: EROFS for writing or truncating a file, or creating a
 * name; EISDIR for writing a directory; EEXIST for O_EXCL on a name that exists.
 *
 * The working directory is the process's (threads share it, as CLONE_FS shares it), kept as a
 * canonical path under cwd.lock; the file-creation mask too, though nothing is ever created.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/path.h>
#include <kernel/slab.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/tree.h>
#include <limits.h>
#include <string.h>
#include <uapi/stat.h>

static struct {
	struct spinlock lock;
	char path[PATH_NODE_MAX + 1];	/* canonical */
} cwd = { .lock = SPINLOCK_INIT, .path = "/" };

static unsigned file_umask = 022;	/* Linux's initial mask */

void path_cwd(struct path_node *node)
{
	char path[PATH_NODE_MAX + 1];
	unsigned long flags = spin_lock_irqsave(&cwd.lock);
	memcpy(path, cwd.path, sizeof(path));
	spin_unlock_irqrestore(&cwd.lock, flags);
	tree_find(path, node);		/* the tree never changes: the directory is there */
}

/* The last component of a path, as open(O_CREAT) sees it before looking it up. */
struct path_last {
	const char *name;		/* in the caller's copy of the path */
	size_t len;
	bool slash;			/* a slash follows it */
	bool dot;			/* there is none to create: the path ends in "/", "." or "..",
					 * and resolves to a directory */
};

/*
 * Resolve @p (a kernel copy, not empty) from the directory @base. With @last, stop before a
 * last component that names something to create: @node is then its directory and @last
 * describes it; a path ending in "/", "." or ".." resolves in full (last->dot).
 */
static int walk(const char *base, const char *p, struct path_node *node, struct path_last *last)
{
	char cur[PATH_NODE_MAX + 1];	/* the node's path; "" is / */
	size_t n = *p == '/' || !strcmp(base, "/") ? 0 : strlen(base);

	memcpy(cur, base, n);
	cur[n] = '\0';
	if (!tree_find(n ? cur : "/", node))
		return -ENOENT;
	for (;;) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - c);
		if (!len)
			break;
		if (!S_ISDIR(node->mode))
			return -ENOTDIR;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (last) {
			const char *rest = p;
			while (*rest == '/')
				rest++;
			bool dot = c[0] == '.' && (len == 1 || (len == 2 && c[1] == '.'));
			if (!*rest && !dot) {
				*last = (struct path_last){ c, len, *p == '/', false };
				return 0;
			}
		}
		if (len == 1 && c[0] == '.')
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n && cur[--n] != '/')
				;
			cur[n] = '\0';
			if (!tree_find(n ? cur : "/", node))
				return -ENOENT;
			continue;
		}
		if (n + 1 + len > PATH_NODE_MAX)
			return -ENOENT;
		cur[n++] = '/';
		memcpy(cur + n, c, len);
		n += len;
		cur[n] = '\0';
		if (!tree_find(cur, node))
			return -ENOENT;
	}
	if (last)
		*last = (struct path_last){ NULL, 0, false, true };	/* "/", ".", "..": a directory */
	else if (p[-1] == '/' && !S_ISDIR(node->mode))
		return -ENOTDIR;
	return 0;
}

/* The directory a relative path starts at: the working directory for AT_FDCWD, else @dirfd's
 * (-EBADF, -ENOTDIR). Its canonical path goes to @base. */
static int start_dir(int dirfd, char *base)
{
	if (dirfd == AT_FDCWD) {
		unsigned long flags = spin_lock_irqsave(&cwd.lock);
		memcpy(base, cwd.path, PATH_NODE_MAX + 1);
		spin_unlock_irqrestore(&cwd.lock, flags);
		return 0;
	}
	struct file *d = fd_get(dirfd);
	if (!d)
		return -EBADF;
	const char *path = tree_dir_path(d);
	if (path)
		memcpy(base, path, strlen(path) + 1);
	file_put(d);
	return path ? 0 : -ENOTDIR;
}

/* Copy the user's path into @buf (PATH_MAX bytes) and resolve it; see walk for @last. */
static int resolve(int dirfd, const char *upath, char *buf, struct path_node *node,
		   struct path_last *last)
{
	char base[PATH_NODE_MAX + 1] = "/";
	long len = uaccess_strncpy(buf, upath, PATH_MAX);
	if (len < 0)
		return (int)len;
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if (!len)
		return -ENOENT;
	if (buf[0] != '/') {
		int err = start_dir(dirfd, base);
		if (err)
			return err;
	}
	return walk(base, buf, node, last);
}

int path_lookup(int dirfd, const char *upath, struct path_node *node)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	int err = resolve(dirfd, upath, buf, node, NULL);
	kfree(buf);
	return err;
}

/* The last component of an O_CREAT open, in the directory @node: found (0, @node is now it),
 * or -EROFS, since nothing can be created in the tree. */
static int lookup_last(struct path_node *node, const struct path_last *last)
{
	char path[PATH_NODE_MAX + 1];
	size_t n = strcmp(node->path, "/") ? strlen(node->path) : 0;

	if (n + 1 + last->len > PATH_NODE_MAX)
		return -EROFS;
	memcpy(path, node->path, n);
	path[n] = '/';
	memcpy(path + n + 1, last->name, last->len);
	path[n + 1 + last->len] = '\0';
	return tree_find(path, node) ? 0 : -EROFS;
}

/* Flags open() accepts and keeps (the rest of Linux's are meaningless here). */
#define OPEN_KEEP	(O_ACCMODE | O_NONBLOCK | O_APPEND | O_CLOEXEC | O_LARGEFILE)
#define O_TMPFILE_BIT	(O_TMPFILE & ~O_DIRECTORY)

/* The checks of Linux's open, in its order, for a tree that cannot be written. */
static int open_node(int dirfd, const char *upath, int flags, char *buf, struct path_node *node)
{
	unsigned acc = (unsigned)flags & O_ACCMODE;
	bool write = acc != O_RDONLY;	/* O_WRONLY, O_RDWR, and 3 (read and write access) */
	struct path_last last;
	int err;

	if (flags & O_TMPFILE_BIT) {
		if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || !write)
			return -EINVAL;
		err = resolve(dirfd, upath, buf, node, NULL);
		if (err)
			return err;
		return S_ISDIR(node->mode) ? -EROFS : -ENOTDIR;
	}
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if (flags & O_CREAT) {
		err = resolve(dirfd, upath, buf, node, &last);
		if (err)
			return err;
		if (!last.dot && last.slash)
			return -EISDIR;
		if (!last.dot) {
			err = lookup_last(node, &last);
			if (err)
				return err;
		}
		if (flags & O_EXCL)
			return -EEXIST;
		if (S_ISDIR(node->mode))
			return -EISDIR;
	} else {
		err = resolve(dirfd, upath, buf, node, NULL);
		if (err)
			return err;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(node->mode))
		return -ENOTDIR;
	if (S_ISDIR(node->mode) && (write || (flags & O_TRUNC)))
		return -EISDIR;
	if (!node->fops && (write || (flags & O_TRUNC)))
		return -EROFS;		/* a file of the tree: a device may be written */
	return 0;
}

long sys_openat(int dirfd, const char *upath, int flags, unsigned mode)
{
	struct path_node node;
	struct file *f;

	(void)mode;	/* nothing is created */
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	int err = open_node(dirfd, upath, flags, buf, &node);
	kfree(buf);
	if (err)
		return err;
	err = tree_open(&node, (unsigned)flags & OPEN_KEEP & ~O_CLOEXEC, &f);
	if (err)
		return err;
	return fd_install_or_put(f, (unsigned)flags & O_CLOEXEC);
}

long sys_open(const char *path, int flags, unsigned mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

/* ---- the working directory and the mask ---- */

/* Linux's getcwd: the length with the NUL; ERANGE when @size cannot hold it. */
long sys_getcwd(char *buf, unsigned long size)
{
	char path[PATH_NODE_MAX + 1];
	unsigned long flags = spin_lock_irqsave(&cwd.lock);
	memcpy(path, cwd.path, sizeof(path));
	spin_unlock_irqrestore(&cwd.lock, flags);
	size_t len = strlen(path) + 1;
	if (len > size)
		return -ERANGE;
	if (!uaccess_write_ok(buf, len))
		return -EFAULT;
	memcpy(buf, path, len);
	return (long)len;
}

static long set_cwd(const struct path_node *node)
{
	if (!S_ISDIR(node->mode))
		return -ENOTDIR;
	unsigned long flags = spin_lock_irqsave(&cwd.lock);
	memcpy(cwd.path, node->path, strlen(node->path) + 1);
	spin_unlock_irqrestore(&cwd.lock, flags);
	return 0;
}

long sys_chdir(const char *upath)
{
	struct path_node node;
	int err = path_lookup(AT_FDCWD, upath, &node);
	return err ? err : set_cwd(&node);
}

long sys_fchdir(int fd)
{
	struct path_node node;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	const char *path = tree_dir_path(f);
	bool found = path && tree_find(path, &node);
	file_put(f);
	return found ? set_cwd(&node) : -ENOTDIR;
}

long sys_umask(int mask)
{
	return __atomic_exchange_n(&file_umask, (unsigned)mask & 0777, __ATOMIC_RELAXED);
}
