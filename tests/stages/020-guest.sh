echo "== in-guest suites (ktest=all)"
NET=user boot guest "ktest=all"
cat "$out/guest.txt"
if ! counts "$out/guest.txt"; then
	fail "in-guest suites" "no summary line (exit status $rc, $(cat "$out/guest.err"))"
elif [ "$rc" != 0 ] && ! grep -qE ' [1-9][0-9]* failed$' "$out/guest.txt"; then
	fail "in-guest suites" "exit status $rc with no failed case"
fi
