# SPDX-License-Identifier: MIT
# Sourced by the tools that boot epunk on a tap in a network namespace of their own (bench.sh,
# soak.sh, trace.sh): the namespace and the host end of the guest's NIC, set up one way.

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
