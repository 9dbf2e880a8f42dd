/* SPDX-License-Identifier: MIT */
/* The read-only file tree (kernel/tree.c): the names epunk has and what opening them gives. */
#ifndef KERNEL_TREE_H
#define KERNEL_TREE_H

#include <kernel/path.h>
#include <stdbool.h>

struct file;

/**
 * tree_find - the node at the absolute, canonical @path ("/", "/dev/null": no "." or ".."
 * components, no repeated or trailing slash). False when there is none.
 */
bool tree_find(const char *path, struct path_node *node);
/**
 * tree_open - a new file (one reference) for @node, which open(2) has checked: a device's
 * file, or a read-only file or directory of the tree with its own position. @flags are the
 * file's status flags (O_ACCMODE, O_NONBLOCK, ...). Returns 0, or -ENOMEM.
 */
int tree_open(const struct path_node *node, unsigned flags, struct file **out);
/**
 * tree_dir_path - the canonical path of the directory @f was opened on, or NULL when @f is
 * not a directory of the tree. Valid while the caller holds its reference.
 */
const char *tree_dir_path(const struct file *f);

#endif
