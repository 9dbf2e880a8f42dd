#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: boot epunk's echo server on a tap inside a network namespace made for the run, drive
# it with build/echobench over a matrix of connections x message sizes, and write the report
# (results.md, results.json, results.png). With --baseline linux the same matrix runs, in the
# same run, against a stock Debian Linux guest (tools/run/linux-guest.sh) in the same QEMU setup.
# make bench-redis (--app redis): the same with build/redis/redis-server on both guests, driven
# by Debian's redis-benchmark: SET and GET at 1 and 50 clients, and 50 clients pipelining 16,
# 100-byte values, each configuration measured BENCH_REPEAT times; epunk's leak counters are
# checked against their baseline afterwards. Its raw data goes to DIR/raw-redis (echo's to
# DIR/raw); the report covers every app measured in DIR (results-redis.png is redis's plot).
#
# usage: tools/bench/bench.sh [--app echo|redis] [--baseline linux] [--matrix full|quick]
#                             [--seconds N] [--out DIR]
#        tools/bench/bench.sh --smoke      one short configuration against epunk, for make test
#        tools/bench/bench.sh --list       print the echo configurations in their run order
# Environment (the options win): BASELINE=linux, BENCH_MATRIX=full|quick, BENCH_SECONDS (5),
#   BENCH_WARMUP (seconds of unmeasured traffic before each configuration, 1), BENCH_DEPTH
#   (messages in flight per connection, 1), BENCH_THREADS (client threads, 1), BENCH_MEM (guest
#   memory, 256M), BENCH_BUSY_POLL (microseconds of busy polling for both servers: epunk's and
#   Linux's epoll_wait poll the NIC that long before sleeping; default 0, off; for redis the
#   kernels' defaults: busy_poll= and the net.core sysctls), BENCH_BUSY_ROWS (microseconds: the
#   full and quick echo matrices end with each system booted again busy-polling that long, as
#   "epunk-busy" and "linux-busy", for 1 and 100 connections x 64 B; default 50, 0: none; with
#   --smoke, only when given, for 1 x 64 B), BENCH_EPUNK_APPEND (words added to
#   epunk's kernel command line), BENCH_OFFLOAD_OFF (1: epunk a second time with
#   vnet_offload=off, as the system "epunk-nooffload", in the same run, for the configurations of
#   16 KiB and more; the full matrix's default; 0: not), BENCH_CONNS and
#   BENCH_SIZES (lists that replace the matrix's), BENCH_PASSES (echo: passes over the
#   configurations, 3 for the full matrix, else 1; the systems take turns pass by pass, each pass
#   on a fresh boot, so a slow spell of the host weighs on one pass of each system, not on all of
#   one system's; each row is the pass with the median requests/s and the report lists every
#   pass), BENCH_CONFIGS (CONNS:SIZE pairs run
#   instead of the matrix), BENCH_SYSTEMS (epunk, linux or "epunk linux": which of them run; default
#   epunk and the baseline), BENCH_BOOT_TIMEOUT (seconds from QEMU's start to the ready line: 60
#   for epunk, 240 for Linux), BENCH_REPEAT (redis: measured runs per configuration, 3),
#   BENCH_REDIS_CONFIGS (redis: the TEST:CLIENTS:PIPELINE list, default all six), BENCH_PROFILE
#   (redis: after each configuration's measured runs, one more run of about that many seconds
#   under tools/bench/profile.py, its output in RAW/SYSTEM/TAG.profile; the Linux guest then
#   boots with nokaslr and prints its kallsyms), BENCH_ICOUNT=1 (redis, TCG: both guests under
#   -icount shift=0, and each configuration's measured runs counted in guest instructions per
#   request, ICOUNT_PER_REQUEST in its .env; requests/s are then those of an instruction-timed
#   machine, not comparable with a run without), ACCEL, FIRMWARE, QEMUFLAGS (as for
#   tools/run/qemu.sh, applied to both guests), and Linux's settings (the best found here by
#   default): BENCH_LINUX_MACHINE (pc), BENCH_LINUX_CPU (qemu64), BENCH_LINUX_NIC (transitional;
#   or modern), BENCH_LINUX_APPEND (the words after its addresses on its kernel command line;
#   default: mitigations=off and the sysctls somaxconn and tcp_max_syn_backlog at 65535).
#
# Matrix: full = connections 1 10 100 1000 x sizes 64 1024 16384, and 10000 x 64, and 1 10 x
# 65536 1048576; quick = 1 100 x 64 16384; bulk = 1 10 x 65536 1048576 (large messages:
# throughput in MB/s).
# redis: SET and GET x (1 client, 50 clients, 50 clients pipelining 16); --matrix is ignored.
# Network: namespace epunk-bench-PID with tap0 = 10.77.0.1/24, the guest 10.77.0.2; nothing is
# sent anywhere else. The namespace and every QEMU are removed on exit, whatever happens.
#
# An echo configuration that fails is named with its cause (what echobench's connections saw, the
# guest's console) and run once more on a fresh boot of that system; the first attempt stays in
# raw/SYS/TAG.try1.* and the report.
#
# Exit status: 0 when epunk booted and every one of its configurations verified all its bytes
# (the baseline's failures are marked in the report and named on stderr, they do not fail the
# run); 1 when epunk failed (the report is still written, naming what failed); 2 on a usage
# error. With
# --smoke: 0 pass, 1 fail, 77 skip (epunk cannot serve echo yet: the reason is printed).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tools/lib.sh

baseline=${BASELINE:-}
app=echo
matrix=${BENCH_MATRIX:-full}
repeat=${BENCH_REPEAT:-3}
passes=${BENCH_PASSES:-}
seconds=${BENCH_SECONDS:-5}
warmup=${BENCH_WARMUP:-1}
depth=${BENCH_DEPTH:-1}
threads=${BENCH_THREADS:-1}
mem=${BENCH_MEM:-256M}
busy_poll=${BENCH_BUSY_POLL:-}
offload_off=${BENCH_OFFLOAD_OFF-default}
[ "$busy_poll" = 0 ] && busy_poll=""
busy_rows=${BENCH_BUSY_ROWS:-50}
case "$busy_rows" in "" | *[!0-9]*) echo "bench: BENCH_BUSY_ROWS must be a number of microseconds, not '$busy_rows'" >&2; exit 2 ;; esac
[ "$busy_rows" = 0 ] && busy_rows=""
busy_configs="1:64 100:64"
case "$busy_poll" in *[!0-9]*) echo "bench: BENCH_BUSY_POLL must be a number of microseconds, not '$busy_poll'" >&2; exit 2 ;; esac
smoke=0
list=0
out=""
usage() {
	sed -n 's/^# \{0,1\}//; 13,16p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--app) app=${2:-}; shift 2 || usage ;;
	--baseline) baseline=${2:-}; shift 2 || usage ;;
	--matrix) matrix=${2:-}; shift 2 || usage ;;
	--seconds) seconds=${2:-}; shift 2 || usage ;;
	--out) out=${2:-}; shift 2 || usage ;;
	--smoke) smoke=1; shift ;;
	--list) list=1; shift ;;
	*) usage ;;
	esac
done
case "$app" in
echo | redis) ;;
*) echo "bench: --app must be echo or redis, not '$app'" >&2; exit 2 ;;
esac
case "$baseline" in
"" | none) baseline="" ;;
linux) ;;
*) echo "bench: BASELINE must be linux (or empty), not '$baseline'" >&2; exit 2 ;;
esac
if [ "$smoke" = 1 ]; then
	# One configuration for a couple of seconds, epunk only: a check that the harness works.
	baseline="" matrix=smoke seconds=${BENCH_SMOKE_SECONDS:-2} warmup=0 offload_off=""
	BENCH_BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-30}
	out=${out:-build/bench/smoke}
fi
out=${out:-build/bench}
case "$matrix" in
full) conns_list="1 10 100 1000" sizes_list="64 1024 16384"
	extra_list="10000:64 1:65536 1:1048576 10:65536 10:1048576" ;;
quick) conns_list="1 100" sizes_list="64 16384" extra_list="" ;;
bulk) conns_list="1 10" sizes_list="65536 1048576" extra_list="" ;;
smoke) conns_list="1" sizes_list="64" extra_list="" ;;
*) echo "bench: BENCH_MATRIX must be full, quick or bulk, not '$matrix'" >&2; exit 2 ;;
esac
if [ "$smoke" = 0 ] && { [ -n "${BENCH_CONNS:-}" ] || [ -n "${BENCH_SIZES:-}" ]; }; then
	conns_list=${BENCH_CONNS:-$conns_list}
	sizes_list=${BENCH_SIZES:-$sizes_list}
	extra_list=""
	for v in $conns_list $sizes_list; do
		[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_CONNS and BENCH_SIZES are lists of whole numbers (got '$v')" >&2; exit 2; }
	done
fi
if [ -n "${BENCH_CONFIGS:-}" ] && [ "$smoke" = 0 ]; then	# CONNS:SIZE pairs instead of a matrix
	matrix=custom conns_list="" sizes_list="" extra_list=$BENCH_CONFIGS
	for cs in $extra_list; do
		[[ $cs =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]] ||
			{ echo "bench: BENCH_CONFIGS wants CONNS:SIZE pairs, not '$cs'" >&2; exit 2; }
	done
fi
# The smoke run has them only when asked (make test's busy-polling smoke: 1 x 64 B).
# The offloads' share: by default the full matrix's rows of 16 KiB and more again with
# vnet_offload=off (BENCH_OFFLOAD_OFF=0: not; 1: also in the other matrices).
if [ "$offload_off" = default ]; then
	offload_off=""
	[ "$matrix" = full ] && [ "$app" = echo ] && offload_off=1
fi
[ "$offload_off" = 0 ] && offload_off=""
case "$matrix" in
full | quick) ;;
smoke) [ -n "${BENCH_BUSY_ROWS:-}" ] || busy_rows=""; busy_configs="1:64" ;;
*) busy_rows="" ;;
esac
[ -n "${BENCH_CONNS:-}${BENCH_SIZES:-}" ] && busy_rows=""
systems=${BENCH_SYSTEMS:-epunk${baseline:+ $baseline}}
case "$systems" in
epunk | "epunk $baseline" | "$baseline") ;;
*)
	echo "bench: BENCH_SYSTEMS must be epunk, $baseline or both (in that order), not '$systems'" >&2
	exit 2 ;;
esac
# The full matrix's ratios are read against targets: the median of 3 passes by default, since one
# pass's figures move by up to 1.5x between runs on a shared host.
[ -z "$passes" ] && { [ "$matrix" = full ] && passes=3 || passes=1; }
if [ "$app" = redis ]; then
	# TEST:CLIENTS:PIPELINE; SET before GET, so that GET finds the 100-byte value.
	redis_configs=${BENCH_REDIS_CONFIGS:-SET:1:1 GET:1:1 SET:50:1 GET:50:1 SET:50:16 GET:50:16}
	for cfg in $redis_configs; do
		if ! [[ $cfg =~ ^(SET|GET):[1-9][0-9]*:[1-9][0-9]*$ ]]; then
			echo "bench: BENCH_REDIS_CONFIGS: '$cfg' is not SET|GET:CLIENTS:PIPELINE" >&2
			exit 2
		fi
	done
	matrix=redis conns_list="1 50" sizes_list=100 extra_list="" busy_rows="" passes=1
fi
profile=${BENCH_PROFILE:-0}
icount=${BENCH_ICOUNT:-0}
case "$icount" in 0 | 1) ;; *) echo "bench: BENCH_ICOUNT must be 0 or 1, not '$icount'" >&2; exit 2 ;; esac
for v in seconds warmup depth threads repeat passes profile; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || { [ "$v" != warmup ] && [ "$v" != profile ] && [ "${!v}" = 0 ]; }; then
		echo "bench: $v must be a whole number (got '${!v}')" >&2
		exit 2
	fi
done

# The configurations, CONNS:SIZE: the matrix, then its extra ones.
configs=""
for c in $conns_list; do
	for s in $sizes_list; do
		configs+="$c:$s "
	done
done
configs+=$extra_list
# The scale rows (1,000 and 10,000 x 64 B, each read against 100 x 64 B of its pass:
# bench-report.py) run right after 100 x 64 B, so that the host's slow spells, which last
# minutes here, fall on all three or on none rather than on one of them. BENCH_CONFIGS keeps
# the order it is given.
if [ "$matrix" != custom ] && [[ " $configs " == *" 100:64 "* ]]; then
	ordered=""
	for cs in $configs; do
		case $cs in
		1000:64 | 10000:64) ;;
		100:64) ordered+="$cs "
			for sc in 1000:64 10000:64; do
				[[ " $configs " == *" $sc "* ]] && ordered+="$sc "
			done ;;
		*) ordered+="$cs " ;;
		esac
	done
	configs=$ordered
fi
nconfigs=$(wc -w <<< "$configs")
# epunk-nooffload's: those of 16 KiB and more (the offloads are for bulk data), or all.
offload_configs=""
for cs in $configs; do
	[ "${cs#*:}" -ge 16384 ] && offload_configs+="$cs "
done
[ -n "$offload_configs" ] || offload_configs=$configs
if [ "$list" = 1 ]; then	# --list: the echo configurations in the order each pass runs them
	echo $configs
	exit 0
fi

# skip_or_fail REASON: the smoke test skips (77) when epunk has no echo server yet; else fail.
skip_or_fail() {
	if [ "$smoke" = 1 ]; then
		echo "SKIP: $1"
		exit 77
	fi
	echo "bench: $1" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || skip_or_fail "needs root (it creates a network namespace and a tap device)"

tools/build/deps.sh bench || exit 1
if [ "$app" = echo ] && { [ ! -x build/echobench ] || [ tools/bench/echobench.c -nt build/echobench ]; }; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory build/echobench || exit 1
fi
[ -f build/epunk.elf ] || { echo "bench: no build/epunk.elf (run make first)" >&2; exit 1; }
redis_server=build/redis/redis-server
if [ "$app" = redis ]; then
	tools/build/deps.sh redis || exit 1
	[ -f build/redis/initrd.cpio ] || { echo "bench: no build/redis/initrd.cpio (run make redis)" >&2; exit 1; }
fi
if [ -n "$baseline" ]; then
	guest_args=()
	[ "$app" = redis ] && guest_args=(--redis "$redis_server")
	tools/run/linux-guest.sh "${guest_args[@]}" || { echo "bench: cannot build the Linux guest" >&2; exit 1; }
fi

accel=${ACCEL:-}
if [ -z "$accel" ]; then	# tools/run/qemu.sh's choice, made here so the report can name it
	accel=tcg
	if grep -qE '\b(vmx|svm)\b' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		accel=kvm
	fi
fi
firmware=${FIRMWARE:-}
if [ -z "$firmware" ]; then
	firmware=seabios
	[ -f /usr/share/qemu/qboot.rom ] && firmware=qboot
fi
if [ "$icount" = 1 ] && [ "$accel" != tcg ]; then
	echo "bench: BENCH_ICOUNT=1 needs TCG (-icount), not $accel" >&2
	exit 2
fi
export ACCEL=$accel FIRMWARE=$firmware MEM=$mem
unset NET	# tools/run/qemu.sh's own NIC: the benchmark adds its tap NIC itself

# Only our own files: build/bench also holds make bench-epoll's, and the other app's raw data,
# which the report keeps.
raw=$out/raw
[ "$app" = redis ] && raw=$out/raw-redis
rm -rf "$raw" "$out"/results.md "$out"/results.json "$out"/results*.png "$out"/plot*.dat "$out"/plot*.vars
mkdir -p "$raw"
ns=epunk-bench-$$
host_ip=10.77.0.1
guest_ip=10.77.0.2
prefix=24
port=7
[ "$app" = redis ] && port=6379
clk_tck=$(getconf CLK_TCK)
qpid=""		# the running QEMU job: ip netns exec -> tools/run/qemu.sh -> timeout -> qemu
qemu_pidfile=""	# QEMU's own pid, written by QEMU (-pidfile)
qemu_pid=""
failures_epunk=0	# epunk's configurations that failed (1 when it did not boot), its variants' too
failures_linux=0	# the baseline's
# count_failure SYS [N]: N (1) more failures of SYS.
count_failure() {
	case "$1" in
	linux) failures_linux=$((failures_linux + ${2:-1})) ;;
	*) failures_epunk=$((failures_epunk + ${2:-1})) ;;
	esac
}

# tree PID: PID and all its descendants, parents first.
tree() {
	local child
	echo "$1"
	for child in $(pgrep -P "$1"); do
		tree "$child"
	done
}
# stop_qemu: end the QEMU job started by run_system and wait for it. QEMU first (SIGTERM, by the
# pid it wrote), so that timeout and tools/run/qemu.sh end normally; whatever is left after 5 s (QEMU
# had not written its pid yet, or did not stop) is killed by pid, descendants included.
stop_qemu() {
	[ -n "$qpid" ] || return 0
	local pid
	pid=$(cat "$qemu_pidfile" 2>/dev/null)
	if [ -n "$pid" ] && grep -q qemu "/proc/$pid/cmdline" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
	fi
	for _ in $(seq 50); do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$qpid" 2>/dev/null; then
		# shellcheck disable=SC2046
		kill -KILL $(tree "$qpid") 2>/dev/null
	fi
	wait "$qpid" 2>/dev/null
	qpid=""
}
cleanup() {
	stop_qemu
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The namespace: tap0 is the host end of the guest's NIC; the client runs here too.
# The client's ports: 10,000 connections per configuration and its warm-up, each leaving the host
# a port in TIME_WAIT for 60 s, need more than Linux's default range.
if ! { netns_new "$ns" && netns_tap "$ns" tap0 "$host_ip/$prefix" &&
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"; }; then
	echo "bench: cannot set up the network namespace" >&2
	exit 1
fi
# shellcheck disable=SC2054
netdev=(-netdev tap,id=net0,ifname=tap0,script=no,downscript=no)

per_config=$((warmup + seconds + 2 * 60))
if [ "$app" = redis ]; then
	nconfigs=$(wc -w <<< "$redis_configs")
	per_config=$((seconds * (repeat + 1) * 3 + 2 * 60))
fi

# cpu_ticks PID: utime + stime of PID in clock ticks (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	# shellcheck disable=SC2086
	set -- ${stat##*) }	# the fields after "(comm) ", from field 3 on
	echo $((${12} + ${13}))
}

redis_args="--save '' --appendonly no --protected-mode no"
# rb ARGS...: redis-benchmark against the guest, from the namespace, 100-byte values.
rb() { timeout -k 5 "$rb_timeout" ip netns exec "$ns" redis-benchmark -h "$guest_ip" -p "$port" -d 100 "$@"; }
# csv_field FILE N: field N (1: test, 2: rps, 5: p50 ms, 7: p99 ms) of redis-benchmark's CSV row.
csv_field() { tail -1 "$1" | tr -d '"' | cut -d, -f"$2"; }

# measure_redis NAME DIR QEMU_PID CONFIGS: the redis configurations CONFIGS (TEST:CLIENTS:PIPELINE
# words) against the booted guest NAME: each a warm-up run that also sizes the measured ones (its
# rate x BENCH_SECONDS requests), then BENCH_REPEAT measured runs. Those that fail get
# DIR/TAG.cause (redis-benchmark's status, the guest's console) and are added to $redis_failed.
# BENCH_BREAK=SYS:TAG[:always] aims TAG's runs at a port nobody listens on, as for echo. On epunk, the leak counters are then checked against the baseline
# taken after a warm-up of 60 clients at once (the descriptor table keeps its grown size, as
# Linux's does).
# profile_run SYS DIR TAG TEST CLIENTS PIPELINE RATE: one more run of TEST, sized for $profile
# seconds at twice RATE and cut off after them, while tools/bench/profile.py samples the guest
# through its QMP socket; the profile goes to DIR/TAG.profile. Its figures are not reported: the
# samples stop the guest, which slows it down.
profile_run() {
	local sys=$1 dir=$2 tag=$3 t=$4 c=$5 p=$6 rate=$7 ksyms=build/epunk.elf rbpid
	[ "$sys" = linux ] && ksyms=$dir/kallsyms
	rb_timeout=$((profile + 3))
	rb -t "$t" -c "$c" -P "$p" -n $((rate * profile * 2 + 1000)) --csv > "$dir/$tag-profiled.csv" 2>&1 &
	rbpid=$!
	sleep 0.5
	tools/bench/profile.py "$dir/qmp.sock" "$ksyms" "$redis_server" --seconds "$profile" \
		> "$dir/$tag.profile" 2>&1 || echo "bench: $sys $tag: profile.py failed (see $dir/$tag.profile)" >&2
	wait "$rbpid"
	printf '   %-5s %-3s clients %2d pipeline %2d: profiled (%s)\n' "$sys" "$t" "$c" "$p" "$dir/$tag.profile"
}

measure_redis() {
	local sys=$1 dir=$2 qemu_pid=$3 cfg t c p tag n i rc est c0 c1 w0 w1 i0 i1 alive=1 base=""
	local line0 why real_port=$port port=$port
	rb_timeout=120
	rb -c 60 -n 3000 -t ping -q > "$dir/warmup-ping.txt" 2>&1
	if [ "$sys" = epunk ] && counters_wait "$dir/serial.log" 3; then
		base=$(counters_latest "$dir/serial.log")
		echo "$base" > "$dir/counters-base.txt"
	fi
	for cfg in $4; do
		IFS=: read -r t c p <<< "$cfg"
		tag=$t-c$c-P$p
		if [ "$alive" = 0 ]; then
			echo "RC=skipped" > "$dir/$tag.env"
			echo "not run: QEMU was gone" > "$dir/$tag.cause"
			redis_failed+=" $cfg"
			continue
		fi
		line0=$(($(wc -l < "$dir/serial.log") + 1))
		port=$real_port
		case "${BENCH_BREAK:-}" in
		"$sys:$tag:always") port=9 ;;
		"$sys:$tag") [ "$boots" = 1 ] && port=9 ;;
		esac
		n=$((500 * c * p))
		[ "$n" -ge 1000 ] || n=1000
		[ "$n" -le 50000 ] || n=50000
		rb_timeout=$((warmup + seconds * 10 + 60))
		rb -t "$t" -c "$c" -P "$p" -n "$n" --csv > "$dir/$tag.warmup" 2>&1
		est=$(csv_field "$dir/$tag.warmup" 2 | cut -d. -f1)
		[[ $est =~ ^[0-9]+$ ]] || est=0	# no rate: a warning, or nothing at all
		n=$((est * seconds))
		[ "$n" -ge 1000 ] || n=1000
		c0=$(cpu_ticks "$qemu_pid")
		w0=$(date +%s%N)
		i0=""
		[ "$icount" = 1 ] && i0=$(tools/bench/profile.py "$dir/qmp.sock" --icount)
		rc=0
		printf '   %-5s %-3s clients %2d pipeline %2d: ' "$sys" "$t" "$c" "$p"
		for i in $(seq "$repeat"); do
			rb -t "$t" -c "$c" -P "$p" -n "$n" --csv > "$dir/$tag-$i.csv" 2> "$dir/$tag-$i.err" || rc=$?
			[ "$(csv_field "$dir/$tag-$i.csv" 1)" = "$t" ] || rc=${rc/#0/1}
			[ "$rc" = 0 ] || break
			printf '%9.0f' "$(csv_field "$dir/$tag-$i.csv" 2)"
		done
		w1=$(date +%s%N)
		c1=$(cpu_ticks "$qemu_pid")
		i1=""
		[ -n "$i0" ] && i1=$(tools/bench/profile.py "$dir/qmp.sock" --icount)
		{
			[ -n "$i1" ] && echo "ICOUNT_PER_REQUEST=$(((i1 - i0) / (n * i)))"
			echo "RC=$rc"
			echo "REQUESTS=$n"
			echo "RUNS=$i"
			[ "$c1" -ge "$c0" ] && [ "$c1" != 0 ] &&
				echo "CPU_S=$(awk -v t=$((c1 - c0)) -v h="$clk_tck" 'BEGIN { printf "%.3f", t / h }')"
			echo "WALL_S=$(awk -v n=$((w1 - w0)) 'BEGIN { printf "%.3f", n / 1e9 }')"
		} > "$dir/$tag.env"
		if [ "$rc" = 0 ]; then
			echo " req/s ($n requests each; p99 $(csv_field "$dir/$tag-$i.csv" 7) ms${i1:+; $(((i1 - i0) / (n * i))) guest instructions per request})"
			[ "$profile" = 0 ] || profile_run "$sys" "$dir" "$tag" "$t" "$c" "$p" "${est:-0}"
		else
			why="redis-benchmark status $rc"
			[ "$rc" = 124 ] && why+=" (no end within ${rb_timeout} s)"
			why+=": $(tail -1 "$dir/$tag-$i.err" 2>/dev/null)"
			kill -0 "$qpid" 2>/dev/null || why+="; QEMU is gone"
			why+="; console: $(tr -d '\r' 2>/dev/null < "$dir/serial.log" | tail -n +"$line0" |
				grep -v '^[[:space:]]*$' | tail -3 | tr '\n' '|' | sed 's/|$//; s/|/ | /g')"
			echo "$why" > "$dir/$tag.cause"
			echo " FAILED ($why)"
			redis_failed+=" $cfg"
			if ! kill -0 "$qpid" 2>/dev/null; then
				echo "bench: $sys: QEMU is gone; the remaining configurations are skipped" >&2
				alive=0
			fi
		fi
	done
	[ "$sys" = epunk ] || return 0
	# Every counter back to its baseline once the clients are gone (TIME_WAIT lasts 2 s here).
	local t0=$SECONDS now d="no baseline (no counters line)"
	while [ -n "$base" ] && [ "$alive" = 1 ] && counters_wait "$dir/serial.log" 1; do
		now=$(counters_latest "$dir/serial.log")
		d=$(leak_diff "$base" "$now")
		[ -n "$d" ] && [ $((SECONDS - t0)) -lt 60 ] || break
	done
	echo "${now:-}" > "$dir/counters-after.txt"
	if [ -z "$d" ]; then
		echo "LEAKS=\"none: every counter back to its baseline $((SECONDS - t0)) s after the last run\"" >> "$dir/system.env"
		echo "== $sys: leak counters back to their baseline"
	else
		echo "LEAKS=\"$d\"" >> "$dir/system.env"
		echo "bench: $sys: leak counters not back to their baseline: $d" >&2
		count_failure "$sys"
	fi
}

# Linux's kernel command line beyond the guest's addresses (BENCH_LINUX_APPEND replaces it): no
# CPU vulnerability mitigations, listen queues that drop no SYN of the benchmark's bursts.
linux_tuning="mitigations=off sysctl.net.core.somaxconn=65535 sysctl.net.ipv4.tcp_max_syn_backlog=65535"

# boot_system SYS: start SYS's QEMU (its system.env describes it) and wait for the ready line;
# 1 with $dir/reason.txt (and a line on stderr) when it does not come.
boot_system() {
	local sys=$1 kernel append ready_re boot_timeout extra=() machine=q35 cpu="" nic bp=$busy_poll
	case "$sys" in *-busy) bp=$busy_rows ;; esac
	case "$sys" in
	epunk | epunk-nooffload | epunk-busy)
		nic=modern
		kernel=build/epunk.elf
		append="quiet app=echo args=\"port=$port mode=et${bp:+ busy_poll=$bp}\" ip=$guest_ip/$prefix gw=$host_ip${BENCH_EPUNK_APPEND:+ $BENCH_EPUNK_APPEND}"
		[ "$sys" = epunk-nooffload ] && append="$append vnet_offload=off"
		ready_re='echo: listening'
		server=build/apps/echo	# the initrd's /bin/echo (Makefile)
		if [ "$app" = redis ]; then
			# net_stats: the leak counters, checked after the matrix; tcp_msl: TIME_WAIT
			# over in 2 s, so that the check need not wait 2 minutes.
			append="quiet app=redis-server args=\"$redis_args\" ip=$guest_ip/$prefix gw=$host_ip"
			# busy_poll= is the kernel's default, as net.core.busy_poll is Linux's:
			# redis does not ask for it itself.
			append+=" net_stats=1 tcp_msl=1000${busy_poll:+ busy_poll=$busy_poll}"
			append+="${BENCH_EPUNK_APPEND:+ $BENCH_EPUNK_APPEND}"
			ready_re='Ready to accept connections'
			server=$redis_server
			extra=(-initrd build/redis/initrd.cpio)
		fi
		boot_timeout=${BENCH_BOOT_TIMEOUT:-60}
		echo "IMAGE=build/epunk.elf" > "$dir/system.env"
		echo "IMAGE_BYTES=$(stat -c %s "$kernel")" >> "$dir/system.env"
		echo "LOADED_BYTES=$(size -B "$kernel" | awk 'NR == 2 { print $1 + $2 }')" >> "$dir/system.env"
		echo "SERVER_SHA256=$(sha256sum < "$server" | cut -d' ' -f1)" >> "$dir/system.env"
		;;
	linux | linux-busy)
		# Linux's own best settings, as measured (docs/measurements/benchmark.md).
		machine=${BENCH_LINUX_MACHINE:-pc}
		cpu=${BENCH_LINUX_CPU:-qemu64}
		nic=${BENCH_LINUX_NIC:-transitional}
		kernel=build/linux-guest/vmlinuz
		append="console=ttyS0 quiet panic=-1 ip=$guest_ip/$prefix gw=$host_ip port=$port mode=et${bp:+ busy_poll=$bp}"
		ready_re='linux-guest: ready'
		boot_timeout=${BENCH_BOOT_TIMEOUT:-240}
		local variant=""
		[ "$app" = redis ] && variant=-redis append+=" app=redis"
		append+=" ${BENCH_LINUX_APPEND-$linux_tuning}"
		extra=(-initrd "build/linux-guest/initramfs$variant.cpio.gz")
		# shellcheck disable=SC1090
		. "build/linux-guest/guest$variant.env"
		[ "$app" = redis ] && SERVER_SHA256=$REDIS_SHA256
		{
			echo "IMAGE=\"build/linux-guest/vmlinuz + initramfs$variant.cpio.gz\""
			echo "IMAGE_BYTES=$((VMLINUZ_BYTES + INITRAMFS_BYTES))"
			echo "KERNEL_VERSION=$KERNEL_VERSION"
			echo "KERNEL_PKG=$KERNEL_PKG"
			echo "BUSYBOX_PKG=\"$BUSYBOX_PKG\""
			echo "MODULES=\"$MODULES\""
			echo "VMLINUZ_BYTES=$VMLINUZ_BYTES"
			echo "INITRAMFS_BYTES=$INITRAMFS_BYTES"
			echo "SERVER_SHA256=${SERVER_SHA256:-}"
		} > "$dir/system.env"
		;;
	esac
	if [ "$profile" != 0 ] || [ "$icount" = 1 ]; then
		extra+=(-qmp "unix:$dir/qmp.sock,server=on,wait=off")
	fi
	[ "$profile" != 0 ] && [ "$sys" = linux ] && append+=" nokaslr kallsyms"
	[ "$icount" = 1 ] && extra+=(-icount shift=0,sleep=on,align=off -rtc clock=vm)
	echo "MEM=$mem" >> "$dir/system.env"
	echo "APPEND=\"${append//\"/\\\"}\"" >> "$dir/system.env"
	echo "BOOTS=$boots" >> "$dir/system.env"
	local nicdev=virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56
	case "$nic" in
	modern) nicdev+=,disable-legacy=on ;;
	transitional) ;;
	*) echo "bench: BENCH_LINUX_NIC must be modern or transitional, not '$nic'" >&2; exit 2 ;;
	esac
	{
		echo "MACHINE=$machine"
		echo "CPU=${cpu:-max}"
		echo "NIC=\"$nic virtio-net-pci ($nicdev)\""
	} >> "$dir/system.env"
	local qemu_timeout=$((boot_timeout + nconfigs * passes * per_config + 60))
	echo "== $sys: booting (QEMU $accel, -m $mem, timeout ${qemu_timeout}s)"
	local t0 now
	t0=$(date +%s%N)
	qemu_pidfile=$dir/qemu.pid
	rm -f "$qemu_pidfile"
	# Each boot's console stays: serial.log is the current one, serial-N.log the earlier ones.
	[ -f "$dir/serial.log" ] && mv "$dir/serial.log" "$dir/serial-$((boots - 1)).log"
	MACHINE=$machine CPU=$cpu QEMU=$raw/qemu-logged QEMU_ARGS_LOG=$dir/qemu-cmdline.txt \
		ip netns exec "$ns" tools/run/qemu.sh --kernel "$kernel" --timeout "$qemu_timeout" \
		--append "$append" --log "$dir/serial.log" -- "${extra[@]}" "${netdev[@]}" \
		-device "$nicdev" -pidfile "$qemu_pidfile" \
		> "$dir/qemu.out" 2>&1 < /dev/null &
	qpid=$!

	# Ready within boot_timeout, or a clear reason why not.
	local reason=""
	while :; do
		if tr -d '\r' 2>/dev/null < "$dir/serial.log" | grep -q "$ready_re"; then
			break
		fi
		if ! kill -0 "$qpid" 2>/dev/null; then
			wait "$qpid"
			reason="QEMU exited (status $?) before the ready line"
			qpid=""
			break
		fi
		now=$(date +%s%N)
		if [ $(((now - t0) / 1000000000)) -ge "$boot_timeout" ]; then
			reason="no ready line ('$ready_re') within ${boot_timeout}s"
			break
		fi
		sleep 0.1
	done
	now=$(date +%s%N)
	echo "READY_S=$(awk -v n=$((now - t0)) 'BEGIN { printf "%.2f", n / 1e9 }')" >> "$dir/system.env"
	qemu_pid=$(cat "$qemu_pidfile" 2>/dev/null)
	if [ -n "$reason" ]; then
		local log
		log=$(tr -d '\r' 2>/dev/null < "$dir/serial.log")
		case "$log" in
		*"no application named 'echo'"*)
			reason="the image has no 'echo' application (networking not built in yet)" ;;
		*"unknown option 'ip'"* | *"unknown option 'gw'"*)
			reason="the kernel does not know ip=/gw= yet (no networking)" ;;
		*"linux-guest: FAILED"*)
			reason="$(grep -o 'linux-guest: FAILED.*' <<< "$log" | head -1)" ;;
		esac
		stop_qemu
		echo "STATUS=failed" >> "$dir/system.env"
		echo "$reason" > "$dir/reason.txt"
		{ echo "--- serial (last lines):"; tail -5 <<< "$log"; } > "$dir/reason-detail.txt"
		echo "bench: $sys: FAILED: $reason (serial log: $dir/serial.log)" >&2
		sed 's/^/bench:   /' "$dir/reason-detail.txt" >&2
		return 1
	fi
	echo "STATUS=ok" >> "$dir/system.env"
	echo "== $sys: ready after $(sed -n 's/^READY_S=//p' "$dir/system.env") s; QEMU pid $qemu_pid"
	if [ "$profile" != 0 ] && [ "$sys" = linux ]; then
		tr -d '\r' < "$dir/serial.log" |
			sed -n '/^linux-guest: kallsyms begin/,/^linux-guest: kallsyms end/{/^linux-guest:/!p}' \
			> "$dir/kallsyms"
	fi
}

# cause TAG CONSOLE_LINE0: why configuration TAG failed, on one line: what echobench saw (its
# summary of the connections, its first failed connection), whether QEMU is gone, and the last
# lines the guest's console printed since the configuration began.
cause() {
	local tag=$1 from=$2 rc what="" console
	rc=$(sed -n 's/^RC=//p' "$dir/$tag.env")
	case "$rc" in
	124 | 137) what="echobench did not end within its time limit" ;;
	esac
	local line
	for line in "$(grep -m1 '^echobench: of ' "$dir/$tag.err")" "$(grep -m1 'failed (' "$dir/$tag.err")"; do
		[ -n "$line" ] && what+="${what:+; }${line#echobench: }"
	done
	[ -z "$what" ] && what="echobench status $rc: $(tail -1 "$dir/$tag.err")"
	kill -0 "$qpid" 2>/dev/null || what+="; QEMU is gone"
	console=$(tr -d '\r' 2>/dev/null < "$dir/serial.log" | tail -n +"$from" | grep -v '^[[:space:]]*$' |
		tail -3 | tr '\n' '|' | sed 's/|$//; s/|/ | /g')
	echo "${what#; }; console: ${console:-(nothing new)}"
}

# run_config SYS CONNS SIZE TAG: warm-up, then the measured run into $dir/TAG.{json,err,env}.
run_config() {
	local sys=$1 c=$2 s=$3 tag=$4 rc c0 c1 w0 w1 port_used=$port
	# BENCH_BREAK=SYS:TAG[:always] (checking this script): that configuration's client is aimed
	# at a port nobody listens on, on the first attempt only unless "always".
	case "${BENCH_BREAK:-}" in
	"$sys:$tag:always") port_used=9 ;;
	"$sys:$tag") [ "$boots" = 1 ] && port_used=9 ;;
	esac
	if [ "$warmup" -gt 0 ]; then
		timeout -k 5 $((warmup + 60)) ip netns exec "$ns" build/echobench -c "$c" -s "$s" \
			-p "$depth" -t "$threads" -d "$warmup" -q "$guest_ip" "$port_used" \
			> "$dir/$tag.warmup" 2>&1
	fi
	c0=$(cpu_ticks "$qemu_pid")
	w0=$(date +%s%N)
	timeout -k 5 $((seconds + 180)) ip netns exec "$ns" build/echobench -c "$c" -s "$s" \
		-p "$depth" -t "$threads" -d "$seconds" -w 0 --all-connected --json "$guest_ip" "$port_used" \
		> "$dir/$tag.json" 2> "$dir/$tag.err"
	rc=$?
	w1=$(date +%s%N)
	c1=$(cpu_ticks "$qemu_pid")
	{
		echo "RC=$rc"
		# (none when QEMU was gone by the end)
		[ "$c1" -ge "$c0" ] && [ "$c1" != 0 ] &&
			echo "CPU_S=$(awk -v t=$((c1 - c0)) -v h="$clk_tck" 'BEGIN { printf "%.3f", t / h }')"
		echo "WALL_S=$(awk -v n=$((w1 - w0)) 'BEGIN { printf "%.3f", n / 1e9 }')"
	} > "$dir/$tag.env"
	return "$rc"
}

# attempt SYS CONNS SIZE TAG: run_config; when it fails, its cause in $why.
attempt() {
	local line0
	line0=$(($(wc -l < "$dir/serial.log") + 1))
	run_config "$@" && return 0
	why=$(cause "$4" "$line0")
	return 1
}

# pick_median_pass DIR TAG: of TAG's passes (DIR/TAG.pN.*), the one with the median requests/s
# becomes DIR/TAG.{json,err,env}; DIR/TAG.passes lists every pass's requests/s, in pass order.
pick_median_pass() {
	local median
	median=$(python3 - "$1" "$2" "$passes" <<'PY'
import json, os, sys
d, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rps, ran = [], []
for p in range(1, n + 1):
    if not os.path.exists(f"{d}/{tag}.p{p}.json"):
        continue    # that pass's boot failed
    with open(f"{d}/{tag}.p{p}.json") as f:
        rps.append(json.loads(f.read().strip().splitlines()[-1])["requests_per_s"])
    ran.append(p)
with open(f"{d}/{tag}.passes", "w") as f:
    f.write(" ".join("%.1f" % r for r in rps) + "\n")
order = sorted(range(len(rps)), key=lambda i: rps[i])
print(ran[order[(len(rps) - 1) // 2]])
PY
	) || { echo "bench: $2: cannot read its passes" >&2; return 1; }
	local f
	for f in json err env; do cp "$1/$2.p$median.$f" "$1/$2.$f"; done
}

# Each system's state across its boots: how many boots so far, the echo configurations that
# failed twice (the later passes leave them out), and whether a pass's boot failed (no later pass
# boots it; its system.env then says so, and the report marks the system as not booted).
declare -A sys_boots=() sys_failed=() sys_down=()

# run_system NAME [PASS]: boot NAME (epunk, epunk-nooffload, linux or a -busy variant), wait for
# its ready line, run pass PASS over its configurations (echo; redis: its one run), stop it. An
# echo configuration that fails is named with its cause and run once more on a fresh boot; the
# pass goes on on that boot. Everything it learns goes to $raw/NAME/ for
# tools/bench/bench-report.py (TAG.pPASS.* when there are several passes); the failures are
# counted (count_failure). 1 when the boot failed.
run_system() {
	local sys=$1 pass=${2:-1} dir=$raw/$1 nfail=0 boots=$((${sys_boots[$1]:-0} + 1))
	mkdir -p "$dir"
	[ "$boots" = 1 ] && rm -f "$dir"/serial*.log
	if ! boot_system "$sys"; then
		sys_boots[$sys]=$boots
		sys_down[$sys]=1
		count_failure "$sys"
		return 1
	fi
	if [ "$app" = redis ]; then
		redis_failed=""
		measure_redis "$sys" "$dir" "$qemu_pid" "$redis_configs"
		local retry=$redis_failed cfg t c p tag f
		if [ -n "$retry" ]; then
			# The failed configurations once more, on a fresh boot; the first attempt's
			# files stay as TAG.try1.* for the report.
			stop_qemu
			for cfg in $retry; do
				IFS=: read -r t c p <<< "$cfg"
				tag=$t-c$c-P$p
				for f in "$dir/$tag".env "$dir/$tag".cause "$dir/$tag"-[0-9]*.csv "$dir/$tag"-[0-9]*.err; do
					[ -e "$f" ] && mv "$f" "${f/$tag/$tag.try1}"
				done
			done
			echo "   $sys:$retry failed: again on a fresh boot"
			boots=$((boots + 1))
			if boot_system "$sys" > "$dir/reboot-$boots.txt" 2>&1; then
				redis_failed=""
				measure_redis "$sys" "$dir" "$qemu_pid" "$retry"
			else
				for cfg in $retry; do
					IFS=: read -r t c p <<< "$cfg"
					echo "RC=skipped" > "$dir/$t-c$c-P$p.env"
					echo "$sys did not boot again: $(cat "$dir/reason.txt")" > "$dir/$t-c$c-P$p.cause"
				done
				echo "   $sys: no fresh boot: $(cat "$dir/reason.txt")"
			fi
			[ -z "$redis_failed" ] || count_failure "$sys" "$(wc -w <<< "$redis_failed")"
		fi
		stop_qemu
		return 0
	fi
	local cs c s tag why failed=${sys_failed[$sys]:-} f
	for cs in $(configs_of_system "$sys"); do
		c=${cs%:*} s=${cs#*:}
		tag=c$c-s$s
		# A configuration that failed stays failed: the later passes leave it out.
		case " $failed " in *" $tag "*) continue ;; esac
		if [ -z "$qpid" ]; then
			echo "RC=skipped" > "$dir/$tag.env"
			echo "$sys did not boot again after a failure: $(cat "$dir/reason.txt")" > "$dir/$tag.cause"
			nfail=$((nfail + 1))
			failed+=" $tag"
			continue
		fi
		printf '   %-5s conns %5d x %5d B%s: ' "$sys" "$c" "$s" \
			"$([ "$passes" -gt 1 ] && echo " (pass $pass of $passes)")"
		if ! attempt "$sys" "$c" "$s" "$tag"; then
			echo "FAILED: $why; again on a fresh boot"
			for f in json err env; do mv "$dir/$tag.$f" "$dir/$tag.try1.$f"; done
			echo "$why" > "$dir/$tag.try1.cause"
			stop_qemu
			boots=$((boots + 1))
			if ! boot_system "$sys" > "$dir/reboot-$boots.txt" 2>&1; then
				echo "RC=skipped" > "$dir/$tag.env"
				echo "$sys did not boot again: $(cat "$dir/reason.txt")" > "$dir/$tag.cause"
				echo "   $sys: no fresh boot: $(cat "$dir/reason.txt")"
				nfail=$((nfail + 1))
				failed+=" $tag"
				continue
			fi
			printf '   %-5s conns %5d x %5d B (fresh boot): ' "$sys" "$c" "$s"
			if ! attempt "$sys" "$c" "$s" "$tag"; then
				echo "$why" > "$dir/$tag.cause"
				echo "FAILED again: $why"
				nfail=$((nfail + 1))
				failed+=" $tag"
				continue
			fi
		fi
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latency_us"]
print("%9.0f req/s %8.2f MB/s  p50 %8.1f us  p99 %8.1f us" % (r["requests_per_s"], r["mb_per_s"], l["p50"], l["p99"]))' "$dir/$tag.json"
		if [ "$passes" -gt 1 ]; then
			for f in json err env; do mv "$dir/$tag.$f" "$dir/$tag.p$pass.$f"; done
		fi
	done
	sys_boots[$sys]=$boots
	sys_failed[$sys]=$failed
	stop_qemu
	count_failure "$sys" "$nfail"
}

# configs_of_system NAME: the echo configurations NAME runs (CONNS:SIZE ...).
configs_of_system() {
	case "$1" in
	*-busy) echo "$busy_configs" ;;
	epunk-nooffload) echo "$offload_configs" ;;
	*) echo "$configs" ;;
	esac
}

# pick_medians NAME: after the last pass, each of NAME's rows becomes the pass with the median
# requests/s of the passes it ran; every pass's figure goes to TAG.passes.
pick_medians() {
	local sys=$1 cs tag
	[ "$passes" -gt 1 ] || return 0
	for cs in $(configs_of_system "$sys"); do
		tag=c${cs%:*}-s${cs#*:}
		case " ${sys_failed[$sys]:-} " in *" $tag "*) continue ;; esac
		compgen -G "$raw/$sys/$tag.p[0-9]*.json" > /dev/null || continue
		pick_median_pass "$raw/$sys" "$tag" || count_failure "$sys"
	done
}


start=$(date +%s)
{
	echo "DATE=\"$(date -u '+%Y-%m-%d %H:%M UTC')\""
	echo "HOST_KERNEL=$(uname -r)"
	echo "HOST_CPU=\"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)\""
	echo "HOST_CPUS=$(nproc)"
	echo "QEMU_VERSION=\"$("${QEMU:-qemu-system-x86_64}" --version | head -1)\""
	echo "ACCEL=$accel"
	echo "FIRMWARE=$firmware"
	echo "MEM=$mem"
	echo "MATRIX=$matrix"
	echo "CONNS=\"$conns_list\""
	echo "SIZES=\"$sizes_list\""
	echo "EXTRA=\"$extra_list\""
	echo "SECONDS_PER_CONFIG=$seconds"
	echo "WARMUP=$warmup"
	echo "DEPTH=$depth"
	echo "THREADS=$threads"
	echo "PASSES=$passes"
	# The report compares the first with the second (the baseline when there is one).
	busy_systems=""
	if [ -n "$busy_rows" ]; then
		for sys in $systems; do busy_systems+=" $sys-busy"; done
	fi
	echo "SYSTEMS=\"$systems${offload_off:+ epunk-nooffload}$busy_systems\""
	echo "BUSY_ROWS=$busy_rows"
	echo "OFFLOAD_CONFIGS=\"$offload_configs\""
	echo "BUSY_CONFIGS=\"$busy_configs\""
	echo "NETDEV=\"${netdev[*]}\""
	echo "APP=$app"
	if [ "$app" = redis ]; then
		echo "REDIS_CONFIGS=\"$redis_configs\""
		echo "REPEAT=$repeat"
		echo "ICOUNT=$icount"
		echo "REDIS_ARGS=\"${redis_args//\"/\\\"}\""
		echo "REDIS_BENCHMARK=\"$(redis-benchmark --version 2>/dev/null | head -1)\""
	fi
} > "$raw/run.env"

# tools/run/qemu.sh runs $QEMU: this one notes its exact arguments, then becomes QEMU (same pid).
cat > "$raw/qemu-logged" <<'EOF'
#!/bin/sh
printf '%s\n' "$BENCH_QEMU" "$@" > "$QEMU_ARGS_LOG"
exec "$BENCH_QEMU" "$@"
EOF
chmod +x "$raw/qemu-logged"
export BENCH_QEMU=${QEMU:-qemu-system-x86_64}

# The systems take turns pass by pass, each on a fresh boot: a slow spell of the shared host
# falls on one pass of each system it meets, and the median pass leaves it out.
order=""
case " $systems " in *" epunk "*) order+=" epunk" ;; esac
[ -n "$offload_off" ] && order+=" epunk-nooffload"
case " $systems " in *" $baseline "*) [ -n "$baseline" ] && order+=" $baseline" ;; esac
order+=" $busy_systems"
for ((pass = 1; pass <= passes; pass++)); do
	for sys in $order; do
		[ -n "${sys_down[$sys]:-}" ] && continue
		[ "$passes" -gt 1 ] && echo "== pass $pass of $passes: $sys"
		run_system "$sys" "$pass" && continue
		if [ "$smoke" = 1 ] && [ "$sys" = epunk ]; then
			# Networking in progress: no echo app, no ip=, or it never listens. Not a failure yet.
			skip_or_fail "epunk cannot serve echo yet: $(cat "$raw/epunk/reason.txt")"
		fi
	done
done
for sys in $order; do
	pick_medians "$sys"
done
cleanup
trap - EXIT
echo "ELAPSED_S=$(($(date +%s) - start))" >> "$raw/run.env"

plot_failed=0
python3 tools/bench/bench-report.py "$out" || { echo "bench: report failed" >&2; exit 1; }
# The plots of every app measured in $out: echo's results.png, redis's results-redis.png.
for a in echo redis; do
	suffix=${a/echo/}
	suffix=${suffix:+-$suffix}
	[ -f "$out/plot$suffix.vars" ] || continue
	gnuplot -e "datafile='$out/plot$suffix.dat'; outfile='$out/results$suffix.png'; $(cat "$out/plot$suffix.vars")" \
		"tools/bench/bench${suffix}-plot.gp" || { echo "bench: plot failed" >&2; plot_failed=1; }
done
png=results.png
[ "$app" = redis ] && png=results-redis.png
echo "== report: $out/results.md, $out/results.json, $out/$png ($(($(date +%s) - start)) s)"

if [ "$smoke" = 1 ]; then
	for f in results.md results.json results.png; do
		[ -s "$out/$f" ] || { echo "FAIL: $out/$f was not written"; exit 1; }
	done
	if [ "$(sed -n 's/^RC=//p' "$raw/epunk/c1-s64.env")" != 0 ]; then
		echo "FAIL: echobench did not verify every byte (see $raw/epunk/c1-s64.err)"
		exit 1
	fi
	echo "PASS: 1 connection x 64 B for ${seconds}s, every byte verified; report written"
	exit 0
fi
# epunk's failures fail the run; the baseline's are marked in the report and said here.
if [ "$failures_linux" != 0 ]; then
	echo "bench: the baseline (linux) failed $failures_linux configuration(s) or its boot: see $out/results.md" >&2
fi
# Without epunk (BENCH_SYSTEMS=linux), the baseline is the system under test.
case " $systems " in *" epunk "*) ;; *) failures_epunk=$failures_linux ;; esac
if [ "$failures_epunk" != 0 ] || [ "$plot_failed" = 1 ]; then
	echo "bench: epunk failed $failures_epunk configuration(s) or its boot: see $out/results.md" >&2
	exit 1
fi
exit 0
