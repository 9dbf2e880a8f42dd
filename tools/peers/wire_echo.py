#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Echo client for faulty wires: verifies every byte, detects stalls, counts UDP loss.

usage: wire_echo.py HOST PORT [--duration S] [--conns K] [--max-size B] [--stall S]
                    [--udp-rate N] [--seed N]

For --duration seconds it keeps K TCP connections busy, each echoing a seeded pattern of a
random size (1 B .. --max-size, log-uniform) and checking every byte as it arrives; a finished
connection is closed and replaced. A connection that makes no progress (connect, send or
receive) for --stall seconds is a stall. Meanwhile it sends --udp-rate numbered datagrams per
second and checks each echo's content; UDP loss is counted, not failed (unless nothing comes
back). After the duration no new connections start and the running ones must finish.

Prints one "figures:" line and exits non-zero on a mismatch, a stall, a connection error, or
bytes lost (sent on TCP but never echoed back).
"""
import argparse
import errno
import random
import selectors
import socket
import struct
import sys
import time

BLOCK = bytes((i * 7 + (i >> 8) * 13) & 0xFF for i in range(65536 + 256))


def expected(key, off, n):
    """Bytes off..off+n of connection key's pattern: a shifted view of one block."""
    out = bytearray()
    while n:
        o = (off + key) % 65536
        take = min(n, 65536 - o)
        out += BLOCK[o:o + take]
        off += take
        n -= take
    return bytes(out)


class Conn:
    def __init__(self, sock, key, size, now):
        self.sock, self.key, self.size = sock, key, size
        self.sent = self.got = 0
        self.connected = False
        self.last = now
        self.started = now


def udp_payload(seq):
    body = expected(seq * 31, 0, 16 + seq % 200)
    return struct.pack("!Q", seq) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--conns", type=int, default=8)
    ap.add_argument("--max-size", type=int, default=65536)
    ap.add_argument("--stall", type=float, default=20)
    ap.add_argument("--udp-rate", type=float, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sel = selectors.DefaultSelector()
    conns = {}
    fig = dict(started=0, completed=0, verified=0, lost=0, stalls=0, errors=0, mismatches=0,
               max_gap=0.0, udp_sent=0, udp_recv=0, udp_dup=0, udp_bad=0)
    problems = []
    key_next = [a.seed * 1000003]

    def start(now):
        size = max(1, int(round(2 ** rng.uniform(0, max(0.0, (a.max_size).bit_length() - 1)))))
        size = min(size, a.max_size)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        rc = s.connect_ex((a.host, a.port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            fig["errors"] += 1
            problems.append(f"connect: {errno.errorcode.get(rc, rc)}")
            return
        key_next[0] += 1
        c = Conn(s, key_next[0], size, now)
        conns[s] = c
        sel.register(s, selectors.EVENT_WRITE)
        fig["started"] += 1

    def finish(c, why=None):
        sel.unregister(c.sock)
        c.sock.close()
        del conns[c.sock]
        if why:
            fig["lost"] += c.sent - c.got
            problems.append(why)
        else:
            fig["completed"] += 1

    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.setblocking(False)
    us.connect((a.host, a.port))
    sel.register(us, selectors.EVENT_READ)
    seen = set()

    t0 = time.monotonic()
    end = t0 + a.duration
    udp_next = t0
    drain_until = None
    while True:
        now = time.monotonic()
        running = now < end
        if running:
            while len(conns) < a.conns:
                start(now)
            if a.udp_rate > 0:
                while udp_next <= now:
                    try:
                        us.send(udp_payload(fig["udp_sent"]))
                        fig["udp_sent"] += 1
                    except OSError:
                        pass
                    udp_next += 1.0 / a.udp_rate
        elif not conns:
            if drain_until is None:
                drain_until = now + 3.0	# late UDP echoes
            if now >= drain_until:
                break
        for key, ev in sel.select(timeout=0.05):
            s = key.fileobj
            if s is us:
                while True:
                    try:
                        d = us.recv(4096)
                    except OSError:
                        break
                    if len(d) < 8:
                        fig["udp_bad"] += 1
                        continue
                    seq = struct.unpack("!Q", d[:8])[0]
                    if seq >= fig["udp_sent"] or d != udp_payload(seq):
                        fig["udp_bad"] += 1
                    elif seq in seen:
                        fig["udp_dup"] += 1
                    else:
                        seen.add(seq)
                        fig["udp_recv"] += 1
                continue
            c = conns.get(s)
            if c is None:
                continue
            if not c.connected:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    fig["errors"] += 1
                    finish(c, f"connect: {errno.errorcode.get(err, err)}")
                    continue
                c.connected = True
                c.last = now
            if ev & selectors.EVENT_WRITE and c.sent < c.size:
                try:
                    n = s.send(expected(c.key, c.sent, min(c.size - c.sent, 32768)))
                    c.sent += n
                    c.last = now
                except BlockingIOError:
                    pass
                except OSError as e:
                    fig["errors"] += 1
                    finish(c, f"send: {e}")
                    continue
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(65536)
                except BlockingIOError:
                    d = None
                except OSError as e:
                    fig["errors"] += 1
                    finish(c, f"recv: {e}")
                    continue
                if d == b"":
                    fig["errors"] += 1
                    finish(c, f"closed by the server after {c.got} of {c.size} bytes")
                    continue
                if d:
                    if c.got + len(d) > c.sent or d != expected(c.key, c.got, len(d)):
                        fig["mismatches"] += 1
                        finish(c, f"mismatch at byte {c.got} of a {c.size}-byte echo")
                        continue
                    c.got += len(d)
                    fig["verified"] += len(d)
                    c.last = now
                    if c.got == c.size:
                        finish(c)
                        continue
            want = selectors.EVENT_READ
            if c.sent < c.size and c.sent - c.got < 262144:
                want |= selectors.EVENT_WRITE
            if key.events != want:
                sel.modify(s, want)
        now = time.monotonic()
        for c in list(conns.values()):
            gap = now - c.last
            fig["max_gap"] = max(fig["max_gap"], gap)
            if gap > a.stall:
                fig["stalls"] += 1
                finish(c, f"stall: no progress for {a.stall:.0f} s ({c.got}/{c.sent}/{c.size} "
                          f"bytes echoed/sent/total, connected {c.connected})")
    elapsed = time.monotonic() - t0
    udp_lost = fig["udp_sent"] - fig["udp_recv"]
    print(f"figures: tcp connections {fig['completed']}/{fig['started']} completed, "
          f"bytes verified {fig['verified']}, bytes lost {fig['lost']}, "
          f"mismatches {fig['mismatches']}, stalls {fig['stalls']}, errors {fig['errors']}, "
          f"longest wait {fig['max_gap']:.1f} s; udp sent {fig['udp_sent']} "
          f"received {fig['udp_recv']} lost {udp_lost} duplicates {fig['udp_dup']} "
          f"bad {fig['udp_bad']}; {elapsed:.1f} s")
    for p in problems[:10]:
        print(f"problem: {p}")
    ok = not problems and fig["completed"] > 0 and fig["udp_bad"] == 0
    if a.udp_rate > 0 and fig["udp_sent"] > 0 and fig["udp_recv"] == 0:
        print("problem: no UDP echo came back at all")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
