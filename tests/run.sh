#!/bin/bash
# SPDX-License-Identifier: MIT
# make test: every stage of tests/stages/ in order (host unit tests, the in-guest suites, boots
# that must fail in a precise way, conformance against Linux, end-to-end networking, fuzzing...),
# or only the stages named: tests/run.sh [STAGE...], STAGE a file's name without its number and
# .sh (tests/run.sh guest conformance). Every QEMU run is bounded by a timeout. Ends with
# "N passed, N failed, N skipped" and a non-zero status if anything failed.
set -u
cd "$(dirname "$0")/.."
. tools/lib.sh
out=build/test
mkdir -p "$out"

# counts LOG: add the last "N passed, M failed" line of LOG to the totals; 1 if there is none.
counts() {
	local line
	line=$(tr -d '\r' < "$1" | grep -E '^ktest: [0-9]+ passed, [0-9]+ failed$' | tail -1)
	[ -n "$line" ] || return 1
	set -- $line
	passed=$((passed + $2))
	failed=$((failed + $4))
	return 0
}

# boot NAME APPEND: boot the kernel with APPEND; serial output in $out/NAME.log, status in $rc.
boot() {
	tools/run/qemu.sh --timeout 120 --append "$2" --log "$out/$1.log" 2> "$out/$1.err"
	rc=$?
	tr -d '\r' < "$out/$1.log" > "$out/$1.txt"
}

# expect_in NAME FILE PATTERN...: every (fixed-string) pattern must occur in FILE.
expect_in() {
	local name=$1 file=$2 p
	shift 2
	for p in "$@"; do
		if ! grep -qF -- "$p" "$file"; then
			fail "$name" "output lacks '$p' (see $file)"
			return 1
		fi
	done
	return 0
}

# tally NAME LOG RC: fold a sub-script's PASS/FAIL lines (in LOG, its exit status RC) into the
# totals; status 77 with a SKIP line is a skip, any other non-zero status without FAIL a failure.
tally() {
	local name=$1 log=$2 rc=$3
	if [ "$rc" = 77 ] && grep -q '^SKIP' "$log"; then
		skip "$name" "$(grep '^SKIP' "$log" | head -1)"
		return
	fi
	passed=$((passed + $(grep -c '^PASS' "$log")))
	failed=$((failed + $(grep -c '^FAIL' "$log")))
	[ "$rc" = 0 ] || grep -q '^FAIL' "$log" || { tail -5 "$log"; fail "$name" "exit status $rc"; }
}

stages=()
for f in tests/stages/*.sh; do
	name=$(basename "$f" .sh)
	stages+=("${name#*-}")
done
want=("$@")
for w in "${want[@]}"; do
	printf '%s\n' "${stages[@]}" | grep -qx -- "$w" || {
		echo "run.sh: no stage '$w'; the stages are: ${stages[*]}" >&2
		exit 2
	}
done
[ $# -gt 0 ] || rm -rf "$out" && mkdir -p "$out"
for f in tests/stages/*.sh; do
	name=$(basename "$f" .sh)
	name=${name#*-}
	if [ $# -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx -- "$name"; then
		continue
	fi
	# shellcheck disable=SC1090
	. "$f"
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
