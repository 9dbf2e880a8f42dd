/* SPDX-License-Identifier: MIT */
/* Anonymous pipes: Linux's ring of 16 page-sized slots, its readiness masks and wake-up keys.
 * The object-level core the syscall layer and the tests call; sys_pipe/sys_pipe2 are declared in
 * kernel/syscall.h. */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

#include <kernel/file.h>
#include <kernel/page.h>
#include <stdbool.h>

#define PIPE_DEF_BUFFERS	16		/* slots in the ring (Linux's default) */
#define PIPE_SLOT_SIZE		PAGE_SIZE	/* bytes a slot holds: one page */

/**
 * pipe_create - a new pipe: @files[0] is the read end (O_RDONLY), @files[1] the write end
 * (O_WRONLY), each with one reference. @flags: O_NONBLOCK sets it on both ends; O_DIRECT puts the
 * write end in packet mode (as Linux: each write fills its own slots, a read takes at most one
 * slot and drops what it did not take). Other bits are ignored (O_CLOEXEC belongs to the
 * descriptor). Returns 0, or -ENOMEM with @files untouched.
 */
int pipe_create(struct file *files[2], unsigned flags);

/** is_file_pipe - whether @f is either end of a pipe. */
bool is_file_pipe(const struct file *f);

/** pipe_nread - bytes waiting in @f's pipe (what FIONREAD reports), or -EINVAL for a non-pipe. */
long pipe_nread(struct file *f);

/** pipe_slots_used - occupied slots of @f's pipe (0..16), or -EINVAL for a non-pipe. For tests. */
int pipe_slots_used(struct file *f);

/** pipes_alive - pipes not yet freed (tests, leak checks). */
long pipes_alive(void);

#endif
