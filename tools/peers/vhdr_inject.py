#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile virtio-net headers through a tap: frames written to the tap's interface with a
packet socket that carries a virtio_net_hdr (PACKET_VNET_HDR), which the host's tap hands to
QEMU and QEMU to the guest as the header before the frame. Only what the host's stack accepts
gets there: each kind counts what it sent.

usage: vhdr_inject.py IFACE GUEST_MAC GUEST_IP HOST_IP [--count N] [--rate R] [--seed S]

Kinds, N of each, round robin, R frames a second in all:
  eth-start  a partial checksum starting inside the Ethernet header (on a UDP datagram to a
             port nobody listens on): the guest must drop it as a bad header
  gso-udp    a GSO_TCPV4 header on a UDP datagram: a bad header too
  icmp-part  an ICMP echo request whose checksum is left partial (NEEDS_CSUM at the ICMP
             header, the field 0, from HOST_IP): the guest's driver finishes it, the stack
             answers; the echo replies are counted by a raw ICMP socket (HOST_IP must be ours)
  gso-tcp    a TCP segment of 8 x 1000 bytes with GSO_TCPV4, gso_size 1000, to a closed port,
             its checksum partial: the guest takes it whole and answers with a reset
Prints "inject:" with the counts per kind and the echo replies seen; exits non-zero when a
send failed for a reason other than the host refusing the header (EINVAL).
"""
import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

SOL_PACKET = 263
PACKET_VNET_HDR = 15
ETH_P_ALL = 0x0003
NEEDS_CSUM = 1
GSO_NONE, GSO_TCPV4 = 0, 1


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def vhdr(flags=0, gso=GSO_NONE, hdr_len=0, gso_size=0, start=0, off=0):
    # struct virtio_net_hdr (10 bytes), the packet socket's byte order: the host's (little)
    return struct.pack("<BBHHHH", flags, gso, hdr_len, gso_size, start, off)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ipv4(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", 0xFFFF ^ csum(h)) + h[12:]
    return h + payload


def pseudo(src, dst, proto, n):
    return csum(socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("guest_mac")
    ap.add_argument("guest_ip")
    ap.add_argument("host_ip")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--rate", type=float, default=400)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.bind((a.iface, 0))
    ours = open(f"/sys/class/net/{a.iface}/address").read().strip()
    eth = mac(a.guest_mac) + mac(ours)
    ident = 0x7e00 + (a.seed & 0xFF)
    sent = {"eth-start": 0, "gso-udp": 0, "icmp-part": 0, "gso-tcp": 0}
    refused = dict.fromkeys(sent, 0)
    replies = 0

    def frame(kind, k):
        src, dst = a.host_ip, a.guest_ip
        if kind == "eth-start":
            udp = struct.pack("!HHHH", 40000 + k % 1000, 9, 8 + 32, 0) + bytes(32)
            f = eth + b"\x08\x00" + ipv4(src, dst, 17, udp, k)
            start = rnd.randrange(0, 14)
            return vhdr(NEEDS_CSUM, start=start, off=rnd.randrange(0, len(f) - start - 1)) + f
        if kind == "gso-udp":
            udp = struct.pack("!HHHH", 40000 + k % 1000, 9, 8 + 3000, 0) + bytes(3000)
            f = eth + b"\x08\x00" + ipv4(src, dst, 17, udp, k)
            n = len(udp)
            f = f[:34 + 6] + struct.pack("!H", pseudo(src, dst, 17, n)) + f[34 + 8:]
            return vhdr(NEEDS_CSUM, GSO_TCPV4, 42, 1000, 34, 6) + f
        if kind == "icmp-part":
            icmp = struct.pack("!BBHHH", 8, 0, 0, ident, k & 0xFFFF) + bytes(rnd.randrange(256) for _ in range(56))
            return vhdr(NEEDS_CSUM, start=34, off=2) + eth + b"\x08\x00" + ipv4(src, dst, 1, icmp, k)
        # gso-tcp: ACK segment with 8000 bytes to a closed port, the checksum partial
        tcp = struct.pack("!HHIIBBHHH", 40000 + k % 1000, 9, rnd.getrandbits(32), 0, 5 << 4, 0x10,
                          65535, 0, 0) + bytes(8000)
        tcp = tcp[:16] + struct.pack("!H", pseudo(src, dst, 6, len(tcp))) + tcp[18:]
        return vhdr(NEEDS_CSUM, GSO_TCPV4, 54, 1000, 34, 16) + eth + b"\x08\x00" + ipv4(src, dst, 6, tcp, k)

    # Only ICMP comes here (the packet socket also sees all the echo traffic, and would drop)
    icmp_sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    seen = set()

    def drain():
        nonlocal replies
        while select.select([icmp_sock], [], [], 0)[0]:
            d, (src, _) = icmp_sock.recvfrom(65600)
            ihl = (d[0] & 15) * 4
            # an echo reply from the guest with our identifier, each sequence number once
            if src == a.guest_ip and len(d) >= ihl + 8 and d[ihl] == 0 and \
                    struct.unpack("!H", d[ihl + 4:ihl + 6])[0] == ident:
                k = struct.unpack("!H", d[ihl + 6:ihl + 8])[0]
                if k not in seen:
                    seen.add(k)
                    replies += 1

    kinds = list(sent)
    t0 = time.monotonic()
    for i in range(a.count * len(kinds)):
        kind = kinds[i % len(kinds)]
        try:
            s.send(frame(kind, i // len(kinds)))
            sent[kind] += 1
        except OSError as e:
            if e.errno != errno.EINVAL:
                print(f"inject: send {kind}: {e}", file=sys.stderr)
                return 1
            refused[kind] += 1
        drain()
        delay = t0 + (i + 1) / a.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    end = time.monotonic() + 2
    while time.monotonic() < end:
        drain()
        time.sleep(0.05)
    print("inject: " + ", ".join(f"{k} {sent[k]}" for k in kinds) +
          f"; refused by the host {sum(refused.values())} (" +
          ", ".join(f"{k} {refused[k]}" for k in kinds) + f"); echo replies {replies}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
