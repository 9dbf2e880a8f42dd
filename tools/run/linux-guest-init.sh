#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of the Linux baseline guest (tools/run/linux-guest.sh builds the initramfs around it): loads
# virtio-net, configures lo and eth0 from the kernel command line, starts apps/echo.c (built
# static), or redis-server with app=redis, and prints "linux-guest: ready ..." on the serial
# console. Never returns: if the server stops, the guest powers off.
#
# Kernel command line words read here (the rest is the kernel's):
#   ip=ADDR/PREFIX  gw=ADDR  app=echo|redis (default echo)
#   port=N (default 7 for echo, 6379 for redis)  mode=et|lt (echo's; default et)
#   busy_poll=USECS (default none: net.core.busy_poll and busy_read set to it, and the echo
#   server asked to busy-poll; redis is not asked, the sysctls alone apply to it)
#   kallsyms: print /proc/kallsyms (modules loaded) between "linux-guest: kallsyms begin" and
#   "... end", for tools/bench/profile.py (boot with nokaslr too)
# The same ip= and gw= words are what epunk is given; redis gets the arguments epunk's gets
# (make bench-redis).
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "linux-guest: FAILED: $*"
	sleep 1
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

ip="" gw="" port="" mode=et app=echo busy_poll="" kallsyms=0
for w in $(cat /proc/cmdline); do
	case "$w" in
	ip=*) ip=${w#ip=} ;;
	gw=*) gw=${w#gw=} ;;
	port=*) port=${w#port=} ;;
	mode=*) mode=${w#mode=} ;;
	app=*) app=${w#app=} ;;
	busy_poll=*) busy_poll=${w#busy_poll=} ;;
	kallsyms) kallsyms=1 ;;
	esac
done
[ -n "$ip" ] || fail "no ip=ADDR/PREFIX on the kernel command line"

# Modules in dependency order (/etc/modules.order, written by tools/run/linux-guest.sh).
while read -r m; do
	[ -n "$m" ] || continue
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done < /etc/modules.order

if [ "$kallsyms" = 1 ]; then
	echo "linux-guest: kallsyms begin"
	cat /proc/kallsyms
	echo "linux-guest: kallsyms end"
fi

# eth0 appears once virtio_net has probed the device: give it a bounded time.
i=0
while [ ! -e /sys/class/net/eth0 ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "no eth0 after 10 s (virtio-net not found)"
	sleep 0.1
done
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip link set lo up || fail "lo"
ip addr add "$ip" dev eth0 || fail "ip addr add $ip dev eth0"
ip link set eth0 up || fail "eth0 up"
[ -z "$gw" ] || ip route add default via "$gw" || fail "default route via $gw"

# 1000 benchmark connections need more than the default 1024 descriptors.
ulimit -n 65536
if [ -n "$busy_poll" ]; then
	echo "$busy_poll" > /proc/sys/net/core/busy_poll || fail "net.core.busy_poll"
	echo "$busy_poll" > /proc/sys/net/core/busy_read || fail "net.core.busy_read"
fi
case "$app" in
echo)
	port=${port:-7}
	/bin/echo-server "port=$port" "mode=$mode" ${busy_poll:+"busy_poll=$busy_poll"} &
	what="echo on TCP port $port ($mode)" ;;
redis)
	port=${port:-6379}
	[ -x /bin/redis-server ] || fail "no /bin/redis-server in this initramfs (linux-guest.sh --redis)"
	cd /tmp
	/bin/redis-server --port "$port" --save '' --appendonly no --protected-mode no &
	what="redis-server on TCP port $port" ;;
*) fail "app=$app: expected echo or redis" ;;
esac
server=$!

# Ready once the port is listening: /proc/net/tcp shows it as local :PORT in state 0A.
hexport=$(printf '%04X' "$port")
i=0
until grep -q "^ *[0-9]*: [0-9A-F]*:$hexport [0-9A-F]*:0000 0A" /proc/net/tcp; do
	kill -0 "$server" 2>/dev/null || fail "the $app server exited"
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "the $app server is not listening on port $port after 10 s"
	sleep 0.1
done
# The settings the kernel command line may change (sysctl.NAME=VALUE words), as they are.
echo "linux-guest: ready: $(uname -r), eth0 $ip, $what;" \
	"somaxconn $(cat /proc/sys/net/core/somaxconn)," \
	"tcp_max_syn_backlog $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog)"

wait "$server"
fail "the $app server exited with status $?"
