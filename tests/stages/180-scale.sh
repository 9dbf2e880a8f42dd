echo "== scale and churn, short (tests/scale.sh: 2,000 held, 3,000-connect burst, 5,000 cycles, leaks)"
OUT="$out/scale" timeout -k 10 600 tests/scale.sh > "$out/scale.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP)' "$out/scale.txt"
sed -n '/^== soak summary/,$p' "$out/scale.txt" | sed '$d'
tally "scale and churn" "$out/scale.txt" "$rc"
