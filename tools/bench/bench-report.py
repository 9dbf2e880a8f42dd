#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn what tools/bench/bench.sh collected under DIR/raw/ into DIR/results.md, DIR/results.json and
the gnuplot input DIR/plot.dat (+ DIR/plot.vars, the variables tools/bench/bench-plot.gp expects).

usage: bench-report.py DIR

raw/run.env describes the run; raw/SYSTEM/system.env a guest (STATUS=ok|failed, reason.txt when
failed); raw/SYSTEM/cC-sS.env one configuration (RC = echobench's exit status, CPU_S = QEMU's
utime+stime over the measured run, WALL_S its length) and cC-sS.json echobench's --json output.
"""
import json
import os
import shlex
import sys

NAMES = {"epunk": "epunk", "linux": "Linux"}


def read_env(path):
    env = {}
    if not os.path.exists(path):
        return env
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" not in line:
                continue
            key, value = line.split("=", 1)
            try:
                words = shlex.split(value)
                env[key] = words[0] if len(words) == 1 else " ".join(words)
            except ValueError:
                env[key] = value
    return env


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def size_label(size):
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} B"


def configs_of(run):
    """The configurations run: every CONNS x SIZES pair, then EXTRA's CONNS:SIZE pairs."""
    configs = [(int(c), int(s)) for c in run["CONNS"].split() for s in run["SIZES"].split()]
    for pair in run.get("EXTRA", "").split():
        c, s = pair.split(":")
        configs.append((int(c), int(s)))
    return configs


def collect(root):
    run = read_env(os.path.join(root, "raw", "run.env"))
    conns = sorted({c for c, _ in configs_of(run)})
    sizes = sorted({s for _, s in configs_of(run)})
    systems, results = {}, []
    for sysname in run["SYSTEMS"].split():
        d = os.path.join(root, "raw", sysname)
        env = read_env(os.path.join(d, "system.env"))
        info = {
            "status": env.get("STATUS", "not run"),
            "image": env.get("IMAGE"),
            "image_bytes": int(env["IMAGE_BYTES"]) if "IMAGE_BYTES" in env else None,
            "loaded_bytes": int(env["LOADED_BYTES"]) if "LOADED_BYTES" in env else None,
            "memory": env.get("MEM"),
            "boot_to_ready_s": float(env["READY_S"]) if "READY_S" in env else None,
            "kernel_command_line": env.get("APPEND"),
            "machine": env.get("MACHINE", "q35"),
            "cpu": env.get("CPU", "max"),
            "nic": env.get("NIC", "modern virtio-net-pci"),
            "boots": int(env.get("BOOTS", "1")),
            "server_sha256": env.get("SERVER_SHA256") or None,
            "qemu_command_line": read_text(os.path.join(d, "qemu-cmdline.txt")).split("\n"),
        }
        if info["status"] != "ok":
            info["reason"] = read_text(os.path.join(d, "reason.txt"))
        if sysname == "linux":
            for k in ("KERNEL_VERSION", "KERNEL_PKG", "BUSYBOX_PKG", "MODULES",
                      "VMLINUZ_BYTES", "INITRAMFS_BYTES"):
                if k in env:
                    info[k.lower()] = env[k]
        systems[sysname] = info
        for c, s in configs_of(run):
            r = {"system": sysname, "connections": c, "size": s,
                 "depth": int(run["DEPTH"]), "accelerator": run["ACCEL"]}
            tag = f"c{c}-s{s}"
            cenv = read_env(os.path.join(d, tag + ".env"))
            if info["status"] != "ok":
                r["status"] = "not run"
                r["error"] = f"{sysname} did not boot to its ready line: {info.get('reason', '')}"
            elif cenv.get("RC") == "skipped":
                r["status"] = "failed"
                r["error"] = (read_text(os.path.join(d, tag + ".cause"))
                              or "not run: QEMU had exited")
            elif not cenv:
                r["status"] = "not run"
            else:
                rc = int(cenv["RC"])
                r["echobench_status"] = rc
                try:
                    with open(os.path.join(d, tag + ".json")) as f:
                        eb = json.loads(f.read().strip().splitlines()[-1])
                except (OSError, ValueError, IndexError):
                    eb = None
                if eb:
                    r.update({k: eb[k] for k in ("seconds", "requests", "requests_per_s",
                                                 "mb_per_s", "bytes_verified", "errors",
                                                 "latency_us")})
                cpu = float(cenv["CPU_S"]) if "CPU_S" in cenv else None
                wall = float(cenv["WALL_S"])
                r["qemu_cpu_s"] = cpu
                r["wall_s"] = wall
                r["qemu_cpu_utilisation"] = (round(cpu / wall, 3)
                                             if cpu is not None and wall > 0 else None)
                if eb and eb["requests"] and cpu is not None:
                    r["qemu_cpu_us_per_request"] = round(cpu * 1e6 / eb["requests"], 2)
                r["status"] = "ok" if rc == 0 and eb else "failed"
                if r["status"] != "ok":
                    err = read_text(os.path.join(d, tag + ".err")).splitlines()
                    r["error"] = (read_text(os.path.join(d, tag + ".cause")) or
                                  f"echobench status {rc}" + (f": {err[-1]}" if err else ""))
            # A first attempt that failed: the row is the second, on a fresh boot.
            first = read_text(os.path.join(d, tag + ".try1.cause"))
            if first:
                r["first_attempt_error"] = first
            results.append(r)
    return run, conns, sizes, systems, results


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def get(results, sysname, c, s):
    for r in results:
        if r["system"] == sysname and r["connections"] == c and r["size"] == s:
            return r
    return None


def metric(r, key):
    if r is None or r.get("status") != "ok":
        return None
    if key in ("p50", "p99"):
        return r["latency_us"][key]
    return r.get(key)


def cell(r, key, spec):
    if r is None:
        return "—"
    if r.get("status") == "failed":
        return "failed"
    if r.get("status") != "ok":
        return "—"
    # ² marks a row measured on a fresh boot after its first attempt failed ("What failed")
    return fmt(metric(r, key), spec) + (" ²" if r.get("first_attempt_error") else "")


def write_md(root, run, conns, sizes, systems, results, comparisons):
    names = list(systems)
    base = names[1] if len(names) > 1 else None
    L = []
    title = " vs ".join(NAMES.get(n, n) for n in names)
    L.append(f"# TCP echo benchmark: {title}")
    L.append("")
    L.append(f"{run['DATE']}; host {run['HOST_CPU']} ({run['HOST_CPUS']} CPUs), Linux "
             f"{run['HOST_KERNEL']}; {run['QEMU_VERSION']}.")
    L.append(f"Every guest: `-accel {run['ACCEL']} -smp 1 -m {run['MEM']}`, firmware "
             f"{run['FIRMWARE']}, a virtio-net-pci NIC on a tap in a network namespace made for "
             f"the run; the client (build/echobench) runs in the same namespace. Each system runs "
             f"on its own best settings (machine, CPU model, NIC, kernel command line: the table "
             f"below).")
    L.append(f"Each configuration: {run['WARMUP']} s warm-up (a separate, unmeasured echobench "
             f"run), then {run['SECONDS_PER_CONFIG']} s measured from the moment every connection "
             f"of the measured run has had a message echoed; {run['DEPTH']} message(s) in "
             f"flight per connection, {run['THREADS']} client thread(s); matrix "
             f"`{run['MATRIX']}`; every echoed byte verified. Whole run: "
             f"{run.get('ELAPSED_S', '?')} s.")
    if run["ACCEL"] == "tcg":
        L.append("Under TCG every guest instruction is emulated: the figures compare the two "
                 "guests with each other, not with hardware.")
    L.append("")
    L.append("## Systems")
    L.append("")
    L.append("| system | status | image | image size | guest memory | QEMU start to ready | "
             "settings |")
    L.append("| --- | --- | --- | ---: | ---: | ---: | --- |")
    for n, info in systems.items():
        status = info["status"] if info["status"] == "ok" else f"**{info['status']}**: {info.get('reason', '')}"
        img = info["image"] or "—"
        size = f"{info['image_bytes']:,} bytes" if info["image_bytes"] else "—"
        if info.get("loaded_bytes"):
            size += f" ({info['loaded_bytes']:,} loaded)"
        ready = f"{info['boot_to_ready_s']:.2f} s" if info["boot_to_ready_s"] is not None and info["status"] == "ok" else "—"
        settings = f"`-machine {info['machine']} -cpu {info['cpu']}`, NIC {info['nic']}"
        L.append(f"| {NAMES.get(n, n)} | {status} | {img} | {size} | {info['memory'] or '—'} | "
                 f"{ready} | {settings} |")
    if "linux" in systems and systems["linux"].get("kernel_version"):
        li = systems["linux"]
        L.append("")
        L.append(f"Linux guest: Debian kernel {li['kernel_version']} ({li.get('kernel_pkg', '')}), "
                 f"busybox-static initramfs ({li.get('busybox_pkg', '')}), modules loaded in order: "
                 f"{li.get('modules', '')}.")
    hashes = {n: systems[n].get("server_sha256") for n in systems}
    if any(hashes.values()):
        same = len(set(hashes.values())) == 1 and None not in hashes.values()
        L.append("")
        if same:
            L.append(f"Server: the same executable on every guest, build/apps/echo (apps/echo.c, "
                     f"`musl-gcc -static -O2`), sha256 {next(iter(hashes.values()))[:16]}….")
        else:
            L.append("Server: **different executables**: " + ", ".join(
                f"{NAMES.get(n, n)} sha256 {(h or 'unknown')[:16]}" for n, h in hashes.items()) + ".")
    L.append("")

    def table(heading, cols, note):
        # cols: list of (label, key, spec, kind) kind: 'val' per system or 'ratio' (num, den)
        L.append(f"## {heading}")
        L.append("")
        if note:
            L.append(note)
            L.append("")
        head = ["connections", "size"]
        align = ["---:", "---:"]
        for label, key, spec, ratio_dir in cols:
            for n in names:
                head.append(f"{NAMES.get(n, n)} {label}")
                align.append("---:")
            if base and ratio_dir:
                a, b = (names[0], base) if ratio_dir == "epunk/base" else (base, names[0])
                head.append(f"{NAMES.get(a, a)}/{NAMES.get(b, b)}")
                align.append("---:")
        L.append("| " + " | ".join(head) + " |")
        L.append("| " + " | ".join(align) + " |")
        for c, s in configs_of(run):
            row = [f"{c:,}", size_label(s)]
            for label, key, spec, ratio_dir in cols:
                for n in names:
                    row.append(cell(get(results, n, c, s), key, spec))
                if base and ratio_dir:
                    a, b = (names[0], base) if ratio_dir == "epunk/base" else (base, names[0])
                    q = ratio(metric(get(results, a, c, s), key), metric(get(results, b, c, s), key))
                    row.append("—" if q is None else f"{q:.2f}×")
            L.append("| " + " | ".join(row) + " |")
        L.append("")

    ratio_note = None
    if base:
        ratio_note = (f"Ratios are oriented so that **above 1 means epunk does better**: "
                      f"epunk/{NAMES.get(base, base)} for throughput, "
                      f"{NAMES.get(base, base)}/epunk for latency and CPU time.")
    table("Throughput", [("req/s", "requests_per_s", ",.0f", "epunk/base"),
                         ("MB/s", "mb_per_s", ".2f", "epunk/base")], ratio_note)
    table("Round-trip latency (µs)", [("p50", "p50", ".1f", "base/epunk"),
                                      ("p99", "p99", ".1f", "base/epunk")], None)
    table("Host CPU time per request", [("µs/req", "qemu_cpu_us_per_request", ".1f", "base/epunk"),
                                        ("QEMU CPU", "qemu_cpu_utilisation", ".2f", None)],
          "The QEMU process's utime+stime from /proc/PID/stat (10 ms ticks) around the measured "
          "run, divided by the requests it completed (the run's connection set-up and tear-down "
          "included); `QEMU CPU` is that time over the run's wall time (1.00 = one host core).")

    failed = [r for r in results if r["status"] == "failed"]
    retried = [r for r in results if r.get("first_attempt_error")]
    if failed or retried or any(i["status"] != "ok" for i in systems.values()):
        L.append("## What failed")
        L.append("")
        L.append("A configuration that fails runs once more on a fresh boot of its system; a row "
                 "marked failed failed both times. epunk's failures fail `make bench`, the "
                 "baseline's are marked here only.")
        L.append("")
        for n, info in systems.items():
            if info["status"] != "ok":
                L.append(f"- {NAMES.get(n, n)}: {info.get('reason', '')} (serial log: "
                         f"`raw/{n}/serial.log`)")
        for r in failed:
            L.append(f"- {NAMES.get(r['system'], r['system'])}, {r['connections']} connections x "
                     f"{size_label(r['size'])}: **failed twice**: {r.get('error', '')}"
                     + (f" (first attempt: {r['first_attempt_error']})"
                        if r.get("first_attempt_error") else ""))
        for r in retried:
            if r["status"] == "ok":
                L.append(f"- {NAMES.get(r['system'], r['system'])}, {r['connections']} "
                         f"connections x {size_label(r['size'])}: passed on a fresh boot; the "
                         f"first attempt failed: {r['first_attempt_error']}")
        L.append("")
    L.append("## Command lines")
    L.append("")
    for n, info in systems.items():
        L.append(f"{NAMES.get(n, n)} kernel command line: `{info['kernel_command_line']}`")
        L.append("")
        if info["qemu_command_line"] and info["qemu_command_line"][0]:
            L.append("```")
            L.append(" ".join(shlex.quote(a) for a in info["qemu_command_line"]))
            L.append("```")
            L.append("")
    L.append(f"Client: `echobench -c CONNS -s SIZE -p {run['DEPTH']} -t {run['THREADS']} -d "
             f"{run['SECONDS_PER_CONFIG']} -w 0 --all-connected --json 10.77.0.2 7` "
             f"(`ip netns exec`).")
    L.append("")
    L.append("![throughput and p99 vs connections](results.png)")
    with open(os.path.join(root, "results.md"), "w") as f:
        f.write("\n".join(L) + "\n")


def write_plot(root, sizes, conns, systems, results):
    """One gnuplot data block per (system, size), systems in order, each block headed by its
    title; points that failed are NaN so every block has every connection count."""
    plotted = [n for n in systems if any(r["system"] == n and r["status"] == "ok" for r in results)]
    blocks = []
    for n in plotted:
        for s in sizes:
            rows = [f'"{NAMES.get(n, n)} {size_label(s)}"']
            for c in conns:
                r = get(results, n, c, s)
                rps, p99 = metric(r, "requests_per_s"), metric(r, "p99")
                rows.append(f"{c} {'NaN' if rps is None else rps} {'NaN' if p99 is None else p99}")
            blocks.append("\n".join(rows))
    with open(os.path.join(root, "plot.dat"), "w") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    with open(os.path.join(root, "plot.vars"), "w") as f:
        f.write(f"nsys={len(plotted)}; nsizes={len(sizes)}; "
                f"maxconns={max(conns)}; title='{' vs '.join(NAMES.get(n, n) for n in systems)}'\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    run, conns, sizes, systems, results = collect(root)
    comparisons = []
    names = list(systems)
    if len(names) > 1:
        a, b = names[0], names[1]
        for c, s in configs_of(run):
            ra, rb = get(results, a, c, s), get(results, b, c, s)
            q = {"connections": c, "size": s}
            for key, num, den in (("requests_per_s", ra, rb), ("mb_per_s", ra, rb),
                                  ("p50", rb, ra), ("p99", rb, ra),
                                  ("qemu_cpu_us_per_request", rb, ra)):
                v = ratio(metric(num, key), metric(den, key))
                q[key] = None if v is None else round(v, 3)
            comparisons.append(q)
    doc = {
        "run": {
            "date": run["DATE"], "host_kernel": run["HOST_KERNEL"], "host_cpu": run["HOST_CPU"],
            "host_cpus": int(run["HOST_CPUS"]), "qemu": run["QEMU_VERSION"],
            "accelerator": run["ACCEL"], "smp": 1, "memory": run["MEM"],
            "firmware": run["FIRMWARE"], "nic": run["NETDEV"], "matrix": run["MATRIX"],
            "seconds_per_configuration": int(run["SECONDS_PER_CONFIG"]),
            "warmup_seconds": int(run["WARMUP"]), "depth": int(run["DEPTH"]),
            "client_threads": int(run["THREADS"]),
            "elapsed_s": int(run["ELAPSED_S"]) if "ELAPSED_S" in run else None,
        },
        "systems": systems,
        "results": results,
    }
    if comparisons:
        doc["ratios"] = {
            "orientation": f"above 1 means {names[0]} does better: {names[0]}/{names[1]} for "
                           f"requests_per_s and mb_per_s, {names[1]}/{names[0]} for p50, p99 "
                           f"and qemu_cpu_us_per_request",
            "configurations": comparisons,
        }
    with open(os.path.join(root, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    write_md(root, run, conns, sizes, systems, results, comparisons)
    write_plot(root, sizes, conns, systems, results)


if __name__ == "__main__":
    main()
