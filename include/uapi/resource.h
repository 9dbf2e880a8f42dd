/* SPDX-License-Identifier: MIT */
/* Resource limits ABI (x86-64). */
#ifndef UAPI_RESOURCE_H
#define UAPI_RESOURCE_H

typedef unsigned long rlim_t;

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

#define RLIMIT_CPU	0
#define RLIMIT_FSIZE	1
#define RLIMIT_DATA	2
#define RLIMIT_STACK	3
#define RLIMIT_CORE	4
#define RLIMIT_RSS	5
#define RLIMIT_NPROC	6
#define RLIMIT_NOFILE	7
#define RLIMIT_MEMLOCK	8
#define RLIMIT_AS	9
#define RLIM_NLIMITS	16
#define RLIM_INFINITY	(~0UL)

#endif
