#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the stock Debian Linux guest that `make bench BASELINE=linux` compares epunk with:
# Debian's amd64 kernel (linux-image-*-amd64, unpacked, not installed), a busybox-static
# initramfs holding virtio-net's modules for that exact kernel and the echo server epunk runs
# (build/apps/echo, static, musl),
# with tools/run/linux-guest-init.sh as /init. Packages come through `apt-get download`.
# With --redis FILE, a second initramfs also holds FILE as /bin/redis-server (the very
# executable epunk runs, build/redis/redis-server), which /init starts instead of the echo
# server when the kernel command line says app=redis (make bench-redis BASELINE=linux).
#
# usage: tools/run/linux-guest.sh [--redis FILE] [--print]
# Everything is cached under build/linux-guest/ and rebuilt only when an input changed:
#   debs/              the downloaded .deb files (delete to fetch again)
#   vmlinuz            the kernel          initramfs.cpio.gz   the initramfs
#   guest.env          KERNEL_VERSION, KERNEL_PKG, BUSYBOX_PKG, MODULES (load order), sizes,
#                      SERVER_SHA256 (the echo server's executable)
#   initramfs-redis.cpio.gz, guest-redis.env   the same with redis-server (--redis); its
#                      REDIS_SHA256 is redis-server's
# Environment: LINUX_GUEST_KERNEL_PKG (default: what linux-image-amd64 depends on).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/linux-guest
redis_bin=""
print=0
while [ $# -gt 0 ]; do
	case "$1" in
	--redis) redis_bin=${2:?--redis needs a file}; shift 2 ;;
	--print) print=1; shift ;;
	*) echo "usage: tools/run/linux-guest.sh [--redis FILE] [--print]" >&2; exit 2 ;;
	esac
done
debs=$out/debs
mkdir -p "$debs"

die() {
	echo "linux-guest: $*" >&2
	exit 1
}

# Host tools: cpio builds the archive, modinfo (kmod) reads module dependencies.
tools/build/deps.sh linux-guest || die "missing host packages (see above)"
modinfo=$(command -v modinfo || echo /sbin/modinfo)

# download PKG: the .deb of PKG into $debs unless one is there already.
download() {
	local pkg=$1
	if compgen -G "$debs/${pkg}_*.deb" > /dev/null; then
		return 0
	fi
	echo "linux-guest: apt-get download $pkg" >&2
	if ! (cd "$debs" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >&2); then
		if [ "$(id -u)" != 0 ]; then
			die "cannot download $pkg: run as root (or run 'apt-get update' as root first)"
		fi
		die "cannot download $pkg (apt-get download failed)"
	fi
}

# The versioned kernel package behind the linux-image-amd64 metapackage.
kernel_pkg=${LINUX_GUEST_KERNEL_PKG:-}
if [ -z "$kernel_pkg" ]; then
	# A kernel already downloaded is used as is (no network needed the second time).
	kernel_pkg=$(find "$debs" -name 'linux-image-*-amd64_*.deb' -printf '%f\n' 2>/dev/null |
		sed -n 's/^\(linux-image-[^_]*-amd64\)_.*/\1/p' | sort -V | tail -1)
fi
if [ -z "$kernel_pkg" ]; then
	resolve() { apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1; }
	kernel_pkg=$(resolve)
	if [ -z "$kernel_pkg" ] && [ "$(id -u)" = 0 ]; then
		echo "linux-guest: apt-get update" >&2
		apt-get update -qq >&2 || true
		kernel_pkg=$(resolve)
	fi
	[ -n "$kernel_pkg" ] || die "apt-cache knows no linux-image-amd64: run 'apt-get update' as root"
fi
download "$kernel_pkg"
download busybox-static
kernel_deb=$(ls "$debs/${kernel_pkg}"_*.deb | head -1)
busybox_deb=$(ls "$debs"/busybox-static_*.deb | head -1)

# Unpack each .deb once (a stamp names the .deb it came from).
unpack() {	# unpack DEB DIR
	if [ "$(cat "$2.stamp" 2>/dev/null)" != "$(basename "$1")" ]; then
		rm -rf "$2" "$2.stamp"
		dpkg-deb -x "$1" "$2"
		basename "$1" > "$2.stamp"
	fi
}
unpack "$kernel_deb" "$out/kernel"
unpack "$busybox_deb" "$out/busybox"
kver=$(ls "$out/kernel/lib/modules" | head -1)
if [ -z "$kver" ] || [ ! -f "$out/kernel/boot/vmlinuz-$kver" ]; then
	die "no kernel in $kernel_deb"
fi
moddir=$out/kernel/lib/modules/$kver

# Modules virtio-net needs, dependencies first, each once; built-in ones (modules.builtin) skipped.
order=()
declare -A seen=()
modfile() {	# modfile NAME: the .ko of module NAME (file names may use - for _)
	local n=$1
	find "$moddir/kernel" \( -name "$n.ko" -o -name "${n//_/-}.ko" \) -print -quit
}
need_module() {
	local name=${1//-/_} file dep
	[ -z "${seen[$name]:-}" ] || return 0
	seen[$name]=1
	if grep -qE "/(${name}|${name//_/-})\.ko$" "$moddir/modules.builtin"; then
		return 0
	fi
	file=$(modfile "$name")
	[ -n "$file" ] || die "module $name is neither built into $kver nor shipped with it"
	for dep in $("$modinfo" -F depends "$file" | tr ',' ' '); do
		need_module "$dep"
	done
	order+=("$name")
}
need_module virtio_pci
need_module virtio_net

echo_bin=${ECHO_BIN:-build/apps/echo}
if [ ! -x "$echo_bin" ]; then
	echo "linux-guest: no $echo_bin (run make first)" >&2
	exit 1
fi
if [ -n "$redis_bin" ] && [ ! -x "$redis_bin" ]; then
	echo "linux-guest: no $redis_bin (run make redis first)" >&2
	exit 1
fi

# build_initramfs SUFFIX [REDIS]: $out/initramfs$SUFFIX.cpio.gz and $out/guest$SUFFIX.env, rebuilt
# when any input is newer than them; with REDIS, it also holds /bin/redis-server.
build_initramfs() {
	local suffix=$1 redis=${2:-} initramfs=$out/initramfs$1.cpio.gz env=$out/guest$1.env
	local inputs=(tools/run/linux-guest-init.sh tools/run/linux-guest.sh "$echo_bin" "$kernel_deb"
		"$busybox_deb" ${redis:+"$redis"})
	local stale=0 f root=$out/root$suffix
	[ -f "$initramfs" ] && [ -f "$env" ] || stale=1
	for f in "${inputs[@]}"; do
		[ "$f" -nt "$initramfs" ] && stale=1
	done
	[ "$stale" = 1 ] || return 0
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,lib/modules}
	cp "$out/busybox/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	# The servers: the very executables epunk runs (static, musl).
	cp "$echo_bin" "$root/bin/echo-server"
	[ -z "$redis" ] || cp "$redis" "$root/bin/redis-server"
	for m in "${order[@]}"; do
		cp "$(modfile "$m")" "$root/lib/modules/$m.ko"
	done
	printf '%s\n' "${order[@]}" > "$root/etc/modules.order"
	install -m 755 tools/run/linux-guest-init.sh "$root/init"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$initramfs.tmp"
	mv "$initramfs.tmp" "$initramfs"
	cp "$out/kernel/boot/vmlinuz-$kver" "$out/vmlinuz"
	{
		echo "KERNEL_VERSION=$kver"
		echo "KERNEL_PKG=$(basename "$kernel_deb" .deb)"
		echo "BUSYBOX_PKG=$(basename "$busybox_deb" .deb)"
		echo "MODULES=\"${order[*]}\""
		echo "VMLINUZ_BYTES=$(stat -c %s "$out/vmlinuz")"
		echo "INITRAMFS_BYTES=$(stat -c %s "$initramfs")"
		echo "SERVER_SHA256=$(sha256sum < "$root/bin/echo-server" | cut -d' ' -f1)"
		[ -z "$redis" ] || echo "REDIS_SHA256=$(sha256sum < "$root/bin/redis-server" | cut -d' ' -f1)"
	} > "$env"
	rm -rf "$root"
	echo "linux-guest: built $out/vmlinuz ($kver) and $initramfs (modules: ${order[*]})" >&2
}
build_initramfs ""
[ -z "$redis_bin" ] || build_initramfs -redis "$redis_bin"
if [ "$print" = 1 ]; then
	cat "$out/guest${redis_bin:+-redis}.env"
fi
