#!/bin/bash
# SPDX-License-Identifier: MIT
# Faults on the wire and hostile frames (issue 8): the guest's echo server behind build/wire, a
# host-side wire between QEMU's stream netdev and a tap in a network namespace this script
# creates (host 10.77.12.1, guest 10.77.12.2).
#  1. impairments: 5% loss, 1% duplication, 1% reordering, 20 ms +- 10 ms delay, 0.1% corruption
#     in each direction while tools/peers/wire_echo.py keeps 8 connections echoing and sends UDP:
#     every byte verified, no stall, UDP loss counted;
#  2. hostile frames: the wire injects generated frames (random, bad lengths and checksums,
#     truncated, IP options, TCP flag soups, fragments, ARP storms, mutated copies of real
#     frames) while the client keeps echoing over a clean wire: no crash, no hang, every byte;
#  3. hostile virtio-net headers: the guest on the tap itself (so that QEMU offers the checksum
#     and segmentation offloads), tools/peers/vhdr_inject.py writing frames with crafted headers
#     through a packet socket while the client echoes: partial checksums starting in the Ethernet
#     header and GSO on a UDP datagram are dropped as bad headers, partial ICMP checksums are
#     finished by the driver and answered, large TCP segments are taken whole.
# usage: tests/net-faults.sh [--duration SECONDS] [--rate FRAMES/S] [--seed N] [--inject N]
#                            [--hostile-only] [--wire "WIRE OPTIONS"]
#   without --duration: the short version for make test (about 2 minutes under TCG, 40 s of
#   traffic per phase, 200000 injected frames spread over the phase); with it: each phase runs
#   SECONDS/2 and the injector sends --rate frames a second (default 6250; 0: as fast as the
#   guest takes them, a flood past what a TCG guest absorbs, see the README) until it ends.
#   --hostile-only skips the impaired phase; --wire adds options to the hostile phase's wire (say
#   "--kinds arp --inject-rate 5000" for an ARP storm alone, "--sources 4" for fewer sources).
#   KERNEL=FILE boots another image (default build/epunk.elf), OUT=DIR keeps the outputs there.
# Prints PASS/FAIL lines and a summary of figures; exits non-zero if any failed, 77 without root.
set -u
cd "$(dirname "$0")/.." || exit 1
duration=""
seed=${SEED:-$(( $(date +%s) % 100000 ))}
inject=200000
only=""
wire_extra=""
rate_opt=6250
while [ $# -gt 0 ]; do
	case "$1" in
	--duration) duration=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--inject) inject=$2; shift 2 ;;
	--rate) rate_opt=$2; shift 2 ;;
	--hostile-only) only=hostile; shift ;;
	--wire) wire_extra=$2; shift 2 ;;
	*) echo "usage: $0 [--duration SECONDS] [--rate FRAMES/S] [--seed N] [--inject N] [--hostile-only] [--wire OPTIONS]" >&2; exit 2 ;;
	esac
done
for v in "$seed" "$inject" "$rate_opt" ${duration:+"$duration"}; do
	case "$v" in ''|*[!0-9]*) echo "net-faults: '$v' is not a number" >&2; exit 2 ;; esac
done
if [ -n "$duration" ]; then
	[ "$duration" -ge 20 ] || { echo "net-faults: --duration wants at least 20 seconds" >&2; exit 2; }
	phase=$((duration / 2))
	inject=-1
	rate=$rate_opt	# 0: as fast as the guest takes them
else
	phase=40
	rate=$((inject * 10 / (phase * 8)))	# spread over 80% of the phase
fi
out=${OUT:-build/test/faults}
kernel=${KERNEL:-build/epunk.elf}	# KERNEL=image: another build, to compare
mkdir -p "$out"
ns=epunk-wire-$$
sock=/tmp/epunk-wire-$$.sock
host=10.77.12.1
guest=10.77.12.2
mac=52:54:00:77:12:02
qpid=""
wpid=""
ninj=0
. tools/lib.sh

cleanup() {
	stop_pid "$qpid"
	stop_pid "$wpid"
	netns_destroy "$ns"
	rm -f "$sock" "$sock.qemu"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "SKIP net-faults: needs root (network namespaces and tap)"
	exit 77
fi
[ -x build/wire ] && [ -f "$kernel" ] || { echo "FAIL net-faults: run make first (build/wire, build/epunk.elf)"; exit 1; }

echo "net-faults: seed $seed, $phase s per phase, inject $([ "$inject" = -1 ] && echo "until the end" || echo "$inject frames")"

# ---- 0. the wire alone: the seed decides everything, at the rates asked for ----
imp=(--loss 0.05 --dup 0.01 --reorder 0.01 --delay 20 --jitter 10 --corrupt 0.001)
self() { build/wire --selftest 200000 --seed "$1" --guest-mac "$mac" --guest-ip "$guest" \
	--host-ip "$host" "${imp[@]}" | grep -v '^wire: seed'; }
s1=$(self "$seed"); s2=$(self "$seed"); s3=$(self $((seed + 1)))
if [ -n "$s1" ] && [ "$s1" = "$s2" ] && [ "$(head -1 <<< "$s1" | cut -d, -f3)" != "$(head -1 <<< "$s3" | cut -d, -f3)" ]; then
	pass "wire: the same seed gives the same 200000 frames and decisions, another seed others"
else
	fail "wire: reproducibility" "$(head -1 <<< "$s1") / $(head -1 <<< "$s2") / $(head -1 <<< "$s3")"
fi
# Each rate within 4 standard deviations of what was asked for (200000 frames a direction).
rates=$(grep '^wire to-' <<< "$s1" | awk '{
	for (i = 1; i <= NF; i++) v[$i] = $(i + 1)
	n = v["in"]; bad = 0
	split("dropped 0.05 duplicated 0.0095 held 0.0095 corrupted 0.00095", w, " ")
	for (k = 1; k < 8; k += 2) {
		e = n * w[k + 1]; got = v[w[k]]; if (w[k] == "held") got = v["back"] + 0
		if (got < e - 4 * sqrt(e) || got > e + 4 * sqrt(e)) bad = 1
		printf "%s %s %s/%.0f ", $2, w[k], got, e
	}
	if (bad) print "OUT"; else print ""
}')
if [ -n "$rates" ] && ! grep -q OUT <<< "$rates"; then
	pass "wire: loss, duplication, reordering, corruption at the rates asked for"
else
	fail "wire: impairment rates" "$(tr '\n' ' ' <<< "$rates")"
fi

ip netns add "$ns" &&
	ip netns exec "$ns" ip link set lo up &&
	# The client's connections end in TIME_WAIT on the host side: a fast guest can use up the
	# default 28k ephemeral ports within a phase (EADDRNOTAVAIL). This namespace's own range.
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" &&
	ip netns exec "$ns" ip tuntap add dev tap0 mode tap &&
	ip netns exec "$ns" ip link set tap0 up &&
	ip netns exec "$ns" ip addr add "$host/24" dev tap0 ||
	{ fail "namespace setup"; exit 1; }

# boot NAME WIRE-ARGS...: start the wire with those arguments and a guest behind it; waits for
# the echo server. Sets wpid, qpid.
boot() {
	local name=$1
	shift
	ip netns exec "$ns" build/wire --sock "$sock" --tap tap0 --guest-mac "$mac" \
		--guest-ip "$guest" --host-ip "$host" --stats "$out/$name-wire.stats" "$@" \
		> "$out/$name-wire.txt" 2>&1 &
	wpid=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	WIRE_SOCK=$sock WIRE_MAC=$mac ip netns exec "$ns" tools/run/qemu.sh --net wire --kernel "$kernel" \
		--timeout $((phase + 240)) --log "$out/$name.log" \
		--append "quiet app=echo ip=$guest/24 gw=$host net_stats=5 args=\"quiet\"" \
		2> "$out/$name.err" &
	qpid=$!
	for _ in $(seq 600); do
		grep -q "echo: listening" "$out/$name.log" 2>/dev/null && return 0
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# wire_stat NAME FIELD-REGEX: refresh the wire's counters file and print it
wire_stats() {
	kill -USR1 "$wpid" 2>/dev/null
	sleep 0.3
	cat "$out/$1-wire.stats" 2>/dev/null
}

# guest_alive NAME: QEMU still running and no panic in its log
guest_alive() {
	kill -0 "$qpid" 2>/dev/null || return 1
	! tr -d '\r' < "$out/$1.log" | grep -qE "Kernel panic|halted after panic|Fault while"
}

# finish NAME: stop guest and wire, keep the wire's final counters
finish() {
	stop_pid "$qpid"
	qpid=""
	stop_pid "$wpid"
	wpid=""
	tr -d '\r' < "$out/$1.log" | grep '^net: eth0 rx' | tail -1 > "$out/$1-guest.stats"
	tr -d '\r' < "$out/$1.log" | grep '^net: SYN cookies' | tail -1 >> "$out/$1-guest.stats"
}

# client NAME SECONDS STALL: the echo client for SECONDS, output to NAME-client.txt; a connection
# without progress for STALL seconds fails. Over the impaired wire that bound has to cover TCP's
# backoff: 6 losses of one segment in a row (a 1e-6 chance, ~10^4 segments a run) already wait
# 0.5+1+2+4+8+16 s in lwIP and about as long in Linux; over the clean wire 10 s is plenty.
client() {
	ip netns exec "$ns" timeout $(($2 + $3 * 3 + 60)) python3 tools/peers/wire_echo.py "$guest" 7 \
		--duration "$2" --conns 8 --max-size 65536 --stall "$3" --udp-rate 20 --seed "$seed" \
		> "$out/$1-client.txt" 2>&1
}

# ---- 1. impairments ----
if [ "$only" = hostile ]; then
	echo "net-faults: impaired phase skipped (--hostile-only)"
	rm -f "$out"/impair*
elif boot impair --seed "$seed" "${imp[@]}"; then
	client impair "$phase" 60
	rc=$?
	figures=$(grep '^figures:' "$out/impair-client.txt")
	if [ "$rc" = 0 ]; then
		pass "impaired wire: every echo byte-exact, no stall, ${figures#figures: }"
	else
		fail "impaired wire" "${figures:-no figures} $(grep '^problem' "$out/impair-client.txt" | head -3 | tr '\n' ' ')"
	fi
	guest_alive impair && pass "impaired wire: guest alive after $phase s" ||
		fail "impaired wire: guest died" "see $out/impair.log"
	finish impair
	grep '^wire to-' "$out/impair-wire.txt" | sed 's/^/  /'
	# The impairments really happened, in both directions.
	for d in to-guest to-host; do
		line=$(grep "^wire $d:" "$out/impair-wire.txt")
		ok=1
		for k in dropped duplicated reordered delayed; do
			c=$(sed -n "s/.* $k \([0-9]*\).*/\1/p" <<< "$line")
			[ "${c:-0}" -gt 0 ] || ok=0
		done
		[ "$ok" = 1 ] && pass "impairments applied $d (drops, duplicates, reorders, delays counted)" ||
			fail "impairments $d" "a counter stayed 0: $line"
	done
else
	fail "impaired wire: guest echo server up" "see $out/impair.log, $out/impair-wire.txt"
	finish impair
fi

# ---- 2. hostile frames ----
# shellcheck disable=SC2086	# --wire is a list of options
if boot hostile --seed "$seed" --inject "$inject" --inject-rate "$rate" $wire_extra; then
	client hostile "$phase" 10
	rc=$?
	# Short version: let the injector finish its count (bounded), then the guest must still echo.
	if [ "$inject" != -1 ]; then
		for _ in $(seq 120); do
			ninj=$(wire_stats hostile | sed -n 's/^wire injected: \([0-9]*\).*/\1/p')
			[ "${ninj:-0}" -ge "$inject" ] && break
			sleep 0.5
		done
	fi
	figures=$(grep '^figures:' "$out/hostile-client.txt")
	if [ "$rc" = 0 ]; then
		pass "hostile frames: the client's echoes stay correct, ${figures#figures: }"
	else
		fail "hostile frames: client" "${figures:-no figures} $(grep '^problem' "$out/hostile-client.txt" | head -3 | tr '\n' ' ')"
	fi
	# After the storm (the long version's injector stops here): still alive, still serving.
	kill -USR2 "$wpid" 2>/dev/null
	got=$(printf 'still here\n' | ip netns exec "$ns" timeout 20 socat -t 5 - "TCP:$guest:7,connect-timeout=15" 2>&1)
	if guest_alive hostile && [ "$got" = "still here" ]; then
		pass "hostile frames: guest alive and echoing afterwards (no crash, no hang)"
	else
		fail "hostile frames: guest after the storm" "echo got '$got'; see $out/hostile.log"
	fi
	# One more net_stats line (every 5 s) after the last injected frame, then the guest's driver
	# must have dropped exactly the frames shorter than an Ethernet header, as bad lengths.
	sleep 0.5
	lines=$(tr -d '\r' < "$out/hostile.log" | grep -c '^net: eth0 rx')
	for _ in $(seq 100); do
		[ "$(tr -d '\r' < "$out/hostile.log" | grep -c '^net: eth0 rx')" -gt "$lines" ] && break
		sleep 0.1
	done
	finish hostile
	short=$(sed -n 's/.*shorter than an Ethernet header \([0-9]*\).*/\1/p' "$out/hostile-wire.txt")
	badlen=$(sed -n 's/.*(bad len \([0-9]*\),.*/\1/p' "$out/hostile-guest.stats")
	if [ -n "$short" ] && [ "$short" = "$badlen" ] && { [ "$short" -gt 0 ] || [[ "$wire_extra" = *--kinds* ]]; }; then
		pass "hostile frames: the guest's virtio-net dropped all $short frames shorter than an Ethernet header (bad length)"
	else
		fail "hostile frames: short frames" "injected ${short:-?}, the guest's driver counted ${badlen:-?}"
	fi
	inj=$(grep '^wire injected:' "$out/hostile-wire.txt")
	echo "  $inj"
	ninj=$(sed -n 's/^wire injected: \([0-9]*\).*/\1/p' <<< "$inj")
	if [ "$inject" = -1 ]; then
		[ "${ninj:-0}" -gt 0 ] && pass "hostile frames: ${ninj} injected while the client echoed" ||
			fail "hostile frames: nothing injected"
	else
		[ "${ninj:-0}" -ge "$inject" ] && pass "hostile frames: all $inject injected" ||
			fail "hostile frames: only ${ninj:-0} of $inject injected" "the guest absorbed too slowly"
	fi
else
	fail "hostile frames: guest echo server up" "see $out/hostile.log, $out/hostile-wire.txt"
	finish hostile
fi

# ---- 3. hostile virtio-net headers ----
# The wire is gone: QEMU opens tap0 itself, with its virtio-net header, and offers the offloads.
# Another guest address and MAC: nothing the host remembers of the earlier guests' connections
# (tens of thousands in TIME_WAIT) is about this one.
vphase=$((phase / 2))
guest=10.77.12.3
mac=52:54:00:77:12:03
qlog=$out/vhdr.log
NET=none ip netns exec "$ns" tools/run/qemu.sh --kernel "$kernel" --timeout $((vphase + 240)) \
	--log "$qlog" --append "quiet app=echo ip=$guest/24 gw=$host net_stats=5 args=\"quiet\"" -- \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device "virtio-net-pci,disable-legacy=on,netdev=n0,mac=$mac" 2> "$out/vhdr.err" &
qpid=$!
up=0
for _ in $(seq 600); do
	grep -q "echo: listening" "$qlog" 2>/dev/null && { up=1; break; }
	kill -0 "$qpid" 2>/dev/null || break
	sleep 0.1
done
if [ "$up" = 1 ]; then
	client vhdr "$vphase" 10 &
	cpid=$!
	sleep 2		# the client's traffic first: the guest has the host's ARP entry by then
	ip netns exec "$ns" timeout $((vphase + 60)) python3 tools/peers/vhdr_inject.py tap0 "$mac" \
		"$guest" "$host" --count $((vphase * 25)) --rate 100 --seed "$seed" \
		> "$out/vhdr-inject.txt" 2>&1
	irc=$?
	wait "$cpid"
	rc=$?
	figures=$(grep '^figures:' "$out/vhdr-client.txt")
	inj=$(grep '^inject:' "$out/vhdr-inject.txt")
	echo "  $inj"
	if [ "$rc" = 0 ]; then
		pass "virtio-net headers: the client's echoes stay correct, ${figures#figures: }"
	else
		fail "virtio-net headers: client" "${figures:-no figures} $(grep '^problem' "$out/vhdr-client.txt" | head -3 | tr '\n' ' ')"
	fi
	# One more net_stats line after the last injected frame.
	lines=$(tr -d '\r' < "$qlog" | grep -c '^net: eth0 offloads')
	for _ in $(seq 100); do
		[ "$(tr -d '\r' < "$qlog" | grep -c '^net: eth0 offloads')" -gt "$lines" ] && break
		sleep 0.1
	done
	guest_alive vhdr && pass "virtio-net headers: guest alive after $vphase s" ||
		fail "virtio-net headers: guest died" "see $qlog"
	stop_pid "$qpid"
	qpid=""
	offl=$(tr -d '\r' < "$qlog" | grep '^net: eth0 offloads' | tail -1)
	badhdr=$(tr -d '\r' < "$qlog" | grep '^net: eth0 rx' | tail -1 | sed -n 's/.*bad hdr \([0-9]*\),.*/\1/p')
	echo "  vhdr: $offl"
	num() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" <<< "$2"; }
	sent=${inj%%;*}		# "inject: KIND N, ..." before the host's refusals
	eth=$(num eth-start "$sent") gudp=$(num gso-udp "$sent") icmp=$(num icmp-part "$sent")
	gtcp=$(num gso-tcp "$sent") replies=$(num 'echo replies' "$inj")
	finished=$(num 'finished by the driver' "$offl")
	large=$(sed -n 's/.*rx checksums.*large segments \([0-9]*\).*/\1/p' <<< "$offl")
	if [ "$irc" != 0 ] || [ -z "$inj" ]; then
		fail "virtio-net headers: injector" "$(tail -2 "$out/vhdr-inject.txt")"
	elif [[ "$offl" != *rx-csum* ]]; then
		fail "virtio-net headers: the device offered no checksum offload over tap" "$offl"
	else
		# Exactly the headers the guest must refuse are dropped: those the host let through
		# (Linux 6.x refuses both kinds at the packet socket, EINVAL: then none).
		if [ -n "$badhdr" ] && [ "$badhdr" = $((eth + gudp)) ]; then
			pass "virtio-net headers: $badhdr bad headers dropped, as many as reached the guest (partial checksum in the Ethernet header $eth, GSO on UDP $gudp; the rest refused by the host)"
		else
			fail "virtio-net headers: bad headers" "the guest counted ${badhdr:-?}, sent $eth + $gudp"
		fi
		if [ "$icmp" -gt 0 ] && [ "$replies" = "$icmp" ] && [ "${finished:-0}" -ge "$icmp" ]; then
			pass "virtio-net headers: all $icmp partial ICMP checksums finished by the driver and answered"
		else
			fail "virtio-net headers: partial checksums" "sent $icmp, answered $replies, finished ${finished:-?}"
		fi
		if [[ "$offl" != *rx-tso4* ]] || [ "${large:-0}" -ge "$gtcp" ]; then
			pass "virtio-net headers: large TCP segments taken (sent $gtcp, the guest counted ${large:-0} with those of the client)"
		else
			fail "virtio-net headers: large segments" "sent $gtcp, the guest counted none"
		fi
		# Large segments come in 16 KiB receive buffers (VNET_RX_BUF_SIZE_TSO), frames
		# alone in 2 KiB ones.
		bufsz=$(sed -n 's/.*(receive buffers \([0-9]*\) bytes).*/\1/p' <<< "$offl")
		want=2048
		[[ "$offl" == *rx-tso4* ]] && want=16384
		if [ "${bufsz:-}" = "$want" ]; then
			pass "virtio-net headers: receive buffers of $bufsz bytes"
		else
			fail "virtio-net headers: receive buffer size" "${bufsz:-none said}, expected $want"
		fi
	fi
else
	fail "virtio-net headers: guest echo server up" "see $qlog"
	stop_pid "$qpid"
	qpid=""
fi

# ---- summary ----
sum() { grep -h '^figures:' "$out/impair-client.txt" "$out/hostile-client.txt" "$out/vhdr-client.txt" 2>/dev/null |
	sed -n "s/.*$1 \([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'; }
crashes=0
for p in impair hostile vhdr; do
	tr -d '\r' 2>/dev/null < "$out/$p.log" | grep -qE "Kernel panic|Fault while" && crashes=$((crashes + 1))
done
echo "net-faults summary (seed $seed): frames injected ${ninj:-0}, bytes verified $(sum 'bytes verified')," \
	"bytes lost $(sum 'bytes lost'), crashes $crashes, stalls $(sum stalls)," \
	"UDP sent $(sum 'udp sent') received $(sum received) lost $(sum lost)"
for p in impair hostile; do
	sed "s/^/  $p: /" "$out/$p-guest.stats" 2>/dev/null
done
echo "net-faults: $passed passed, $failed failed"
[ "$failed" = 0 ]
