/* SPDX-License-Identifier: MIT */
/* Linux x86-64 system call numbers, for the ones epunk implements (and a few it reserves). */
#ifndef UAPI_UNISTD_H
#define UAPI_UNISTD_H

#define SYS_read	0
#define SYS_write	1
#define SYS_open	2
#define SYS_close	3
#define SYS_poll	7
#define SYS_lseek	8
#define SYS_mmap	9
#define SYS_mprotect	10
#define SYS_munmap	11
#define SYS_brk		12
#define SYS_rt_sigaction	13
#define SYS_rt_sigprocmask	14
#define SYS_ioctl	16
#define SYS_readv	19
#define SYS_writev	20
#define SYS_pipe	22
#define SYS_sched_yield	24
#define SYS_mremap	25
#define SYS_madvise	28
#define SYS_dup		32
#define SYS_dup2	33
#define SYS_nanosleep	35
#define SYS_getpid	39
#define SYS_socket	41
#define SYS_connect	42
#define SYS_accept	43
#define SYS_sendto	44
#define SYS_recvfrom	45
#define SYS_shutdown	48
#define SYS_bind	49
#define SYS_listen	50
#define SYS_getsockname	51
#define SYS_getpeername	52
#define SYS_socketpair	53
#define SYS_setsockopt	54
#define SYS_getsockopt	55
#define SYS_clone	56
#define SYS_exit	60
#define SYS_uname	63
#define SYS_fcntl	72
#define SYS_getrlimit	97
#define SYS_getuid	102
#define SYS_getgid	104
#define SYS_geteuid	107
#define SYS_getegid	108
#define SYS_getppid	110
#define SYS_sigaltstack	131
#define SYS_arch_prctl	158
#define SYS_setrlimit	160
#define SYS_gettid	186
#define SYS_futex	202
#define SYS_sched_setaffinity	203
#define SYS_sched_getaffinity	204
#define SYS_epoll_create	213
#define SYS_set_tid_address	218
#define SYS_clock_gettime	228
#define SYS_clock_getres	229
#define SYS_clock_nanosleep	230
#define SYS_exit_group	231
#define SYS_epoll_wait	232
#define SYS_epoll_ctl	233
#define SYS_openat	257
#define SYS_ppoll	271
#define SYS_epoll_pwait	281
#define SYS_eventfd	284
#define SYS_accept4	288
#define SYS_eventfd2	290
#define SYS_epoll_create1	291
#define SYS_dup3	292
#define SYS_pipe2	293
#define SYS_prlimit64	302
#define SYS_getrandom	318
#define SYS_epoll_pwait2	441

#define SYSCALL_MAX		512	/* table size: above the highest number Linux 6.1 has */

#endif
