echo "== boot banner"
boot banner "ktest=time"
[ "$rc" = 0 ] && expect_in "banner" "$out/banner.txt" "epunk 0.1: x86-64 unikernel, booted via PVH" \
	'command line: "ktest=time"' "memory map:" "RAM total:" "TSC: " "found by" \
	"boot time: " "from the first instruction to this banner" && pass "banner"
[ "$rc" = 0 ] || fail "banner" "exit status $rc"
