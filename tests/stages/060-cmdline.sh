echo "== bad kernel command line"
boot bad-cmdline "ktest=all bogus=1"
[ "$rc" = 1 ] && expect_in "bad command line" "$out/bad-cmdline.txt" \
	"bad kernel command line" "unknown option 'bogus'" "known options:" && pass "bad command line"
[ "$rc" = 1 ] || fail "bad command line" "got status $rc"
boot bad-offload "ktest=all vnet_offload=maybe"
[ "$rc" = 1 ] && expect_in "bad vnet_offload value" "$out/bad-offload.txt" \
	"vnet_offload=maybe: expected on or off" && pass "bad vnet_offload value"
[ "$rc" = 1 ] || fail "bad vnet_offload value" "got status $rc"
boot bad-defer "ktest=all vnet_rx_defer=10001"
[ "$rc" = 1 ] && expect_in "vnet_rx_defer beyond its ceiling" "$out/bad-defer.txt" \
	"vnet_rx_defer=10001: expected microseconds, 0..10000" && pass "vnet_rx_defer beyond its ceiling"
[ "$rc" = 1 ] || fail "vnet_rx_defer beyond its ceiling" "got status $rc"
boot bad-value "ktest=all timeslice_ms=abc"
[ "$rc" = 1 ] && expect_in "bad option value" "$out/bad-value.txt" \
	"timeslice_ms=abc: expected a whole number of milliseconds" && pass "bad option value"
[ "$rc" = 1 ] || fail "bad option value" "got status $rc"
boot short-slice "ktest=all timeslice_us=49"
[ "$rc" = 1 ] && expect_in "time slice below its floor" "$out/short-slice.txt" \
	"timeslice_us=49: expected a whole number of microseconds, 50..10000000" &&
	pass "time slice below its floor"
[ "$rc" = 1 ] || fail "time slice below its floor" "got status $rc"
boot bad-tlb "ktest=all tlb_refresh_ms=10001"
[ "$rc" = 1 ] && expect_in "TLB refresh beyond its ceiling" "$out/bad-tlb.txt" \
	"tlb_refresh_ms=10001: expected a whole number of milliseconds, 0..10000" &&
	pass "TLB refresh beyond its ceiling"
[ "$rc" = 1 ] || fail "TLB refresh beyond its ceiling" "got status $rc"
boot two-slices "ktest=all timeslice_ms=1 timeslice_us=100"
[ "$rc" = 1 ] && expect_in "two time slices" "$out/two-slices.txt" \
	"timeslice_ms= and timeslice_us= both given" && pass "two time slices"
[ "$rc" = 1 ] || fail "two time slices" "got status $rc"
