#!/bin/bash
# SPDX-License-Identifier: MIT
# make selftests: Linux's epoll selftest (epoll_wakeup_test.c of Linux 6.1, built unchanged with
# musl against tests/selftests/kselftest_harness.h into build/apps/epoll_wakeup_test) run on this
# machine's Linux, the oracle, then on epunk booted with the same executable as its initrd.
# Ends with one line per system, "epoll_wakeup_test on SYSTEM: N passed, M failed" (M counts the
# tests that did not pass, run or not), and fails when epunk does not pass a test that Linux
# passes, or does not pass every test it was given.
#
#   usage: tests/selftests.sh [--timeout SECONDS] | --harness | --compare [NOFILE]
#     --timeout  seconds each test may run (default: 300)
#     --harness  instead, build/apps/harness_check on both: the harness's own tests, whose
#                results must be tests/selftests/harness_check.tap's, and the same on both
#     --compare  instead, on this machine only: the file built against Linux's own harness too
#                (fetched, never committed) and run beside ours; their outputs must be the same.
#                NOFILE: both run under "ulimit -n NOFILE" (6 makes most tests fail, at
#                different places). Linux's harness gives each test 30 s: epoll59 may time out
#                there on a loaded machine
#
# epunk boots with timeslice_us=100: several tests wait by spinning on a flag another thread sets,
# and on epunk's one CPU that thread runs only when the spinner's time slice ends; epoll59 hands
# a flag between two spinning threads 100000 times, a slice each (about 170 s under TCG at 1 ms
# slices, 40 s at 100 us). Logs and TAP outputs go to build/selftests-run/.
set -u
cd "$(dirname "$0")/.."
out=build/selftests-run
bin=build/apps/epoll_wakeup_test
check=build/apps/harness_check
harness=0
compare=0
nofile=
timeout_s=""
while [ $# -gt 0 ]; do
	case "$1" in
	--harness) harness=1; shift ;;
	--compare) compare=1; shift; [ $# -gt 0 ] && [ "${1#-}" = "$1" ] && { nofile=$1; shift; } ;;
	--timeout) timeout_s=$2; shift 2 ;;
	*) echo "selftests: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$timeout_s" ] || timeout_s=300
mkdir -p "$out"

if [ "$compare" = 1 ]; then
	tools/build/fetch-selftest.sh --linux-harness build/selftests || exit 1
	theirs=$out/epoll_wakeup_test-linux-harness
	${APP_CC:-musl-gcc} -O2 -g -std=gnu11 -static -Wall -Wno-unused-variable -isystem build/uapi-shim \
		build/selftests/linux/filesystems/epoll/epoll_wakeup_test.c -o "$theirs" -pthread || exit 1
	for who in linux-harness ours; do
		exe=$([ "$who" = ours ] && echo "$bin" || echo "$theirs")
		(
			[ -z "$nofile" ] || ulimit -n "$nofile"
			"$exe" > "$out/compare-$who.out" 2> "$out/compare-$who.err"
		)
		rc=$?
		echo "$who: status $rc, $(tail -n 1 "$out/compare-$who.out")"
	done
	# The same file at two paths: the log names it.
	sed -i 's#/linux/filesystems/#/filesystems/#' "$out/compare-linux-harness.err"
	if cmp -s "$out/compare-linux-harness.out" "$out/compare-ours.out" &&
		cmp -s "$out/compare-linux-harness.err" "$out/compare-ours.err"; then
		echo "selftests: our harness's output is Linux's harness's, line for line"
		exit 0
	fi
	diff "$out/compare-linux-harness.out" "$out/compare-ours.out"
	diff "$out/compare-linux-harness.err" "$out/compare-ours.err"
	echo "selftests: the outputs differ (in $out/compare-*)"
	exit 1
fi

for f in build/epunk.elf $([ "$harness" = 1 ] && echo "$check" || echo "$bin"); do
	if [ ! -f "$f" ]; then
		echo "selftests: no $f (run make selftests-build, or make)"
		exit 1
	fi
done
status=0

# results FILE: "NAME ok" or "NAME fail" for each result line of a TAP output, in order. A result
# belongs to the test whose RUN line came before it (a SKIP result does not name its test).
results() {
	awk '/^#  RUN +global\./ { sub(/^global\./, "", $3); name = $3 }
		/^ok [0-9]+/ { print name, "ok" }
		/^not ok [0-9]+/ { print name, "fail" }' "$1"
}

# run NAME EXE LIMIT ARGS...: EXE with ARGS on Linux (NAME-linux.tap) and on epunk
# (NAME-epunk.tap), each bounded by LIMIT seconds; sets linux_rc, epunk_rc, epunk_secs.
run() {
	local name=$1 exe=$2 limit=$3 start
	shift 3
	timeout -k 5 "$limit" "$exe" "$@" > "$out/$name-linux.tap" 2>&1
	linux_rc=$?
	start=$(date +%s)
	tools/run/qemu.sh --timeout "$limit" --initrd "$exe" \
		--append "quiet timeslice_us=100 args=\"$*\"" --log "$out/$name-epunk.log" \
		2> "$out/$name-epunk.err"
	epunk_rc=$?
	epunk_secs=$(($(date +%s) - start))
	tr -d '\r' < "$out/$name-epunk.log" > "$out/$name-epunk.tap"
}

if [ "$harness" = 1 ]; then
	run harness_check "$check" 300 --timeout 3
	want=tests/selftests/harness_check.tap
	tap='^(ok|not ok) |^# (PASSED|FAILED|Totals)'
	if grep -E "$tap" "$out/harness_check-linux.tap" | cmp -s - "$want" &&
		grep -E "$tap" "$out/harness_check-epunk.tap" | cmp -s - "$want" &&
		cmp -s "$out/harness_check-linux.tap" "$out/harness_check-epunk.tap"; then
		echo "harness_check: the results of $want, the same output on Linux and on epunk"
	else
		diff <(grep -E "$tap" "$out/harness_check-linux.tap") "$want" | sed 's/^/  linux: /'
		diff "$out/harness_check-linux.tap" "$out/harness_check-epunk.tap" | sed 's/^/  epunk: /'
		echo "harness_check: not the results of $want, or epunk's output differs from Linux's" \
			"(status $epunk_rc; see $out/harness_check-*.tap)"
		exit 1
	fi
	exit 0
fi

args=(--timeout "$timeout_s")
# Every test of the file, and those both runs are given.
all=$("$bin" -l | wc -l)
given=$(grep -c '^TEST(' build/selftests/filesystems/epoll/epoll_wakeup_test.c)
if [ "$all" != "$given" ]; then
	echo "selftests: the harness lists $all tests, the file defines $given"
	status=1
fi
planned=$("$bin" -l "${args[@]}" | wc -l)
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
# Generous bounds for whole runs: a hanging test costs its timeout, not the run.
limit=$((planned * 20 + 3 * timeout_s))
run epoll_wakeup_test "$bin" "$limit" "${args[@]}"
results "$out/epoll_wakeup_test-linux.tap" > "$out/linux.results"
results "$out/epoll_wakeup_test-epunk.tap" > "$out/epunk.results"
linux_pass=$(grep -c ' ok$' "$out/linux.results")
epunk_pass=$(grep -c ' ok$' "$out/epunk.results")
epunk_ran=$(wc -l < "$out/epunk.results")
if [ "$epunk_ran" != "$planned" ]; then
	tail -5 "$out/epoll_wakeup_test-epunk.tap"
	echo "selftests: epunk reported $epunk_ran of $planned results (status $epunk_rc);" \
		"see $out/epoll_wakeup_test-epunk.tap"
	status=1
fi
# Tests Linux passes and epunk does not (failed, or never reported).
regressed=$(join -v1 <(grep ' ok$' "$out/linux.results" | sort) \
	<(grep ' ok$' "$out/epunk.results" | sort) | cut -d' ' -f1 | sort -V | tr '\n' ' ')
epunk_fail=$(grep ' fail$' "$out/epunk.results" | cut -d' ' -f1 | tr '\n' ' ')
[ -z "$epunk_fail" ] || echo "failed on epunk: $epunk_fail(see $out/epoll_wakeup_test-epunk.tap)"
if [ -n "$regressed" ]; then
	echo "passed on Linux, not on epunk: $regressed"
	status=1
fi
[ "$epunk_pass" = "$planned" ] || status=1
accel=${ACCEL:-$(grep -qE '\b(vmx|svm)\b' /proc/cpuinfo && [ -w /dev/kvm ] && echo kvm || echo tcg)}
echo "epunk ran $planned tests in $epunk_secs s ($accel), per-test timeout $timeout_s s"
echo "epoll_wakeup_test on Linux $(uname -r): $linux_pass passed, $((planned - linux_pass)) failed"
echo "epoll_wakeup_test on epunk: $epunk_pass passed, $((planned - epunk_pass)) failed"
exit $status
