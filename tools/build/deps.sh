#!/bin/sh
# SPDX-License-Identifier: MIT
# Make sure the host has what epunk's build, run and tests need. As root, missing Debian packages
# are installed (apt-get update first); otherwise the missing ones are named and we fail.
# usage: tools/build/deps.sh [GROUP...]: also what a group needs, asked only by the tools that use it:
#   bench        the benchmark's plot (tools/bench/bench.sh)
#   linux-guest  building the Linux baseline guest's initramfs (tools/run/linux-guest.sh)
#   fuzz         clang and libFuzzer for the fuzz targets (make fuzz, tests/fuzz.sh)
#   redis        Debian's redis-cli and redis-benchmark (the redis test stage, make bench-redis)
set -eu
need=""
check() {	# check COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || need="$need $2"
}
check gcc gcc
check musl-gcc musl-tools
check make make
check ld binutils
check nm binutils
check python3 python3
check qemu-system-x86_64 qemu-system-x86
check gdb gdb
check timeout coreutils
check ip iproute2
check ping iputils-ping
check socat socat
check nc netcat-openbsd
check xz xz-utils
check patch patch
check dpkg-source dpkg-dev
[ -f /usr/share/qemu/qboot.rom ] || need="$need qemu-system-data"
# glibc's static C library: the programs stage runs a gcc -static build of tests/apps/abi.c.
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need="$need libc6-dev"
for group in "$@"; do
	case "$group" in
	bench) check gnuplot gnuplot-nox ;;
	linux-guest)
		check cpio cpio
		check dpkg-deb dpkg
		command -v modinfo >/dev/null 2>&1 || [ -x /sbin/modinfo ] || need="$need kmod" ;;
	redis)
		check redis-cli redis-tools
		check redis-benchmark redis-tools ;;
	fuzz)
		check clang-14 clang-14
		ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
			need="$need libclang-rt-14-dev" ;;
	*) echo "deps: unknown group '$group'" >&2; exit 2 ;;
	esac
done
need=$(printf '%s\n' $need | sort -u | tr '\n' ' ' | sed 's/ *$//')
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing $need" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >&2
	exit 0
fi
echo "deps: missing packages: $need" >&2
echo "deps: install them with: sudo apt-get install $need" >&2
exit 1
