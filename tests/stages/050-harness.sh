echo "== harness self-checks: a failing case must fail the run"
build/host/unittest selftest.must_fail > "$out/host-must-fail.log" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q '^ktest: 0 passed, 1 failed$' "$out/host-must-fail.log"; then
	pass "host: failing case -> exit status 1"
else
	fail "host: failing case -> exit status 1" "got status $rc"
fi
boot must-fail "ktest=selftest.must_fail quiet"
if [ "$rc" = 1 ] && expect_in "guest: failing case -> exit status 1" "$out/must-fail.txt" \
	"FAIL selftest.must_fail" "ktest: 0 passed, 1 failed"; then
	pass "guest: failing case -> exit status 1"
elif [ "$rc" != 1 ]; then
	fail "guest: failing case -> exit status 1" "got status $rc"
fi
boot no-match "ktest=no_such_suite quiet"
[ "$rc" = 1 ] && expect_in "guest: unknown test name" "$out/no-match.txt" \
	"no test case matches 'no_such_suite'" && pass "guest: unknown test name"
[ "$rc" = 1 ] || fail "guest: unknown test name" "got status $rc"
