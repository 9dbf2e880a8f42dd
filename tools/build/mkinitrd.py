#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the initrd: a newc cpio archive (what `cpio -o -H newc` writes) of executables.

usage: tools/build/mkinitrd.py OUT.cpio /PATH/IN/ARCHIVE=HOST/FILE...

Each file goes in with mode 0755, owner 0, time 0, its directories before it, so the same inputs
always give the same archive. The kernel reads it as a read-only file tree (kernel/initrd.c).
"""
import os
import sys


def entry(ino, mode, name, data):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0]
    head = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) < 2 or argv[1].startswith("-"):
        if len(argv) >= 2:
            print(f"mkinitrd: unknown option '{argv[1]}'", file=sys.stderr)
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    files = {}
    for spec in argv[2:]:
        path, sep, host = spec.partition("=")
        if not sep or not path.startswith("/") or path.endswith("/"):
            print(f"mkinitrd: '{spec}': expected /PATH=HOSTFILE", file=sys.stderr)
            return 2
        try:
            with open(host, "rb") as f:
                files[path.lstrip("/")] = f.read()
        except OSError as e:
            print(f"mkinitrd: {host}: {e.strerror}", file=sys.stderr)
            return 1
    dirs = set()
    for p in files:
        parts = p.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    out = bytearray()
    ino = 1
    for d in sorted(dirs):
        out += entry(ino, 0o040755, d, b"")
        ino += 1
    for p in sorted(files):
        out += entry(ino, 0o100755, p, files[p])
        ino += 1
    out += entry(0, 0, "TRAILER!!!", b"")
    tmp = argv[1] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
