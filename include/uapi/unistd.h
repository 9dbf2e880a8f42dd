/* SPDX-License-Identifier: MIT */
/* Linux x86-64 system call numbers, for the ones epunk implements (and a few it reserves). */
#ifndef UAPI_UNISTD_H
#define UAPI_UNISTD_H

#define SYS_read		0
#define SYS_write		1
#define SYS_open		2
#define SYS_close		3
#define SYS_poll		7
#define SYS_readv		19
#define SYS_writev		20
#define SYS_pipe		22
#define SYS_sched_yield		24
#define SYS_dup			32
#define SYS_dup2		33
#define SYS_nanosleep		35
#define SYS_getpid		39
#define SYS_socket		41
#define SYS_connect		42
#define SYS_accept		43
#define SYS_sendto		44
#define SYS_recvfrom		45
#define SYS_shutdown		48
#define SYS_bind		49
#define SYS_listen		50
#define SYS_getsockname		51
#define SYS_getpeername		52
#define SYS_setsockopt		54
#define SYS_getsockopt		55
#define SYS_exit		60
#define SYS_fcntl		72
#define SYS_getrlimit		97
#define SYS_setrlimit		160
#define SYS_gettid		186
#define SYS_epoll_create	213
#define SYS_clock_gettime	228
#define SYS_clock_nanosleep	230
#define SYS_exit_group		231
#define SYS_epoll_wait		232
#define SYS_epoll_ctl		233
#define SYS_ppoll		271
#define SYS_epoll_pwait		281
#define SYS_eventfd		284
#define SYS_accept4		288
#define SYS_eventfd2		290
#define SYS_epoll_create1	291
#define SYS_dup3		292
#define SYS_openat		257
#define SYS_pipe2		293
#define SYS_prlimit64		302
#define SYS_epoll_pwait2	441

#define SYSCALL_MAX		448	/* table size: one past the highest number we may fill */

#endif
