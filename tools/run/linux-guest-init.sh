#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of the Linux baseline guest (tools/run/linux-guest.sh builds the initramfs around it): loads
# virtio-net, configures lo and eth0 from the kernel command line, starts apps/echo.c (built
# static) and prints "linux-guest: ready ..." on the serial console. Never returns: if the server
# stops, the guest powers off.
#
# Kernel command line words read here (the rest is the kernel's):
#   ip=ADDR/PREFIX  gw=ADDR  port=N (default 7)  mode=et|lt (default et)
#   busy_poll=USECS (default none: net.core.busy_poll and busy_read set to it, and the server
#   asked to busy-poll)
# The same ip= and gw= words are what epunk is given.
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

ip="" gw="" port=7 mode=et busy_poll=""
for w in $(cat /proc/cmdline); do
	case "$w" in
	ip=*) ip=${w#ip=} ;;
	gw=*) gw=${w#gw=} ;;
	port=*) port=${w#port=} ;;
	mode=*) mode=${w#mode=} ;;
	busy_poll=*) busy_poll=${w#busy_poll=} ;;
	esac
done
[ -n "$ip" ] || fail "no ip=ADDR/PREFIX on the kernel command line"

# Modules in dependency order (/etc/modules.order, written by tools/run/linux-guest.sh).
while read -r m; do
	[ -n "$m" ] || continue
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done < /etc/modules.order

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
/bin/echo-server "port=$port" "mode=$mode" ${busy_poll:+"busy_poll=$busy_poll"} &
server=$!

# Ready once the port is listening: /proc/net/tcp shows it as local :PORT in state 0A.
hexport=$(printf '%04X' "$port")
i=0
until grep -q "^ *[0-9]*: [0-9A-F]*:$hexport [0-9A-F]*:0000 0A" /proc/net/tcp; do
	kill -0 "$server" 2>/dev/null || fail "the echo server exited"
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "the echo server is not listening on port $port after 10 s"
	sleep 0.1
done
# The settings the kernel command line may change (sysctl.NAME=VALUE words), as they are.
echo "linux-guest: ready: $(uname -r), eth0 $ip, echo on TCP port $port ($mode);" \
	"somaxconn $(cat /proc/sys/net/core/somaxconn)," \
	"tcp_max_syn_backlog $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog)"

wait "$server"
fail "the echo server exited with status $?"
