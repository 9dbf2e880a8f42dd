/* SPDX-License-Identifier: MIT */
/* Directory entries as getdents64 writes them: Linux's struct linux_dirent64 and the DT_* types. */
#ifndef UAPI_DIRENT_H
#define UAPI_DIRENT_H

#include <stddef.h>
#include <stdint.h>

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;			/* the directory's position after this entry */
	unsigned short d_reclen;	/* this record's bytes, a multiple of 8 */
	unsigned char d_type;		/* DT_* */
	char d_name[];			/* NUL-terminated */
};
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "Linux's linux_dirent64 layout");

#endif
