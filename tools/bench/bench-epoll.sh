#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench-epoll: the epoll cost table from apps/epollbench.c, in the guest (epunk) and, for
# reference, the same executable (build/apps/epollbench) on this host's Linux. A benchmark: it
# reports, it asserts nothing.
set -eu
cd "$(dirname "$0")/../.."
out=build/bench
mkdir -p "$out"
sizes=${SIZES:-10 100 1000 10000 100000}
accel=${ACCEL:-tcg}

echo "== host Linux ($(uname -r)), same program"
build/apps/epollbench $sizes | tee "$out/epoll-linux.txt"

echo
echo "== epunk guest (QEMU, $accel, -m ${MEM:-512M})"
MEM=${MEM:-512M} tools/run/qemu.sh --timeout 900 --append "quiet app=epollbench args=\"$sizes\"" \
	--log "$out/epoll-epunk.log" || { cat "$out/epoll-epunk.log"; exit 1; }
tr -d '\r' < "$out/epoll-epunk.log" | tee "$out/epoll-epunk.txt"
