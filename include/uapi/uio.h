/* SPDX-License-Identifier: MIT */
/* Scatter/gather vectors for readv/writev: Linux's x86-64 layout. */
#ifndef UAPI_UIO_H
#define UAPI_UIO_H

#include <stddef.h>

struct iovec {
	void *iov_base;		/* start of the buffer */
	size_t iov_len;		/* its length in bytes */
};

#endif
