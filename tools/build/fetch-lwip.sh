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
# download is tools/build/apt-source.sh's (apt, with deb-src entries added by root when the
# machine has none).
set -eu
want=2.1.3
dir=${1:-build/lwip}
patches=$(cd "$(dirname "$0")/../../net/lwip/patches" && pwd)
say() { echo "fetch-lwip: $*" >&2; }

series=$(grep -v '^[[:space:]]*\(#\|$\)' "$patches/series")
stamp=$( (cd "$patches" && cat series $series) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/lwip-$want/.epunk-patches" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
tree=$dir/lwip-$want

orig() {	# the upstream tarball apt-get source left in $dir, if any
	ls "$dir"/lwip_"$want"*.orig.tar.* 2>/dev/null | head -n 1
}

if [ -z "$(orig)" ]; then
	"$(dirname "$0")/apt-source.sh" lwip "$dir" >/dev/null
	[ -n "$(orig)" ] || { say "the lwip source package holds no lwip_$want orig tarball"; exit 1; }
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
