#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that headers declare only what their own folder defines.

usage: tools/build/check-headers.py BUILD_DIR

For every kernel header (arch/x86_64/include, kernel/include, drivers/include, net/include, and the
private headers beside the sources), the functions it declares must be defined, in the built
kernel or in the host unit-test build (host-only functions), by a source file of the folder the
header belongs to: arch/x86_64/include/arch/x.h by
arch/x86_64/, kernel/include/kernel/x.h by kernel/, init/x.h by init/, and so on. A declared
function that nothing defines is reported too. Definitions are read from the symbol tables
and debug information of the linked binaries (nm -l), so macros and static inline functions do
not count as declarations. Prints one line
per problem and exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

HEADER_HOMES = [
    ("arch/x86_64/include/", "arch/x86_64/"),
    ("kernel/include/", "kernel/"),
    ("drivers/include/", "drivers/"),
    ("net/include/", "net/"),
]
PRIVATE_DIRS = ["arch/x86_64", "init", "kernel", "drivers", "net", "net/port"]


def strip_c(text):
    """Remove comments, string literals and preprocessor lines."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    lines = []
    cont = False
    for line in text.split("\n"):
        if cont or line.lstrip().startswith("#"):
            cont = line.rstrip().endswith("\\")
            continue
        lines.append(line)
    return "\n".join(lines)


def top_level_statements(text):
    """Split into top-level statements; the bodies of braces are dropped."""
    out, cur, depth = [], [], 0
    for ch in text:
        if ch == "{":
            if depth == 0:
                out.append("".join(cur) + "{")
                cur = []
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            if ch == ";":
                out.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
    return out


DECL = re.compile(r"([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:\w+\s*\([^()]*\)\s*)*$")


def declared_functions(path):
    names = set()
    for st in top_level_statements(strip_c(open(path).read())):
        st = " ".join(st.split())
        if not st or st.endswith("{") or "typedef" in st.split() or "static" in st.split():
            continue
        if "(" not in st or "=" in st:
            continue
        m = DECL.search(st)
        if m and not st.startswith("(") and "(*" not in st.split(m.group(1))[0]:
            names.add(m.group(1))
    return names


def defined_symbols(build):
    """Global functions of the linked kernel and host test binary, with their source files
    (from the debug information, so objects of files no longer built do not count)."""
    defs = {}
    top = os.getcwd() + "/"
    for binary in ("epunk.elf", "host/unittest"):
        path = os.path.join(build, binary)
        if not os.path.exists(path):
            continue
        out = subprocess.run(["nm", "-l", "--defined-only", path], capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            parts = line.split(None, 3)
            if len(parts) < 4 or parts[1] not in "TW":
                continue
            src = parts[3].rsplit(":", 1)[0]
            if src.startswith(top):
                src = src[len(top):]
            defs.setdefault(parts[2].split("\t")[0], []).append(src)
    return defs


def headers():
    found = []
    for prefix, home in HEADER_HOMES:
        for root, _, files in os.walk(prefix):
            for f in files:
                if f.endswith(".h"):
                    found.append((os.path.join(root, f), home))
    for d in PRIVATE_DIRS:
        if os.path.isdir(d):
            for f in sorted(os.listdir(d)):
                if f.endswith(".h") and f != "lwipopts.h":
                    found.append((os.path.join(d, f), d + "/"))
    return sorted(found)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    defs = defined_symbols(sys.argv[1])
    if not defs:
        print(f"check-headers: no objects under {sys.argv[1]}/k (build the kernel first)",
              file=sys.stderr)
        return 2
    problems = 0
    for path, home in headers():
        for name in sorted(declared_functions(path)):
            where = defs.get(name)
            if not where:
                print(f"{path}: declares {name}(), which no kernel object defines")
                problems += 1
                continue
            outside = [w for w in where if not w.startswith(home)]
            if outside and not any(w.startswith(home) for w in where):
                print(f"{path}: declares {name}(), defined in {', '.join(outside)} (outside {home})")
                problems += 1
    if problems:
        print(f"check-headers: {problems} problem(s)")
        return 1
    print("check-headers: every header declares only what its own folder defines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
