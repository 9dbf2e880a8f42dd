#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a running guest spends its instructions: sample its instruction pointer through QEMU's
monitor and print the functions that hold it most often.

usage: tools/bench/profile.py QMP-SOCKET KERNEL-ELF [APP-ELF] [--hz N] [--seconds S] [--top N]
                              [--detail FUNCTION]
       tools/bench/profile.py QMP-SOCKET --icount

QEMU must run with -qmp unix:QMP-SOCKET,server=on,wait=off. Each sample stops the virtual
machine (QMP stop: under TCG the vCPU leaves its translated block, so the registers are exact),
reads RIP and the privilege level (HMP "info registers"), and lets it go on (cont); while it is
stopped the guest's clocks stand still (QEMU's virtual clock stops with it), so the guest does
not see the sample, though its clients do. Kernel addresses (CPL 0) are looked up in KERNEL-ELF,
user ones (CPL 3) in APP-ELF. For the Linux guest KERNEL-ELF is a file of its /proc/kallsyms
(NAME.kallsyms; tools/run/linux-guest-init.sh prints it with "kallsyms" on the command line;
boot it with nokaslr). The idle thread's halt is counted apart. Samples are taken at
random points between HZ ticks, so that they do not lock onto a periodic guest activity.
--detail FUNCTION also counts its samples by address, and by caller (the return address its
frame pointer leads to: the kernel and our programs keep frame pointers).
--icount prints the guest instructions executed so far (QEMU run with -icount: QMP
query-replay), for a caller that counts the instructions some work takes.
"""
import bisect
import json
import random
import re
import socket
import subprocess
import sys
import time
from collections import Counter


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as e:
            raise SystemExit(f"profile: cannot reach QEMU's monitor at {path}: {e.strerror}")
        self.f = self.sock.makefile("rw")
        self.f.readline()
        self.call("qmp_capabilities")

    def call(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise SystemExit("profile: QMP connection closed")
            r = json.loads(line)
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise SystemExit(f"profile: QMP {cmd}: {r['error']}")


class Symbols:
    """The text symbols of an ELF file, for address -> function name."""

    def __init__(self, path):
        self.addrs, self.names = [], []
        if not path:
            return
        if path.endswith((".map", "kallsyms")):	# a Linux kernel's symbols, nm's format
            with open(path) as f:
                out = f.read()
        else:
            out = subprocess.run(["nm", "-n", "--defined-only", path], capture_output=True,
                                 text=True, check=True).stdout
        syms = []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), parts[2]))
        syms.sort()	# kallsyms lists the modules' after the kernel's, unsorted
        self.addrs = [a for a, _ in syms]
        self.names = [n for _, n in syms]

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else f"0x{addr:x}"

    def offset(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return f"{self.names[i]}+0x{addr - self.addrs[i]:x}" if i >= 0 else f"0x{addr:x}"


def main(argv):
    args = [a for a in argv[1:]]
    detail = None
    if "--detail" in args:
        i = args.index("--detail")
        detail = args[i + 1]
        del args[i:i + 2]
    opts = {"--hz": 200, "--seconds": 10, "--top": 30}
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = float(args[i + 1])
            del args[i:i + 2]
    if len(args) == 2 and args[1] == "--icount":
        r = Qmp(args[0]).call("query-replay")
        if "icount" not in r:
            raise SystemExit("profile: QEMU counts no instructions (run it with -icount)")
        print(r["icount"])
        return 0
    if len(args) < 2 or args[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    qmp = Qmp(args[0])
    kernel = Symbols(args[1])
    app = Symbols(args[2] if len(args) > 2 else None)
    where, split, addrs, callers = Counter(), Counter(), Counter(), Counter()
    period = 1.0 / opts["--hz"]
    end = time.monotonic() + opts["--seconds"]
    n = 0
    while time.monotonic() < end:
        time.sleep(random.uniform(0, 2 * period))
        qmp.call("stop")
        regs = qmp.call("human-monitor-command", **{"command-line": "info registers"})
        rip = int(re.search(r"RIP=([0-9a-f]+)", regs).group(1), 16)
        cpl = int(re.search(r"CPL=(\d)", regs).group(1))
        syms = app if cpl == 3 else kernel
        if detail and syms.name(rip) == detail:
            addrs[syms.offset(rip)] += 1
            rbp = int(re.search(r"RBP=([0-9a-f]+)", regs).group(1), 16)
            mem = qmp.call("human-monitor-command", **{"command-line": f"x /1gx 0x{rbp + 8:x}"})
            m = re.search(r":\s*0x([0-9a-f]+)", mem)
            callers[syms.offset(int(m.group(1), 16)) if m else "?"] += 1
        qmp.call("cont")
        halted = re.search(r"\bHLT=1\b", regs) is not None
        n += 1
        if halted:
            split["idle (halted)"] += 1
            where["[idle: hlt]"] += 1
        elif cpl == 3:
            split["user"] += 1
            where["user " + app.name(rip)] += 1
        else:
            split["kernel"] += 1
            where["kernel " + kernel.name(rip)] += 1
    print(f"profile: {n} samples over {opts['--seconds']:.0f} s")
    for k, v in split.most_common():
        print(f"  {k:16s} {v:6d} {100 * v / n:5.1f}%")
    print(f"  top {int(opts['--top'])} functions:")
    for k, v in where.most_common(int(opts["--top"])):
        print(f"  {100 * v / n:5.1f}% {v:6d}  {k}")
    for title, c in ((f"{detail} by address", addrs), (f"{detail} by caller", callers)):
        if c:
            print(f"  {title}:")
            for k, v in c.most_common(12):
                print(f"  {100 * v / n:5.1f}% {v:6d}  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
