#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a static redis-server with musl from Debian's "redis" source package: DIR/redis-server
# (default DIR build/redis). The same executable runs on host Linux, in the Linux guest
# (tools/run/linux-guest.sh) and on epunk. Never committed: make redis runs this.
#
#   usage: tools/build/build-redis.sh [DIR]
#
# The package comes through tools/build/apt-source.sh (apt; root adds deb-src entries when the
# machine has none) into DIR/pkg, and is unpacked by dpkg-source, which applies Debian's own
# patches (its security fixes among them); its upstream tarball carries redis's bundled
# dependencies (deps/: Lua, hiredis, linenoise, hdr_histogram), which the build uses.
# The build is upstream's: musl-gcc, the C library's malloc (no jemalloc), no TLS, no systemd,
# linked -static. Idempotent: a DIR/redis-server newer than this script is kept.
set -eu
dir=${1:-build/redis}
here=$(cd "$(dirname "$0")" && pwd)
say() { echo "build-redis: $*" >&2; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
out=$dir/redis-server
if [ -x "$out" ] && [ "$out" -nt "$here/build-redis.sh" ]; then
	exit 0
fi
for tool in dpkg-source musl-gcc make; do
	command -v "$tool" >/dev/null 2>&1 || {
		say "$tool is missing: tools/build/deps.sh installs it (as root)"
		exit 1
	}
done

dsc=$("$here/apt-source.sh" redis "$dir/pkg")
version=$(sed -n 's/^Version: *\([0-9]*:\)\{0,1\}//p' "$dsc")	# without its epoch
tree=$dir/redis-$version
if [ ! -f "$tree/src/server.c" ]; then
	say "unpacking $(basename "$dsc") (Debian's patches applied)"
	rm -rf "$tree" "$tree.new"
	dpkg-source --no-check --no-copy -x "$dsc" "$tree.new" >"$dir/dpkg-source.log" 2>&1 || {
		cat "$dir/dpkg-source.log" >&2
		exit 1
	}
	mv "$tree.new" "$tree"
fi
say "building redis-server $version (static, musl)"
# MAKEFLAGS from a calling make would leak its -r, -R and jobserver into redis's own build; git
# would find this repository around the tree and stamp its commit into redis's version.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL GIT_DIR="$tree/.no-git" make -C "$tree" -j"$(nproc)" CC=musl-gcc \
	MALLOC=libc BUILD_TLS=no USE_SYSTEMD=no LDFLAGS=-static redis-server \
	>"$dir/build.log" 2>&1; then
	tail -30 "$dir/build.log" >&2
	say "the build failed: $dir/build.log"
	exit 1
fi
cp "$tree/src/redis-server" "$out.new"
mv "$out.new" "$out"
say "$out: $(stat -c %s "$out") bytes"
