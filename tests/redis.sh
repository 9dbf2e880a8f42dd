#!/bin/bash
# SPDX-License-Identifier: MIT
# redis on epunk, checked against the same build/redis/redis-server on host Linux:
#  1. a redis that exits on a bad argument ends QEMU with its status, printing what it prints on
#     Linux;
#  2. in a network namespace made for the run (tap0 10.77.6.1, the guest 10.77.6.2; the host's
#     redis listens on the namespace's own 127.0.0.1): redis-cli round trips (strings, counters,
#     lists, sets, hashes, sorted sets, expiry, a 100 kB value, errors) whose output must be the
#     host's, byte for byte;
#  3. hostile clients (garbage, protocol errors, a request too big, hang-ups and resets in the
#     middle of a command, 50 of them at once): the guest answers what the host answers, and
#     serves on;
#  4. the guest's leak counters (net_stats=1) are back at their baseline once the clients are
#     gone.
# Prints PASS/FAIL lines; exit status 0, 1 (a failure) or 77 (cannot run: not root). Traffic goes
# only to the namespace's addresses and its loopback; the namespace and everything started in it
# are removed on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
. tools/lib.sh
out=${OUT:-build/test/redis}
server=build/redis/redis-server
initrd=build/redis/initrd.cpio
ns=epunk-redis-$$
host_ip=10.77.6.1
guest_ip=10.77.6.2
port=6379
msl=1000	# TIME_WAIT lasts 2 s: the leak check waits for it
qpid=""
hpid=""

if [ "$(id -u)" != 0 ]; then
	echo "SKIP redis: needs root (network namespaces and tap)"
	exit 77
fi
for f in "$server" "$initrd" build/epunk.elf; do
	[ -f "$f" ] || { echo "FAIL redis: no $f (make redis)"; exit 1; }
done
tools/build/deps.sh redis || { echo "FAIL redis: redis-tools missing"; exit 1; }
rm -rf "$out" && mkdir -p "$out"

cleanup() {
	stop_pid "$hpid"
	netns_destroy "$ns"
	stop_pid "$qpid"
}
trap cleanup EXIT
nsx() { ip netns exec "$ns" "$@"; }

# ---- 1. a bad argument: the message and the status redis gives on Linux ----
# boot_bad NAME ARGS: run redis with ARGS on Linux and on epunk (no network needed).
boot_bad() {
	local name=$1 args=$2 linux_rc epunk_rc
	eval "set -- $args"
	timeout -k 5 30 "$server" "$@" > "$out/$name-linux.txt" 2>&1
	linux_rc=$?
	tools/run/qemu.sh --timeout 60 --initrd "$initrd" \
		--append "quiet app=redis-server args=\"$args\"" --log "$out/$name-epunk.log" \
		2> "$out/$name-epunk.err"
	epunk_rc=$?
	tr -d '\r' < "$out/$name-epunk.log" > "$out/$name-epunk.txt"
	if [ "$linux_rc" != 0 ] && [ "$epunk_rc" = "$linux_rc" ] &&
		cmp -s "$out/$name-linux.txt" "$out/$name-epunk.txt"; then
		pass "redis $args: exits with status $epunk_rc and Linux's message ($(grep -m1 -v '^\*\*\*\|^$\|^Reading\|^>>>' "$out/$name-epunk.txt"))"
	else
		diff "$out/$name-linux.txt" "$out/$name-epunk.txt" | head -10
		fail "redis $args" "status $epunk_rc vs Linux $linux_rc, or the message differs"
	fi
}
boot_bad bad-port "--port notanumber"
boot_bad bad-directive "--no-such-directive yes"

# ---- 2. the guest and the host's redis in a namespace ----
if ! { netns_new "$ns" && netns_tap "$ns" tap0 "$host_ip/24"; }; then
	fail "redis: namespace setup"
	exit 1
fi
redis_args="--save '' --appendonly no --protected-mode no"
: > "$out/guest.log"
nsx tools/run/qemu.sh --timeout 900 --initrd "$initrd" --log "$out/guest.log" \
	--append "quiet app=redis-server ip=$guest_ip/24 gw=$host_ip net_stats=1 tcp_msl=$msl args=\"$redis_args\"" -- \
	-netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
	-device virtio-net-pci,disable-legacy=on,netdev=n0 > "$out/qemu.out" 2>&1 < /dev/null &
qpid=$!
nsx "$server" --bind 127.0.0.1 --port "$port" --save '' --appendonly no --protected-mode no \
	> "$out/host-redis.log" 2>&1 < /dev/null &
hpid=$!
if ! wait_line "$out/guest.log" "Ready to accept connections" 60; then
	tail -5 "$out/guest.log"
	fail "redis on epunk: up" "no 'Ready to accept connections' within 60 s (see $out/guest.log)"
	exit 1
fi
wait_line "$out/host-redis.log" "Ready to accept connections" 10 ||
	{ fail "redis on the host: up" "see $out/host-redis.log"; exit 1; }
pass "redis on epunk: ready ($(tr -d '\r' < "$out/guest.log" | grep -c 'not implemented') system call(s) it lacks named on the console)"

# cli SIDE ARGS...: redis-cli against the guest ("epunk") or the host's redis ("linux").
cli() {
	local side=$1
	shift
	if [ "$side" = epunk ]; then
		nsx timeout -k 5 30 redis-cli -h "$guest_ip" -p "$port" "$@"
	else
		nsx timeout -k 5 30 redis-cli -h 127.0.0.1 -p "$port" "$@"
	fi
}
# raw SIDE [rawsend options]: tools/peers/rawsend.py against one side (payload on stdin).
raw() {
	local side=$1
	shift
	if [ "$side" = epunk ]; then
		nsx timeout -k 5 30 python3 tools/peers/rawsend.py "$guest_ip" "$port" "$@"
	else
		nsx timeout -k 5 30 python3 tools/peers/rawsend.py 127.0.0.1 "$port" "$@"
	fi
}

# Warm-up before the baseline: the descriptor table grows with the highest descriptor and keeps
# its size (as Linux's does); 60 clients at once take it past 64.
nsx timeout -k 5 60 redis-benchmark -h "$guest_ip" -p "$port" -c 60 -n 600 -t ping -q \
	> "$out/warmup.txt" 2>&1 || { fail "warm-up" "$(tail -1 "$out/warmup.txt")"; exit 1; }
counters_wait "$out/guest.log" $((2 * msl / 1000 + 3)) ||
	{ fail "guest counters" "no counters line (net_stats=1)"; exit 1; }
base=$(counters_latest "$out/guest.log")

# The session: one command a line, as redis-cli reads them from its input. Outputs that depend
# on time or on a hash seed are avoided (SMEMBERS: SORT ... ALPHA; TTL right after EXPIRE).
cat > "$out/session.txt" <<'EOF'
PING
ECHO "two words"
SET greeting "hello, epunk"
GET greeting
APPEND greeting "!"
STRLEN greeting
GETRANGE greeting 0 4
GET nosuchkey
SETNX greeting other
MSET a 1 b 2
MGET a b nosuchkey
INCR counter
INCRBY counter 41
DECR counter
INCRBYFLOAT pi 3.14159
SET notanumber abc
INCR notanumber
LPUSH list a b c
RPUSH list d
LRANGE list 0 -1
LLEN list
LPOP list
RPOP list
LRANGE list 0 -1
LINDEX list 1
OBJECT ENCODING list
SADD set x y z x
SCARD set
SISMEMBER set y
SORT set ALPHA
HSET h f1 v1 f2 v2
HGET h f1
HGETALL h
HINCRBY h n 5
HLEN h
ZADD z 1 one 2 two 3 three
ZRANGE z 0 -1 WITHSCORES
ZSCORE z two
ZRANK z three
EXISTS greeting list nosuchkey
TYPE list
TYPE h
EXPIRE greeting 1000
TTL greeting
PERSIST greeting
TTL greeting
SET soon 1 PX 300
EXISTS soon
RENAME a a2
GET a2
DEL counter b
GET
NOSUCHCOMMAND arg
LPUSH greeting x
DBSIZE
EOF
for side in linux epunk; do
	cli "$side" --no-raw < "$out/session.txt" > "$out/session-$side.txt" 2>&1
	head -c 100000 /dev/zero | tr '\0' 'x' | cli "$side" -x SET big >> "$out/session-$side.txt" 2>&1
	sleep 0.5	# "soon" expires
	printf 'STRLEN big\nGETRANGE big 99990 -1\nEXISTS soon\nGET big\nDBSIZE\n' |
		cli "$side" --no-raw > "$out/session2-$side.txt" 2>&1
	cat "$out/session2-$side.txt" >> "$out/session-$side.txt"
done
n=$(grep -c . "$out/session.txt")
if cmp -s "$out/session-linux.txt" "$out/session-epunk.txt" && grep -q '"hello, epunk"' "$out/session-epunk.txt"; then
	pass "redis-cli: $n commands, a 100 kB value and an expiry: the same bytes as from redis on Linux ($(wc -c < "$out/session-epunk.txt") bytes)"
else
	diff "$out/session-linux.txt" "$out/session-epunk.txt" | head -20
	fail "redis-cli session" "the guest's answers differ from Linux's (see $out/session-*.txt)"
fi

# ---- 3. hostile clients ----
# Each payload goes to both; the answers (raw bytes, until the server hangs up or is silent 1 s)
# must be the same.
payload() {
	case "$1" in
	inline) printf 'hello world\r\n' ;;
	binary) # no NUL: redis looks for the end of an inline line with strchr
		python3 -c 'import random, sys; r = random.Random(7)
sys.stdout.buffer.write(bytes(r.randrange(1, 256) for _ in range(512)) + b"\r\nPING\r\n")' ;;
	multibulk) printf '*abc\r\n' ;;
	bulk) printf '*1\r\n$abc\r\n' ;;
	dollar) printf '*1\r\nfoo\r\n' ;;
	quotes) printf 'SET "unbalanced\r\n' ;;
	toobig) head -c 70000 /dev/zero | tr '\0' 'a' ;;
	esac
}
bad=0
for p in inline binary multibulk bulk dollar quotes toobig; do
	payload "$p" | raw linux > "$out/hostile-$p-linux.bin" 2>&1
	payload "$p" | raw epunk > "$out/hostile-$p-epunk.bin" 2>&1
	if [ ! -s "$out/hostile-$p-linux.bin" ] || ! cmp -s "$out/hostile-$p-linux.bin" "$out/hostile-$p-epunk.bin"; then
		bad=$((bad + 1))
		echo "  $p: Linux answers '$(head -c 80 "$out/hostile-$p-linux.bin")', epunk '$(head -c 80 "$out/hostile-$p-epunk.bin")'"
	fi
done
[ "$bad" = 0 ] && pass "hostile input (garbage, binary, protocol errors, a 70 kB inline request): Linux's answers" ||
	fail "hostile input" "$bad answer(s) differ from Linux's"

# Gone mid-command: half a SET, a bulk announced but not sent, a hang-up before a word, then 50
# clients at once, every other one leaving with a reset.
for side in linux epunk; do
	printf '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\nabc' | raw "$side" --hang-up
	printf '*2\r\n$3\r\nGET\r\n$1000000\r\nabc' | raw "$side" --reset
	raw "$side" --hang-up < /dev/null
	for i in $(seq 50); do
		if [ $((i % 2)) = 0 ]; then
			printf '*3\r\n$3\r\nSET\r\n$4\r\nk%03d\r\n$5\r\nva' "$i" | raw "$side" --reset &
		else
			printf '*3\r\n$3\r\nSET\r\n$4\r\nk%03d\r\n$5\r\nva' "$i" | raw "$side" --hang-up &
		fi
	done
	wait_jobs=$(jobs -p | grep -v -e "^$qpid\$" -e "^$hpid\$")
	# shellcheck disable=SC2086
	[ -z "$wait_jobs" ] || wait $wait_jobs 2>/dev/null
	printf 'PING\nDBSIZE\nEXISTS key k002 k003\n' | cli "$side" --no-raw > "$out/after-$side.txt" 2>&1
done
if cmp -s "$out/after-linux.txt" "$out/after-epunk.txt" && grep -q PONG "$out/after-epunk.txt"; then
	pass "clients gone mid-command (hang-ups, resets, 50 at once): no half command ran; serving ($(tr '\n' ' ' < "$out/after-epunk.txt"))"
else
	diff "$out/after-linux.txt" "$out/after-epunk.txt"
	fail "clients gone mid-command" "the guest answers differently (see $out/after-*.txt)"
fi

# ---- 4. leaks: every counter back to its baseline once the connections are gone ----
limit=$((2 * msl / 1000 + 60))
t0=$SECONDS
while :; do
	counters_wait "$out/guest.log" 1 || { fail "leak counters" "the guest stopped printing them"; break; }
	now=$(counters_latest "$out/guest.log")
	d=$(leak_diff "$base" "$now")
	if [ -z "$d" ]; then
		pass "leak counters back to their baseline after $((SECONDS - t0)) s ($(grep -o 'socks=[0-9]* files=[0-9]* fds=[0-9]*' <<< "$now"))"
		break
	fi
	if [ $((SECONDS - t0)) -ge "$limit" ]; then
		fail "leak counters" "after $limit s: $d"
		break
	fi
done
if tr -d '\r' < "$out/guest.log" | grep -qiE 'panic|BUG_ON|killed by'; then
	fail "guest console" "a crash report (see $out/guest.log)"
fi
echo "redis: $passed passed, $failed failed"
[ "$failed" = 0 ]
