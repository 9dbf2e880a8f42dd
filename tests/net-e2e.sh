#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end network tests: the booted guest's echo server against real host clients.
#  1. over a tap inside a network namespace this script creates (10.77.0.1 here, the guest
#     10.77.0.2): ping, nc/socat, and the verifying client at 1, 10, 100 connections x
#     1 B ... 4 MiB, plus UDP;
#  2. over QEMU user networking with a forwarded port (what `make run` does).
# Prints PASS/FAIL lines; exits non-zero if any failed. Traffic goes only to the namespace's
# own addresses and to 127.0.0.1. Everything started is stopped and the namespace removed.
set -u
cd "$(dirname "$0")/.."
out=${OUT:-build/test/net}
mkdir -p "$out"
ns=epunk-e2e-$$
qpid=""
. tools/lib.sh

cleanup() {
	stop_pid "$qpid"
	netns_destroy "$ns"
}
trap cleanup EXIT

# stop_ns_guest: stop the guest in the namespace, so that its tap is free again.
stop_ns_guest() {
	netns_stop "$ns"
	stop_pid "$qpid"
	qpid=""
}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP network e2e: needs root (network namespaces and tap)"
	exit 77
fi

# ---- 1. tap in a namespace ----
ip netns add "$ns" &&
	ip netns exec "$ns" ip link set lo up &&
	ip netns exec "$ns" ip tuntap add dev tap0 mode tap &&
	ip netns exec "$ns" ip link set tap0 up &&
	ip netns exec "$ns" ip addr add 10.77.0.1/24 dev tap0 || { fail "namespace setup"; exit 1; }
ip netns exec "$ns" tools/run/qemu.sh --timeout 600 --log "$out/tap.log" \
	--append 'quiet app=echo ip=10.77.0.2/24 gw=10.77.0.1 args="quiet"' -- \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device virtio-net-pci,disable-legacy=on,netdev=n0 2> "$out/tap.err" &
qpid=$!
if ! wait_line "$out/tap.log" "echo: listening" 30; then
	fail "tap: guest echo server up" "no 'echo: listening' within 30 s (see $out/tap.log)"
	exit 1
fi
if ip netns exec "$ns" ping -c 3 -W 2 10.77.0.2 > "$out/ping.txt" 2>&1; then
	pass "tap: the guest answers ping ($(tail -1 "$out/ping.txt" | sed 's/.*= //'))"
else
	fail "tap: ping" "$(tail -2 "$out/ping.txt" | head -1)"
fi
got=$(printf 'hello from nc\n' | ip netns exec "$ns" timeout 10 nc -q 3 10.77.0.2 7 2>&1)
[ "$got" = "hello from nc" ] && pass "tap: nc echo" || fail "tap: nc echo" "got '$got'"
got=$(printf 'hello from socat\n' | ip netns exec "$ns" timeout 10 socat -t 2 - TCP:10.77.0.2:7 2>&1)
[ "$got" = "hello from socat" ] && pass "tap: socat TCP echo" || fail "tap: socat TCP echo" "got '$got'"
got=$(printf 'udp hello\n' | ip netns exec "$ns" timeout 10 socat -t 2 - UDP:10.77.0.2:7 2>&1)
[ "$got" = "udp hello" ] && pass "tap: socat UDP echo" || fail "tap: socat UDP echo" "got '$got'"
if ip netns exec "$ns" timeout 300 python3 tools/peers/echo_check.py 10.77.0.2 7 --conns 1,10,100 \
	--sizes 1,1024,65536,1048576,4194304 --udp 100 --timeout 120 > "$out/tap-check.txt" 2>&1; then
	pass "tap: 1/10/100 connections x 1 B..4 MiB, every byte verified; $(grep '^udp' "$out/tap-check.txt")"
else
	cat "$out/tap-check.txt"
	fail "tap: echo_check" "$(tail -1 "$out/tap-check.txt")"
fi
stop_ns_guest

# ---- 1b. the guest as a client of the host (apps/netcheck.c against tools/peers/netcheck_peer.py) ----
: > "$out/netcheck.log"
ip netns exec "$ns" timeout 120 python3 tools/peers/netcheck_peer.py 10.77.0.1 7007 10.77.0.2 9000 \
	"$out/netcheck.log" > "$out/netcheck-peer.txt" 2>&1 &
ppid=$!
# The guest connects at once: the peer must listen first (its start takes seconds on a loaded host).
for _ in $(seq 100); do
	ip netns exec "$ns" ss -Hltn 'sport = :7007' 2>/dev/null | grep -q . && break
	sleep 0.1
done
ip netns exec "$ns" tools/run/qemu.sh --timeout 120 --log "$out/netcheck.log" \
	--append 'quiet app=netcheck ip=10.77.0.2/24 gw=10.77.0.1 args="host=10.77.0.1 port=7007 listen=9000"' -- \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device virtio-net-pci,disable-legacy=on,netdev=n0 2> "$out/netcheck.err"
rc=$?
wait "$ppid" 2>/dev/null
stop_ns_guest
tr -d '\r' < "$out/netcheck.log" > "$out/netcheck.txt"
for step in connect half-close reset backlog; do
	line=$(grep "^netcheck: $step:" "$out/netcheck.txt")
	case "$line" in
	*": ok "*) pass "guest as client: ${line#netcheck: }" ;;
	*) fail "guest as client: $step" "${line:-no result (exit status $rc, see $out/netcheck.txt)}" ;;
	esac
done

# ---- 2. QEMU user networking with a forwarded port (make run's setup) ----
port=$((20000 + $$ % 20000))
NET=user HOSTFWD="hostfwd=tcp:127.0.0.1:$port-:7,hostfwd=udp:127.0.0.1:$port-:7" \
	tools/run/qemu.sh --timeout 600 --log "$out/user.log" --append 'quiet app=echo args="quiet"' \
	2> "$out/user.err" &
qpid=$!
if ! wait_line "$out/user.log" "echo: listening" 30; then
	fail "user net: guest echo server up" "no 'echo: listening' within 30 s (see $out/user.log)"
	exit 1
fi
grep -q "(DHCP)" <(tr -d '\r' < "$out/user.log") && pass "user net: DHCP lease ($(tr -d '\r' < "$out/user.log" | grep -o 'address [0-9./]*'))" ||
	fail "user net: DHCP" "no lease line"
if timeout 300 python3 tools/peers/echo_check.py 127.0.0.1 "$port" --conns 1,10,100 \
	--sizes 1,1024,65536,1048576,4194304 --udp 50 --timeout 120 > "$out/user-check.txt" 2>&1; then
	pass "user net: 1/10/100 connections x 1 B..4 MiB verified; $(grep '^udp' "$out/user-check.txt")"
else
	cat "$out/user-check.txt"
	fail "user net: echo_check" "$(tail -1 "$out/user-check.txt")"
fi
# After the client above: QEMU's user network drops the first forwarded SYN while it resolves the
# guest's address and retries only seconds later, longer than nc waits.
got=$(printf 'hello via hostfwd\n' | timeout 10 nc -q 3 127.0.0.1 "$port" 2>&1)
[ "$got" = "hello via hostfwd" ] && pass "user net: nc echo through the forwarded port" ||
	fail "user net: nc echo" "got '$got'"
echo "net-e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
