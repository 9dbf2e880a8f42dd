#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Send bytes to a TCP server and write what it answers, raw, to stdout.

usage: tools/peers/rawsend.py HOST PORT [--hang-up] [--reset] [--idle SECONDS] < PAYLOAD

Sends PAYLOAD (standard input) on one connection, then reads until the server closes it or is
silent for --idle seconds (default 1). --hang-up closes right after sending, reading nothing: a
client gone mid-command; --reset does the same with an RST (SO_LINGER 0). Exit status 0, or 1
when the connection could not be made or broke while sending.
"""
import socket
import struct
import sys


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    host, port = argv[1], int(argv[2])
    hang_up = "--hang-up" in argv or "--reset" in argv
    reset = "--reset" in argv
    idle = float(argv[argv.index("--idle") + 1]) if "--idle" in argv else 1.0
    payload = sys.stdin.buffer.read()
    try:
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(payload)
    except OSError as e:
        print(f"rawsend: {e}", file=sys.stderr)
        return 1
    if hang_up:
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        return 0
    s.settimeout(idle)
    out = sys.stdout.buffer
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            out.write(data)
    except socket.timeout:
        pass
    except OSError as e:
        out.write(f"[rawsend: {e.strerror}]\n".encode())
    out.flush()
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
