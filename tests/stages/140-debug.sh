echo "== make DEBUG=1: the UBSan kernel passes ktest=all silently and reports deliberate UB"
# build/debug, its own directory; kernel/ubsan.c panics (status 100) on the first report.
dbg=build/debug/epunk.elf
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory DEBUG=1 -j2 \
	> "$out/debug-build.log" 2>&1; then
	NET=user tools/run/qemu.sh --kernel "$dbg" --timeout 150 --append "ktest=all" \
		--log "$out/debug-all.log" 2> "$out/debug-all.err"
	rc=$?
	tr -d '\r' < "$out/debug-all.log" > "$out/debug-all.txt"
	if [ "$rc" = 0 ] && ! grep -q "UBSan: " "$out/debug-all.txt" &&
		grep -q "UBSan$" "$out/debug-all.txt"; then
		pass "DEBUG=1: $(grep -E '^ktest: [0-9]+ passed' "$out/debug-all.txt" | tail -1 | cut -c8-), no UBSan report"
	else
		grep -A3 "UBSan: \|FAIL " "$out/debug-all.txt" | head -20
		fail "DEBUG=1 ktest=all" "exit status $rc (see $out/debug-all.txt)"
	fi
	tools/run/qemu.sh --kernel "$dbg" --timeout 60 --append "ktest=crash.ubsan_shift quiet" \
		--log "$out/debug-ubsan.log" 2> "$out/debug-ubsan.err"
	rc=$?
	tr -d '\r' < "$out/debug-ubsan.log" > "$out/debug-ubsan.txt"
	if [ "$rc" != 100 ]; then
		fail "DEBUG=1 crash.ubsan_shift" "exit status $rc, expected 100 (see $out/debug-ubsan.txt)"
	elif expect_in "DEBUG=1 crash.ubsan_shift" "$out/debug-ubsan.txt" "*** UBSan: shift out of bounds" \
		"shift of 1 by 40: shift exponent 40 is too large for 32-bit type 'int'" \
		"at tests/guest/test_crash.c:" "Kernel panic: undefined behaviour (UBSan) at" \
		"__ubsan_handle_shift_out_of_bounds+" "ktest_fn_crash_ubsan_shift"; then
		pass "DEBUG=1 crash.ubsan_shift: reported with types, values and location"
	fi
else
	tail -20 "$out/debug-build.log"
	fail "make DEBUG=1" "does not build (see $out/debug-build.log)"
fi
