echo "== network end to end: host clients against the guest's echo server (tests/net-e2e.sh)"
OUT="$out/net" tests/net-e2e.sh > "$out/net-e2e.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP)' "$out/net-e2e.txt"
tally "network end to end" "$out/net-e2e.txt" "$rc"
