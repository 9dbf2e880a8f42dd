# SPDX-License-Identifier: MIT
# Linux's own epoll selftest, built unchanged against our harness (tests/selftests.sh; make test
# builds the executables, fetching the test file), on host Linux and on epunk: every test of it.
echo "== the kselftest harness checked against itself, on Linux and on epunk"
tests/selftests.sh --harness > "$out/selftests-harness.txt" 2>&1
rc=$?
tail -n 1 "$out/selftests-harness.txt"
if [ "$rc" = 0 ]; then
	pass "harness_check: ASSERT, EXPECT, timeouts, abort() and the test's threads end as Linux's harness ends them, on both"
else
	cat "$out/selftests-harness.txt"
	fail "harness_check" "see $out/selftests-harness.txt and build/selftests-run/harness_check-*.tap"
fi

echo "== Linux's epoll_wakeup_test.c (Linux 6.1) on Linux and on epunk"
tests/selftests.sh > "$out/selftests.txt" 2>&1
rc=$?
tail -n 3 "$out/selftests.txt"
if [ "$rc" = 0 ]; then
	pass "epoll_wakeup_test: $(sed -n 's/^epoll_wakeup_test on epunk: //p' "$out/selftests.txt") on epunk, as on Linux"
else
	grep -E '^(failed on epunk|passed on Linux|selftests):' "$out/selftests.txt"
	fail "epoll_wakeup_test" "$(sed -n 's/^epoll_wakeup_test on epunk: //p' "$out/selftests.txt") on epunk (see $out/selftests.txt)"
fi
