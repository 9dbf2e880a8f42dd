#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the initrd: a newc cpio archive (what `cpio -o -H newc` writes) of executables and trees.

usage: tools/build/mkinitrd.py OUT.cpio /PATH/IN/ARCHIVE=HOST/FILE_OR_DIR...

A file goes in with mode 0755; a directory goes in with everything under it (regular files and
directories, empty ones too; links and other kinds are left out), each with its own permission
bits. Owner 0, time 0, directories before what they hold, names sorted, so the same inputs
always give the same archive. The kernel reads it as a read-only file tree (kernel/initrd.c,
kernel/tree.c).
"""
import os
import stat
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


def add_tree(path, host, files, dirs):
    """The directory @host as @path, with its regular files and directories below it."""
    dirs[path] = stat.S_IFDIR | stat.S_IMODE(os.stat(host).st_mode)
    for name in sorted(os.listdir(host)):
        h = os.path.join(host, name)
        st = os.lstat(h)
        if stat.S_ISDIR(st.st_mode):
            add_tree(f"{path}/{name}", h, files, dirs)
        elif stat.S_ISREG(st.st_mode):
            with open(h, "rb") as f:
                files[f"{path}/{name}"] = (stat.S_IFREG | stat.S_IMODE(st.st_mode), f.read())


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) < 2 or argv[1].startswith("-"):
        if len(argv) >= 2:
            print(f"mkinitrd: unknown option '{argv[1]}'", file=sys.stderr)
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    files = {}      # archive path -> (mode, data)
    dirs = {}       # archive path -> mode
    for spec in argv[2:]:
        path, sep, host = spec.partition("=")
        if not sep or not path.startswith("/") or path.endswith("/"):
            print(f"mkinitrd: '{spec}': expected /PATH=HOSTFILE", file=sys.stderr)
            return 2
        path = path.lstrip("/")
        try:
            if os.path.isdir(host):
                add_tree(path, host, files, dirs)
            else:
                with open(host, "rb") as f:
                    files[path] = (0o100755, f.read())
        except OSError as e:
            print(f"mkinitrd: {e.filename or host}: {e.strerror}", file=sys.stderr)
            return 1
    for p in list(files) + list(dirs):
        parts = p.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.setdefault("/".join(parts[:i]), 0o040755)
    out = bytearray()
    ino = 1
    for d in sorted(dirs):
        out += entry(ino, dirs[d], d, b"")
        ino += 1
    for p in sorted(files):
        out += entry(ino, files[p][0], p, files[p][1])
        ino += 1
    out += entry(0, 0, "TRAILER!!!", b"")
    tmp = argv[1] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
