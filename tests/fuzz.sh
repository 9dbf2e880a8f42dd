#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the libFuzzer targets (tests/fuzz/): replay each committed corpus, then fuzz for a while on
# a scratch copy of it, printing PASS/FAIL lines. make test runs it with the short default.
# usage: tests/fuzz.sh [--seconds N] [--merge] [TARGET...]      (targets: epoll frame)
#   --seconds N  fuzz each target for N seconds (default 25); 0: replay the corpus only
#   --merge      no fuzzing: add the inputs of the last run that reach new coverage to
#                tests/fuzz/corpus/TARGET (libFuzzer -merge=1)
# Builds the targets first (make fuzz-build). Environment: FUZZ_DIR (default build/fuzz), MAKE.
# A crash leaves its input in $FUZZ_DIR/run/TARGET/crash-*; reproduce with
#   $FUZZ_DIR/fuzz_TARGET $FUZZ_DIR/run/TARGET/crash-...
set -eu
cd "$(dirname "$0")/.."
seconds=25
merge=0
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds="$2"; shift 2 ;;
	--merge) merge=1; shift ;;
	-*) echo "usage: tests/fuzz.sh [--seconds N] [--merge] [epoll|frame...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz: --seconds wants a number, not '$seconds'" >&2; exit 2 ;; esac
targets="${*:-epoll frame}"
dir="${FUZZ_DIR:-build/fuzz}"
for t in $targets; do
	case "$t" in epoll|frame) ;; *) echo "fuzz: unknown target '$t' (epoll, frame)" >&2; exit 2 ;; esac
done

bins=""
for t in $targets; do bins="$bins $dir/fuzz_$t"; done
# Its own make (not a sub-make of make test's: no jobserver to share).
# shellcheck disable=SC2086
env -u MAKEFLAGS -u MAKELEVEL ${MAKE:-make} -j2 --no-print-directory B="${dir%/fuzz}" $bins >/dev/null || {
	echo "FAIL fuzz: building the targets (make fuzz-build)"; exit 1; }

fail=0
for t in $targets; do
	bin="$dir/fuzz_$t"
	corpus="tests/fuzz/corpus/$t"
	run="$dir/run/$t"
	if [ "$merge" = 1 ]; then
		[ -d "$run/corpus" ] || { echo "FAIL fuzz $t: no run to merge ($run/corpus)"; fail=1; continue; }
		before=$(ls "$corpus" | wc -l)
		"$bin" -merge=1 "$corpus" "$run/corpus" > "$run/merge.log" 2>&1 ||
			{ echo "FAIL fuzz $t: merge (see $run/merge.log)"; fail=1; continue; }
		echo "PASS fuzz $t: merged, corpus $before -> $(ls "$corpus" | wc -l) inputs"
		continue
	fi
	rm -rf "$run"
	mkdir -p "$run/corpus"
	cp "$corpus"/* "$run/corpus/"
	n=$(ls "$corpus" | wc -l)
	# Replay: every committed input once, as a regression test.
	if "$bin" -runs=0 "$corpus" > "$run/replay.log" 2>&1; then
		echo "PASS fuzz $t: corpus replay ($n inputs)"
	else
		echo "FAIL fuzz $t: corpus replay (see $run/replay.log)"
		fail=1
		continue
	fi
	[ "$seconds" -gt 0 ] || continue
	if nice -n 10 "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$run/" "$run/corpus" > "$run/fuzz.log" 2>&1; then
		stats=$(grep -E '^#[0-9]+.*DONE' "$run/fuzz.log" | tail -1 |
			sed -E 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+).*exec\/s: ([0-9]+).*/\1 runs, cov \2, ft \3, \4 exec\/s/')
		echo "PASS fuzz $t: ${seconds} s, $stats, no crash"
	else
		crash=$(ls "$run"/crash-* "$run"/leak-* "$run"/timeout-* "$run"/oom-* 2>/dev/null | head -1)
		echo "FAIL fuzz $t: ${crash:-no input saved} (log $run/fuzz.log; reproduce: $bin ${crash:-})"
		grep -m3 -E 'ERROR|fuzz_(epoll|frame):|panic' "$run/fuzz.log" | sed 's/^/    /'
		fail=1
	fi
done
exit $fail
