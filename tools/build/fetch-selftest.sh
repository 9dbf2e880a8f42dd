#!/bin/bash
# SPDX-License-Identifier: MIT
# Fetch Linux's epoll selftest, tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c of
# Linux 6.1, from Debian's linux-source-6.1 package, into DIR (default build/selftests) at the
# same path under DIR as under tools/testing/selftests. Never committed: the build runs this when
# the file is missing. Only that one file is taken out of the package; the package's version goes
# to DIR/linux-source.version.
#
#   usage: tools/build/fetch-selftest.sh [--keep-deb] [--linux-harness] [DIR]
#     --keep-deb       keep the downloaded package (~140 MB) in DIR/download and use it next time
#     --linux-harness  also take Linux's own kselftest_harness.h and kselftest.h, into DIR/linux
#                      (the same layout), to build the file against them for comparison
#
# A no-op when the files are there. The download is "apt-get download", which needs the package
# in apt's index: as root, "apt-get update" runs first when the index does not know the package;
# as another user, it says what to run. Nothing here names an archive host: they come from the
# machine's own apt configuration (a Debian 12 machine has linux-source-6.1 in its index).
set -u
pkg=linux-source-6.1
inner=./usr/src/linux-source-6.1.tar.xz
top=linux-source-6.1/tools/testing/selftests
member=filesystems/epoll/epoll_wakeup_test.c
harness_members="kselftest_harness.h kselftest.h"
keep=0
linux_harness=0
dir=build/selftests
while [ $# -gt 0 ]; do
	case "$1" in
	--keep-deb) keep=1; shift ;;
	--linux-harness) linux_harness=1; shift ;;
	-h|--help) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fetch-selftest: unknown option '$1'" >&2; exit 2 ;;
	*) dir=$1; shift ;;
	esac
done

say() { echo "fetch-selftest: $*" >&2; }

have_all() {
	[ -s "$dir/$member" ] && [ -s "$dir/linux-source.version" ] || return 1
	[ "$linux_harness" = 0 ] && return 0
	for m in $harness_members; do
		[ -s "$dir/linux/$m" ] || return 1
	done
	[ -s "$dir/linux/$member" ]
}
have_all && exit 0

need=""
command -v apt-get >/dev/null 2>&1 || need="$need apt"
command -v dpkg-deb >/dev/null 2>&1 || need="$need dpkg"
command -v xz >/dev/null 2>&1 || need="$need xz-utils"
command -v tar >/dev/null 2>&1 || need="$need tar"
if [ -n "$need" ]; then
	say "missing tools:$need (this needs a Debian 12 machine: apt-get download $pkg)"
	exit 1
fi

mkdir -p "$dir/download"
dir=$(cd "$dir" && pwd)	# apt-get download writes into the current directory
dl=$dir/download
log=$dl/apt.log

deb() {	# the package file apt-get download left in $dl, if any
	ls "$dl"/"$pkg"_*_all.deb 2>/dev/null | head -n 1
}

known() {
	apt-cache show "$pkg" >/dev/null 2>&1
}

download() {
	local sandbox=()
	# As root the download directory is root's: apt's _apt user could not write there.
	[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
	(cd "$dl" && apt-get download -qq "${sandbox[@]}" "$pkg") >"$log" 2>&1 && [ -n "$(deb)" ]
}

if [ -z "$(deb)" ]; then
	if ! known; then
		if [ "$(id -u)" != 0 ]; then
			say "apt's package index does not know $pkg (no index yet, or not Debian 12)"
			say "run once as root: sudo apt-get update   (or: sudo tools/build/fetch-selftest.sh)"
			exit 1
		fi
		say "apt-get update ($pkg is not in apt's index yet)"
		if ! apt-get update -qq >"$log" 2>&1; then
			say "apt-get update failed (no network, or apt's sources unreachable):"
			sed 's/^/  apt: /' "$log" >&2
			exit 1
		fi
		if ! known; then
			if grep -q 'Failed to fetch' "$log"; then
				say "apt-get update could not reach apt's sources (no network?):"
				sed 's/^/  apt: /' "$log" >&2
			else
				say "$pkg is not in apt's index even after apt-get update: it is Debian"
				say "12's (bookworm) package, and this machine's apt sources do not have it"
			fi
			exit 1
		fi
	fi
	version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	say "downloading $pkg $version (~140 MB; only one file is kept)"
	if ! download; then
		say "apt-get download $pkg failed (no network, or the archive is unreachable):"
		sed 's/^/  apt: /' "$log" >&2
		exit 1
	fi
fi
file=$(deb)
version=$(dpkg-deb -f "$file" Version 2>/dev/null)
if [ -z "$version" ]; then
	say "$file is not a readable Debian package: removed, run again"
	rm -f "$file"
	exit 1
fi

# The package holds the source as one tarball: stream it, take out only the members wanted.
want="$top/$member"
[ "$linux_harness" = 1 ] && for m in $harness_members; do want="$want $top/$m"; done
say "extracting $member from $pkg $version"
rm -rf "$dl/tree"
mkdir -p "$dl/tree"
# shellcheck disable=SC2086
dpkg-deb --fsys-tarfile "$file" | tar -xO "$inner" | xz -d | tar -xm -C "$dl/tree" $want
for w in $want; do
	if [ ! -s "$dl/tree/$w" ]; then
		say "$pkg $version has no $w (or the extraction failed): see the messages above"
		exit 1
	fi
done
mkdir -p "$(dirname "$dir/$member")"
mv "$dl/tree/$top/$member" "$dir/$member"
if [ "$linux_harness" = 1 ]; then
	mkdir -p "$dir/linux/$(dirname "$member")"
	cp "$dir/$member" "$dir/linux/$member"
	for m in $harness_members; do
		mv "$dl/tree/$top/$m" "$dir/linux/$m"
	done
fi
echo "$pkg $version" > "$dir/linux-source.version"
rm -rf "$dl/tree" "$log"
if [ "$keep" = 0 ]; then
	rm -f "$file"
	rmdir "$dl" 2>/dev/null
fi
say "$dir/$member ($pkg $version)"
