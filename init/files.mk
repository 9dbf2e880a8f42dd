# SPDX-License-Identifier: MIT
# init: boot-time integration, the one place that brings arch, kernel, drivers and net together.
INIT_SRCS := \
	init/main.c \
	init/stats.c
