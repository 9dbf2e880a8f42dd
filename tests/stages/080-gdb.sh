echo "== make gdb: gdb stops at the kernel entry with symbols"
port=$((20000 + $$ % 20000))
timeout -k 5 60 tools/run/gdb-session.sh "$port" "ktest=time quiet" > "$out/gdb-qemu.log" 2>&1 < /dev/null &
qpid=$!
sleep 1
timeout -k 5 60 gdb -q -batch -x build/gdbinit -ex 'info symbol $pc' -ex 'kill' \
	> "$out/gdb.log" 2>&1 < /dev/null
grc=$?
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null
if [ "$grc" = 0 ] && grep -q "^pvh_start32 in section .boot" "$out/gdb.log" &&
	grep -q "gdb -q -x build/gdbinit" "$out/gdb-qemu.log"; then
	pass "make gdb: stops at pvh_start32"
else
	cat "$out/gdb.log"
	fail "make gdb: stops at pvh_start32" "gdb status $grc (see $out/gdb.log)"
fi
