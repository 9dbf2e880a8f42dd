echo "== fuzzing: corpus replay + a short libFuzzer run per target (tests/fuzz.sh)"
timeout -k 10 300 tests/fuzz.sh --seconds 25 > "$out/fuzz.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL)|^    ' "$out/fuzz.txt"
tally "fuzzing" "$out/fuzz.txt" "$rc"
