#!/bin/bash
# SPDX-License-Identifier: MIT
# make conformance: run the scenarios of tests/conformance/ as a host Linux program (the oracle)
# and as an epunk application, and diff the two outputs line by line.
# usage: tests/conformance.sh SOURCE...   (the Makefile passes CONFORMANCE_SRCS)
set -u
cd "$(dirname "$0")/.."
out=build/conformance
mkdir -p "$out"

if ! gcc -std=gnu11 -O2 -Wall -Wextra -Werror -pthread "$@" -o "$out/linux"; then
	echo "conformance: cannot build the host oracle"
	exit 1
fi
timeout -k 5 300 "$out/linux" > "$out/linux.out"
rc=$?
if [ "$rc" != 0 ]; then
	echo "conformance: the host oracle exited with status $rc"
	exit 1
fi
tools/run/qemu.sh --timeout 600 --append "quiet app=conformance" --log "$out/epunk.log"
rc=$?
tr -d '\r' < "$out/epunk.log" > "$out/epunk.out"
if [ "$rc" != 0 ]; then
	echo "conformance: the epunk run exited with status $rc (output in $out/epunk.out)"
	tail -5 "$out/epunk.out"
	exit 1
fi
checks=$(sed -n 's/^conformance: \([0-9]*\) checks$/\1/p' "$out/linux.out")
if diff -u "$out/linux.out" "$out/epunk.out" > "$out/diff.txt"; then
	echo "conformance: $checks checks, 0 differences from Linux $(uname -r)"
	exit 0
fi
ndiff=$(grep -c '^-[^-]' "$out/diff.txt")
cat "$out/diff.txt"
echo "conformance: $checks checks, $ndiff differ from Linux $(uname -r) (diff in $out/diff.txt)"
exit 1
