echo "== redis on epunk against redis on Linux: round trips, hostile clients, a bad argument, leaks (tests/redis.sh)"
OUT="$out/redis" timeout -k 10 600 tests/redis.sh > "$out/redis.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP)' "$out/redis.txt"
tally "redis" "$out/redis.txt" "$rc"
