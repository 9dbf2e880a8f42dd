/* SPDX-License-Identifier: MIT */
/* Open files and the descriptor table. A struct file is refcounted; its f_op says how to read,
 * write, poll and release it. The descriptor table is the kernel's one process's: every thread
 * shares it. Closing the last reference to a file removes it from every epoll set watching it. */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include <kernel/list.h>
#include <kernel/rcu.h>
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uapi/fcntl.h>

struct file;
struct poll_table;
struct iovec;

/* A directory's walk (getdents64): the file's iterate operation calls emit for each entry from
 * ctx->pos on, setting ctx->pos to the entry's position first; it stops at the first entry emit
 * refuses (no room), whose position becomes the file's. */
struct dir_context {
	/* emit: one entry (@name of @len bytes, inode number, DT_* type); false when it does not
	 * fit. */
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned type);
	long long pos;		/* the entry being emitted */
};

struct file_operations {
	/* read/write: bytes moved, or a negative errno (-EAGAIN when non-blocking and none). */
	ssize_t (*read)(struct file *f, void *buf, size_t len);
	ssize_t (*write)(struct file *f, const void *buf, size_t len);
	/*
	 * poll: the current readiness mask (EPOLL* bits). When @pt has a queue procedure, also
	 * call poll_wait() for every wait queue whose wake-ups may change that mask. Must not
	 * sleep: eventpoll calls it with locks held and from its callbacks' aftermath.
	 */
	uint32_t (*poll)(struct file *f, struct poll_table *pt);
	/* release: the last reference is gone; free the private state. */
	void (*release)(struct file *f);
	/* fcntl(F_SETFL) hook for files that care about O_NONBLOCK changes (may be NULL). */
	int (*set_flags)(struct file *f, unsigned flags);
	/* ioctl: the file's own requests (sys_ioctl handles the generic ones first); -ENOTTY for
	 * one it does not know. NULL: none. */
	long (*ioctl)(struct file *f, unsigned cmd, unsigned long arg);
	/* llseek: the new position for SEEK_SET..SEEK_HOLE (the caller refuses other values), or
	 * a negative errno. NULL: the file has no position (a pipe, a socket): ESPIPE. */
	long long (*llseek)(struct file *f, long long off, int whence);
	/* pread/pwrite: read/write at byte @pos (>= 0), the file's position left alone. NULL: the
	 * file has no position: ESPIPE. */
	ssize_t (*pread)(struct file *f, void *buf, size_t len, long long pos);
	ssize_t (*pwrite)(struct file *f, const void *buf, size_t len, long long pos);
	/* iterate: a directory's entries from its position on (struct dir_context). NULL: not a
	 * directory. */
	int (*iterate)(struct file *f, struct dir_context *ctx);
	/* getattr: the mode and size fstat reports of this open file, when they are its own
	 * rather than its kind's (a file of the tree). NULL: the kind's mode below, size 0. */
	void (*getattr)(const struct file *f, unsigned *mode, uint64_t *size);
	const char *name;	/* "pipe", "eventfd", "eventpoll", "socket": for reports */
	/* What fstat says of this kind of file, as Linux says it of the same kind: the type and
	 * permission bits (S_IFIFO | 0600 for a pipe; an anonymous inode's, eventfd's and epoll's,
	 * have no type bits) and, for a character device, its number (STAT_DEV), else 0. */
	unsigned mode;
	unsigned long rdev;
};

struct file {
	long refcount;				/* references: descriptors, epitems in flight, callers */
	const struct file_operations *f_op;
	unsigned f_flags;			/* O_NONBLOCK, O_RDONLY/O_WRONLY/O_RDWR */
	void *private_data;			/* the object behind the file */
	struct spinlock f_lock;			/* protects f_ep_links */
	struct list_head f_ep_links;		/* epitems watching this file (epitem.fllink) */
	struct list_head f_tfile_llink;		/* on eventpoll's loop-check list while checked */
	struct rcu_head f_rcu;			/* frees it after a grace period */
	uint64_t f_ino;				/* its inode number for fstat: its own, or the
						 * one its creator shares it with */
};

/* Files made by file_alloc are numbered from here up; the numbers below are names'
 * (kernel/path.c). */
#define FILE_INO_FIRST	(1ULL << 32)

/** file_alloc - a new file with one reference and a fresh inode number. Returns NULL when
 * memory runs out. */
struct file *file_alloc(const struct file_operations *ops, void *private_data, unsigned flags);
/** file_get - take a reference (the caller holds one already). */
void file_get(struct file *f);
/** file_get_unless_zero - take a reference unless the last one is gone (the file is being
 * released); for callers that found @f on a list rather than through a reference. */
bool file_get_unless_zero(struct file *f);
/** file_put - drop a reference; the last one removes it from epoll sets and releases it. */
void file_put(struct file *f);
static inline bool file_can_poll(const struct file *f)
{
	return f->f_op->poll != NULL;
}
/* Operations for files whose position means nothing (Linux's noop_llseek and the memory
 * devices): every seek answers 0, and pread/pwrite are read/write. */
long long file_llseek_zero(struct file *f, long long off, int whence);
ssize_t file_pread_unpositioned(struct file *f, void *buf, size_t len, long long pos);
ssize_t file_pwrite_unpositioned(struct file *f, const void *buf, size_t len, long long pos);

/* The descriptor table. */
#define FD_DEFAULT_LIMIT	65536

/** fd_install_new - give @f the lowest free descriptor (O_CLOEXEC in @flags sets FD_CLOEXEC);
 * the table takes over the caller's reference. Returns the descriptor or -EMFILE. */
int fd_install_new(struct file *f, unsigned flags);
/** fd_install_or_put - fd_install_new, and the caller's reference dropped when there is no free
 * descriptor: what a call that has just made @f returns to its caller. */
int fd_install_or_put(struct file *f, unsigned flags);
/** fd_get - the file behind @fd with a reference taken, or NULL (caller returns -EBADF). */
struct file *fd_get(int fd);
/** fd_close - release descriptor @fd. Returns 0 or -EBADF. */
int fd_close(int fd);
int fd_dup(int oldfd, int minfd, unsigned flags);
int fd_dup3(int oldfd, int newfd, unsigned flags);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/** fd_set_limit - the highest descriptor number + 1 allowed (for EMFILE). */
int fd_set_limit(int limit);
int fd_get_limit(void);
/** fd_count - descriptors in use (tests, leak checks). */
int fd_count(void);
/** files_alive - struct files not yet released (tests, leak checks). */
long files_alive(void);

#endif
