#!/bin/bash
# SPDX-License-Identifier: MIT
# The gdb commands of tools/run/gdb/epunk.py against booted guests, in gdb's batch mode:
#   1. make gdb's script (tools/run/gdb-session.sh) loads them: "help epunk" and a command work at
#      the kernel's first instruction;
#   2. the echo server under TCG -icount shift=0 on QEMU user networking (loopback port forward),
#      the host echo client driving it: every "epunk ..." command, checked for its structure,
#      "epunk measure" counting the instructions of interrupt -> callback pairs (QEMU's icount
#      over QMP), and at least 100 samples with non-zero latencies per hop from the ring and
#      the kernel's histograms.
# Prints PASS/FAIL/SKIP lines; exit 0 when all passed. Every process it starts is bounded by a
# timeout and reaped on exit.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=${OUT:-build/test/trace-gdb}
rm -rf "$out" && mkdir -p "$out"
. tools/lib.sh

pids=()
# shellcheck disable=SC2317	# called by the trap
cleanup() {
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x build/echobench ] || [ tools/bench/echobench.c -nt build/echobench ]; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory build/echobench \
		> "$out/build.log" 2>&1 || { fail "build echobench" "see $out/build.log"; exit 1; }
fi
base=$((20000 + ($$ * 7) % 20000))
gport1=$base gport2=$((base + 1)) eport=$((base + 2)) qport=$((base + 3))

# ---- 1. loaded by make gdb's script ----
# QEMU writes its pid, so that it is stopped even if gdb fails to kill it.
QEMUFLAGS="-pidfile $out/session-qemu.pid" timeout -k 5 60 tools/run/gdb-session.sh "$gport1" "quiet" \
	> "$out/session-qemu.log" 2>&1 < /dev/null &
spid=$!
pids+=("$spid")
sleep 1
timeout -k 5 60 gdb -q -batch -x build/gdbinit -ex "help epunk" -ex "epunk threads" \
	-ex "tbreak kmain" -ex continue -ex "epunk threads" -ex kill \
	> "$out/session.log" 2>&1 < /dev/null
qp=$(cat "$out/session-qemu.pid" 2>/dev/null)
if [ -n "$qp" ] && grep -q qemu "/proc/$qp/cmdline" 2>/dev/null; then
	kill -TERM "$qp"
fi
wait "$spid" 2>/dev/null
if grep -q "^source .*tools/run/gdb/epunk.py" build/gdbinit && grep -q "^epunk measure" "$out/session.log" &&
	grep -q "kernel memory is not readable here" "$out/session.log" &&
	grep -q "thread(s)" "$out/session.log"; then
	pass "make gdb loads the epunk commands (help epunk; epunk threads at pvh_start32, then at kmain)"
else
	fail "make gdb loads the epunk commands" "see $out/session.log"
fi

# ---- 2. the echo server, traffic, every command ----
# gdb_cmds FILE COMMAND...: attach to the running guest, run COMMANDs, detach.
gdb_cmds() {
	local file=$1 args=()
	shift
	for c in "$@"; do args+=(-ex "$c"); done
	timeout -k 5 120 gdb -q -batch -nx -ex "set pagination off" -ex "file build/epunk.elf" \
		-ex "source tools/run/gdb/epunk.py" -ex "target remote 127.0.0.1:$gport2" \
		"${args[@]}" -ex detach > "$file" 2>&1 < /dev/null
}
# has FILE REGEX DESCRIPTION: a PASS when FILE has a line matching REGEX.
has() {
	if grep -qE "$2" "$1"; then pass "$3"; else fail "$3" "no line matching '$2' in $1"; fi
}

HOSTFWD="hostfwd=tcp:127.0.0.1:$eport-:7" tools/run/qemu.sh --net user --timeout 240 \
	--log "$out/serial.log" --append "quiet app=echo args=\"port=7 mode=et\" trace=off" \
	-- -gdb "tcp:127.0.0.1:$gport2" -icount shift=0,sleep=on,align=off -rtc clock=vm \
	-qmp "tcp:127.0.0.1:$qport,server=on,wait=off" \
	> "$out/qemu.out" 2>&1 < /dev/null &
qpid=$!
pids+=("$qpid")
t0=$SECONDS
until tr -d '\r' 2>/dev/null < "$out/serial.log" | grep -q "echo: listening"; do
	if ! kill -0 "$qpid" 2>/dev/null || [ $((SECONDS - t0)) -ge 60 ]; then
		fail "echo server under -icount with a gdb stub" "not listening after 60 s, see $out/serial.log"
		exit 1
	fi
	sleep 0.2
done

# Idle: threads, epoll, sockets, memory; tracing switched on from gdb.
gdb_cmds "$out/idle.txt" "epunk threads" "epunk epoll" "epunk sockets" "epunk meminfo" \
	"epunk trace on" "epunk trace 5"
has "$out/idle.txt" "^ +[0-9]+ echo +sleeping +epoll_wait" "epunk threads: the echo server asleep in epoll_wait"
has "$out/idle.txt" "^ +[0-9]+ idle +running \(on the CPU\)" "epunk threads: idle on the CPU"
has "$out/idle.txt" "^eventpoll 0x[0-9a-f]+: .* 2 watched, 0 ready, overflow list inactive, 1 waiter" \
	"epunk epoll: the echo server's instance, 2 watched, 1 waiter"
has "$out/idle.txt" "^  fd +[0-9]+ +socket .*events IN" "epunk epoll: a watched socket with its mask"
has "$out/idle.txt" "^tcp listen +0\.0\.0\.0:7 .*LISTEN +sock 0x" "epunk sockets: the TCP listener"
has "$out/idle.txt" "^udp +0\.0\.0\.0:7 " "epunk sockets: the UDP socket"
has "$out/idle.txt" "^pages: total [1-9][0-9]* " "epunk meminfo: pages"
has "$out/idle.txt" "^  epitem +[0-9]+ +[1-9]" "epunk meminfo: the epitem cache in use"
has "$out/idle.txt" "tracing on \(trace_enabled = 1\)" "epunk trace on"

# Traffic: the host echo client for 10 s; meanwhile gdb measures interrupt -> callback pairs
# with breakpoints, and lists the connection.
timeout -k 5 60 build/echobench -q -c 1 -s 64 -w 0 -d 10 127.0.0.1 "$eport" > "$out/echobench.txt" 2>&1 &
epid=$!
pids+=("$epid")
sleep 1
gdb_cmds "$out/busy.txt" "epunk measure 20 30 127.0.0.1:$qport" "epunk sockets" "epunk epoll"
if wait "$epid"; then
	pass "echo client: $(sed -n 's/.*s: \([0-9]* req\/s\).*/\1/p' "$out/echobench.txt"), every byte verified"
else
	fail "echo client" "see $out/echobench.txt"
fi
has "$out/busy.txt" "^epunk measure: 20 NIC interrupt -> ep_poll_callback pairs" "epunk measure 20: 20 pairs"
if awk '/^  instr: min/ { ok = $3 > 0 && $NF >= $3 } END { exit !ok }' "$out/busy.txt"; then
	pass "epunk measure: $(grep '^  instr:' "$out/busy.txt" | sed 's/^ *//') (guest instructions)"
else
	fail "epunk measure: non-zero deltas" "see $out/busy.txt"
fi
has "$out/busy.txt" "^tcp active +10\.0\.2\.15:7 -> 10\.0\.2\.2:[0-9]+ ESTABLISHED +sock 0x" \
	"epunk sockets: the client's connection, established"
has "$out/busy.txt" "^eventpoll 0x[0-9a-f]+: .* 3 watched" "epunk epoll: the connection is watched too"

# After: the ring and the histograms, then tracing off.
gdb_cmds "$out/after.txt" "epunk trace 40" "epunk latency" "epunk latency 118" "epunk trace off"
has "$out/after.txt" " NIC interrupt +0x[0-9a-f]+ vector [0-9]+, rx queue" "epunk trace: interrupts decoded"
has "$out/after.txt" " ep_poll_callback +0x[0-9a-f]+ mask IN" "epunk trace: callbacks with their mask"
has "$out/after.txt" "tracing off \(trace_enabled = 0\)" "epunk trace off"
# At least 100 samples and non-zero p50 for every hop, in the histograms and in the ring.
for part in "^latency from the NIC" "^exact"; do
	if awk -v part="$part" '$0 ~ part { x = 1; next } x && /^  hop/ { next }
		x && /^  [a-z]/ { n++; name = $1; i = 2; while ($i !~ /^[0-9]+$/) i++
			if ($i < 100 || $(i + 1 + (part == "^exact")) == 0) bad = 1 }
		x && !/^  / { exit } END { exit !(n == 7 && !bad) }' "$out/after.txt"; then
		pass "epunk latency (${part#^}): 7 hops, each >= 100 samples, non-zero latency"
	else
		fail "epunk latency (${part#^}): 7 hops, each >= 100 samples" "see $out/after.txt"
	fi
done
cb=$(awk '/only interrupts bringing/ { x = 1 } x && $1 == "ep_poll_callback" { print $3 " samples, p50 " $5; exit }' \
	"$out/after.txt")
if [ -n "$cb" ]; then
	pass "epunk latency 118: interrupt -> ep_poll_callback on the data path: $cb instructions"
else
	fail "epunk latency 118" "see $out/after.txt"
fi
[ "$failed" = 0 ]
