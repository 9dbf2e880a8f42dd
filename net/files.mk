# SPDX-License-Identifier: MIT
# net: our lwIP port (net/port), the NIC glue and the socket layer. lwIP's own sources come from
# its Filelists.mk (top Makefile).
NET_SRCS := \
	net/port/sys_arch.c \
	net/port/hooks.c \
	net/net.c \
	net/sock_poll.c \
	net/syncookie.c \
	net/socket.c \
	net/sockopt.c \
	net/tcp.c \
	net/udp.c \
	net/unix.c \
	net/unix_msg.c \
	net/sys_socket.c \
	net/netif_vnet.c
NET_HOST_SRCS := net/sock_poll.c net/syncookie.c
