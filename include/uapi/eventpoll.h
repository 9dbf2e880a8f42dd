/* SPDX-License-Identifier: MIT */
/* The epoll ABI: Linux's flag values, operations and the packed 12-byte struct epoll_event. */
#ifndef UAPI_EVENTPOLL_H
#define UAPI_EVENTPOLL_H

#include <stdint.h>
#include <uapi/fcntl.h>

#define EPOLL_CLOEXEC	O_CLOEXEC

#define EPOLL_CTL_ADD	1
#define EPOLL_CTL_DEL	2
#define EPOLL_CTL_MOD	3

#define EPOLLIN		0x00000001u
#define EPOLLPRI	0x00000002u
#define EPOLLOUT	0x00000004u
#define EPOLLERR	0x00000008u
#define EPOLLHUP	0x00000010u
#define EPOLLNVAL	0x00000020u
#define EPOLLRDNORM	0x00000040u
#define EPOLLRDBAND	0x00000080u
#define EPOLLWRNORM	0x00000100u
#define EPOLLWRBAND	0x00000200u
#define EPOLLMSG	0x00000400u
#define EPOLLRDHUP	0x00002000u
#define EPOLLEXCLUSIVE	(1u << 28)
#define EPOLLWAKEUP	(1u << 29)
#define EPOLLONESHOT	(1u << 30)
#define EPOLLET		(1u << 31)

typedef union epoll_data {
	void *ptr;
	int fd;
	uint32_t u32;
	uint64_t u64;
} epoll_data_t;

/* Per-instance busy polling (Linux 6.9's EPIOCSPARAMS / EPIOCGPARAMS ioctls). */
struct epoll_params {
	uint32_t busy_poll_usecs;	/* how long epoll_wait polls the NIC before it sleeps */
	uint16_t busy_poll_budget;	/* frames per poll (0: the default, 8) */
	uint8_t prefer_busy_poll;	/* 1: keep the NIC's receive interrupt off while polling */
	uint8_t __pad;			/* must be 0 */
};

#define EPOLL_IOC_TYPE	0x8A
#define EPIOCSPARAMS	0x40088a01u	/* _IOW(0x8A, 0x01, struct epoll_params) */
#define EPIOCGPARAMS	0x80088a02u	/* _IOR(0x8A, 0x02, struct epoll_params) */

/* Packed on x86-64, as Linux declares it: 12 bytes, data at offset 4. */
struct epoll_event {
	uint32_t events;
	epoll_data_t data;
} __attribute__((packed));

#endif
