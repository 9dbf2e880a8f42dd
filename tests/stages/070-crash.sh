echo "== fault reports (each boot must panic with status 100 and a symbolized report)"
crash() {	# crash CASE PATTERN...
	local c=$1
	shift
	boot "crash-$c" "ktest=crash.$c quiet"
	if [ "$rc" != 100 ]; then
		fail "crash.$c" "exit status $rc, expected 100 (panic)"
		return
	fi
	expect_in "crash.$c" "$out/crash-$c.txt" "Backtrace:" "Kernel panic:" \
		"halted after panic (exit status 100)" "$@" && pass "crash.$c"
}
crash null_deref "main_thread+" "CPU exception 14: page fault (#PF)" "CR2: 0000000000000000" \
	"page not present, write" "RIP: 0008:" "crash_write+0" "RAX: " "R15: " "ktest_run+"
crash gp_noncanonical "main_thread+" "CPU exception 13: general protection fault (#GP)" "crash_write+0" \
	"RDI: 8000000000000000"
crash panic "main_thread+" "Kernel panic: deliberate panic from ktest (value 42)" "ktest_fn_crash_panic+" "panic+"
crash write_text "main_thread+" "CPU exception 14: page fault (#PF)" "protection violation, write" "crash_write+0"
crash exec_data "main_thread+" "CPU exception 14: page fault (#PF)" "protection violation, read, instruction fetch" \
	"ktest_fn_crash_exec_data+"
crash write_rodata "main_thread+" "CPU exception 14: page fault (#PF)" "protection violation, write" "crash_write+0"
crash exec_stack "main_thread+" "CPU exception 14: page fault (#PF)" "protection violation, read, instruction fetch" \
	"ktest_fn_crash_exec_stack+"
crash stack_smash "main_thread+" "Kernel panic: stack protector: the stack of stack_smash_victim+" \
	"__stack_chk_fail+" "ktest_fn_crash_stack_smash+"
crash stack_overflow "CPU exception 8: double fault (#DF)" "kernel stack overflow" "recurse+" "guard page below the stack of thread 'deep-recursion'"
