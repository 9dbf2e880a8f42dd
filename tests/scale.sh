#!/bin/bash
# SPDX-License-Identifier: MIT
# make test's short reliability run: tools/bench/soak.sh with small figures (2,000 connections held,
# a burst of 3,000 connects past the half-open limit, 5,000 churn cycles), every leak counter
# checked against its baseline; first, a bad tcp_msl= must stop the boot with a clear message.
# Prints PASS/FAIL lines and the soak summary; exit status as tools/bench/soak.sh (77: cannot run).
set -u
cd "$(dirname "$0")/.." || exit 1
out=${OUT:-build/test/scale}
mkdir -p "$out"

tools/run/qemu.sh --timeout 60 --append "tcp_msl=5" --log "$out/bad-msl.log" 2> /dev/null
rc=$?
bad_ok=0
if [ "$rc" = 1 ] && tr -d '\r' < "$out/bad-msl.log" |
	grep -qF "epunk: tcp_msl=5: expected milliseconds, 100..600000"; then
	echo "PASS tcp_msl=5 stops the boot with a clear message"
	bad_ok=1
else
	echo "FAIL tcp_msl=5: expected exit status 1 and the message (status $rc, see $out/bad-msl.log)"
fi
tools/bench/soak.sh --conns "${SCALE_CONNS:-2000}" --burst "${SCALE_BURST:-3000}" \
	--cycles "${SCALE_CYCLES:-5000}" --no-faults --out "$out"
rc=$?
[ "$bad_ok" = 1 ] || [ "$rc" != 0 ] || rc=1
exit "$rc"
