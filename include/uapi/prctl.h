/* SPDX-License-Identifier: MIT */
/* prctl options: Linux's values, for the ones epunk implements. */
#ifndef UAPI_PRCTL_H
#define UAPI_PRCTL_H

#define PR_SET_NAME		15	/* the calling thread's name, 16 bytes with the NUL */
#define PR_GET_NAME		16
#define PR_SET_THP_DISABLE	41	/* the process's transparent huge pages: off */
#define PR_GET_THP_DISABLE	42

#endif
