#!/bin/bash
# SPDX-License-Identifier: MIT
# make conformance: run the scenarios of tests/conformance/, one static executable built with musl
# (build/apps/conformance, make builds it), on host Linux (the oracle) and on epunk, and diff the
# two outputs line by line.
# usage: tests/conformance.sh
set -u
cd "$(dirname "$0")/.."
out=build/conformance
bin=build/apps/conformance
mkdir -p "$out"

if [ ! -x "$bin" ]; then
	echo "conformance: no $bin (run make first)"
	exit 1
fi
timeout -k 5 300 "$bin" > "$out/linux.out"
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
