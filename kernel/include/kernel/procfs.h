/* SPDX-License-Identifier: MIT */
/* The generated files of /proc and /sys (kernel/procfs.c): each writes its text into @buf
 * (@size bytes) and returns its length, at most @size - 1; the tree reads it when the file is
 * opened. */
#ifndef KERNEL_PROCFS_H
#define KERNEL_PROCFS_H

#include <stddef.h>

#define PROCFS_TEXT_MAX	1024	/* room for the longest text */

/** procfs_self_stat - /proc/self/stat: the process's 52 fields, as proc(5) lists them. */
int procfs_self_stat(char *buf, size_t size);
/** procfs_somaxconn - /proc/sys/net/core/somaxconn: the largest listen() backlog. */
int procfs_somaxconn(char *buf, size_t size);
/** procfs_overcommit_memory - /proc/sys/vm/overcommit_memory: the memory overcommit mode. */
int procfs_overcommit_memory(char *buf, size_t size);
/** procfs_thp_enabled - /sys/kernel/mm/transparent_hugepage/enabled. */
int procfs_thp_enabled(char *buf, size_t size);

#endif
