echo "== faults on the wire: impairments and hostile frames (tests/net-faults.sh)"
# build/wire between QEMU and a tap: 5% loss, 1% dup, 1% reorder, 20+-10 ms, 0.1% corruption, then
# 200000 injected hostile frames, then hostile virtio-net headers over the tap itself, each with an
# echo client verifying every byte (about 150 s).
OUT="$out/faults" timeout -k 10 400 tests/net-faults.sh > "$out/net-faults.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP)' "$out/net-faults.txt"
grep '^net-faults summary' "$out/net-faults.txt"
tally "faults on the wire" "$out/net-faults.txt" "$rc"
