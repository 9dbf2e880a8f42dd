// SPDX-License-Identifier: MIT
/*
 * The read-only file tree: the built-in names (/, /dev and its devices, the few /proc and /sys
 * files a server reads) and the initrd's regular files and directories, with the directories
 * their paths imply. The initrd's other entries (links, devices) are not served. A built-in name
 * hides an initrd entry of the same path. Nothing in the tree changes after boot, so lookups
 * take no lock.
 *
 * Opening a name gives a device's file, or a file of the tree with its own position: a regular
 * file reads the initrd's bytes in place, a generated one (kernel/procfs.c) a snapshot of its text
 * taken at open, a directory lists its children (getdents64). The position is protected by the
 * open file's mutex, as Linux's f_pos_lock serialises read, lseek and getdents64 on one file.
 */
#include <kernel/compiler.h>
#include <kernel/devices.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/initrd.h>
#include <kernel/mutex.h>
#include <kernel/procfs.h>
#include <kernel/slab.h>
#include <kernel/tree.h>
#include <kernel/uaccess.h>
#include <limits.h>
#include <string.h>
#include <uapi/dirent.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

/* Inode numbers: a built-in name's is its index + 1; the initrd's i-th entry's INO_INITRD + 2i,
 * the directory first implied by it INO_INITRD + 2i + 1. */
#define INO_INITRD	64

static const struct builtin {
	const char *path;
	unsigned mode;				/* a directory's or generated file's; a device's
						 * is its fops' */
	const struct file_operations *fops;	/* a device */
	int (*show)(char *buf, size_t size);	/* a generated file */
	uint64_t size;				/* a generated file's st_size, as Linux's */
} builtins[] = {
#define DIR(p, m)		{ .path = p, .mode = S_IFDIR | (m) }
#define DEV(p, f)		{ .path = p, .fops = f }
#define GEN(p, m, fn, sz)	{ .path = p, .mode = S_IFREG | (m), .show = fn, .size = sz }
	DIR("/", 0755),
	DIR("/dev", 0755),
	DEV("/dev/null", &dev_null_fops),
	DEV("/dev/zero", &dev_zero_fops),
	DEV("/dev/random", &dev_random_fops),
	DEV("/dev/urandom", &dev_urandom_fops),
	DIR("/proc", 0555),
	DIR("/proc/self", 0555),
	GEN("/proc/self/stat", 0444, procfs_self_stat, 0),
	DIR("/proc/sys", 0555),
	DIR("/proc/sys/net", 0555),
	DIR("/proc/sys/net/core", 0555),
	GEN("/proc/sys/net/core/somaxconn", 0644, procfs_somaxconn, 0),
	DIR("/proc/sys/vm", 0555),
	GEN("/proc/sys/vm/overcommit_memory", 0644, procfs_overcommit_memory, 0),
	DIR("/sys", 0555),
	DIR("/sys/kernel", 0755),
	DIR("/sys/kernel/mm", 0755),
	DIR("/sys/kernel/mm/transparent_hugepage", 0755),
	GEN("/sys/kernel/mm/transparent_hugepage/enabled", 0644, procfs_thp_enabled, 4096),
#undef DIR
#undef DEV
#undef GEN
};
_Static_assert(ARRAY_SIZE(builtins) < INO_INITRD, "built-in inode numbers overlap the initrd's");

static bool served(const struct initrd_file *f)
{
	unsigned type = f->mode & S_IFMT;
	return type == S_IFREG || type == S_IFDIR;
}

static void node_set(struct path_node *n, const char *path, unsigned mode, uint64_t ino)
{
	*n = (struct path_node){ .mode = mode, .ino = ino };
	size_t len = strlen(path);
	memcpy(n->path, path, len + 1);		/* every path fits: INITRD_PATH_MAX */
}

bool tree_find(const char *path, struct path_node *n)
{
	const struct initrd_file *f;
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(builtins); i++) {
		const struct builtin *b = &builtins[i];
		if (strcmp(b->path, path))
			continue;
		node_set(n, path, b->fops ? b->fops->mode : b->mode, (uint64_t)i + 1);
		n->rdev = b->fops ? b->fops->rdev : 0;
		n->fops = b->fops;
		n->show = b->show;
		n->size = b->size;
		return true;
	}
	for (i = 0; (f = initrd_file(i)); i++) {
		if (strcmp(f->path, path))
			continue;
		if (!served(f))
			return false;
		node_set(n, path, f->mode, INO_INITRD + 2 * (uint64_t)i);
		if (S_ISREG(f->mode)) {
			n->size = f->size;
			n->data = f->data;
		}
		return true;
	}
	size_t len = strlen(path);
	for (i = 0; (f = initrd_file(i)); i++) {
		if (!strncmp(f->path, path, len) && f->path[len] == '/' && len > 1) {
			node_set(n, path, S_IFDIR | 0755, INO_INITRD + 2 * (uint64_t)i + 1);
			return true;
		}
	}
	return false;
}

/* ---- directories ---- */

/* The names a directory lists come from sources: the built-ins, then the initrd's entries, in
 * order. Source @k names a child of the directory whose path is @prefix (its path and a slash,
 * "/" for the root) when its path continues below it: the child is the next component. An
 * initrd entry not served names none by itself, but may imply a directory. Returns the child's
 * name (not terminated) and its length in *@len, or NULL. */
static const char *source_child(size_t k, const char *prefix, size_t plen, size_t *len)
{
	const char *p;
	bool entry_served = true;

	if (k < ARRAY_SIZE(builtins)) {
		p = builtins[k].path;
	} else {
		const struct initrd_file *f = initrd_file((int)(k - ARRAY_SIZE(builtins)));
		if (!f)
			return NULL;
		p = f->path;
		entry_served = served(f);
	}
	if (strncmp(p, prefix, plen) || !p[plen])
		return NULL;
	const char *c = p + plen;
	const char *slash = strchr(c, '/');
	if (!slash && !entry_served)
		return NULL;
	*len = slash ? (size_t)(slash - c) : strlen(c);
	return c;
}

static size_t nr_sources(void)
{
	size_t n = ARRAY_SIZE(builtins);
	while (initrd_file((int)(n - ARRAY_SIZE(builtins))))
		n++;
	return n;
}

/* An open directory. */
struct tree_dir {
	struct mutex lock;		/* protects pos */
	long long pos;			/* 0 ".", 1 "..", 2 + k: source k */
	unsigned mode;
	char path[PATH_NODE_MAX + 1];	/* canonical */
	char prefix[PATH_NODE_MAX + 2];	/* its children's paths start so: the path and a slash
					 * ("/" for the root) */
	size_t plen;
};

static unsigned dtype(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFCHR: return DT_CHR;
	default: return DT_UNKNOWN;
	}
}

/* The node named by source @k in directory @d, unless an earlier source names the same child
 * (each child is listed once, at its first source). */
static bool dir_child(const struct tree_dir *d, size_t k, struct path_node *n)
{
	size_t len, l2;
	const char *c = source_child(k, d->prefix, d->plen, &len);
	if (!c)
		return false;
	for (size_t j = 0; j < k; j++) {
		const char *c2 = source_child(j, d->prefix, d->plen, &l2);
		if (c2 && l2 == len && !memcmp(c, c2, len))
			return false;
	}
	char path[PATH_NODE_MAX + 1];
	if (d->plen + len > PATH_NODE_MAX)
		return false;
	memcpy(path, d->prefix, d->plen);
	memcpy(path + d->plen, c, len);
	path[d->plen + len] = '\0';
	return tree_find(path, n);
}

static int dir_iterate(struct file *f, struct dir_context *ctx)
{
	struct tree_dir *d = f->private_data;
	struct path_node n;
	char parent[PATH_NODE_MAX + 1];

	mutex_lock(&d->lock);
	long long pos = d->pos;
	if (pos == 0) {
		ctx->pos = 0;
		if (!ctx->emit(ctx, ".", 1, f->f_ino, DT_DIR))
			goto out;
		pos = 1;
	}
	if (pos == 1) {
		/* The parent: the path before its last slash ("/" is its own parent). */
		size_t plen = (size_t)(strrchr(d->path, '/') - d->path);
		memcpy(parent, d->path, plen);
		parent[plen ? plen : 1] = '\0';
		if (!plen)
			parent[0] = '/';
		tree_find(parent, &n);
		ctx->pos = 1;
		if (!ctx->emit(ctx, "..", 2, n.ino, DT_DIR))
			goto out;
		pos = 2;
	}
	for (size_t end = nr_sources(); pos >= 2 && (size_t)(pos - 2) < end; pos++) {
		if (!dir_child(d, (size_t)(pos - 2), &n))
			continue;
		const char *name = strrchr(n.path, '/') + 1;
		ctx->pos = pos;
		if (!ctx->emit(ctx, name, strlen(name), n.ino, dtype(n.mode)))
			break;
	}
out:
	d->pos = pos;
	mutex_unlock(&d->lock);
	return 0;
}

/* As Linux's in-memory file systems: a position set or moved, never negative; SEEK_END and the
 * data/hole searches mean nothing in a directory. */
static long long dir_llseek(struct file *f, long long off, int whence)
{
	struct tree_dir *d = f->private_data;
	long long ret = -EINVAL;

	mutex_lock(&d->lock);
	if (whence == SEEK_CUR && __builtin_add_overflow(off, d->pos, &off))
		off = -1;
	if ((whence == SEEK_SET || whence == SEEK_CUR) && off >= 0)
		ret = d->pos = off;
	mutex_unlock(&d->lock);
	return ret;
}

static ssize_t dir_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	(void)buf;
	(void)len;
	return -EISDIR;
}

static ssize_t dir_pread(struct file *f, void *buf, size_t len, long long pos)
{
	(void)pos;
	return dir_read(f, buf, len);
}

static void dir_getattr(const struct file *f, unsigned *mode, uint64_t *size)
{
	const struct tree_dir *d = f->private_data;
	*mode = d->mode;
	*size = 0;
}

static void dir_release(struct file *f)
{
	kfree(f->private_data);
}

static const struct file_operations tree_dir_fops = {
	.read = dir_read,
	.pread = dir_pread,
	.llseek = dir_llseek,
	.iterate = dir_iterate,
	.getattr = dir_getattr,
	.release = dir_release,
	.name = "directory",
	.mode = S_IFDIR | 0755,
};

const char *tree_dir_path(const struct file *f)
{
	if (f->f_op != &tree_dir_fops)
		return NULL;
	const struct tree_dir *d = f->private_data;
	return d->path;
}

/* ---- regular files ---- */

/* An open regular file: its bytes, in the initrd or in a snapshot of generated text. */
struct tree_file {
	struct mutex lock;		/* protects pos */
	long long pos;
	const uint8_t *data;
	size_t len;
	unsigned mode;			/* what fstat says */
	uint64_t st_size;
	bool generated;			/* text made at open (owned: freed at release); seeks as
					 * Linux's seq_file, SEEK_SET and SEEK_CUR only */
};

/* Copy the bytes at @pos into the user's @buf; Linux checks the buffer where it copies, so a
 * read at or past the end never looks at it. */
static ssize_t file_copy(const struct tree_file *tf, void *buf, size_t len, long long pos)
{
	if ((unsigned long long)pos >= tf->len)
		return 0;
	size_t n = MIN(len, tf->len - (size_t)pos);
	if (!uaccess_write_ok(buf, n))
		return -EFAULT;
	memcpy(buf, tf->data + pos, n);
	return (ssize_t)n;
}

static ssize_t file_read(struct file *f, void *buf, size_t len)
{
	struct tree_file *tf = f->private_data;

	mutex_lock(&tf->lock);
	ssize_t n = file_copy(tf, buf, len, tf->pos);
	if (n > 0)
		tf->pos += n;
	mutex_unlock(&tf->lock);
	return n;
}

static ssize_t file_pread(struct file *f, void *buf, size_t len, long long pos)
{
	return file_copy(f->private_data, buf, len, pos);
}

/* Linux's generic_file_llseek over a file of len bytes without holes: SEEK_DATA finds data at
 * the offset if it is inside the file, SEEK_HOLE finds the end; both are ENXIO at or past it. */
static long long file_llseek(struct file *f, long long off, int whence)
{
	struct tree_file *tf = f->private_data;
	long long eof = (long long)tf->len, ret = -EINVAL;

	mutex_lock(&tf->lock);
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(off, tf->pos, &off))
			goto out;
		break;
	case SEEK_END:
		if (tf->generated || __builtin_add_overflow(off, eof, &off))
			goto out;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (tf->generated)
			goto out;
		ret = -ENXIO;
		if ((unsigned long long)off >= (unsigned long long)eof)
			goto out;
		if (whence == SEEK_HOLE)
			off = eof;
		break;
	default:
		goto out;
	}
	if (off >= 0)
		ret = tf->pos = off;
out:
	mutex_unlock(&tf->lock);
	return ret;
}

static void file_getattr(const struct file *f, unsigned *mode, uint64_t *size)
{
	const struct tree_file *tf = f->private_data;
	*mode = tf->mode;
	*size = tf->st_size;
}

static void file_release(struct file *f)
{
	struct tree_file *tf = f->private_data;
	if (tf->generated)
		kfree((void *)tf->data);
	kfree(tf);
}

static const struct file_operations tree_file_fops = {
	.read = file_read,
	.pread = file_pread,
	.llseek = file_llseek,
	.getattr = file_getattr,
	.release = file_release,
	.name = "file",
	.mode = S_IFREG | 0644,
};

/* ---- opening ---- */

static int open_file(const struct path_node *n, struct tree_file *tf)
{
	mutex_init(&tf->lock);
	tf->mode = n->mode;
	tf->st_size = n->size;
	if (!n->show) {
		tf->data = n->data;
		tf->len = n->size;
		return 0;
	}
	char *text = kmalloc(PROCFS_TEXT_MAX);
	if (!text)
		return -ENOMEM;
	int len = n->show(text, PROCFS_TEXT_MAX);
	tf->data = (const uint8_t *)text;
	tf->len = len > 0 ? (size_t)len : 0;
	tf->generated = true;
	return 0;
}

int tree_open(const struct path_node *n, unsigned flags, struct file **out)
{
	const struct file_operations *fops = n->fops;
	void *priv = NULL;
	int err;

	if (S_ISDIR(n->mode)) {
		struct tree_dir *d = kzalloc(sizeof(*d));
		if (!d)
			return -ENOMEM;
		mutex_init(&d->lock);
		d->mode = n->mode;
		size_t len = strlen(n->path);
		memcpy(d->path, n->path, len + 1);
		memcpy(d->prefix, n->path, len);
		if (len > 1)
			d->prefix[len++] = '/';
		d->plen = len;
		priv = d;
		fops = &tree_dir_fops;
	} else if (!fops) {
		struct tree_file *tf = kzalloc(sizeof(*tf));
		if (!tf)
			return -ENOMEM;
		err = open_file(n, tf);
		if (err) {
			kfree(tf);
			return err;
		}
		priv = tf;
		fops = &tree_file_fops;
	}
	struct file *f = file_alloc(fops, priv, flags);
	if (!f)
		goto out_free;
	f->f_ino = n->ino;
	*out = f;
	return 0;

out_free:
	if (fops == &tree_file_fops && ((struct tree_file *)priv)->generated)
		kfree((void *)((struct tree_file *)priv)->data);
	kfree(priv);
	return -ENOMEM;
}
