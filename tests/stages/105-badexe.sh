echo "== bad executables: a one-line reason and a non-zero status, never a panic or a hang (tests/badexe.sh)"
timeout -k 10 900 tests/badexe.sh "$out/badexe" > "$out/badexe.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL)' "$out/badexe.txt"
tally "bad executables" "$out/badexe.txt" "$rc"
