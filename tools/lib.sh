# SPDX-License-Identifier: MIT
# Shell helpers shared by the test stages (tests/run.sh), the end-to-end tests and the benchmark
# tools; sourced, never run. Bash.

# ---- results: PASS/FAIL/SKIP lines and their counts ----
passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1: $2"; }

# ---- processes ----
# stop_pid PID: TERM, then wait for it (nothing when PID is empty).
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_line FILE PATTERN SECONDS: wait until FILE (CRs dropped) holds PATTERN; 1 on timeout.
wait_line() {
	local _
	for _ in $(seq 1 $(($3 * 10))); do
		tr -d '\r' < "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

# ---- network namespaces: a guest's tap, set up and torn down one way ----
# netns_new NS: create namespace NS with its loopback up.
netns_new() {
	ip netns add "$1" && ip netns exec "$1" ip link set lo up
}

# netns_tap NS DEV ADDR/PREFIX: in NS, a tap DEV with ADDR, up, IPv6 off on it (the guest speaks
# IPv4 only: no router solicitations or DAD frames mixed into the traffic being measured).
netns_tap() {
	ip netns exec "$1" ip tuntap add dev "$2" mode tap &&
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" &&
		ip netns exec "$1" ip addr add "$3" dev "$2" &&
		ip netns exec "$1" ip link set "$2" up
}

# netns_stop NS: stop every process in NS (QEMU sits under wrappers) and wait, up to 5 s, until
# they are gone (then KILL what is left), so that its tap is free again.
netns_stop() {
	local _
	ip netns pids "$1" 2>/dev/null | xargs -r kill 2>/dev/null
	for _ in $(seq 1 50); do
		[ -z "$(ip netns pids "$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	ip netns pids "$1" 2>/dev/null | xargs -r kill -9 2>/dev/null
}

# netns_destroy NS: netns_stop, then delete NS.
netns_destroy() {
	netns_stop "$1"
	ip netns del "$1" 2>/dev/null
}

# ---- the guest's leak counters: with net_stats=SECONDS it prints one "counters: key=value ..."
# line per period on its serial console (init/stats.c) ----
# Compared against a baseline: everything a connection holds in the kernel (kernel_objs: the slab
# objects but the application's memory regions, which its allocator keeps as it sees fit).
LEAK_KEYS="socks unix files fds epitems tcp_active tcp_listen tcp_tw tcp_bound lwip_heap lwip_pools pcbs segs pbufs kernel_objs large"
# counters_lines SERIAL: how many counters lines the guest printed so far.
counters_lines() { tr -d '\r' 2>/dev/null < "$1" | grep -c '^counters: '; }
# counters_wait SERIAL N: wait for N more counters lines (the newest then reflects the present,
# at one a second); 1 if the guest stopped printing them within N + 30 s.
counters_wait() {
	local want=$(($(counters_lines "$1") + $2)) _
	for _ in $(seq $((($2 + 30) * 10))); do
		[ "$(counters_lines "$1")" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}
# counters_latest SERIAL: the newest counters line, as "key=value ..." words.
counters_latest() { tr -d '\r' < "$1" | grep '^counters: ' | tail -1 | sed 's/^counters: //'; }
# field LINE KEY: the value of KEY in a line of "key=value" words.
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
# leak_diff BASE NOW: "key base->now ..." for every LEAK_KEYS key that differs; empty when none do.
leak_diff() {
	local k d=""
	for k in $LEAK_KEYS; do
		[ "$(field "$1" "$k")" = "$(field "$2" "$k")" ] ||
			d+="$k $(field "$1" "$k")->$(field "$2" "$k") "
	done
	echo "$d"
}

# ---- QEMU ----
# qmp_icount_in NS PORT: the count of guest instructions QEMU executed (QMP query-replay, under
# -icount), from QEMU's QMP server at 127.0.0.1:PORT inside namespace NS; empty on failure.
qmp_icount_in() {
	ip netns exec "$1" python3 - "$2" <<'EOT' 2>/dev/null
import json, socket, sys
f = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10).makefile("rw")
f.readline()
for cmd in ("qmp_capabilities", "query-replay"):
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:
        msg = json.loads(f.readline())
        if "return" in msg:
            break
print(msg["return"].get("icount", ""))
EOT
}
