/* SPDX-License-Identifier: MIT */
/* File flags and fcntl commands: Linux's x86-64 values. */
#ifndef UAPI_FCNTL_H
#define UAPI_FCNTL_H

#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_NDELAY	O_NONBLOCK
#define O_DSYNC		00010000
#define O_ASYNC		00020000
#define O_DIRECT	00040000
#define O_LARGEFILE	00100000
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define O_PATH		010000000
#define O_TMPFILE	(020000000 | O_DIRECTORY)	/* an unnamed file in the directory */

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

/* lseek's whence */
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3	/* the next byte of data at or after the offset */
#define SEEK_HOLE	4	/* the next hole at or after it (the end of a file without holes) */
#define SEEK_MAX	SEEK_HOLE

#define AT_FDCWD	(-100)	/* openat: relative to the working directory */
#define AT_SYMLINK_NOFOLLOW	0x100	/* *at: do not follow a final symbolic link */
#define AT_NO_AUTOMOUNT		0x800	/* *at: do not trigger an automount */
#define AT_EMPTY_PATH		0x1000	/* *at: the empty path names the descriptor itself */
#define AT_STATX_SYNC_TYPE	0x6000	/* fstatat: how remote attributes are synchronised */

#endif
