/* SPDX-License-Identifier: MIT */
/* Error numbers inside the kernel: Linux's values (include/uapi/errno.h), returned negated. */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#include <uapi/errno.h>

#endif
