/* SPDX-License-Identifier: MIT */
/* File status: Linux's x86-64 struct stat (asm/stat.h, 144 bytes), the st_mode bits, and the
 * encoding of device numbers in st_dev and st_rdev. */
#ifndef UAPI_STAT_H
#define UAPI_STAT_H

#include <stddef.h>

#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)

/* A device number as st_dev and st_rdev carry it (Linux's new_encode_dev). */
#define STAT_DEV(major, minor) \
	((unsigned long)(((minor) & 0xff) | ((major) << 8) | (((minor) & ~0xffUL) << 12)))

struct stat {
	unsigned long st_dev;
	unsigned long st_ino;
	unsigned long st_nlink;
	unsigned int st_mode;		/* type and permission bits */
	unsigned int st_uid;
	unsigned int st_gid;
	unsigned int __pad0;
	unsigned long st_rdev;		/* a device's own number (STAT_DEV) */
	long st_size;
	long st_blksize;
	long st_blocks;			/* 512-byte blocks */
	unsigned long st_atime;
	unsigned long st_atime_nsec;
	unsigned long st_mtime;
	unsigned long st_mtime_nsec;
	unsigned long st_ctime;
	unsigned long st_ctime_nsec;
	long __unused[3];
};
_Static_assert(sizeof(struct stat) == 144 && offsetof(struct stat, st_mode) == 24 &&
	       offsetof(struct stat, st_rdev) == 40 && offsetof(struct stat, st_atime) == 72,
	       "struct stat is Linux's x86-64 layout");

#endif
