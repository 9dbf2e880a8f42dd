#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: boot epunk's echo server on a tap inside a network namespace made for the run, drive
# it with build/echobench over a matrix of connections x message sizes, and write the report
# (results.md, results.json, results.png). With --baseline linux the same matrix runs, in the
# same run, against a stock Debian Linux guest (tools/run/linux-guest.sh) in the same QEMU setup.
#
# usage: tools/bench/bench.sh [--baseline linux] [--matrix full|quick] [--seconds N] [--out DIR]
#        tools/bench/bench.sh --smoke      one short configuration against epunk, for make test
# Environment (the options win): BASELINE=linux, BENCH_MATRIX=full|quick, BENCH_SECONDS (5),
#   BENCH_WARMUP (seconds of unmeasured traffic before each configuration, 1), BENCH_DEPTH
#   (messages in flight per connection, 1), BENCH_THREADS (client threads, 1), BENCH_MEM (guest
#   memory, 256M), BENCH_BUSY_POLL (microseconds of busy polling for both servers: epunk's and
#   Linux's epoll_wait poll the NIC that long before sleeping; default 0, off), BENCH_EPUNK_APPEND
#   (words added to epunk's kernel command line), BENCH_BOOT_TIMEOUT (seconds from QEMU's start to the ready line: 60 for epunk,
#   240 for Linux), ACCEL, FIRMWARE, QEMUFLAGS (as for tools/run/qemu.sh, applied to both guests),
#   BENCH_CONFIGS (CONNS:SIZE pairs run instead of the matrix), BENCH_SYSTEMS (epunk, linux or
#   "epunk linux": which of them run; default epunk and the baseline), and Linux's settings (the
#   best found here by default): BENCH_LINUX_MACHINE (pc), BENCH_LINUX_CPU (qemu64),
#   BENCH_LINUX_NIC (transitional; or modern), BENCH_LINUX_APPEND (the words after its addresses
#   on its kernel command line; default: mitigations=off and the sysctls somaxconn and
#   tcp_max_syn_backlog at 65535).
#
# Matrix: full = connections 1 10 100 1000 x sizes 64 1024 16384, and 10000 x 64; quick = 1 100 x
# 64 16384.
# Network: namespace epunk-bench-PID with tap0 = 10.77.0.1/24, the guest 10.77.0.2; nothing is
# sent anywhere else. The namespace and every QEMU are removed on exit, whatever happens.
#
# A configuration that fails is named with its cause (what echobench's connections saw, the
# guest's console) and run once more on a fresh boot of that system; the first attempt stays in
# raw/SYS/TAG.try1.* and the report. BENCH_LINUX_APPEND adds words to Linux's command line.
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
matrix=${BENCH_MATRIX:-full}
seconds=${BENCH_SECONDS:-5}
warmup=${BENCH_WARMUP:-1}
depth=${BENCH_DEPTH:-1}
threads=${BENCH_THREADS:-1}
mem=${BENCH_MEM:-256M}
busy_poll=${BENCH_BUSY_POLL:-}
[ "$busy_poll" = 0 ] && busy_poll=""
case "$busy_poll" in *[!0-9]*) echo "bench: BENCH_BUSY_POLL must be a number of microseconds, not '$busy_poll'" >&2; exit 2 ;; esac
smoke=0
out=""
usage() {
	sed -n 's/^# \{0,1\}//; 8,9p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--baseline) baseline=${2:-}; shift 2 || usage ;;
	--matrix) matrix=${2:-}; shift 2 || usage ;;
	--seconds) seconds=${2:-}; shift 2 || usage ;;
	--out) out=${2:-}; shift 2 || usage ;;
	--smoke) smoke=1; shift ;;
	*) usage ;;
	esac
done
case "$baseline" in
"" | none) baseline="" ;;
linux) ;;
*) echo "bench: BASELINE must be linux (or empty), not '$baseline'" >&2; exit 2 ;;
esac
if [ "$smoke" = 1 ]; then
	# One configuration for a couple of seconds, epunk only: a check that the harness works.
	baseline="" matrix=smoke seconds=${BENCH_SMOKE_SECONDS:-2} warmup=0
	BENCH_BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-30}
	out=${out:-build/bench/smoke}
fi
out=${out:-build/bench}
case "$matrix" in
custom) ;;
full) conns_list="1 10 100 1000" sizes_list="64 1024 16384" extra_list="10000:64" ;;
quick) conns_list="1 100" sizes_list="64 16384" extra_list="" ;;
smoke) conns_list="1" sizes_list="64" extra_list="" ;;
*) echo "bench: BENCH_MATRIX must be full or quick, not '$matrix'" >&2; exit 2 ;;
esac
systems=${BENCH_SYSTEMS:-epunk${baseline:+ $baseline}}
case "$systems" in
epunk | "epunk $baseline" | "$baseline") ;;
*)
	echo "bench: BENCH_SYSTEMS must be epunk, $baseline or both (in that order), not '$systems'" >&2
	exit 2 ;;
esac
if [ -n "${BENCH_CONFIGS:-}" ] && [ "$smoke" = 0 ]; then	# CONNS:SIZE pairs instead of a matrix
	matrix=custom conns_list="" sizes_list="" extra_list=$BENCH_CONFIGS
	for cs in $extra_list; do
		[[ $cs =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]] ||
			{ echo "bench: BENCH_CONFIGS wants CONNS:SIZE pairs, not '$cs'" >&2; exit 2; }
	done
fi
for v in seconds warmup depth threads; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || { [ "$v" != warmup ] && [ "${!v}" = 0 ]; }; then
		echo "bench: $v must be a whole number (got '${!v}')" >&2
		exit 2
	fi
done

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
if [ ! -x build/echobench ] || [ tools/bench/echobench.c -nt build/echobench ]; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory build/echobench || exit 1
fi
[ -f build/epunk.elf ] || { echo "bench: no build/epunk.elf (run make first)" >&2; exit 1; }
if [ -n "$baseline" ]; then
	tools/run/linux-guest.sh || { echo "bench: cannot build the Linux guest" >&2; exit 1; }
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
export ACCEL=$accel FIRMWARE=$firmware MEM=$mem
unset NET	# tools/run/qemu.sh's own NIC: the benchmark adds its tap NIC itself

# Only our own files: build/bench also holds make bench-epoll's.
rm -rf "$out/raw" "$out"/results.md "$out"/results.json "$out"/results.png "$out"/plot.dat "$out"/plot.vars
mkdir -p "$out/raw"
ns=epunk-bench-$$
host_ip=10.77.0.1
guest_ip=10.77.0.2
prefix=24
port=7
clk_tck=$(getconf CLK_TCK)
qpid=""		# the running QEMU job: ip netns exec -> tools/run/qemu.sh -> timeout -> qemu
qemu_pidfile=""	# QEMU's own pid, written by QEMU (-pidfile)
qemu_pid=""
failures_epunk=0	# epunk's configurations that failed (1 when it did not boot)
failures_linux=0	# the baseline's

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

# The configurations, CONNS:SIZE: the matrix, then its extra ones.
configs=""
for c in $conns_list; do
	for s in $sizes_list; do
		configs+="$c:$s "
	done
done
configs+=$extra_list
nconfigs=$(wc -w <<< "$configs")
per_config=$((warmup + seconds + 2 * 60))

# cpu_ticks PID: utime + stime of PID in clock ticks (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	# shellcheck disable=SC2086
	set -- ${stat##*) }	# the fields after "(comm) ", from field 3 on
	echo $((${12} + ${13}))
}

# Linux's kernel command line beyond the guest's addresses (BENCH_LINUX_APPEND replaces it): no
# CPU vulnerability mitigations, listen queues that drop no SYN of the benchmark's bursts.
linux_tuning="mitigations=off sysctl.net.core.somaxconn=65535 sysctl.net.ipv4.tcp_max_syn_backlog=65535"

# boot_system SYS: start SYS's QEMU (its system.env describes it) and wait for the ready line;
# 1 with $dir/reason.txt (and a line on stderr) when it does not come.
boot_system() {
	local sys=$1 kernel append ready_re boot_timeout extra=() machine=q35 cpu="" nic
	case "$sys" in
	epunk)
		nic=modern
		kernel=build/epunk.elf
		append="quiet app=echo args=\"port=$port mode=et${busy_poll:+ busy_poll=$busy_poll}\" ip=$guest_ip/$prefix gw=$host_ip${BENCH_EPUNK_APPEND:+ $BENCH_EPUNK_APPEND}"
		ready_re='echo: listening'
		boot_timeout=${BENCH_BOOT_TIMEOUT:-60}
		echo "IMAGE=build/epunk.elf" > "$dir/system.env"
		echo "IMAGE_BYTES=$(stat -c %s "$kernel")" >> "$dir/system.env"
		echo "LOADED_BYTES=$(size -B "$kernel" | awk 'NR == 2 { print $1 + $2 }')" >> "$dir/system.env"
		# the initrd's /bin/echo is build/apps/echo (Makefile)
		echo "SERVER_SHA256=$(sha256sum < build/apps/echo | cut -d' ' -f1)" >> "$dir/system.env"
		;;
	linux)
		# Linux's own best settings, as measured (docs/measurements/benchmark.md).
		machine=${BENCH_LINUX_MACHINE:-pc}
		cpu=${BENCH_LINUX_CPU:-qemu64}
		nic=${BENCH_LINUX_NIC:-transitional}
		kernel=build/linux-guest/vmlinuz
		append="console=ttyS0 quiet panic=-1 ip=$guest_ip/$prefix gw=$host_ip port=$port mode=et${busy_poll:+ busy_poll=$busy_poll} ${BENCH_LINUX_APPEND-$linux_tuning}"
		ready_re='linux-guest: ready'
		boot_timeout=${BENCH_BOOT_TIMEOUT:-240}
		extra=(-initrd build/linux-guest/initramfs.cpio.gz)
		# shellcheck disable=SC1091
		. build/linux-guest/guest.env
		{
			echo "IMAGE=\"build/linux-guest/vmlinuz + initramfs.cpio.gz\""
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
	local qemu_timeout=$((boot_timeout + nconfigs * per_config + 60))
	echo "== $sys: booting (QEMU $accel, -m $mem, timeout ${qemu_timeout}s)"
	local t0 now
	t0=$(date +%s%N)
	qemu_pidfile=$dir/qemu.pid
	rm -f "$qemu_pidfile"
	# Each boot's console stays: serial.log is the current one, serial-N.log the earlier ones.
	[ -f "$dir/serial.log" ] && mv "$dir/serial.log" "$dir/serial-$((boots - 1)).log"
	MACHINE=$machine CPU=$cpu QEMU=$out/raw/qemu-logged QEMU_ARGS_LOG=$dir/qemu-cmdline.txt \
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

# run_system NAME: boot NAME (epunk or linux), wait for its ready line, run the matrix, stop it.
# A configuration that fails is named with its cause and run once more on a fresh boot; the
# matrix goes on on that boot. Everything it learns goes to $out/raw/NAME/ for
# tools/bench/bench-report.py; the failures are counted in failures_NAME.
run_system() {
	local sys=$1 dir=$out/raw/$1 nfail=0 boots=1
	mkdir -p "$dir"
	rm -f "$dir"/serial*.log
	if ! boot_system "$sys"; then
		eval "failures_$sys=1"
		return 1
	fi
	local cs c s tag why
	for cs in $configs; do
		c=${cs%:*} s=${cs#*:}
		tag=c$c-s$s
		if [ -z "$qpid" ]; then
			echo "RC=skipped" > "$dir/$tag.env"
			echo "$sys did not boot again after a failure: $(cat "$dir/reason.txt")" > "$dir/$tag.cause"
			nfail=$((nfail + 1))
			continue
		fi
		printf '   %-5s conns %5d x %5d B: ' "$sys" "$c" "$s"
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
				continue
			fi
			printf '   %-5s conns %5d x %5d B (fresh boot): ' "$sys" "$c" "$s"
			if ! attempt "$sys" "$c" "$s" "$tag"; then
				echo "$why" > "$dir/$tag.cause"
				echo "FAILED again: $why"
				nfail=$((nfail + 1))
				continue
			fi
		fi
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latency_us"]
print("%9.0f req/s %8.2f MB/s  p50 %8.1f us  p99 %8.1f us" % (r["requests_per_s"], r["mb_per_s"], l["p50"], l["p99"]))' "$dir/$tag.json"
	done
	stop_qemu
	eval "failures_$sys=$nfail"
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
	echo "SYSTEMS=\"$systems\""
	echo "NETDEV=\"${netdev[*]}\""
} > "$out/raw/run.env"

# tools/run/qemu.sh runs $QEMU: this one notes its exact arguments, then becomes QEMU (same pid).
cat > "$out/raw/qemu-logged" <<'EOF'
#!/bin/sh
printf '%s\n' "$BENCH_QEMU" "$@" > "$QEMU_ARGS_LOG"
exec "$BENCH_QEMU" "$@"
EOF
chmod +x "$out/raw/qemu-logged"
export BENCH_QEMU=${QEMU:-qemu-system-x86_64}

epunk_ok=0
case " $systems " in *" epunk "*) run_system epunk; epunk_ok=$? ;; esac
if [ "$smoke" = 1 ] && [ "$epunk_ok" != 0 ]; then
	# Networking in progress: no echo app, no ip=, or it never listens. Not a failure yet.
	skip_or_fail "epunk cannot serve echo yet: $(cat "$out/raw/epunk/reason.txt")"
fi
case " $systems " in *" $baseline "*) [ -n "$baseline" ] && run_system "$baseline" ;; esac
cleanup
trap - EXIT
echo "ELAPSED_S=$(($(date +%s) - start))" >> "$out/raw/run.env"

plot_failed=0
python3 tools/bench/bench-report.py "$out" || { echo "bench: report failed" >&2; exit 1; }
gnuplot -e "datafile='$out/plot.dat'; outfile='$out/results.png'; $(cat "$out/plot.vars")" \
	tools/bench/bench-plot.gp || { echo "bench: plot failed" >&2; plot_failed=1; }
echo "== report: $out/results.md, $out/results.json, $out/results.png ($(($(date +%s) - start)) s)"

if [ "$smoke" = 1 ]; then
	for f in results.md results.json results.png; do
		[ -s "$out/$f" ] || { echo "FAIL: $out/$f was not written"; exit 1; }
	done
	if [ "$(sed -n 's/^RC=//p' "$out/raw/epunk/c1-s64.env")" != 0 ]; then
		echo "FAIL: echobench did not verify every byte (see $out/raw/epunk/c1-s64.err)"
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
