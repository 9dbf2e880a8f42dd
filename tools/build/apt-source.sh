#!/bin/sh
# SPDX-License-Identifier: MIT
# Download a Debian source package (its .dsc, upstream tarball and Debian changes) into DIR,
# through apt ("apt-get source --download-only"), which needs source indexes (deb-src). When the
# machine has none, root adds them: a copy of the machine's own
# /etc/apt/sources.list.d/debian.sources (or of the "deb" lines of /etc/apt/sources.list) with the
# type changed to deb-src, then "apt-get update". Nothing here names an archive host: they come
# from the machine's own apt configuration. As another user without deb-src, it says what to run.
#
#   usage: tools/build/apt-source.sh PACKAGE DIR
#
# A download already in DIR (a PACKAGE_*.dsc) is reused. Prints the .dsc's path.
set -eu
[ $# = 2 ] || { echo "usage: tools/build/apt-source.sh PACKAGE DIR" >&2; exit 2; }
pkg=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)	# apt-get source runs in $dir: make the log paths absolute
srcs=/etc/apt/sources.list.d/epunk-deb-src.sources
list=/etc/apt/sources.list.d/epunk-deb-src.list

say() { echo "apt-source: $*" >&2; }

dsc() {	# the .dsc apt-get source left in $dir, if any
	ls "$dir"/"$pkg"_*.dsc 2>/dev/null | head -n 1
}

download() {
	# apt-get source downloads into the current directory; -qq keeps it to errors.
	(cd "$dir" && apt-get source --download-only -qq "$pkg" >/dev/null 2>"$dir/apt-source.log") &&
		[ -n "$(dsc)" ]
}

enable_deb_src() {
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		# deb822 format: the same stanzas, "Types: deb" becoming "Types: deb-src".
		sed -e 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
			/etc/apt/sources.list.d/debian.sources > "$srcs.new"
		grep -q '^Types: deb-src$' "$srcs.new" || {
			rm -f "$srcs.new"
			return 1
		}
		mv "$srcs.new" "$srcs"
		say "added $srcs (deb-src twin of debian.sources)"
	elif [ -f /etc/apt/sources.list ] && grep -q '^deb[[:space:]]' /etc/apt/sources.list; then
		# One-line format: each "deb ..." line again as "deb-src ...".
		sed -n 's/^deb\([[:space:]]\)/deb-src\1/p' /etc/apt/sources.list > "$list"
		say "added $list (deb-src twin of sources.list)"
	else
		return 1
	fi
}

if [ -z "$(dsc)" ] && ! download; then
	if [ "$(id -u)" != 0 ]; then
		say "cannot download Debian's $pkg source package (no deb-src entries in apt?)"
		say "run once as root: sudo tools/build/apt-source.sh $pkg $dir   (or: sudo make)"
		say "it adds a deb-src twin of /etc/apt/sources.list.d/debian.sources and runs apt-get update"
		sed 's/^/  apt: /' "$dir/apt-source.log" >&2 || true
		exit 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		say "apt-get not found: this needs a Debian (12) machine"
		exit 1
	fi
	if ! enable_deb_src; then
		say "found no apt sources to derive deb-src entries from"
		exit 1
	fi
	say "apt-get update (source indexes)"
	apt-get update -qq >&2
	if ! download; then
		say "apt-get source --download-only $pkg failed:"
		cat "$dir/apt-source.log" >&2
		exit 1
	fi
fi
dsc
