echo "== tracing: every epunk gdb command in batch mode against the echo server (tests/trace-gdb.sh)"
OUT="$out/trace-gdb" timeout -k 10 300 tests/trace-gdb.sh > "$out/trace-gdb.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP)' "$out/trace-gdb.txt"
tally "tracing gdb commands" "$out/trace-gdb.txt" "$rc"
