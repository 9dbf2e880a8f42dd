#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch lwIP 2.1.3 (Debian's "lwip" source package), unpack it as DIR/lwip-2.1.3 (default DIR
# build/lwip) and apply our changes to it: the patches net/lwip/patches/series lists, in order,
# each with "patch -p1" (each patch's header says why it exists). Never committed: the build
# runs this whenever the tree is missing or the patches changed.
#
#   usage: tools/build/fetch-lwip.sh [DIR]
#
# Idempotent: a tree patched by the current series is left alone (its stamp is a hash of the
# series and the patches), any other is unpacked again; a downloaded tarball is reused. The
# download goes through apt ("apt-get source --download-only"), which needs source indexes
# (deb-src). When the machine has none, root adds them: a copy of the machine's own
# /etc/apt/sources.list.d/debian.sources (or of the "deb" lines of /etc/apt/sources.list) with
# the type changed to deb-src, then "apt-get update". Nothing here names an archive host: they
# come from the machine's own apt configuration. As another user without deb-src, it says what
# to run.
set -eu
want=2.1.3
dir=${1:-build/lwip}
patches=$(cd "$(dirname "$0")/../../net/lwip/patches" && pwd)
srcs=/etc/apt/sources.list.d/epunk-deb-src.sources
list=/etc/apt/sources.list.d/epunk-deb-src.list

say() { echo "fetch-lwip: $*" >&2; }

series=$(grep -v '^[[:space:]]*\(#\|$\)' "$patches/series")
stamp=$( (cd "$patches" && cat series $series) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/lwip-$want/.epunk-patches" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)	# apt-get source runs in $dir: make the log paths absolute
tree=$dir/lwip-$want

orig() {	# the upstream tarball apt-get source left in $dir, if any
	ls "$dir"/lwip_"$want"*.orig.tar.* 2>/dev/null | head -n 1
}

download() {
	# apt-get source downloads into the current directory; -qq keeps it to errors.
	(cd "$dir" && apt-get source --download-only -qq lwip >/dev/null 2>"$dir/apt-source.log") &&
		[ -n "$(orig)" ]
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

if [ -z "$(orig)" ] && ! download; then
	if [ "$(id -u)" != 0 ]; then
		say "cannot download Debian's lwip source package (no deb-src entries in apt?)"
		say "run once as root: sudo tools/build/fetch-lwip.sh $dir   (or: sudo make)"
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
		say "apt-get source --download-only lwip failed:"
		cat "$dir/apt-source.log" >&2
		exit 1
	fi
fi

need=""
command -v xz >/dev/null 2>&1 || need="$need xz-utils"
command -v patch >/dev/null 2>&1 || need="$need patch"
if [ -n "$need" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "missing tools: run once as root: sudo apt-get install$need"
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2
fi

# Unpack and patch beside the tree, then move it into place: a tree that exists is a patched one.
# Every file gets the time of unpacking (tar -m), so that make rebuilds all of lwIP from it.
tarball=$(orig)
say "unpacking $(basename "$tarball")"
rm -rf "$dir/unpack" "$tree"
mkdir -p "$dir/unpack"
tar -xmf "$tarball" -C "$dir/unpack"
top=$dir/unpack/lwip-$want
if [ ! -f "$top/src/Filelists.mk" ]; then
	say "$tarball does not hold lwip-$want/src/Filelists.mk (another lwIP version?)"
	exit 1
fi
for p in $series; do
	if ! patch -p1 -s -N -F0 --no-backup-if-mismatch -d "$top" -i "$patches/$p"; then
		say "$p does not apply to lwIP $want"
		exit 1
	fi
	say "applied $p"
done
echo "$stamp" > "$top/.epunk-patches"
mv "$top" "$tree"
rm -rf "$dir/unpack"
say "lwIP $want in $tree"
