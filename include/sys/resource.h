/* SPDX-License-Identifier: MIT */
/* <sys/resource.h>: resource limits. epunk enforces RLIMIT_NOFILE (the descriptor table's size);
 * the other limits read as unlimited and cannot be set (EINVAL). */
#ifndef EPUNK_SYS_RESOURCE_H
#define EPUNK_SYS_RESOURCE_H

#include <uapi/resource.h>

int getrlimit(int resource, struct rlimit *rl);
int setrlimit(int resource, const struct rlimit *rl);

#endif
