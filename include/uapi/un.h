/* SPDX-License-Identifier: MIT */
/* AF_UNIX addresses (Linux's struct sockaddr_un): the family, then a path name (NUL-terminated
 * unless it fills sun_path) or, when sun_path[0] is 0, an abstract name of the bytes the
 * address length covers. An address of just the family (2 bytes) asks bind() for an
 * automatic abstract name. */
#ifndef UAPI_UN_H
#define UAPI_UN_H

#include <uapi/socket.h>

#define UNIX_PATH_MAX	108

struct sockaddr_un {
	sa_family_t sun_family;		/* AF_UNIX */
	char sun_path[UNIX_PATH_MAX];	/* path name or abstract name */
};

#endif
