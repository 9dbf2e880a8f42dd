#!/bin/bash
# SPDX-License-Identifier: MIT
# make trace: boot epunk's echo server on a tap inside a network namespace made for the run, drive
# it with the host echo client (build/echobench) with the tracepoints off and on, alternately
# (switched from gdb: "epunk trace on|off"), and print the per-hop latency from the NIC interrupt
# (or, busy polling, from the poll that found the frame), computed exactly from the trace ring by
# gdb ("epunk latency"), with each run's requests/s.
#
# usage: tools/bench/trace.sh [--icount] [--quick] [--runs N] [--conns N] [--size BYTES]
#                             [--seconds S] [--busy-poll USECS] [--out DIR]
#   --icount   TCG with -icount shift=0: the guest TSC then counts guest instructions, so the
#              table is in instructions (median and most common per hop), identical run to run
#   --runs N   boot and measure N times (default 1); with N > 1 the per-hop tables are compared
#              and the script fails unless they are identical
#   --quick    two passes with tracing off, their requests/s (and instructions per request),
#              nothing else (TRACE_QUICK=1)
#   --busy-poll USECS  the echo server busy-polls (EPIOCSPARAMS, prefer_busy_poll): the table is
#              then of the frames busy polls found, from the poll to each hop
# Environment: ICOUNT=1, TRACE_RUNS, TRACE_CONNS (1), TRACE_SIZE (64), TRACE_SECONDS (3),
#   TRACE_BUSY_POLL (USECS, 0: off),
#   TRACE_PIN (1: the guest's CPU thread gets the host's last CPU to itself, QEMU's other
#   threads and the echo client the rest; 0: no pinning; off on a 1-CPU host),
#   ACCEL, FIRMWARE, QEMUFLAGS as for tools/run/qemu.sh.
# Network: namespace epunk-trace-PID with a tap (tapN for run N) = 10.77.11.1/24, the guest
# 10.77.11.2; removed on exit with every process started here, whatever happens. Needs root.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tools/lib.sh

icount=${ICOUNT:-0}
quick=${TRACE_QUICK:-0}
pin=${TRACE_PIN:-1}
[ "$(nproc)" -lt 2 ] && pin=0
client_cpus=()
runs=${TRACE_RUNS:-1}
conns=${TRACE_CONNS:-1}
size=${TRACE_SIZE:-64}
seconds=${TRACE_SECONDS:-3}
busy_poll=${TRACE_BUSY_POLL:-0}
out=build/trace
usage() {
	sed -n 's/^# \{0,1\}//; 9,23p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--icount) icount=1; shift ;;
	--quick) quick=1; shift ;;
	--runs) runs=${2:-}; shift 2 || usage ;;
	--conns) conns=${2:-}; shift 2 || usage ;;
	--size) size=${2:-}; shift 2 || usage ;;
	--seconds) seconds=${2:-}; shift 2 || usage ;;
	--busy-poll) busy_poll=${2:-}; shift 2 || usage ;;
	--out) out=${2:-}; shift 2 || usage ;;
	*) usage ;;
	esac
done
case "$icount" in 0 | 1) ;; *) echo "trace: ICOUNT must be 0 or 1, not '$icount'" >&2; exit 2 ;; esac
case "$pin" in 0 | 1) ;; *) echo "trace: TRACE_PIN must be 0 or 1, not '$pin'" >&2; exit 2 ;; esac
for v in runs conns size seconds; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || [ "${!v}" = 0 ]; then
		echo "trace: $v must be a positive whole number (got '${!v}')" >&2
		exit 2
	fi
done
if ! [[ $busy_poll =~ ^[0-9]+$ ]]; then
	echo "trace: busy-poll must be a whole number of microseconds (got '$busy_poll')" >&2
	exit 2
fi
[ "$busy_poll" = 0 ] && busy_poll=""
origin=$([ -n "$busy_poll" ] && echo "the busy poll that found the frame" || echo "the NIC interrupt (rx queue)")
[ "$(id -u)" = 0 ] || { echo "trace: needs root (it creates a network namespace and a tap)" >&2; exit 1; }
[ -f build/epunk.elf ] || { echo "trace: no build/epunk.elf (run make first)" >&2; exit 1; }
if [ ! -x build/echobench ] || [ tools/bench/echobench.c -nt build/echobench ]; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory build/echobench || exit 1
fi
if [ "$icount" = 1 ]; then
	export ACCEL=tcg	# -icount is TCG's
	# The TSC is the virtual clock, which advances one per instruction (shift=0) while the vCPU
	# runs; sleep=on lets it follow the host's clock while the guest idles, so that the TCP
	# timers keep their real-time meaning against the host peer.
	# shellcheck disable=SC2054	# the commas are QEMU's
	icount_args=(-icount shift=0,sleep=on,align=off -rtc clock=vm)
else
	icount_args=()
fi

mkdir -p "$out"
ns=epunk-trace-$$
host_ip=10.77.11.1
guest_ip=10.77.11.2
gdbport0=$((30000 + $$ % 20000))
gdbport=$gdbport0
qpid=""
cleanup() {
	stop_pid "$qpid"	# tools/run/qemu.sh passes the TERM on to QEMU
	netns_destroy "$ns"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { ip netns exec "$ns" "$@"; }
netns_new "$ns" || exit 1
# tap_up N: a fresh tap for run N (a tap just released by QEMU can stay busy a moment); the
# previous run's loses its address.
tap_up() {
	[ "$1" -gt 1 ] && nsx ip addr flush dev "tap$(($1 - 1))" 2>/dev/null
	netns_tap "$ns" "tap$1" "$host_ip/24"
}

# What a tracepoint costs, and (under -icount) that the TSC counts instructions exactly.
tools/run/qemu.sh --timeout 60 --append "quiet ktest=trace.cost_per_tracepoint" \
	-- "${icount_args[@]}" > "$out/cost.txt" 2>&1
grep '^trace:' "$out/cost.txt" | tr -d '\r'
if [ "$icount" = 1 ] && ! grep -q "(2000 instructions): 2000$" <(tr -d '\r' < "$out/cost.txt"); then
	echo "trace: under -icount the TSC did not count exactly 2000 instructions (see $out/cost.txt)" >&2
	exit 1
fi

# gdb_run FILE COMMAND...: attach to the running guest (its gdb stub listens on the namespace's
# loopback), run the epunk commands, detach.
gdb_run() {
	local file=$1 args=()
	shift
	for c in "$@"; do args+=(-ex "$c"); done
	nsx timeout -k 5 120 gdb -q -batch -nx -ex "set pagination off" -ex "file build/epunk.elf" \
		-ex "source tools/run/gdb/epunk.py" -ex "target remote 127.0.0.1:$gdbport" \
		"${args[@]}" -ex detach > "$file" 2>&1 < /dev/null
}

# echo_run NAME: drive the echo server, print requests/s; every byte verified or it fails.
# Under -icount also the guest instructions per echoed request: over the whole pass (the
# connections' handshakes included), and in the steady state, the pass's second half (QEMU's
# count read after each of the client's per-second lines).
echo_run() {
	local warm=1 i0 i1 reqs quiet=-q
	[ "$icount" = 1 ] && warm=0 && quiet= && i0=$(qmp_icount)
	if ! nsx "${client_cpus[@]}" build/echobench $quiet -c "$conns" -s "$size" -w "$warm" -d "$seconds" \
		"$guest_ip" 7 2>&1 | icount_lines > "$dir/echobench-$1.txt"; then
		cat "$dir/echobench-$1.txt" >&2
		echo "trace: the echo client failed (tracing $1)" >&2
		return 1
	fi
	printf "%s" "$(sed -n 's/.*s: \([0-9]*\) req\/s.*/\1/p' "$dir/echobench-$1.txt")"
	if [ "$icount" = 1 ]; then
		# Guest instructions per echoed request (the guest halts when idle: no idle count).
		i1=$(qmp_icount)
		reqs=$(($(sed -n 's/^verified \([0-9]*\) bytes.*/\1/p' "$dir/echobench-$1.txt") / (2 * size)))
		[ -n "$i0" ] && [ -n "$i1" ] && [ "$reqs" -gt 0 ] && printf " (%d instr/req" $(((i1 - i0) / reqs))
		awk '/^\[ *[0-9]+s\]/ { n++; sub(/^\[ *[0-9]+s\] */, ""); r[n] = $1 }
			/^icount [0-9]+$/ { c[n] = $2 }
			END { m = int(n / 2); for (k = m + 1; k <= n; k++) q += r[k]
				if (m > 0 && q > 0 && c[n] != "" && c[m] != "")
					printf ", %d steady", (c[n] - c[m]) / q }' "$dir/echobench-$1.txt"
		printf ")"
	fi
	echo
}

# qmp_icount: QEMU's count of guest instructions executed (tools/lib.sh).
qmp_icount() { qmp_icount_in "$ns" "$qmpport"; }

# icount_lines: stdin to stdout; under -icount, after each of echobench's per-second lines, a line
# "icount N": QEMU's instruction count right then, over one QMP connection held open.
icount_lines() {
	if [ "$icount" != 1 ]; then
		cat
		return
	fi
	nsx python3 -u -c '
import json, re, socket, sys
f = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10).makefile("rw")
f.readline()
def ask(cmd):
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:
        msg = json.loads(f.readline())
        if "return" in msg:
            return msg["return"]
ask("qmp_capabilities")
for line in sys.stdin:
    sys.stdout.write(line)
    if re.match(r"\[ *[0-9]+s\]", line):
        sys.stdout.write("icount %s\n" % ask("query-replay").get("icount", ""))
' "$qmpport"
}

# pin_vcpu: the guest's CPU thread gets the last host CPU to itself; QEMU's other threads and
# the echo client share the others. Unpinned, on a 2-CPU host three busy threads (vCPU, QEMU's
# I/O thread, the client) share two CPUs, and the host's scheduler puts gaps of tens of
# microseconds into the guest's interrupt path (docs/measurements/tracing.md).
pin_vcpu() {
	local qp t last=$(($(nproc) - 1))
	qp=$(pgrep -n -f -- "-gdb tcp:127.0.0.1:$gdbport") || { echo "trace: no QEMU to pin" >&2; return 1; }
	local vcpus=0
	for t in /proc/"$qp"/task/*; do
		# Named by -name debug-threads=on: "CPU 0/TCG" ("CPU 0/KVM"), "ALL CPUs/TCG" (-icount).
		if grep -qE "^(CPU [0-9]+|ALL CPUs)/" "$t/comm"; then
			taskset -pc "$last" "${t##*/}" > /dev/null && vcpus=$((vcpus + 1))
		else
			taskset -pc "0-$((last - 1))" "${t##*/}" > /dev/null
		fi
	done
	[ "$vcpus" = 1 ] || { echo "trace: found $vcpus vCPU threads in QEMU $qp, not 1" >&2; return 1; }
	client_cpus=(taskset -c "0-$((last - 1))")
}

# One boot: traffic with tracing off, tracing on from gdb, traffic again, the table from gdb.
one_run() {
	local r=$1 t0
	dir=$out/run$r
	gdbport=$((gdbport0 + r))	# a fresh port too: the last one may linger in TIME_WAIT
	qmpport=$((gdbport0 + 100 + r))
	local qmp=()
	[ "$icount" = 1 ] && qmp=(-qmp "tcp:127.0.0.1:$qmpport,server=on,wait=off")
	rm -rf "$dir" && mkdir -p "$dir"
	tap_up "$r" || { echo "trace: cannot set up the tap in the namespace" >&2; return 1; }
	echo "== run $r: echo server${busy_poll:+ busy-polling ${busy_poll} us} on a tap, $conns connection(s) x $size B, ${seconds} s per pass" \
		"($( [ "$icount" = 1 ] && echo "TCG -icount shift=0" || echo "${ACCEL:-tcg}")$( [ "$pin" = 1 ] &&
			echo ", vCPU pinned to host CPU $(($(nproc) - 1))"))"
	nsx tools/run/qemu.sh --timeout $((180 + 4 * seconds)) --log "$dir/serial.log" \
		--append "quiet app=echo args=\"port=7 mode=et${busy_poll:+ busy_poll=$busy_poll}\" ip=$guest_ip/24 gw=$host_ip trace=off" \
		-- -netdev tap,id=n0,ifname=tap"$r",script=no,downscript=no \
		-device virtio-net-pci,disable-legacy=on,netdev=n0 \
		-gdb "tcp:127.0.0.1:$gdbport" -name epunk,debug-threads=on "${icount_args[@]}" "${qmp[@]}" \
		> "$dir/qemu.out" 2>&1 < /dev/null &
	qpid=$!
	t0=$SECONDS
	until tr -d '\r' 2>/dev/null < "$dir/serial.log" | grep -q "echo: listening"; do
		if ! kill -0 "$qpid" 2>/dev/null || [ $((SECONDS - t0)) -ge 60 ]; then
			echo "trace: the echo server did not start (see $dir/serial.log)" >&2
			return 1
		fi
		sleep 0.2
	done
	if [ "$pin" = 1 ]; then pin_vcpu || return 1; fi
	# Off and on alternate twice, so that the emulator's warm-up and drift weigh on both.
	local off1 on1 off2 on2
	off1=$(echo_run off1) || return 1
	if [ "$quick" = 1 ]; then
		off2=$(echo_run off2) || return 1
		kill -TERM "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
		qpid=""
		echo "echo requests/s: tracing off $off1 $off2 (two passes)"
		return 0
	fi
	gdb_run "$dir/gdb-on1.txt" "epunk trace on"
	grep -q "tracing on" "$dir/gdb-on1.txt" || { cat "$dir/gdb-on1.txt" >&2; return 1; }
	on1=$(echo_run on1) || return 1
	gdb_run "$dir/gdb-off.txt" "epunk trace off"
	off2=$(echo_run off2) || return 1
	gdb_run "$dir/gdb-on2.txt" "epunk trace on"
	on2=$(echo_run on2) || return 1
	# Under -icount: only the interrupts that brought one request segment (one code path).
	gdb_run "$dir/latency.txt" "epunk latency $( [ "$icount" = 1 ] && echo $((54 + size))) $( [ -n "$busy_poll" ] && echo busy || echo irq)" \
		"epunk trace 32768"
	grep -q "^exact" "$dir/latency.txt" || { cat "$dir/latency.txt" >&2; return 1; }
	if [ "$icount" = 1 ] && [ -z "$busy_poll" ]; then
		# Breakpoint mode (after the ring is read: stops skew the guest TSC, not the count of
		# instructions QEMU reports over QMP): interrupt -> callback, tracing off then on.
		nsx timeout -k 5 150 build/echobench -q -c "$conns" -s "$size" -d 120 "$guest_ip" 7 \
			> "$dir/echobench-measure.txt" 2>&1 &
		local epid=$!
		sleep 1
		gdb_run "$dir/measure.txt" "epunk trace off" "epunk measure 100 60 127.0.0.1:$qmpport" \
			"epunk trace on" "epunk measure 100 60 127.0.0.1:$qmpport"
		kill "$epid" 2>/dev/null
		wait "$epid" 2>/dev/null
	fi
	kill -TERM "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	qpid=""
	echo "echo requests/s: tracing off $off1 $off2, on $on1 $on2 (passes in the order off on off on)"
	# The table: the rows of "epunk latency"'s exact part.
	awk '/^exact/ { x = 1; print; next } x && /^  [a-z]/' "$dir/latency.txt" > "$dir/exact.txt"
	if [ "$icount" = 1 ]; then
		echo "guest instructions from $origin to each hop, over the" \
			"$(awk '$1 == "app" { print $3 }' "$dir/exact.txt") $([ -n "$busy_poll" ] && echo "busy polls" || echo interrupts) that brought one" \
			"$((54 + size))-byte frame to $([ -n "$busy_poll" ] && echo "a polling" || echo "a sleeping") app"
		awk 'NR > 1 && $1 != "hop" { name = $1; i = 2
			while ($i !~ /^[0-9]+$/) { name = name " " $i; i++ }
			printf "  %-20s %12s %12s\n", name, $(i + 2), $(i + 9) }
			NR == 2 { printf "  %-20s %12s %12s\n", "hop", "median", "most common" }' \
			"$dir/exact.txt" | tee "$dir/table.txt"
		if [ -f "$dir/measure.txt" ]; then
			awk '/^epunk measure: [0-9]/ { n = $3 } /^  instr:/ { print n, $0 }' "$dir/measure.txt" |
				awk 'NR == 1 { off = $0 } NR == 2 { on = $0 } END {
					split(off, a); split(on, b)
					for (i = 1; i <= 6; i++) { if (a[i] == "") a[i] = "-"; if (b[i] == "") b[i] = "-" }
					printf "breakpoints (epunk measure, QEMU icount over QMP), interrupt -> " \
						"ep_poll_callback, %s pairs: min %s p50 %s instructions with " \
						"tracing off, min %s p50 %s on\n", a[1], a[4], a[6], b[4], b[6] }'
		fi
	else
		echo "latency from $origin, from the TSC; $(sed -n \
			's/^exact, from the last \([0-9]*\) ring.*/\1/p' "$dir/exact.txt") ring records"
		awk 'NR > 1 && $1 != "hop" { name = $1; i = 2
			while ($i !~ /^[0-9]+$/) { name = name " " $i; i++ }
			printf "  %-20s %8s %10s %10s %10s\n", name, $i, $(i + 6), $(i + 7), $(i + 8) }
			NR == 2 { printf "  %-20s %8s %10s %10s %10s\n", "hop", "samples", "p50 ns",
			"p99 ns", "max ns" }' "$dir/exact.txt" | tee "$dir/table.txt"
	fi
}

for r in $(seq "$runs"); do
	one_run "$r" || exit 1
done
if [ "$runs" -gt 1 ]; then
	for r in $(seq 2 "$runs"); do
		if ! cmp -s "$out/run1/table.txt" "$out/run$r/table.txt"; then
			echo "trace: run $r's table differs from run 1's:" >&2
			diff "$out/run1/table.txt" "$out/run$r/table.txt" >&2
			exit 1
		fi
	done
	echo "trace: the $runs runs' tables are identical"
fi
