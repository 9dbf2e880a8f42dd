# SPDX-License-Identifier: MIT
# epunk: build the kernel image, boot it under QEMU, test it.
#   make            build build/epunk.elf (installs missing Debian packages when root)
#   make run        boot it, serial console on this terminal (Ctrl-A x quits)
#   make test       host unit tests + in-guest suites + crash-report boots; ends "N passed, N failed"
#   make selftests  Linux's own epoll selftest (fetched) on host Linux and on epunk
#   make DEBUG=1    the same kernel with UBSan, in build/debug
#   make gdb        boot halted with a gdb stub and print the command that attaches
#   make clean
# Overridable: CC, CFLAGS (optimisation/debug), QEMUFLAGS, ACCEL=kvm|tcg, MEM, FIRMWARE, APPEND.

MAKEFLAGS += -rR --no-print-directory
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

# -R drops make's built-in CC; a make started from another make may see it undefined.
ifneq ($(filter default undefined,$(origin CC)),)
CC := gcc
endif
HOSTCC ?= gcc
CFLAGS ?= -O2 -g
HOST_CFLAGS ?= -O1 -g
APPEND ?=
GDBPORT ?= 1234
export ACCEL MEM FIRMWARE QEMUFLAGS

# make DEBUG=1 builds the UBSan kernel (block below the source lists) into its own directory.
ifeq ($(DEBUG),1)
B ?= build/debug
endif
B ?= build
# Quiet by default: one line per step; V=1 shows the commands.
ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-7s %s\n'
endif

# Flags the kernel needs whatever the user asks for. -mcmodel=kernel: the image is linked in the
# top 2 GiB (arch/memory.h). No SSE: the kernel never touches the FPU, so it saves only an
# application's FPU state.
KERNEL_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-tree-loop-distribute-patterns -fno-strict-aliasing \
	-Wall -Wextra -Werror -MMD -MP \
	-Iinclude -Ikernel/include -Iarch/x86_64/include
KERNEL_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-T,linker.ld -Wl,--fatal-warnings

# Each folder names its sources in its own files.mk.
include arch/x86_64/files.mk init/files.mk kernel/files.mk drivers/files.mk net/files.mk \
	tests/files.mk tools/files.mk

# make DEBUG=1: the kernel and lwIP built with the undefined-behaviour sanitizer, a kernel subset
# of -fsanitize=undefined (no float checks: the kernel has no FPU state; no vptr: C only).
# kernel/ubsan.c reports the first failed check (type, values, file:line:col) and panics.
ifeq ($(DEBUG),1)
UBSAN_CHECKS := shift signed-integer-overflow integer-divide-by-zero bounds alignment null \
	object-size pointer-overflow builtin return unreachable vla-bound bool enum \
	nonnull-attribute returns-nonnull-attribute
ubsan_comma := ,
ubsan_space := $(subst ,, )
KERNEL_CFLAGS += -fsanitize=$(subst $(ubsan_space),$(ubsan_comma),$(strip $(UBSAN_CHECKS))) -DCONFIG_UBSAN
KERNEL_SRCS += kernel/ubsan.c
endif

# lwIP 2.1.3, Debian's source package, fetched and unpacked by tools/build/fetch-lwip.sh into
# build/lwip (never committed; kept by "make clean", shared by every B= build directory), with
# our changes applied: the patches net/lwip/patches/series lists. A changed patch unpacks afresh.
# Its own src/Filelists.mk names the sources: the core, IPv4 and Ethernet are what a NO_SYS
# raw-API stack needs (no api/ sequential layer, no IPv6, PPP, 6LoWPAN or apps). Including
# the file makes make fetch it first when it is missing ("make clean" alone fetches nothing).
LWIP_VERSION := 2.1.3
LWIP_BASE := build/lwip
LWIPDIR := $(LWIP_BASE)/lwip-$(LWIP_VERSION)/src
ifneq ($(filter-out clean distclean,$(or $(MAKECMDGOALS),all)),)
include $(LWIPDIR)/Filelists.mk
endif
LWIP_PATCHES := net/lwip/patches/series \
	$(addprefix net/lwip/patches/,$(filter %.patch,$(file < net/lwip/patches/series)))
$(LWIPDIR)/Filelists.mk: tools/build/fetch-lwip.sh $(LWIP_PATCHES)
	$(say) FETCH "lwIP $(LWIP_VERSION)"
	$(Q)tools/build/fetch-lwip.sh $(LWIP_BASE)
	@touch $@
LWIP_SRCS := $(COREFILES) $(CORE4FILES) $(filter %/netif/ethernet.c,$(NETIFFILES))
LWIP_OBJS := $(patsubst $(LWIPDIR)/%.c,$(B)/k/lwip/%.o,$(LWIP_SRCS))
# Headers: net/ sees lwIP and its port; the rest of the kernel sees only net/include.
LWIP_INCLUDES := -Inet/port -I$(LWIPDIR)/include
NET_INCLUDES := -Inet/include
# lwIP with the kernel's flags and warnings (-Wall -Wextra -Werror): it builds clean. A warning
# lwIP itself tripped would be turned off here, for lwIP only, with a comment saying which.
LWIP_CFLAGS := $(LWIP_INCLUDES)

KERNEL_ALL_SRCS := $(ARCH_SRCS) $(INIT_SRCS) $(KERNEL_SRCS) $(DRIVER_SRCS) $(NET_SRCS) \
	$(UNIT_TEST_SRCS) $(GUEST_TEST_SRCS)
KERNEL_OBJS := $(patsubst %,$(B)/k/%.o,$(KERNEL_ALL_SRCS)) $(LWIP_OBJS)
# What each part may include beyond include/, kernel/include and arch's contract headers: kernel/
# and arch/ nothing more; drivers/ their own; net/ drivers and lwIP; init/ and tests everything.
DRIVER_INCLUDES := -Idrivers/include
$(patsubst %,$(B)/k/%.o,$(DRIVER_SRCS)): EXTRA_CFLAGS := $(DRIVER_INCLUDES)
$(patsubst %,$(B)/k/%.o,$(NET_SRCS)): EXTRA_CFLAGS := $(DRIVER_INCLUDES) $(NET_INCLUDES) $(LWIP_INCLUDES)
$(patsubst %,$(B)/k/%.o,$(INIT_SRCS) $(UNIT_TEST_SRCS) $(GUEST_TEST_SRCS)): \
	EXTRA_CFLAGS := $(DRIVER_INCLUDES) $(NET_INCLUDES)
# The system-call table names every subsystem's calls.
$(B)/k/arch/x86_64/syscall.c.o: EXTRA_CFLAGS := $(NET_INCLUDES)
# The ARP, backlog and netif tests drive lwIP directly; the checksum test holds the port's to lwIP's.
$(B)/k/tests/guest/test_arp.c.o $(B)/k/tests/guest/test_chksum.c.o $(B)/k/tests/guest/test_netif.c.o: \
	EXTRA_CFLAGS := $(DRIVER_INCLUDES) $(NET_INCLUDES) $(LWIP_INCLUDES)

# Applications: ordinary static Linux executables, built with Debian's musl (musl-gcc -static):
# the same file runs on host Linux, in the Linux guest of make bench, and on epunk, which loads
# it from the initrd (app=NAME runs /bin/NAME). One per file of apps/, the test programs of
# tests/apps/, and the conformance suite. APP_SRC=path/to/file.c builds one more (make run).
APP_CC ?= musl-gcc
APP_CFLAGS ?= -O2 -g
APP_FLAGS := -std=gnu11 -static -Wall -Wextra -Werror
APP_LIBS := -lm -pthread
APPS := $(basename $(notdir $(wildcard apps/*.c)))
TEST_APPS := $(basename $(notdir $(wildcard tests/apps/*.c)))
define app_rule
$(B)/apps/$(1): $(2) Makefile | deps
	@mkdir -p $$(@D)
	$$(say) MUSLCC $$@
	$$(Q)$$(APP_CC) $$(APP_CFLAGS) $$(APP_FLAGS) $(2) -o $$@ $$(APP_LIBS)
endef
$(foreach a,$(APPS),$(eval $(call app_rule,$(a),apps/$(a).c)))
$(foreach a,$(TEST_APPS),$(eval $(call app_rule,$(a),tests/apps/$(a).c)))
$(eval $(call app_rule,conformance,$(CONFORMANCE_SRCS)))
ALL_APPS := $(APPS) $(TEST_APPS) conformance
APP_SRC ?=
ifneq ($(APP_SRC),)
APP_SRC_NAME := $(basename $(notdir $(APP_SRC)))
ifeq ($(wildcard $(APP_SRC)),)
$(error APP_SRC=$(APP_SRC): no such file)
endif
ifneq ($(filter $(APP_SRC_NAME),$(ALL_APPS)),)
$(error APP_SRC=$(APP_SRC): the name '$(APP_SRC_NAME)' is taken by apps/ or tests/apps/)
endif
$(eval $(call app_rule,$(APP_SRC_NAME),$(APP_SRC)))
APP_BIN := $(B)/apps/$(APP_SRC_NAME)
endif

# The initrd: every application as /bin/NAME. tools/run/qemu.sh gives it to every boot of the
# kernel beside it.
$(B)/initrd.cpio: $(addprefix $(B)/apps/,$(ALL_APPS)) tools/build/mkinitrd.py
	$(say) INITRD $@
	$(Q)python3 tools/build/mkinitrd.py $@ $(foreach a,$(ALL_APPS),/bin/$(a)=$(B)/apps/$(a))


# The virtio UAPI headers (/usr/include/linux) build freestanding through a directory of symlinks
# to just linux/, asm/ (the multiarch one) and asm-generic/: -I/usr/include would bring glibc's.
UAPI_SHIM := $(B)/uapi-shim
KERNEL_CFLAGS += -isystem $(UAPI_SHIM)
$(UAPI_SHIM)/.stamp:
	@mkdir -p $(@D)
	$(Q)ln -sfn /usr/include/linux $(@D)/linux
	$(Q)ln -sfn /usr/include/$(shell $(CC) -print-multiarch)/asm $(@D)/asm
	$(Q)ln -sfn /usr/include/asm-generic $(@D)/asm-generic
	@touch $@
$(KERNEL_OBJS): | $(UAPI_SHIM)/.stamp

# Linux's epoll selftest, epoll_wakeup_test.c of Linux 6.1: fetched from Debian's linux-source-6.1
# by tools/build/fetch-selftest.sh into build/selftests, at its path under Linux's
# tools/testing/selftests (never committed; kept by make clean, like lwIP), and built unchanged
# with musl against our harness, which build/selftests/kselftest_harness.h links to: the file's
# #include "../../kselftest_harness.h" finds it there, as in Linux's tree. Linux's UAPI headers
# (asm/unistd.h, linux/time_types.h) come from the shim above. Warnings: Linux's file has an
# unused variable, and a for loop whose body is an ASSERT, two statements with Linux's harness as
# with ours; the harness itself builds with every warning in harness_check.
SELFTEST_BASE := build/selftests
SELFTEST_SRC := $(SELFTEST_BASE)/filesystems/epoll/epoll_wakeup_test.c
SELFTEST_BINS := $(B)/apps/epoll_wakeup_test $(B)/apps/harness_check
$(SELFTEST_SRC):
	$(say) FETCH "Linux 6.1's epoll_wakeup_test.c"
	$(Q)tools/build/fetch-selftest.sh $(SELFTEST_BASE)
$(SELFTEST_BASE)/kselftest_harness.h: | $(SELFTEST_SRC)
	$(Q)ln -sfn $(abspath $(SELFTEST_HARNESS)) $@
$(B)/apps/epoll_wakeup_test: $(SELFTEST_SRC) $(SELFTEST_BASE)/kselftest_harness.h \
		$(SELFTEST_HARNESS) Makefile | deps $(UAPI_SHIM)/.stamp
	@mkdir -p $(@D)
	$(say) MUSLCC $@
	$(Q)$(APP_CC) $(APP_CFLAGS) -std=gnu11 -static -Wall -Wno-unused-variable \
		-Wno-multistatement-macros -isystem $(UAPI_SHIM) $< -o $@ $(APP_LIBS)
$(B)/apps/harness_check: $(SELFTEST_CHECK_SRCS) $(SELFTEST_HARNESS) Makefile | deps
	@mkdir -p $(@D)
	$(say) MUSLCC $@
	$(Q)$(APP_CC) $(APP_CFLAGS) $(APP_FLAGS) -I$(dir $(SELFTEST_HARNESS)) $(SELFTEST_CHECK_SRCS) \
		-o $@ $(APP_LIBS)

# The names of Linux's x86-64 system calls, from its UAPI header, for reports of unknown ones.
$(B)/syscall_names.c: tools/build/mksyscallnames.sh | $(UAPI_SHIM)/.stamp
	$(Q)tools/build/mksyscallnames.sh $(UAPI_SHIM)/asm/unistd_64.h > $@
$(B)/k/syscall_names.o: $(B)/syscall_names.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(KERNEL_CFLAGS) -c $< -o $@
KERNEL_OBJS += $(B)/k/syscall_names.o

# The vDSO (arch/x86_64/vdso/): a shared object linked on its own and checked to be what
# kernel/vdso.c copies as it is (no relocation, one segment from offset 0, file = memory), then
# carried in the kernel's .rodata with the offset of its struct vdso_data.
VDSO_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -DVDSO_BUILD -Iarch/x86_64/include \
	-fPIC -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-common \
	-ffreestanding -fno-builtin -mgeneral-regs-only -nostdlib -shared \
	-Wl,--hash-style=both -Wl,-soname=linux-vdso.so.1 -Wl,--no-undefined -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,--version-script=arch/x86_64/vdso/vdso.ver \
	-Wl,-T,arch/x86_64/vdso/vdso.lds
$(B)/vdso/vdso.so: arch/x86_64/vdso/vdso.c arch/x86_64/include/arch/vdso.h arch/x86_64/vdso/vdso.lds \
		arch/x86_64/vdso/vdso.ver Makefile | deps
	@mkdir -p $(@D)
	$(say) VDSO $@
	$(Q)$(CC) $(VDSO_CFLAGS) -o $@ $<
	$(Q)readelf -r $@ | grep -q 'There are no relocations' || \
		{ echo "error: $@ needs relocations"; rm -f $@; exit 1; }
	$(Q)[ "$$(readelf -lW $@ | awk '$$1 == "LOAD" { n++; ok = $$2 == $$3 && $$2 ~ /^0x0+$$/ && $$5 == $$6 } \
		END { print n == 1 && ok }')" = 1 ] || { echo "error: $@ is not one segment at 0"; rm -f $@; exit 1; }
$(B)/vdso_image.S: $(B)/vdso/vdso.so
	$(Q)off=$$(nm $< | awk '$$3 == "vdso_data" { print $$1 }'); \
	 [ -n "$$off" ] || { echo "error: $< has no vdso_data"; exit 1; }; \
	 printf '\t.section .rodata, "a"\n\t.balign 4096\n\t.globl vdso_image_start, vdso_image_end, vdso_data_offset\nvdso_image_start:\n\t.incbin "%s"\nvdso_image_end:\n\t.balign 8\nvdso_data_offset:\n\t.quad 0x%s\n\t.section .note.GNU-stack, "", @progbits\n' "$<" "$$off" > $@
$(B)/k/vdso_image.o: $(B)/vdso_image.S
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@
KERNEL_OBJS += $(B)/k/vdso_image.o

# The host unit-test binary: the kernel's host-buildable parts with the stand-ins of tests/unit/host.
HOST_SRCS := $(KERNEL_HOST_SRCS) kernel/ksym.c kernel/cmdline.c kernel/ktest.c $(ARCH_HOST_SRCS) \
	$(DRIVER_HOST_SRCS) $(NET_HOST_SRCS) tests/unit/host/host_main.c $(HOST_ENV_SRCS) \
	$(UNIT_TEST_SRCS)
HOST_OBJS := $(patsubst %,$(B)/host/%.o,$(HOST_SRCS))
HOST_FLAGS := -std=gnu11 -DKTEST_HOST -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -MMD -MP \
	-Itests/unit/host -Iarch/x86_64/include -Ikernel/include -Idrivers/include -Inet/include

.PHONY: all deps run test test-host gdb clean distclean conformance bench-epoll bench
all: $(B)/epunk.elf $(B)/initrd.cpio

deps:
	@tools/build/deps.sh

$(B)/k/%.c.o: %.c Makefile | deps
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS) $(KERNEL_CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(B)/k/lwip/%.o: $(LWIPDIR)/%.c Makefile | deps
	@mkdir -p $(@D)
	$(say) CC lwip/$*.c
	$(Q)$(CC) $(CFLAGS) $(KERNEL_CFLAGS) $(LWIP_CFLAGS) -c $< -o $@

$(B)/k/%.S.o: %.S Makefile | deps
	@mkdir -p $(@D)
	$(say) AS $<
	$(Q)$(CC) $(CFLAGS) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Two links: the first without symbols, whose text symbols become .ksyms for the second. The
# table sits after all text, so the second link moves no function: checked below.
$(B)/ksyms0.S: tools/build/mkksyms.sh
	@mkdir -p $(@D)
	$(Q)tools/build/mkksyms.sh > $@
$(B)/epunk.pass1.elf: $(KERNEL_OBJS) $(B)/k/ksyms0.o linker.ld
	$(say) LD $@
	$(Q)$(CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(B)/k/ksyms0.o
$(B)/ksyms.S: $(B)/epunk.pass1.elf tools/build/mkksyms.sh
	$(say) KSYMS $@
	$(Q)tools/build/mkksyms.sh $< > $@
$(B)/k/ksyms0.o: $(B)/ksyms0.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(B)/k/ksyms.o: $(B)/ksyms.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(B)/epunk.elf: $(KERNEL_OBJS) $(B)/k/ksyms.o linker.ld
	$(say) LD $@
	$(Q)$(CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(B)/k/ksyms.o
	@nm -n $(B)/epunk.pass1.elf | grep -i ' t ' > $(B)/syms1.txt; \
	 nm -n $@ | grep -i ' t ' > $(B)/syms2.txt; \
	 cmp -s $(B)/syms1.txt $(B)/syms2.txt || { echo "error: adding .ksyms moved text symbols"; rm -f $@; exit 1; }
	@size -A $@ | awk '$$1 ~ /^\.(text|rodata|ksyms|data|bss)$$/ { printf "  %-8s %7d bytes\n", $$1, $$2 }'
	@echo "  image: $@, $$(stat -c %s $@) bytes on disk, $$(size -B $@ | awk 'NR==2 { print $$1 + $$2 }') bytes loaded (+ bss)"

$(B)/host/%.c.o: %.c Makefile | deps
	@mkdir -p $(@D)
	$(say) HOSTCC $<
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_FLAGS) -c $< -o $@
$(B)/host/unittest: $(HOST_OBJS)
	$(say) HOSTLD $@
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -fsanitize=address,undefined -o $@ $(HOST_OBJS)

# make run: the echo server on QEMU user networking, guest port 7 forwarded to 127.0.0.1:$(PORT)
# (TCP and UDP), so `nc 127.0.0.1 5555` talks to the guest. APP=name ARGS="..." runs another
# program of the initrd. APP_BIN=executable (or APP_SRC=file.c, built with musl) runs that
# program alone: its output, then its exit status as make's (no banner).
PORT ?= 5555
ARGS ?=
ifneq ($(APP_BIN),)
ifeq ($(wildcard $(APP_BIN))$(APP_SRC),)
$(error APP_BIN=$(APP_BIN): no such file)
endif
RUN_INITRD := $(B)/run/$(notdir $(APP_BIN)).cpio
RUN_NAME := $(notdir $(APP_BIN))
$(RUN_INITRD): $(APP_BIN) tools/build/mkinitrd.py
	@mkdir -p $(@D)
	$(Q)python3 tools/build/mkinitrd.py $@ /bin/$(RUN_NAME)=$(APP_BIN)
else
RUN_INITRD := $(B)/initrd.cpio
RUN_NAME := $(or $(APP),echo)
endif
# Through the environment, so that quotes in ARGS reach the kernel's command line as written.
export RUN_APPEND := $(strip app=$(RUN_NAME) $(if $(ARGS),args="$(ARGS)") $(if $(APP_BIN),quiet) \
	$(APPEND))
run: $(B)/epunk.elf $(RUN_INITRD)
	@[ -n "$(APP_BIN)$(APP)" ] || echo "echo server: guest port 7 is 127.0.0.1:$(PORT) here (TCP, UDP); Ctrl-A x quits"
	@NET=user HOSTFWD=hostfwd=tcp:127.0.0.1:$(PORT)-:7,hostfwd=udp:127.0.0.1:$(PORT)-:7 \
		tools/run/qemu.sh --interactive --initrd $(RUN_INITRD) --append "$$RUN_APPEND"

# make test [STAGES="guest conformance ..."]: every stage of tests/stages, or those named.
STAGES ?=
test: $(B)/epunk.elf $(B)/initrd.cpio $(B)/host/unittest
	tests/run.sh $(STAGES)

# make selftests: Linux's epoll selftest on host Linux and on epunk (tests/selftests.sh), the
# whole file; make test runs a subset (tests/stages/095-selftests.sh).
.PHONY: selftests selftests-build
selftests-build: $(SELFTEST_BINS)
selftests: $(B)/epunk.elf $(SELFTEST_BINS)
	tests/selftests.sh
test: $(SELFTEST_BINS)

# make print-VAR: the value of a make variable (scripts read source lists this way).
print-%:
	@echo '$($*)'

conformance: $(B)/epunk.elf $(B)/initrd.cpio
	tests/conformance.sh

bench-epoll: $(B)/epunk.elf $(B)/initrd.cpio
	tools/bench/bench-epoll.sh

# make bench [BASELINE=linux] [BENCH_SECONDS=5] [BENCH_MATRIX=full|quick|bulk] [BENCH_OFFLOAD_OFF=1]:
# the echo benchmark (tools/bench/bench.sh) over tap in a network namespace; report in
# build/bench/results.{md,json,png}. BENCH_OFFLOAD_OFF=1 adds epunk booted with vnet_offload=off.
BASELINE ?=
BENCH_SECONDS ?= 5
BENCH_MATRIX ?= full
bench: $(B)/epunk.elf $(B)/initrd.cpio $(B)/echobench
	tools/bench/bench.sh --matrix $(BENCH_MATRIX) --seconds $(BENCH_SECONDS) \
		$(if $(BASELINE),--baseline $(BASELINE))

# make trace [ICOUNT=1] [TRACE_RUNS=2] [TRACE_BUSY_POLL=USECS]: echo server on a tap in a
# namespace, host echo client, tracing toggled from gdb, per-hop latency from the NIC interrupt
# (tools/bench/trace.sh). ICOUNT=1: TCG -icount shift=0, the table in guest instructions;
# TRACE_RUNS=2 checks two runs identical; TRACE_BUSY_POLL: the server busy-polls, the table is
# from the poll that found each frame.
ICOUNT ?= 0
TRACE_RUNS ?= 1
TRACE_BUSY_POLL ?= 0
.PHONY: trace
trace: $(B)/epunk.elf $(B)/initrd.cpio $(B)/echobench
	ICOUNT=$(ICOUNT) TRACE_RUNS=$(TRACE_RUNS) TRACE_BUSY_POLL=$(TRACE_BUSY_POLL) tools/bench/trace.sh


test: $(B)/wire

# make redis: a static redis-server built with musl from Debian's redis source package
# (tools/build/build-redis.sh; fetched at build time, never committed) into build/redis, and an
# initrd holding it as /bin/redis-server: boot it with
#   tools/run/qemu.sh --net user --initrd build/redis/initrd.cpio \
#       --append "app=redis-server args=\"--save '' --appendonly no --protected-mode no\""
REDIS_DIR := build/redis
.PHONY: redis
redis: $(B)/epunk.elf $(REDIS_DIR)/initrd.cpio
$(REDIS_DIR)/redis-server: tools/build/build-redis.sh tools/build/apt-source.sh | deps
	$(say) REDIS $@
	$(Q)tools/build/build-redis.sh $(REDIS_DIR)
$(REDIS_DIR)/initrd.cpio: $(REDIS_DIR)/redis-server tools/build/mkinitrd.py
	$(say) INITRD $@
	$(Q)python3 tools/build/mkinitrd.py $@ /bin/redis-server=$<
test: $(REDIS_DIR)/initrd.cpio

# make bench-redis [BASELINE=linux] [BENCH_SECONDS=5] [BENCH_REPEAT=3]: redis-server (make redis)
# on epunk and, with BASELINE=linux, on the Linux guest, driven by redis-benchmark over tap in a
# network namespace (tools/bench/bench.sh --app redis); rows in build/bench/results.json, a table
# in results.md, a plot in results-redis.png. The Linux guest's build packs the echo server too.
BENCH_REPEAT ?= 3
.PHONY: bench-redis
bench-redis: $(B)/epunk.elf $(REDIS_DIR)/initrd.cpio $(B)/apps/echo
	BENCH_REPEAT=$(BENCH_REPEAT) tools/bench/bench.sh --app redis --seconds $(BENCH_SECONDS) \
		$(if $(BASELINE),--baseline $(BASELINE))

# make soak [DURATION=1800] [SOAK_CONNS=10000] [SOAK_CYCLES=20000]: the reliability workloads
# (tools/bench/soak.sh): connections held at once, connect/echo/close churn in rounds until DURATION
# seconds are used, a connect burst past the backlog, tests/net-faults.sh when present; leak
# counters checked against their baseline. make test runs a short version (tests/scale.sh).
DURATION ?= 1800
SOAK_CONNS ?= 10000
SOAK_CYCLES ?= 20000
.PHONY: soak
soak: $(B)/epunk.elf $(B)/initrd.cpio $(B)/loadgen $(B)/wire
	tools/bench/soak.sh --duration $(DURATION) --conns $(SOAK_CONNS) --cycles $(SOAK_CYCLES)
test: $(B)/loadgen


test-host: $(B)/host/unittest
	$(B)/host/unittest all

gdb: $(B)/epunk.elf
	@tools/run/gdb-session.sh $(GDBPORT) "$(APPEND)"

# clean keeps the fetched sources (build/lwip, build/selftests): fetching them again may need root.
clean:
	rm -rf $(filter-out $(LWIP_BASE) $(SELFTEST_BASE),$(wildcard $(B)/*))
distclean:
	rm -rf $(B) $(LWIP_BASE) $(SELFTEST_BASE)

-include $(KERNEL_OBJS:.o=.d) $(HOST_OBJS:.o=.d)

# ---- Fuzzing (tests/fuzz/, README "Fuzzing") ----
# make fuzz [FUZZ_TARGET=epoll|frame] [FUZZ_SECONDS=600]: the libFuzzer targets, built with clang
# (ASan, UBSan) into $(B)/fuzz, each run for FUZZ_SECONDS on a scratch copy of its committed corpus
# tests/fuzz/corpus/TARGET (kept in $(B)/fuzz/run/TARGET, with any crash-* input). make fuzz-merge
# adds the inputs of the last run that reach new coverage to the committed corpus.
FUZZ_CC ?= clang-14
FUZZ_TARGET ?= epoll frame
FUZZ_SECONDS ?= 600
FUZZ_FLAGS := -std=gnu11 -O1 -g -DKTEST_HOST -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror
# Kernel code, lwIP and the harnesses see the kernel's headers (<kernel/syscall.h>'s types clash
# with glibc's); the host environment (tests/unit/host) is built against the C library. The frame
# target runs on a fake clock.
FUZZ_KINC = -nostdinc -isystem $(shell $(FUZZ_CC) -print-file-name=include) -Iinclude
FUZZ_INC_epoll := -Itests/unit/host -Iarch/x86_64/include -Ikernel/include -Idrivers/include -Inet/include
FUZZ_INC_frame := -DHOST_FAKE_CLOCK $(FUZZ_INC_epoll) $(LWIP_INCLUDES)
FUZZ_HOST_SRCS := $(HOST_ENV_SRCS)
FUZZ_OBJS_epoll := $(patsubst %,$(B)/fuzz/epoll/%.o,$(FUZZ_SRCS_epoll))
FUZZ_OBJS_frame := $(patsubst %,$(B)/fuzz/frame/%.o,$(FUZZ_SRCS_frame)) \
	$(patsubst $(LWIPDIR)/%.c,$(B)/fuzz/frame/lwip/%.o,$(LWIP_SRCS))
FUZZ_HOST_OBJS = $(patsubst %,$(B)/fuzz/$(1)/host/%.o,$(FUZZ_HOST_SRCS))
define fuzz_rules
$(B)/fuzz/$(1)/%.c.o: %.c Makefile | fuzz-deps
	@mkdir -p $$(@D)
	$$(say) FUZZCC $$<
	$$(Q)$$(FUZZ_CC) $$(FUZZ_FLAGS) $$(FUZZ_KINC) $$(FUZZ_INC_$(1)) -MMD -MP -c $$< -o $$@
$(B)/fuzz/$(1)/host/%.c.o: %.c Makefile | fuzz-deps
	@mkdir -p $$(@D)
	$$(say) FUZZCC $$<
	$$(Q)$$(FUZZ_CC) $$(FUZZ_FLAGS) $$(FUZZ_INC_$(1)) -MMD -MP -c $$< -o $$@
$(B)/fuzz/fuzz_$(1): $$(FUZZ_OBJS_$(1)) $(call FUZZ_HOST_OBJS,$(1))
	$$(say) FUZZLD $$@
	$$(Q)$$(FUZZ_CC) $$(FUZZ_FLAGS) -o $$@ $$^
endef
$(foreach t,epoll frame,$(eval $(call fuzz_rules,$(t))))
# lwIP itself: clang finds LWIP_MIN(TCP_WND / 2, pcb->mss) always mss once windows pass
# 128 KiB (window scaling), which is what lwIP means; gcc, for the kernel, does not warn.
$(B)/fuzz/frame/lwip/%.o: $(LWIPDIR)/%.c Makefile | fuzz-deps
	@mkdir -p $(@D)
	$(say) FUZZCC lwip/$*.c
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -Wno-tautological-constant-out-of-range-compare $(FUZZ_KINC) \
		$(FUZZ_INC_frame) -MMD -MP -c $< -o $@

.PHONY: fuzz fuzz-merge fuzz-build fuzz-deps
fuzz-deps:
	@tools/build/deps.sh fuzz
fuzz-build: $(B)/fuzz/fuzz_epoll $(B)/fuzz/fuzz_frame
fuzz: $(foreach t,$(FUZZ_TARGET),$(B)/fuzz/fuzz_$(t))
	FUZZ_DIR=$(B)/fuzz tests/fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ_TARGET)
fuzz-merge: $(foreach t,$(FUZZ_TARGET),$(B)/fuzz/fuzz_$(t))
	FUZZ_DIR=$(B)/fuzz tests/fuzz.sh --merge $(FUZZ_TARGET)
-include $(FUZZ_OBJS_epoll:.o=.d) $(FUZZ_OBJS_frame:.o=.d)
