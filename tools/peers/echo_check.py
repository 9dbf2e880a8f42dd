#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drive an echo server and verify every byte.

usage: echo_check.py HOST PORT [--conns N] [--sizes 1,1024,...] [--udp N] [--timeout S]

For each size, N connections run concurrently; each sends SIZE bytes of a pattern unique to the
connection (in pieces, while reading) and must get exactly those bytes back. --udp N also sends N
datagrams and counts the echoes (UDP may lose some: losses are reported, not failed, unless none
comes back). Prints one line per size and a summary; exits non-zero on any mismatch or stall.
"""
import argparse
import selectors
import socket
import sys
import time


def pattern(seed, size):
    block = bytes((seed * 131 + i * 7 + (i >> 8)) & 0xFF for i in range(65536))
    reps, rest = divmod(size, len(block))
    return block * reps + block[:rest]


def run_tcp(host, port, conns, size, timeout):
    sel = selectors.DefaultSelector()
    state = {}
    for c in range(conns):
        s = socket.create_connection((host, port), timeout=timeout)
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = pattern(c + size, size)
        state[s] = {"data": data, "sent": 0, "got": bytearray(), "done": size == 0}
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    deadline = time.monotonic() + timeout
    pending = sum(1 for st in state.values() if not st["done"])
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"stalled: {pending} connections unfinished after {timeout}s")
        for key, ev in sel.select(timeout=1.0):
            s, st = key.fileobj, state[key.fileobj]
            if ev & selectors.EVENT_WRITE and st["sent"] < len(st["data"]):
                try:
                    st["sent"] += s.send(st["data"][st["sent"]:st["sent"] + 65536])
                except BlockingIOError:
                    pass
            if ev & selectors.EVENT_READ:
                try:
                    chunk = s.recv(1 << 20)
                except BlockingIOError:
                    chunk = None
                if chunk == b"":
                    raise RuntimeError("server closed the connection early")
                if chunk:
                    st["got"] += chunk
                    if len(st["got"]) >= len(st["data"]):
                        if bytes(st["got"]) != st["data"]:
                            raise RuntimeError(f"mismatch on a {size}-byte echo")
                        st["done"] = True
                        pending -= 1
                        sel.modify(s, selectors.EVENT_READ)
            if not st["done"]:
                # Do not run far ahead of the echo (the server may throttle us), and do not
                # ask for writability while there is nothing to send: that would spin.
                ahead = st["sent"] - len(st["got"])
                want = selectors.EVENT_READ
                if st["sent"] < len(st["data"]) and ahead < 1 << 20:
                    want |= selectors.EVENT_WRITE
                if key.events != want:
                    sel.modify(s, want)
    for s in state:
        sel.unregister(s)
        s.close()
    return conns * size


def run_udp(host, port, count, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    got = 0
    for i in range(count):
        msg = b"udp-%06d-" % i + bytes(range(64))
        s.sendto(msg, (host, port))
        try:
            data, _ = s.recvfrom(2048)
            if data != msg:
                raise RuntimeError("udp echo mismatch")
            got += 1
        except socket.timeout:
            pass
    s.close()
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", default="1")
    ap.add_argument("--sizes", default="1,1024,65536")
    ap.add_argument("--udp", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    total = 0
    try:
        for conns in [int(x) for x in a.conns.split(",")]:
            for size in [int(x) for x in a.sizes.split(",")]:
                t0 = time.monotonic()
                total += run_tcp(a.host, a.port, conns, size, a.timeout)
                print(f"tcp: {conns} connections x {size} bytes: verified "
                      f"({time.monotonic() - t0:.2f}s)", flush=True)
        if a.udp:
            got = run_udp(a.host, a.port, a.udp, a.timeout)
            print(f"udp: {got}/{a.udp} datagrams echoed and verified", flush=True)
            if got == 0:
                raise RuntimeError("no udp echo at all")
    except (OSError, RuntimeError) as e:
        print(f"echo_check: FAILED: {e}", flush=True)
        return 1
    print(f"echo_check: {total} TCP bytes echoed and verified", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
