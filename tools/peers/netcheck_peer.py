#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The host's side of apps/netcheck.c (tests/net-e2e.sh): listen on ADDR:PORT; echo a line on the
first connection and half-close it; reset the second (SO_LINGER 0); then, once the guest's serial
log says it is listening, open 64 connections to it at once and hold them until the guest has
dealt with them. Bounded in time; exits 0 when its part went as planned.

usage: netcheck_peer.py ADDR PORT GUEST GUEST_PORT SERIAL_LOG
"""
import socket
import struct
import sys
import time


def main():
    addr, port, guest, gport, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(8)
    srv.settimeout(60)
    # 1 + 2: echo one line, then shut our sending side.
    c, _ = srv.accept()
    c.settimeout(10)
    line = b""
    while not line.endswith(b"\n"):
        chunk = c.recv(64)
        if not chunk:
            break
        line += chunk
    c.sendall(line)
    c.shutdown(socket.SHUT_WR)
    try:
        while c.recv(64):
            pass
    except OSError:
        pass
    c.close()
    # 3: reset the second connection.
    c, _ = srv.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.2)
    c.close()
    srv.close()
    # 4: 64 connections at once to the guest's listener.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log, "rb") as f:
            if b"netcheck: listening" in f.read():
                break
        time.sleep(0.1)
    else:
        print("netcheck_peer: the guest never listened")
        return 1
    conns = [socket.create_connection((guest, gport), timeout=10) for _ in range(64)]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log, "rb") as f:
            if b"netcheck: backlog:" in f.read():
                break
        time.sleep(0.1)
    for s in conns:
        s.close()
    print("netcheck_peer: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
