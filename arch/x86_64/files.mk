# SPDX-License-Identifier: MIT
# arch/x86_64: boot stub, descriptor tables, traps, paging, LAPIC/IOAPIC, TSC, context switch.
ARCH_SRCS := \
	arch/x86_64/boot.S \
	arch/x86_64/entry.S \
	arch/x86_64/cpu.c \
	arch/x86_64/traps.c \
	arch/x86_64/mmu.c \
	arch/x86_64/tsc.c \
	arch/x86_64/lapic.c \
	arch/x86_64/pvh.c \
	arch/x86_64/setup.c \
	arch/x86_64/switch.S \
	arch/x86_64/context.c \
	arch/x86_64/rtc.c \
	arch/x86_64/ioapic.c \
	arch/x86_64/syscall.c \
	arch/x86_64/user.S \
	arch/x86_64/user.c \
	arch/x86_64/fpu.c \
	arch/x86_64/signal.c
# Pure code the host unit tests build too.
ARCH_HOST_SRCS := arch/x86_64/pvh.c
