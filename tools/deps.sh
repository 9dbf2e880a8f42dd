#!/bin/sh
# SPDX-License-Identifier: MIT
# Make sure the host has what epunk's build, run and tests need. As root, missing Debian packages
# are installed (apt-get update first); otherwise the missing ones are named and we fail.
set -eu
need=""
check() {	# check COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || need="$need $2"
}
check gcc gcc
check make make
check ld binutils
check nm binutils
check python3 python3
check qemu-system-x86_64 qemu-system-x86
check gdb gdb
check timeout coreutils
[ -f /usr/share/qemu/qboot.rom ] || need="$need qemu-system-data"
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
