# SPDX-License-Identifier: MIT
# lib: the app-facing C library (headers in include/).
LIB_SRCS := \
	lib/errno.c \
	lib/syscall.c \
	lib/stdio.c \
	lib/malloc.c \
	lib/string_extra.c \
	lib/signal.c \
	lib/time.c \
	lib/sysconf.c \
	lib/exit.c \
	lib/pthread.c \
	lib/resource.c \
	lib/socket.c \
	lib/inet.c
