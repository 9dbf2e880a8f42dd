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
#   (words added to epunk's kernel command line), BENCH_OFFLOAD_OFF=1 (epunk a second time with
#   vnet_offload=off, as the system "epunk-nooffload", in the same run), BENCH_CONNS and
#   BENCH_SIZES (lists that replace the matrix's), BENCH_BOOT_TIMEOUT (seconds from QEMU's start to the ready line: 60 for epunk,
#   240 for Linux), ACCEL, FIRMWARE, QEMUFLAGS (as for tools/run/qemu.sh, applied to both guests).
#
# Matrix: full = connections 1 10 100 1000 x sizes 64 1024 16384; quick = 1 100 x 64 16384;
# bulk = 1 10 x 65536 1048576 (large messages: throughput in MB/s).
# Network: namespace epunk-bench-PID with tap0 = 10.77.0.1/24, the guest 10.77.0.2; nothing is
# sent anywhere else. The namespace and every QEMU are removed on exit, whatever happens.
#
# Exit status: 0 when every system booted and every configuration verified all its bytes; 1 when
# something failed (the report is still written, naming what failed); 2 on a usage error. With
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
offload_off=${BENCH_OFFLOAD_OFF:-}
[ "$offload_off" = 0 ] && offload_off=""
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
	baseline="" matrix=smoke seconds=${BENCH_SMOKE_SECONDS:-2} warmup=0 offload_off=""
	BENCH_BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-30}
	out=${out:-build/bench/smoke}
fi
out=${out:-build/bench}
case "$matrix" in
full) conns_list="1 10 100 1000" sizes_list="64 1024 16384" ;;
quick) conns_list="1 100" sizes_list="64 16384" ;;
bulk) conns_list="1 10" sizes_list="65536 1048576" ;;
smoke) conns_list="1" sizes_list="64" ;;
*) echo "bench: BENCH_MATRIX must be full, quick or bulk, not '$matrix'" >&2; exit 2 ;;
esac
if [ "$smoke" = 0 ]; then
	conns_list=${BENCH_CONNS:-$conns_list}
	sizes_list=${BENCH_SIZES:-$sizes_list}
	for v in $conns_list $sizes_list; do
		[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_CONNS and BENCH_SIZES are lists of whole numbers (got '$v')" >&2; exit 2; }
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
failures=0

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
if ! { netns_new "$ns" && netns_tap "$ns" tap0 "$host_ip/$prefix"; }; then
	echo "bench: cannot set up the network namespace" >&2
	exit 1
fi
# shellcheck disable=SC2054
netdev=(-netdev tap,id=net0,ifname=tap0,script=no,downscript=no
	-device virtio-net-pci,netdev=net0,disable-legacy=on,mac=52:54:00:12:34:56)

nconfigs=$(($(wc -w <<< "$conns_list") * $(wc -w <<< "$sizes_list")))
per_config=$((warmup + seconds + 2 * 60))

# cpu_ticks PID: utime + stime of PID in clock ticks (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	# shellcheck disable=SC2086
	set -- ${stat##*) }	# the fields after "(comm) ", from field 3 on
	echo $((${12} + ${13}))
}

# run_system NAME: boot NAME (epunk or linux), wait for its ready line, run the matrix, stop it.
# Everything it learns goes to $out/raw/NAME/ for tools/bench/bench-report.py.
run_system() {
	local sys=$1 dir=$out/raw/$1 kernel append ready_re boot_timeout extra=()
	mkdir -p "$dir"
	case "$sys" in
	epunk | epunk-nooffload)
		kernel=build/epunk.elf
		append="quiet app=echo args=\"port=$port mode=et${busy_poll:+ busy_poll=$busy_poll}\" ip=$guest_ip/$prefix gw=$host_ip${BENCH_EPUNK_APPEND:+ $BENCH_EPUNK_APPEND}"
		[ "$sys" = epunk-nooffload ] && append="$append vnet_offload=off"
		ready_re='echo: listening'
		boot_timeout=${BENCH_BOOT_TIMEOUT:-60}
		echo "IMAGE=build/epunk.elf" > "$dir/system.env"
		echo "IMAGE_BYTES=$(stat -c %s "$kernel")" >> "$dir/system.env"
		echo "LOADED_BYTES=$(size -B "$kernel" | awk 'NR == 2 { print $1 + $2 }')" >> "$dir/system.env"
		# the initrd's /bin/echo is build/apps/echo (Makefile)
		echo "SERVER_SHA256=$(sha256sum < build/apps/echo | cut -d' ' -f1)" >> "$dir/system.env"
		;;
	linux)
		kernel=build/linux-guest/vmlinuz
		append="console=ttyS0 quiet panic=-1 ip=$guest_ip/$prefix gw=$host_ip port=$port mode=et${busy_poll:+ busy_poll=$busy_poll}"
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
	local qemu_timeout=$((boot_timeout + nconfigs * per_config + 60))
	echo "== $sys: booting (QEMU $accel, -m $mem, timeout ${qemu_timeout}s)"
	local t0 now
	t0=$(date +%s%N)
	qemu_pidfile=$dir/qemu.pid
	QEMU=$out/raw/qemu-logged QEMU_ARGS_LOG=$dir/qemu-cmdline.txt ip netns exec "$ns" \
		tools/run/qemu.sh --kernel "$kernel" --timeout "$qemu_timeout" --append "$append" \
		--log "$dir/serial.log" -- "${extra[@]}" "${netdev[@]}" -pidfile "$qemu_pidfile" \
		> "$dir/qemu.out" 2>&1 < /dev/null &
	qpid=$!

	# Ready within boot_timeout, or a clear reason why not.
	local reason="" qemu_pid=""
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
		failures=$((failures + 1))
		return 1
	fi
	echo "STATUS=ok" >> "$dir/system.env"
	echo "== $sys: ready after $(sed -n 's/^READY_S=//p' "$dir/system.env") s; QEMU pid $qemu_pid"

	local c s tag rc c0 c1 w0 w1 alive=1
	for c in $conns_list; do
		for s in $sizes_list; do
			tag=c$c-s$s
			if [ "$alive" = 0 ]; then
				echo "RC=skipped" > "$dir/$tag.env"
				continue
			fi
			if [ "$warmup" -gt 0 ]; then
				timeout -k 5 $((warmup + 60)) ip netns exec "$ns" build/echobench -c "$c" -s "$s" \
					-p "$depth" -t "$threads" -d "$warmup" -q "$guest_ip" "$port" \
					> "$dir/$tag.warmup" 2>&1
			fi
			c0=$(cpu_ticks "$qemu_pid")
			w0=$(date +%s%N)
			timeout -k 5 $((seconds + 60)) ip netns exec "$ns" build/echobench -c "$c" -s "$s" \
				-p "$depth" -t "$threads" -d "$seconds" -w 0 --json "$guest_ip" "$port" \
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
			printf '   %-5s conns %5d x %5d B: ' "$sys" "$c" "$s"
			if [ "$rc" = 0 ]; then
				python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latency_us"]
print("%9.0f req/s %8.2f MB/s  p50 %8.1f us  p99 %8.1f us" % (r["requests_per_s"], r["mb_per_s"], l["p50"], l["p99"]))' "$dir/$tag.json"
			else
				echo "FAILED (echobench status $rc: $(tail -1 "$dir/$tag.err"))"
				failures=$((failures + 1))
				if ! kill -0 "$qpid" 2>/dev/null; then
					echo "bench: $sys: QEMU is gone; the remaining configurations are skipped" >&2
					alive=0
				fi
			fi
		done
	done
	stop_qemu
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
	echo "SECONDS_PER_CONFIG=$seconds"
	echo "WARMUP=$warmup"
	echo "DEPTH=$depth"
	echo "THREADS=$threads"
	# The report compares the first with the second (the baseline when there is one).
	echo "SYSTEMS=\"epunk${baseline:+ $baseline}${offload_off:+ epunk-nooffload}\""
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

run_system epunk
epunk_ok=$?
if [ "$smoke" = 1 ] && [ "$epunk_ok" != 0 ]; then
	# Networking in progress: no echo app, no ip=, or it never listens. Not a failure yet.
	skip_or_fail "epunk cannot serve echo yet: $(cat "$out/raw/epunk/reason.txt")"
fi
[ -n "$offload_off" ] && run_system epunk-nooffload
[ -n "$baseline" ] && run_system "$baseline"
cleanup
trap - EXIT
echo "ELAPSED_S=$(($(date +%s) - start))" >> "$out/raw/run.env"

python3 tools/bench/bench-report.py "$out" || { echo "bench: report failed" >&2; exit 1; }
gnuplot -e "datafile='$out/plot.dat'; outfile='$out/results.png'; $(cat "$out/plot.vars")" \
	tools/bench/bench-plot.gp || { echo "bench: plot failed" >&2; failures=$((failures + 1)); }
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
if [ "$failures" != 0 ]; then
	echo "bench: $failures failure(s): see $out/results.md" >&2
	exit 1
fi
exit 0
