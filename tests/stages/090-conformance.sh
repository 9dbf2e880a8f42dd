echo "== conformance: one musl executable on host Linux and on epunk, outputs diffed"
tests/conformance.sh > "$out/conformance.txt" 2>&1
rc=$?
tail -3 "$out/conformance.txt"
if [ "$rc" = 0 ]; then
	pass "conformance: $(sed -n 's/^conformance: \([0-9]*\) checks.*/\1/p' "$out/conformance.txt") checks identical to Linux"
else
	fail "conformance" "see $out/conformance.txt and build/conformance/diff.txt"
fi
