/* SPDX-License-Identifier: MIT */
/* Signal sets as epoll_pwait passes them. epunk delivers no signals; the mask is accepted. */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

/* The kernel's sigset_t on x86-64: 64 signals, 8 bytes (glibc passes this size). */
#define KERNEL_SIGSET_SIZE	8

typedef struct {
	unsigned long sig[1];
} sigset_t;

#endif
