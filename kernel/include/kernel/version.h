/* SPDX-License-Identifier: MIT */
/* The kernel's version, for the banner and uname(2). */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define EPUNK_VERSION	"0.1"

#endif
