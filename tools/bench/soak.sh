#!/bin/bash
# SPDX-License-Identifier: MIT
# make soak / tests/scale.sh: epunk's echo server (256 MiB guest, tap in a network namespace made
# for the run) under build/loadgen: thousands of connections held at once (scale), connect/echo/
# close cycles with client-first, server-first and RST closes (churn), a connect burst far past
# the half-open limit (1024: the rest by SYN cookie), then the guest's leak counters checked against their baseline once every
# TIME_WAIT has expired; tests/net-faults.sh runs after, when it exists.
#
# usage: tools/bench/soak.sh [--duration SECONDS] [--conns N] [--cycles M] [--burst B] [--no-faults]
#                      [--out DIR]
#   --duration S   run for about S seconds: the hold and the burst once, then churn in rounds of
#                  --cycles until the time is up (--cycles alone: exactly one churn round)
#   --conns N      connections held at once (default 10000)
#   --cycles M     churn cycles per round (default 20000)
#   --burst B      connections opened at once for the accept-queue overflow (default 3000)
#   --no-faults    do not run tests/net-faults.sh
# Environment: SOAK_MEM (guest memory, 256M), SOAK_MSL (the guest's tcp_msl= in ms, 1000:
# TIME_WAIT 2 s, so that "back to baseline" is checked after every TIME_WAIT pcb expired),
# SOAK_INFLIGHT (churn cycles under way at once, 64), SOAK_SIZE (payload bytes, 64), SOAK_SOURCES
# (host addresses the churn connects from, 16: each client-first close leaves the host a port in
# TIME_WAIT for 60 s, and one address's ports run out at about 1,000 cycles/s).
#
# Each churn round prints its cycles/s, and fails when it falls below half the first round's.
#
# Prints PASS/FAIL lines, then the summary (connections held, cycles done, bytes verified, bytes
# lost, leaks, crashes, memory per idle connection). Exit status 0 when every check passed, 1
# otherwise, 2 on a usage error, 77 when it cannot run here (not root).
# Network: namespace epunk-soak-PID, tap0 = 10.77.13.1/24, the guest 10.77.13.2; nothing else.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tools/lib.sh

duration=0
conns=10000
cycles=20000
burst=3000
faults=1
fault_status="not run"
out=build/soak
mem=${SOAK_MEM:-256M}
msl=${SOAK_MSL:-1000}
inflight=${SOAK_INFLIGHT:-64}
size=${SOAK_SIZE:-64}
sources=${SOAK_SOURCES:-16}
usage() {
	sed -n 's/^# \{0,1\}//; 8,15p' "$0" >&2
	exit 2
}
isnum() { [[ "$1" =~ ^[0-9]+$ ]]; }
while [ $# -gt 0 ]; do
	case "$1" in
	--duration) duration=${2:-}; shift 2 || usage ;;
	--conns) conns=${2:-}; shift 2 || usage ;;
	--cycles) cycles=${2:-}; shift 2 || usage ;;
	--burst) burst=${2:-}; shift 2 || usage ;;
	--out) out=${2:-}; shift 2 || usage ;;
	--no-faults) faults=0; shift ;;
	*) usage ;;
	esac
done
for v in "$duration" "$conns" "$cycles" "$burst" "$msl" "$inflight" "$size" "$sources"; do
	isnum "$v" || { echo "soak: '$v' is not a number" >&2; usage; }
done
[ "$conns" -ge 1 ] && [ "$cycles" -ge 1 ] && [ "$burst" -ge 1 ] && [ "$sources" -ge 1 ] &&
	[ "$sources" -le 100 ] || usage
if [ "$(id -u)" != 0 ]; then
	echo "SKIP soak: needs root (network namespaces and tap)"
	exit 77
fi
[ -x tests/net-faults.sh ] || [ "$faults" = 0 ] || { faults=0; fault_status="tests/net-faults.sh not present"; }
for f in build/epunk.elf build/loadgen; do
	[ -x "$f" ] || { echo "soak: $f is missing: run make first" >&2; exit 1; }
done

mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.txt
ns=epunk-soak-$$
host_ip=10.77.13.1
guest_ip=10.77.13.2
port=7
close_port=8
serial=$out/serial.log
qpid=""
holdfd=""

cleanup() {
	[ -n "$holdfd" ] && exec {holdfd}>&-
	netns_stop "$ns"
	[ -n "$qpid" ] && wait "$qpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { ip netns exec "$ns" "$@"; }
if ! { netns_new "$ns" && netns_tap "$ns" tap0 "$host_ip/24" &&
	# the namespace's own sysctls: room for the ports the churn goes through
	nsx sysctl -qw net.ipv4.ip_local_port_range="1024 65000" &&
	nsx sysctl -qw net.ipv4.tcp_tw_reuse=1; }; then
	echo "soak: cannot set up the network namespace" >&2
	exit 1
fi
# The churn's source addresses, 10.77.13.100 on.
for i in $(seq 0 $((sources - 1))); do
	nsx ip addr add "10.77.13.$((100 + i))/24" dev tap0 ||
		{ echo "soak: cannot add the churn's source addresses" >&2; exit 1; }
done

qtimeout=$((duration + 1800))
append="quiet app=echo args=\"port=$port close_port=$close_port udp=off\" ip=$guest_ip/24"
append+=" gw=$host_ip net_stats=1 tcp_msl=$msl"
echo "== soak: guest -m $mem, tcp_msl=$msl; held $conns, churn $cycles per round (${inflight} at once)," \
	"burst $burst${duration:+, duration ${duration}s}"
MEM=$mem nsx tools/run/qemu.sh --timeout "$qtimeout" --log "$serial" --append "$append" -- \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device virtio-net-pci,disable-legacy=on,netdev=n0 > "$out/qemu.out" 2>&1 < /dev/null &
qpid=$!

# wait_counters N / latest: the guest's counters (tools/lib.sh) on this run's serial log.
wait_counters() { counters_wait "$serial" "$1"; }
latest() { counters_latest "$serial"; }
guest_alive() { kill -0 "$qpid" 2>/dev/null; }
crashes() { tr -d '\r' < "$serial" | grep -ciE 'panic|BUG_ON|assertion|page fault|general protection'; }

# back_to_baseline NAME: wait (up to 2*MSL + 60 s) for the counters to equal the baseline.
leaks=0
back_to_baseline() {
	local limit=$((2 * msl / 1000 + 60)) t0=$SECONDS d now
	while :; do
		wait_counters 1 || { fail "$1: counters" "the guest stopped printing them"; return 1; }
		now=$(latest)
		d=$(leak_diff "$base" "$now")
		if [ -z "$d" ]; then
			pass "$1: every counter back to its baseline after $((SECONDS - t0)) s \
(pages used $(field "$base" pages_used) -> $(field "$now" pages_used))"
			return 0
		fi
		if [ $((SECONDS - t0)) -ge "$limit" ]; then
			leaks=$((leaks + 1))
			fail "$1: leak" "after ${limit} s: $d"
			return 1
		fi
	done
}

for _ in $(seq 600); do
	tr -d '\r' 2>/dev/null < "$serial" | grep -q "echo: listening" && break
	guest_alive || break
	sleep 0.1
done
if ! tr -d '\r' 2>/dev/null < "$serial" | grep -q "echo: listening"; then
	fail "guest boot" "no 'echo: listening' (see $serial)"
	exit 1
fi
# Warm-up: the descriptor table grows with the highest descriptor and keeps its size (as
# Linux's does); 300 connections move it out of kmalloc's size classes before the baseline.
nsx build/loadgen --mode hold -n 300 -k 300 --deadline 120 "$guest_ip" "$port" > "$out/warmup.txt" 2>&1 ||
	{ fail "warm-up" "$(tail -1 "$out/warmup.txt")"; exit 1; }
wait_counters $((2 * msl / 1000 + 3)) || { fail "guest counters" "no counters line (net_stats=1)"; exit 1; }
base=$(latest)
echo "   baseline: $base"
t_start=$SECONDS

held=0 cycles_done=0 bytes_verified=0 bytes_lost=0 refused=0 timeouts=0 retries=0 per_conn="-"
# add_figures OUTPUT: add loadgen's summary to the totals.
add_figures() {
	local s
	s=$(grep '^loadgen: mode=' "$1" | tail -1)
	[ -n "$s" ] || return 1
	bytes_verified=$((bytes_verified + $(field "$s" bytes_verified)))
	bytes_lost=$((bytes_lost + $(field "$s" bytes_lost)))
	refused=$((refused + $(field "$s" refused)))
	timeouts=$((timeouts + $(field "$s" timeouts)))
	retries=$((retries + $(field "$s" retries)))
	summary=$s
}

# ---- scale: N connections open at once, echo verified on each, held, echo again, closed ----
echo "== scale: $conns connections held"
fifo=$out/hold.fifo
rm -f "$fifo"
mkfifo "$fifo"
nsx build/loadgen --mode hold -n "$conns" -k 256 -s "$size" --hold-stdin --deadline 1800 \
	"$guest_ip" "$port" < "$fifo" > "$out/hold.txt" 2> "$out/hold.err" &
lpid=$!
exec {holdfd}<> "$fifo"	# read-write: never blocks, even if loadgen died early
for _ in $(seq 18000); do
	grep -q '^loadgen: holding' "$out/hold.txt" && break
	kill -0 "$lpid" 2>/dev/null || break
	sleep 0.1
done
if grep -q '^loadgen: holding' "$out/hold.txt"; then
	wait_counters 2
	during=$(latest)
	echo "   holding: $during"
	held=$(sed -n 's/^loadgen: holding \([0-9]*\) .*/\1/p' "$out/hold.txt")
	active=$(($(field "$during" tcp_active) - $(field "$base" tcp_active)))
	pages=$(($(field "$during" pages_used) - $(field "$base" pages_used)))
	per_conn=$((pages * 4096 / (held > 0 ? held : 1)))
	echo "   memory: $pages pages more than the baseline for $held connections:" \
		"$per_conn bytes per idle connection (slab bytes $(($(field "$during" slab_bytes) - $(field "$base" slab_bytes))) total)"
	[ "$active" -ge "$conns" ] && [ "$held" = "$conns" ] &&
		pass "scale: $held connections open at once in the guest ($active active pcbs)" ||
		fail "scale: connections held" "$held held by loadgen, $active active pcbs in the guest, wanted $conns"
fi
exec {holdfd}>&-
holdfd=""
wait "$lpid"
rc=$?
rm -f "$fifo"
if add_figures "$out/hold.txt" && [ "$rc" = 0 ]; then
	pass "scale: every connection echoed verified data twice and closed ($summary)"
else
	fail "scale: loadgen" "status $rc: $(tail -3 "$out/hold.err" | tr '\n' ' ')"
fi
back_to_baseline "scale"

# ---- burst: more connects at once than the half-open limit (1024) holds: SYN cookies ----
echo "== accept queue overflow: $burst connects at once"
nsx build/loadgen --mode hold -n "$burst" -k "$burst" -s "$size" --connect-timeout 5 --retries 20 \
	--deadline 600 "$guest_ip" "$port" > "$out/burst.txt" 2> "$out/burst.err"
rc=$?
if add_figures "$out/burst.txt" && [ "$rc" = 0 ] && guest_alive; then
	pass "burst: all $burst connected and echoed; refused $(field "$summary" refused), \
timed out $(field "$summary" timeouts), retried $(field "$summary" retries)"
else
	fail "burst: loadgen" "status $rc: $(tail -3 "$out/burst.err" | tr '\n' ' ')"
fi
back_to_baseline "burst"

# ---- churn: rounds of connect/echo/close cycles ----
round=0
churn_s=0
first_rate=0
rates=""
while :; do
	round=$((round + 1))
	echo "== churn round $round: $cycles cycles (client-first : server-first : RST = 2:1:1)," \
		"from $sources host address(es)"
	t0=$SECONDS
	t0ns=$(date +%s%N)
	nsx build/loadgen --mode churn -m "$cycles" -k "$inflight" -s "$size" --close-port "$close_port" \
		--mix 2:1:1 --sources "10.77.13.100/$sources" --deadline 7200 "$guest_ip" "$port" \
		> "$out/churn-$round.txt" 2> "$out/churn-$round.err"
	rc=$?
	ms=$((($(date +%s%N) - t0ns) / 1000000))
	churn_s=$((churn_s + SECONDS - t0))
	ok=0
	if add_figures "$out/churn-$round.txt" && [ "$rc" = 0 ]; then
		ok=$(field "$summary" ok)
		pass "churn round $round: $summary"
	else
		ok=$(field "${summary:-ok=0}" ok)
		fail "churn round $round: loadgen" "status $rc: $(tail -3 "$out/churn-$round.err" | tr '\n' ' ')"
	fi
	cycles_done=$((cycles_done + ok))
	# Its rate, and where the connections it closed wait: the host's TIME_WAIT sockets (in the
	# namespace) and the guest's TIME_WAIT pcbs.
	rate=$((ok * 1000 / (ms > 0 ? ms : 1)))
	rates+="${rates:+ }$rate"
	echo "   churn round $round: $rate cycles/s; TIME_WAIT: host $(($(nsx ss -tan state time-wait |
		wc -l) - 1)), guest $(field "$(latest)" tcp_tw)"
	if [ "$round" = 1 ]; then
		first_rate=$rate
	elif [ $((rate * 2)) -lt "$first_rate" ]; then
		fail "churn round $round: rate" "$rate cycles/s, below half the first round's $first_rate"
	fi
	guest_alive || break
	[ "$duration" -gt 0 ] || break
	# another round only if it fits in the time left (the faults' share kept aside)
	left=$((duration * (faults ? 3 : 4) / 4 - (SECONDS - t_start)))
	[ "$left" -gt $((SECONDS - t0)) ] || break
done
back_to_baseline "churn"

# ---- healthy after all that: one more echo round, then the final check ----
nsx build/loadgen --mode hold -n 10 -k 10 -s 1000 --deadline 60 "$guest_ip" "$port" \
	> "$out/final.txt" 2> "$out/final.err" && add_figures "$out/final.txt" &&
	pass "the guest still serves echo" || fail "the guest still serves echo" "$(tail -1 "$out/final.err")"
ncrash=$(crashes)
guest_alive || ncrash=$((ncrash + 1))
[ "$ncrash" = 0 ] && pass "no crash: the guest is up, no panic or fault on its console" ||
	fail "crash" "see $serial"
nic=$(tr -d '\r' < "$serial" | grep '^net: eth0 rx ' | tail -1 | sed 's/^net: eth0 //; s/;.*//')
syn=$(tr -d '\r' < "$serial" | grep '^net: SYN cookies ' | tail -1 | sed 's/^net: //')
cleanup
trap - EXIT

# ---- the fault workload (another script, its own guest) ----
if [ "$faults" = 1 ]; then
	fs=$((duration / 4))
	[ "$fs" -ge 30 ] || fs=30
	echo "== faults: tests/net-faults.sh --duration $fs"
	tests/net-faults.sh --duration "$fs" > "$out/faults.txt" 2>&1
	frc=$?
	grep -E '^(PASS|FAIL|SKIP)' "$out/faults.txt"
	passed=$((passed + $(grep -c '^PASS' "$out/faults.txt")))
	failed=$((failed + $(grep -c '^FAIL' "$out/faults.txt")))
	# its summary line: "net-faults summary (...): ..., bytes verified N, bytes lost N, crashes N, ..."
	fsum=$(grep '^net-faults summary' "$out/faults.txt" | tail -1)
	fnum() { sed -n "s/.*[(,:] $1 \([0-9]*\).*/\1/p" <<< "$fsum"; }
	bytes_verified=$((bytes_verified + $(fnum 'bytes verified' | grep . || echo 0)))
	bytes_lost=$((bytes_lost + $(fnum 'bytes lost' | grep . || echo 0)))
	fault_crashes=$(fnum crashes | grep . || echo 0)
	fault_status="exit status $frc; ${fsum:-no summary line (see $out/faults.txt)}"
	[ "$frc" = 0 ] || [ "$frc" = 77 ] || grep -q '^FAIL' "$out/faults.txt" || fail "faults" "exit status $frc"
fi

echo "== soak summary ($((SECONDS - t_start + 0)) s after boot, tcg unless ACCEL says otherwise)"
echo "connections held:     $held (memory per idle connection: $per_conn bytes)"
echo "cycles done:          $cycles_done (${churn_s} s of churn; cycles/s by round: ${rates:-none})"
echo "bytes verified:       $bytes_verified"
echo "bytes lost:           $bytes_lost"
echo "connect refused/timed out/retried: $refused/$timeouts/$retries"
echo "leaks:                $leaks"
ncrash=$((ncrash + ${fault_crashes:-0}))
echo "crashes:              $ncrash"
echo "faults:               $fault_status"
echo "guest NIC at the end: $nic"
echo "guest TCP at the end: $syn"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$bytes_lost" = 0 ] && [ "$leaks" = 0 ] && [ "$ncrash" = 0 ]
