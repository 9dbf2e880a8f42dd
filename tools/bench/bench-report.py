#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn what tools/bench/bench.sh collected under DIR/raw/ (the echo benchmark) and DIR/raw-redis/
(make bench-redis) into DIR/results.md, DIR/results.json and the gnuplot inputs DIR/plot.dat and
DIR/plot-redis.dat (+ .vars, the variables tools/bench/bench-plot.gp and bench-redis-plot.gp
expect). Every app whose raw data is in DIR is reported: results.json's "results" holds the rows
of both, each naming its "app".

usage: bench-report.py DIR

raw*/run.env describes a run; raw*/SYSTEM/system.env a guest (STATUS=ok|failed, reason.txt when
failed). Echo: raw/SYSTEM/cC-sS.env one configuration (RC = echobench's exit status, CPU_S =
QEMU's utime+stime over the measured run, WALL_S its length) and cC-sS.json echobench's --json
output. redis: raw-redis/SYSTEM/TEST-cC-PP.env (RC, REQUESTS per run, RUNS, CPU_S, WALL_S over
all runs) and TEST-cC-PP-I.csv, redis-benchmark's --csv output of run I.
"""
import json
import os
import shlex
import statistics
import sys

NAMES = {"epunk": "epunk", "linux": "Linux", "epunk-busy": "epunk busy-polling",
         "linux-busy": "Linux busy-polling"}


def is_busy(sysname):
    """A system booted again with busy polling (make bench's BENCH_BUSY_ROWS)."""
    return sysname.endswith("-busy")


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


def pairs(text):
    """A run.env list of CONNS:SIZE words, as (connections, size) pairs."""
    return [tuple(int(x) for x in word.split(":")) for word in text.split()]


def configs_of(run):
    """The configurations run: every CONNS x SIZES pair, then EXTRA's CONNS:SIZE pairs."""
    configs = [(int(c), int(s)) for c in run["CONNS"].split() for s in run["SIZES"].split()]
    return configs + pairs(run.get("EXTRA", ""))


def collect(root):
    """The echo benchmark's run, or None when DIR has none."""
    if not os.path.exists(os.path.join(root, "raw", "run.env")):
        return None
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
        configs = configs_of(run)
        if is_busy(sysname):
            configs = pairs(run["BUSY_CONFIGS"])
        elif sysname == "epunk-nooffload" and run.get("OFFLOAD_CONFIGS"):
            configs = pairs(run["OFFLOAD_CONFIGS"])
        for c, s in configs:
            r = {"system": sysname, "app": "echo", "connections": c, "size": s,
                 "depth": int(run["DEPTH"]), "accelerator": run["ACCEL"]}
            if is_busy(sysname):
                r["busy_poll_us"] = int(run["BUSY_ROWS"])
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
            passes = read_text(os.path.join(d, tag + ".passes"))
            if passes:
                r["passes_requests_per_s"] = [float(x) for x in passes.split()]
            # A first attempt that failed: the row is the second, on a fresh boot.
            first = read_text(os.path.join(d, tag + ".try1.cause"))
            if first:
                r["first_attempt_error"] = first
            results.append(r)
    return run, conns, sizes, systems, results


# The scale targets read each system against itself: requests/s at SCALE_CONNS connections x
# SCALE_SIZE bytes over those at SCALE_REF connections, in the same run.
SCALE_REF, SCALE_CONNS, SCALE_SIZE = 100, (1000, 10000), 64


def scale_rows(systems, results):
    """Each system's 1,000 and 10,000 x 64 B requests/s over its own 100 x 64 B: of the rows
    (each the median pass) and, when both list every pass, pass by pass (the two figures of a
    pass come from one boot, minutes apart)."""
    rows = []
    for n in systems:
        ref = get(results, n, SCALE_REF, SCALE_SIZE)
        if is_busy(n) or not metric(ref, "requests_per_s"):
            continue
        for c in SCALE_CONNS:
            r = get(results, n, c, SCALE_SIZE)
            q = ratio(metric(r, "requests_per_s"), ref["requests_per_s"])
            if q is None:
                continue
            row = {"system": n, "connections": c, "size": SCALE_SIZE,
                   "reference_connections": SCALE_REF, "of_reference": round(q, 3)}
            a, b = r.get("passes_requests_per_s"), ref.get("passes_requests_per_s")
            if a and b and len(a) == len(b) and all(b):
                row["by_pass"] = [round(x / y, 3) for x, y in zip(a, b)]
            rows.append(row)
    return rows


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


def write_md(run, conns, sizes, systems, results, scale):
    """The echo benchmark's section of results.md, as lines; scale: scale_rows's."""
    names = [n for n in systems if not is_busy(n)]
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

    if scale:
        L.append("## Scale")
        L.append("")
        L.append(f"Each system's requests/s at many connections × {size_label(SCALE_SIZE)} over "
                 f"its own at {SCALE_REF:,} connections × {size_label(SCALE_SIZE)} in this run: "
                 f"of the rows above and, where there are passes, pass by pass.")
        L.append("")
        L.append(f"| system | connections | against {SCALE_REF:,} | by pass |")
        L.append("| --- | ---: | ---: | --- |")
        for row in scale:
            by = ", ".join(f"{x:.2f}×" for x in row.get("by_pass", [])) or "—"
            L.append(f"| {NAMES.get(row['system'], row['system'])} | {row['connections']:,} | "
                     f"{row['of_reference']:.2f}× | {by} |")
        L.append("")

    busy = [n for n in systems if is_busy(n)]
    if busy:
        L += busy_table(run, systems, results, busy)

    npass = int(run.get("PASSES", "1"))
    with_passes = [r for r in results if r.get("passes_requests_per_s")]
    if npass > 1 and with_passes:
        L.append("## Passes")
        L.append("")
        L.append(f"The systems took turns over {npass} passes, each pass on a fresh boot of "
                 f"its system (pass 1 of each, then pass 2 of each, ...); every row above is "
                 f"the pass with the median requests/s. The requests/s of each pass, and the "
                 f"spread (largest over smallest):")
        L.append("")
        L.append("| system | connections | size | " +
                 " | ".join(f"pass {i}" for i in range(1, npass + 1)) + " | spread |")
        L.append("| --- | ---: | ---: | " + " | ".join("---:" for _ in range(npass)) + " | ---: |")
        for r in with_passes:
            v = r["passes_requests_per_s"]
            spread = f"{max(v) / min(v):.2f}×" if min(v) > 0 else "—"
            L.append(f"| {NAMES.get(r['system'], r['system'])} | {r['connections']:,} | "
                     f"{size_label(r['size'])} | " + " | ".join(f"{x:,.0f}" for x in v) +
                     f" | {spread} |")
        L.append("")

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
    return L


def busy_table(run, systems, results, busy):
    """The busy-poll rows: each system booted again busy-polling, beside its interrupt mode."""
    L = ["## Busy polling", ""]
    L.append(f"Each system booted again with {run['BUSY_ROWS']} µs of busy polling: epunk's echo "
             f"server sets it on its epoll instance (`EPIOCSPARAMS`, `prefer_busy_poll`); Linux's "
             f"falls back to `SO_BUSY_POLL` on each socket (its 6.1 kernel has no "
             f"`EPIOCSPARAMS`), with `net.core.busy_poll` and `busy_read` set to the same. "
             f"`busy/irq` is the busy-polling boot's figure over the same system's in interrupt "
             f"mode above (for p50, below 1 is better; for req/s, above 1).")
    L.append("")
    head = ["connections", "size"]
    for b in busy:
        n = b[:-len("-busy")]
        head += [f"{NAMES.get(n, n)} p50 irq", "busy", "busy/irq",
                 f"{NAMES.get(n, n)} req/s irq", "busy", "busy/irq"]
    if "epunk-busy" in busy and "linux-busy" in busy:
        head += ["busy p50 Linux/epunk", "busy req/s epunk/Linux"]
    L.append("| " + " | ".join(head) + " |")
    L.append("| " + " | ".join(["---:"] * len(head)) + " |")
    for c, s in pairs(run["BUSY_CONFIGS"]):
        row = [f"{c:,}", size_label(s)]
        for b in busy:
            n = b[:-len("-busy")]
            ri, rb = get(results, n, c, s), get(results, b, c, s)
            for key, spec in (("p50", ".1f"), ("requests_per_s", ",.0f")):
                q = ratio(metric(rb, key), metric(ri, key))
                row += [cell(ri, key, spec), cell(rb, key, spec), "—" if q is None else f"{q:.2f}×"]
        if "epunk-busy" in busy and "linux-busy" in busy:
            e, li = get(results, "epunk-busy", c, s), get(results, "linux-busy", c, s)
            for key, num, den in (("p50", li, e), ("requests_per_s", e, li)):
                q = ratio(metric(num, key), metric(den, key))
                row.append("—" if q is None else f"{q:.2f}×")
        L.append("| " + " | ".join(row) + " |")
    L.append("")
    return L


def write_plot(root, sizes, conns, systems, results):
    """One gnuplot data block per (system, size), systems in order, each block headed by its
    title; points that failed are NaN so every block has every connection count."""
    plotted = [n for n in systems if not is_busy(n) and
               any(r["system"] == n and r["status"] == "ok" for r in results)]
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
                f"maxconns={max(conns)}; title='{' vs '.join(NAMES.get(n, n) for n in plotted)}'\n")


def echo_ratios(systems, conns, sizes, results):
    comparisons = []
    names = list(systems)
    if len(names) > 1:
        a, b = names[0], names[1]
        # The configurations both ran (the matrix, then its extra CONNS:SIZE pairs).
        configs = [(r["connections"], r["size"]) for r in results if r["system"] == a]
        for c, s in configs:
            ra, rb = get(results, a, c, s), get(results, b, c, s)
            if rb is None:
                continue
            q = {"connections": c, "size": s}
            for key, num, den in (("requests_per_s", ra, rb), ("mb_per_s", ra, rb),
                                  ("p50", rb, ra), ("p99", rb, ra),
                                  ("qemu_cpu_us_per_request", rb, ra)):
                v = ratio(metric(num, key), metric(den, key))
                q[key] = None if v is None else round(v, 3)
            comparisons.append(q)
    return comparisons


def run_doc(run):
    return {
        "date": run["DATE"], "host_kernel": run["HOST_KERNEL"], "host_cpu": run["HOST_CPU"],
        "host_cpus": int(run["HOST_CPUS"]), "qemu": run["QEMU_VERSION"],
        "accelerator": run["ACCEL"], "smp": 1, "memory": run["MEM"],
        "firmware": run["FIRMWARE"], "nic": run["NETDEV"], "matrix": run["MATRIX"],
        "seconds_per_configuration": int(run["SECONDS_PER_CONFIG"]),
        "warmup_seconds": int(run["WARMUP"]), "depth": int(run["DEPTH"]),
        "client_threads": int(run["THREADS"]),
        "elapsed_s": int(run["ELAPSED_S"]) if "ELAPSED_S" in run else None,
    }


# ---- redis (make bench-redis) ----

def redis_configs(run):
    return [(t, int(c), int(p)) for t, c, p in
            (cfg.split(":") for cfg in run["REDIS_CONFIGS"].split())]


def read_csv_row(path):
    """redis-benchmark --csv: a header, then "TEST","rps","avg","min","p50","p95","p99","max"."""
    try:
        with open(path) as f:
            row = f.read().strip().splitlines()[-1]
        cells = [c.strip('"') for c in row.split(",")]
        return {"test": cells[0], "requests_per_s": float(cells[1]),
                "p50_us": round(float(cells[4]) * 1000, 1), "p99_us": round(float(cells[6]) * 1000, 1)}
    except (OSError, IndexError, ValueError):
        return None


def collect_redis(root):
    """make bench-redis's run, or None when DIR has none."""
    d0 = os.path.join(root, "raw-redis")
    if not os.path.exists(os.path.join(d0, "run.env")):
        return None
    run = read_env(os.path.join(d0, "run.env"))
    systems, results = {}, []
    for sysname in run["SYSTEMS"].split():
        d = os.path.join(d0, sysname)
        env = read_env(os.path.join(d, "system.env"))
        info = {
            "status": env.get("STATUS", "not run"),
            "image": env.get("IMAGE"),
            "image_bytes": int(env["IMAGE_BYTES"]) if "IMAGE_BYTES" in env else None,
            "memory": env.get("MEM"),
            "boot_to_ready_s": float(env["READY_S"]) if "READY_S" in env else None,
            "kernel_command_line": env.get("APPEND"),
            "server_sha256": env.get("SERVER_SHA256") or None,
            "qemu_command_line": read_text(os.path.join(d, "qemu-cmdline.txt")).split("\n"),
        }
        if "LEAKS" in env:
            info["leaks"] = env["LEAKS"]
            info["counters_baseline"] = read_text(os.path.join(d, "counters-base.txt"))
            info["counters_after"] = read_text(os.path.join(d, "counters-after.txt"))
        if info["status"] != "ok":
            info["reason"] = read_text(os.path.join(d, "reason.txt"))
        if sysname == "linux":
            for k in ("KERNEL_VERSION", "KERNEL_PKG", "BUSYBOX_PKG"):
                if k in env:
                    info[k.lower()] = env[k]
        systems[sysname] = info
        for t, c, p in redis_configs(run):
            tag = f"{t}-c{c}-P{p}"
            r = {"system": sysname, "app": "redis", "test": t, "clients": c, "pipeline": p,
                 "value_size": 100, "accelerator": run["ACCEL"]}
            cenv = read_env(os.path.join(d, tag + ".env"))
            if info["status"] != "ok":
                r["status"] = "not run"
                r["error"] = f"{sysname} did not boot to its ready line: {info.get('reason', '')}"
            elif not cenv or cenv.get("RC") == "skipped":
                r["status"] = "not run"
                cause = read_text(os.path.join(d, tag + ".cause"))
                if cause:
                    r["status"], r["error"] = "failed", cause
            else:
                runs = [x for x in (read_csv_row(os.path.join(d, f"{tag}-{i}.csv"))
                                    for i in range(1, int(cenv.get("RUNS", "0")) + 1)) if x]
                ok = cenv["RC"] == "0" and runs and all(x["test"] == t for x in runs)
                r["status"] = "ok" if ok else "failed"
                r["requests_per_run"] = int(cenv["REQUESTS"])
                if runs:
                    rps = [x["requests_per_s"] for x in runs]
                    r["requests_per_s"] = round(statistics.median(rps), 1)
                    r["p50_us"] = statistics.median(x["p50_us"] for x in runs)
                    r["p99_us"] = statistics.median(x["p99_us"] for x in runs)
                    r["spread"] = round((max(rps) - min(rps)) / r["requests_per_s"], 3)
                    r["runs"] = [{k: x[k] for k in ("requests_per_s", "p50_us", "p99_us")}
                                 for x in runs]
                cpu = float(cenv["CPU_S"]) if "CPU_S" in cenv else None
                r["qemu_cpu_s"] = cpu
                r["wall_s"] = float(cenv["WALL_S"])
                if cpu is not None and runs:
                    r["qemu_cpu_us_per_request"] = round(cpu * 1e6 / (len(runs) * r["requests_per_run"]), 2)
                if "ICOUNT_PER_REQUEST" in cenv:
                    r["guest_instructions_per_request"] = int(cenv["ICOUNT_PER_REQUEST"])
                if not ok:
                    r["error"] = read_text(os.path.join(d, tag + ".cause")) or (
                        f"redis-benchmark status {cenv['RC']}: " + read_text(
                            os.path.join(d, f"{tag}-{cenv.get('RUNS', '1')}.err")).replace("\n", " ")[:200])
            # A first attempt that failed: the row is the second, on a fresh boot.
            first = read_text(os.path.join(d, tag + ".try1.cause"))
            if first:
                r["first_attempt_error"] = first
            results.append(r)
    return run, systems, results


def rget(results, sysname, t, c, p):
    for r in results:
        if (r["system"], r["test"], r["clients"], r["pipeline"]) == (sysname, t, c, p):
            return r if r["status"] == "ok" else None
    return None


def redis_ratios(run, systems, results):
    names = list(systems)
    if len(names) < 2:
        return []
    a, b = names[0], names[1]
    out = []
    for t, c, p in redis_configs(run):
        ra, rb = rget(results, a, t, c, p), rget(results, b, t, c, p)
        q = {"test": t, "clients": c, "pipeline": p}
        for key, num, den in (("requests_per_s", ra, rb), ("p50_us", rb, ra), ("p99_us", rb, ra),
                              ("qemu_cpu_us_per_request", rb, ra)):
            v = ratio(num.get(key) if num else None, den.get(key) if den else None)
            q[key] = None if v is None else round(v, 3)
        out.append(q)
    return out


def write_md_redis(run, systems, results):
    """make bench-redis's section of results.md, as lines."""
    names = list(systems)
    base = names[1] if len(names) > 1 else None
    L = [f"# redis: {' vs '.join(NAMES.get(n, n) for n in names)}", ""]
    L.append(f"{run['DATE']}; host {run['HOST_CPU']} ({run['HOST_CPUS']} CPUs), Linux "
             f"{run['HOST_KERNEL']}; {run['QEMU_VERSION']}; accelerator **{run['ACCEL']}**.")
    icount = run.get("ICOUNT") == "1"
    if icount:
        L.append("**Under `-icount shift=0,sleep=on`** (BENCH_ICOUNT=1): the guests' clocks count "
                 "their instructions, so requests/s are those of an instruction-timed machine, "
                 "comparable with each other but not with a run without; the instructions per "
                 "request are counted over the measured runs (QMP query-replay).")
    L.append(f"Every guest: `-machine q35 -accel {run['ACCEL']} -smp 1 -m {run['MEM']}`, firmware "
             f"{run['FIRMWARE']}, NIC virtio-net-pci (modern only) on a tap in a network namespace "
             f"made for the run, and the same build/redis/redis-server (`{run['REDIS_ARGS']}`). "
             f"The client, {run.get('REDIS_BENCHMARK', 'redis-benchmark')}, runs in the namespace: "
             f"`redis-benchmark -h 10.77.0.2 -p 6379 -d 100 -t TEST -c CLIENTS -P PIPELINE -n N "
             f"--csv`, N = the rate of an unmeasured warm-up run x {run['SECONDS_PER_CONFIG']} s; "
             f"{run['REPEAT']} measured runs per configuration, the median reported and the "
             f"spread ((max - min) / median) of their rates shown. Whole run: "
             f"{run.get('ELAPSED_S', '?')} s.")
    hashes = {systems[n].get("server_sha256") for n in systems}
    if len(hashes) == 1 and None not in hashes:
        L.append(f"The same executable on both guests: sha256 {next(iter(hashes))[:16]}….")
    L.append("")
    head = ["test", "clients", "pipeline"]
    for n in names:
        head += [f"{NAMES.get(n, n)} req/s", "spread", "p50 µs", "p99 µs"]
        if icount:
            head += ["instructions/req"]
    if base:
        head += [f"req/s {NAMES.get(names[0])}/{NAMES.get(base)}", f"p99 {NAMES.get(base)}/{NAMES.get(names[0])}"]
    L.append("| " + " | ".join(head) + " |")
    L.append("| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |")
    for t, c, p in redis_configs(run):
        row = [t, str(c), str(p)]
        for n in names:
            r = rget(results, n, t, c, p)
            if r is None:
                row += ["failed", "—", "—", "—"] + (["—"] if icount else [])
            else:
                row += [f"{r['requests_per_s']:,.0f}", f"{100 * r['spread']:.0f}%",
                        f"{r['p50_us']:.0f}", f"{r['p99_us']:.0f}"]
                if icount:
                    g = r.get("guest_instructions_per_request")
                    row += ["—" if g is None else f"{g:,}"]
        if base:
            ra, rb = rget(results, names[0], t, c, p), rget(results, base, t, c, p)
            q1 = ratio(ra and ra["requests_per_s"], rb and rb["requests_per_s"])
            q2 = ratio(rb and rb["p99_us"], ra and ra["p99_us"])
            row += ["—" if q1 is None else f"{q1:.2f}×", "—" if q2 is None else f"{q2:.2f}×"]
        L.append("| " + " | ".join(row) + " |")
    L.append("")
    if base:
        L.append("Ratios: above 1 means epunk does better.")
        L.append("")
    for n, info in systems.items():
        if info["status"] != "ok":
            L.append(f"- {NAMES.get(n, n)} **failed**: {info.get('reason', '')}")
        if "leaks" in info:
            L.append(f"- {NAMES.get(n, n)}'s leak counters after the benchmark: {info['leaks']} "
                     f"(baseline `{info['counters_baseline']}`; after `{info['counters_after']}`).")
    for r in results:
        what = (f"- {NAMES.get(r['system'], r['system'])} {r['test']} {r['clients']} "
                f"clients pipeline {r['pipeline']}")
        if r["status"] == "failed":
            L.append(f"{what}: {r.get('error', '')}")
        if r.get("first_attempt_error"):
            L.append(f"{what}: the row is from a fresh boot; the first attempt failed: "
                     f"{r['first_attempt_error']}")
    L.append("")
    for n, info in systems.items():
        L.append(f"{NAMES.get(n, n)} kernel command line: `{info['kernel_command_line']}`")
        L.append("")
    L.append("![redis: requests/s and p99 per configuration](results-redis.png)")
    return L


def write_plot_redis(root, run, systems, results):
    """One line per configuration: its label, then requests/s and p99 of each system (NaN where
    it failed)."""
    names = list(systems)
    lines = []
    for t, c, p in redis_configs(run):
        label = f"{t} {c}c" + (f" P{p}" if p > 1 else "")
        cells = [f'"{label}"']
        for key in ("requests_per_s", "p99_us"):
            for n in names:
                r = rget(results, n, t, c, p)
                cells.append("NaN" if r is None else str(r[key]))
        lines.append(" ".join(cells))
    with open(os.path.join(root, "plot-redis.dat"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(root, "plot-redis.vars"), "w") as f:
        f.write(f"nsys={len(names)}; "
                f"title='redis: {' vs '.join(NAMES.get(n, n) for n in names)} ({run['ACCEL']})'; "
                + "; ".join(f"sys{i + 1}='{NAMES.get(n, n)}'" for i, n in enumerate(names)) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    echo = collect(root)
    redis = collect_redis(root)
    if not echo and not redis:
        sys.exit(f"bench-report: no raw data in {root}/raw or {root}/raw-redis")
    doc, md = {"results": []}, []
    if echo:
        run, conns, sizes, systems, results = echo
        comparisons = echo_ratios(systems, conns, sizes, results)
        names = list(systems)
        doc.update({"run": run_doc(run), "systems": systems})
        doc["results"] += results
        if comparisons:
            doc["ratios"] = {
                "orientation": f"above 1 means {names[0]} does better: {names[0]}/{names[1]} for "
                               f"requests_per_s and mb_per_s, {names[1]}/{names[0]} for p50, p99 "
                               f"and qemu_cpu_us_per_request",
                "configurations": comparisons,
            }
        scale = scale_rows(systems, results)
        if scale:
            doc["scale"] = scale
        md += write_md(run, conns, sizes, systems, results, scale)
        write_plot(root, sizes, conns, systems, results)
    if redis:
        run, systems, results = redis
        names = list(systems)
        doc["results"] += results
        rdoc = {"run": dict(run_doc(run), repeat=int(run["REPEAT"]), server_args=run["REDIS_ARGS"],
                            client=run.get("REDIS_BENCHMARK")),
                "systems": systems}
        comparisons = redis_ratios(run, systems, results)
        if comparisons:
            rdoc["ratios"] = {
                "orientation": f"above 1 means {names[0]} does better: {names[0]}/{names[1]} for "
                               f"requests_per_s, {names[1]}/{names[0]} for p50_us, p99_us and "
                               f"qemu_cpu_us_per_request",
                "configurations": comparisons,
            }
        doc["redis"] = rdoc
        if md:
            md.append("")
        md += write_md_redis(run, systems, results)
        write_plot_redis(root, run, systems, results)
    with open(os.path.join(root, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    with open(os.path.join(root, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
