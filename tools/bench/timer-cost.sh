#!/bin/bash
# SPDX-License-Identifier: MIT
# What idle connections cost epunk: boot the echo server under TCG -icount (the guest's
# instruction count read from QEMU over QMP), hold no connections, then N connections
# (build/loadgen --mode hold), and print the guest instructions executed per second of idle time
# in each case: the difference is what the TCP timers (and anything else that visits every
# connection) spend on them.
#
# usage: tools/bench/timer-cost.sh [--conns N] [--seconds S] [--out DIR]
#   --conns N     connections held (default 10000)     --seconds S   idle window (default 10)
# Network: namespace epunk-tcost-PID with tap0 = 10.77.17.1/24, the guest 10.77.17.2; removed on
# exit with every process started here. Needs root.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tools/lib.sh

conns=10000
seconds=10
out=build/timer-cost
while [ $# -gt 0 ]; do
	case "$1" in
	--conns) conns=${2:-}; shift 2 || exit 2 ;;
	--seconds) seconds=${2:-}; shift 2 || exit 2 ;;
	--out) out=${2:-}; shift 2 || exit 2 ;;
	*) sed -n 's/^# \{0,1\}//; 9,10p' "$0" >&2; exit 2 ;;
	esac
done
for v in "$conns" "$seconds"; do
	[[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "timer-cost: '$v' is not a positive number" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "timer-cost: needs root (a network namespace and a tap)" >&2; exit 77; }
[ -f build/epunk.elf ] || { echo "timer-cost: no build/epunk.elf (run make first)" >&2; exit 1; }
[ -x build/loadgen ] || env -u MAKEFLAGS make --no-print-directory build/loadgen || exit 1
mkdir -p "$out"
ns=epunk-tcost-$$
guest_ip=10.77.17.2
qmpport=$((30000 + $$ % 20000))
qpid="" lpid="" holdfd=""
cleanup() {
	[ -n "$holdfd" ] && exec {holdfd}>&-
	stop_pid "$lpid"
	stop_pid "$qpid"
	netns_destroy "$ns"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
netns_new "$ns" && netns_tap "$ns" tap0 10.77.17.1/24 || exit 1
nsx() { ip netns exec "$ns" "$@"; }

: > "$out/serial.log"
# shellcheck disable=SC2054	# the commas are QEMU's
ACCEL=tcg MEM=256M nsx tools/run/qemu.sh --timeout $((seconds * 4 + 1900)) --log "$out/serial.log" \
	--append "quiet app=echo args=\"port=7 mode=et\" ip=$guest_ip/24 gw=10.77.17.1" \
	-- -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device virtio-net-pci,disable-legacy=on,netdev=n0 \
	-icount shift=0,sleep=on,align=off -rtc clock=vm \
	-qmp "tcp:127.0.0.1:$qmpport,server=on,wait=off" > "$out/qemu.out" 2>&1 < /dev/null &
qpid=$!
wait_line "$out/serial.log" "echo: listening" 60 || { echo "timer-cost: no echo server (see $out/serial.log)" >&2; exit 1; }

# per_second: guest instructions per second over the idle window.
per_second() {
	local i0 i1
	i0=$(qmp_icount_in "$ns" "$qmpport")
	sleep "$seconds"
	i1=$(qmp_icount_in "$ns" "$qmpport")
	[ -n "$i0" ] && [ -n "$i1" ] || { echo "timer-cost: no instruction count over QMP" >&2; return 1; }
	echo $(((i1 - i0) / seconds))
}
sleep 2
none=$(per_second) || exit 1
fifo=$out/hold.fifo
rm -f "$fifo"
mkfifo "$fifo"
nsx build/loadgen --mode hold -n "$conns" -k 256 --hold-stdin --deadline 1800 "$guest_ip" 7 \
	< "$fifo" > "$out/hold.txt" 2>&1 &
lpid=$!
exec {holdfd}<> "$fifo"
until grep -q '^loadgen: holding' "$out/hold.txt"; do
	kill -0 "$lpid" 2>/dev/null || { echo "timer-cost: loadgen: $(tail -1 "$out/hold.txt")" >&2; exit 1; }
	sleep 0.5
done
sleep 3	# the last delayed ACKs and retransmission timers settle
held=$(per_second) || exit 1
echo "idle guest instructions per second: no connections $none, $conns held $held;" \
	"$(((held - none) / conns)) per connection per second"
