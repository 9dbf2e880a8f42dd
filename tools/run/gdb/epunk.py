# SPDX-License-Identifier: MIT
# gdb commands for epunk ("epunk ..."), loaded by build/gdbinit (make gdb). They read the kernel's
# data structures through its symbols only (gdb.Value); the guest need not cooperate ("epunk
# measure" without QMP calls the kernel's trace_tsc() at each breakpoint to read the TSC).
#   epunk trace [N | on | off]   the last N trace records decoded (default 40), or switch tracing
#   epunk latency                per-hop latency from the NIC interrupt or the busy poll that
#                                found the frame: the kernel's histograms,
#                                and exact TSC deltas recomputed from the ring (min/p50/p99/max)
#   epunk epoll                  epoll instances: watched files with interest masks, ready and
#                                overflow lists, waiters
#   epunk threads                threads with state and what they sleep on
#   epunk sockets                lwIP's TCP/UDP pcbs with their epunk socket
#   epunk meminfo                pages, slab caches, large kmalloc blocks
#   epunk measure N [TIMEOUT] [QMP]  breakpoints on vnet_irq and ep_poll_callback: N interrupt
#                                -> callback pairs, in guest instructions read from QEMU over
#                                QMP (with -icount), else in guest TSC cycles; a histogram
import json
import socket
import struct
import time

import gdb

HOPS = ["NIC interrupt", "bottom half", "frame to lwIP", "socket wake-up", "ep_poll_callback",
        "waiter running", "epoll_wait returns", "app read", "busy poll finds"]
HOP_IRQ, HOP_BH, HOP_LWIP, HOP_WAKE, HOP_CB, HOP_RUN, HOP_RET, HOP_READ, HOP_BUSY = range(9)
# The hops timed from an origin (a receive interrupt, or a busy poll that found frames), and the
# data path's hops in order after each kind of origin: a busy-polling application never slept.
TIMED = [HOP_BH, HOP_LWIP, HOP_WAKE, HOP_CB, HOP_RUN, HOP_RET, HOP_READ]
PATH = {HOP_IRQ: TIMED, HOP_BUSY: [h for h in TIMED if h != HOP_RUN]}
# As trace_hop_needs in kernel/trace_core.c: a hop counts once what leads to it was seen.
HOP_NEEDS = {HOP_RUN: HOP_CB, HOP_RET: HOP_CB, HOP_READ: HOP_WAKE}
IRQ_TX = 0x80000000	# TRACE_IRQ_TX: a transmit queue's interrupt (kernel/include/kernel/trace.h)
IRQ_BH_OFF = 0x40000000	# TRACE_IRQ_BH_OFF: it came while bottom halves were off

EPOLL_BITS = [(0x001, "IN"), (0x002, "PRI"), (0x004, "OUT"), (0x008, "ERR"), (0x010, "HUP"),
              (0x040, "RDNORM"), (0x080, "RDBAND"), (0x100, "WRNORM"), (0x200, "WRBAND"),
              (0x400, "MSG"), (0x2000, "RDHUP"), (1 << 28, "EXCLUSIVE"), (1 << 29, "WAKEUP"),
              (1 << 30, "ONESHOT"), (1 << 31, "ET")]
TASK_STATES = {0: "running", 1: "sleeping", 2: "sleeping (uninterruptible)", 64: "dead"}
TCP_STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
              "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]
SK_TCP_STATES = ["CLOSE", "LISTEN", "SYN_SENT", "SYNCED"]


def mask_str(m):
    m = int(m) & 0xffffffff
    names = [n for bit, n in EPOLL_BITS if m & bit]
    rest = m & ~sum(bit for bit, _ in EPOLL_BITS)
    if rest:
        names.append(hex(rest))
    return "|".join(names) if names else "0"


def sym(name):
    """A kernel global; for a static, the first match (file-qualified names work too)."""
    return gdb.parse_and_eval(name)


def ptr(v):
    return int(v.cast(gdb.lookup_type("unsigned long")))


def container_of(addr, typename, member):
    t = gdb.lookup_type(typename)
    off = 0
    for f in t.fields():
        if f.name == member:
            off = f.bitpos // 8
            break
    else:
        raise gdb.GdbError("no field %s in %s" % (member, typename))
    return gdb.Value(int(addr) - off).cast(t.pointer()).dereference()


def list_entries(head, typename, member, limit=100000):
    """Entries of a struct list_head (given as a gdb.Value of the head itself)."""
    head_addr = ptr(head.address)
    node = head["next"]
    n = 0
    while ptr(node) != head_addr and ptr(node) != 0 and n < limit:
        yield container_of(ptr(node), typename, member)
        node = node["next"]
        n += 1


def list_len(head, limit=100000):
    head_addr = ptr(head.address)
    node = head["next"]
    n = 0
    while ptr(node) != head_addr and ptr(node) != 0 and n < limit:
        node = node["next"]
        n += 1
    return n


def rb_nodes(node):
    """In-order walk of an rb subtree (iterative: trees can be deep)."""
    stack = []
    while stack or ptr(node):
        while ptr(node):
            stack.append(node)
            node = node["left"]
        node = stack.pop()
        yield node
        node = node["right"]


def epoll_data(ev):
    d = ev["data"]
    if d.type.strip_typedefs().code == gdb.TYPE_CODE_UNION:
        d = d["u64"]
    return int(d)


def tsc_khz():
    try:
        k = int(sym("boot_info")["tsc_khz"])
        return k if k else 1000000
    except gdb.error:
        return 1000000


def cycles_to_ns(c):
    return c * 1000000 // tsc_khz()


def percentile(sorted_vals, pct):
    if not sorted_vals:
        return 0
    want = max(1, (len(sorted_vals) * pct + 99) // 100)
    return sorted_vals[want - 1]


def hist_percentile(counts, n, max_ns, pct):
    """As trace_hist_percentile in kernel/trace_core.c: the bucket's upper bound, capped."""
    if not n:
        return 0
    want = max(1, (n * pct + 99) // 100)
    seen = 0
    for b, c in enumerate(counts):
        seen += c
        if seen >= want:
            return min((2 << b) - 1, max_ns)
    return max_ns


def log2_hist_lines(vals, unit):
    """A text histogram of vals in log2 buckets."""
    buckets = {}
    for v in vals:
        b = v.bit_length() - 1 if v > 0 else 0
        buckets[b] = buckets.get(b, 0) + 1
    lines = []
    top = max(buckets.values()) if buckets else 1
    for b in sorted(buckets):
        lo, hi = (1 << b) if b else 0, (2 << b) - 1
        bar = "#" * max(1, buckets[b] * 40 // top)
        lines.append("  %10d .. %-10d %s %6d %s" % (lo, hi, unit, buckets[b], bar))
    return lines


def ring_records():
    """The trace ring's records, oldest first: (tsc, hop, obj, arg). Read in one block."""
    ring = sym("trace_ring")
    rec_size = ring[0].type.sizeof
    size = ring.type.sizeof // rec_size
    head = int(sym("trace_head"))
    raw = bytes(gdb.selected_inferior().read_memory(ptr(ring[0].address), ring.type.sizeof))
    out = []
    for i in range(max(0, head - size), head):
        tsc, obj, hop, arg = struct.unpack_from("<QQII", raw, (i % size) * rec_size)
        out.append((tsc, hop, obj, arg))
    return out


def is_origin(rec):
    """A receive interrupt, or a busy poll that found frames: where a frame's latency starts."""
    return rec[1] == HOP_BUSY or (rec[1] == HOP_IRQ and not rec[3] & IRQ_TX)


def ring_deltas(recs, frame_len=None, kinds=(HOP_IRQ, HOP_BUSY)):
    """Per hop: TSC deltas from an origin (a receive interrupt, or a busy poll that found frames)
    to the first record of that hop after it, once what leads to it was seen (the kernel's rule
    for its histograms), computed exactly from the ring; and how many origins of each kind were
    counted. With frame_len, only origins followed by exactly the data path, each hop once and
    nothing else in between (no second poll, no transmit interrupt), for one frame of that many
    bytes (after an interrupt, the application asleep in epoll_wait; after a busy poll, the
    application polling in it): one code path, so under -icount one count. (The other paths,
    such as a second poll of the ring before the waiter runs or a transmit interrupt in between,
    occur in proportions that depend on the host's timing, and shift the figures run to run.)
    kinds: the origins counted (HOP_IRQ, HOP_BUSY)."""
    deltas = {h: [] for h in TIMED}
    origins = {HOP_IRQ: 0, HOP_BUSY: 0}
    groups, cur = [], None
    for rec in recs:
        if is_origin(rec):
            cur = [rec]
            groups.append(cur)
        elif cur is not None:
            cur.append(rec)
    for g in groups:
        if g[0][1] not in kinds:
            continue
        want = PATH[g[0][1]]
        if frame_len is not None:
            # Exactly the data path, each hop once, nothing else in between.
            path = [r[1] for r in g[1:len(want) + 1]]
            if path != want or g[2][3] != frame_len:
                continue
        origins[g[0][1]] += 1
        seen = set()
        for tsc, hop, _obj, _arg in g[1:]:
            if hop in deltas and hop not in seen and HOP_NEEDS.get(hop, hop) in seen | {hop}:
                seen.add(hop)
                deltas[hop].append(tsc - g[0][0])
    return deltas, origins


def readable_kernel(invoke):
    """The kernel is linked in the upper half, which exists only once boot.S has turned paging
    on: stopped before that (at pvh_start32), a command says so instead of a Python error."""
    def wrapper(self, arg, from_tty):
        try:
            return invoke(self, arg, from_tty)
        except gdb.MemoryError as e:
            print("epunk: kernel memory is not readable here (%s): paging is on from kmain, "
                  "break there first (tbreak kmain, continue)" % e)
    return wrapper


class Epunk(gdb.Command):
    """epunk kernel inspection: trace, latency, epoll, threads, sockets, meminfo, measure."""

    def __init__(self):
        super().__init__("epunk", gdb.COMMAND_USER, prefix=True)


class EpunkTrace(gdb.Command):
    """epunk trace [N | on | off]: dump the last N trace records (default 40), decoded, or
switch the tracepoints on or off (writes trace_enabled)."""

    def __init__(self):
        super().__init__("epunk trace", gdb.COMMAND_USER)

    @readable_kernel
    def invoke(self, arg, from_tty):
        a = arg.strip()
        if a in ("on", "off"):
            gdb.execute("set var trace_enabled = %d" % (a == "on"), to_string=True)
            print("epunk: tracing %s (trace_enabled = %d)" % (a, int(sym("trace_enabled"))))
            return
        try:
            n = int(a) if a else 40
        except ValueError:
            raise gdb.GdbError("usage: epunk trace [N | on | off]")
        if n <= 0:
            raise gdb.GdbError("epunk trace: N must be positive")
        head = int(sym("trace_head"))
        recs = ring_records()
        print("trace: %s, %d records written, ring holds %d; TSC %d kHz" %
              ("on" if int(sym("trace_enabled")) else "off", head, len(recs), tsc_khz()))
        shown = recs[-n:]
        first = head - len(shown)
        # The origin each shown record follows (look back into the unshown part too).
        irq = None
        for rec in recs[:len(recs) - len(shown)]:
            if is_origin(rec):
                irq = rec[0]
        print("  %10s %20s %12s  %-20s %-18s %s" % ("#", "tsc", "+origin", "hop", "object",
                                                   "arg"))
        for i, (tsc, hop, obj, argv) in enumerate(shown):
            if is_origin((tsc, hop, obj, argv)):
                irq = tsc
            since = "%d" % (tsc - irq) if irq is not None and tsc >= irq else "-"
            name = HOPS[hop] if hop < len(HOPS) else "hop %d" % hop
            if hop in (HOP_WAKE, HOP_CB):
                detail = "mask " + mask_str(argv)
            elif hop == HOP_LWIP:
                detail = "%d bytes" % argv
            elif hop in (HOP_BH, HOP_BUSY):
                detail = "budget %d" % argv
            elif hop == HOP_RET:
                detail = "%d events" % argv
            elif hop == HOP_READ:
                detail = "up to %d bytes" % argv
            elif hop == HOP_IRQ:
                detail = "vector %d, %s queue%s" % (argv & 0xff, "tx" if argv & IRQ_TX else "rx",
                                                   ", bottom halves off" if argv & IRQ_BH_OFF else "")
            else:
                detail = "%d" % argv
            print("  %10d %20d %12s  %-20s 0x%016x %s" % (first + i, tsc, since, name, obj, detail))


class EpunkLatency(gdb.Command):
    """epunk latency [FRAME-BYTES] [irq | busy]: per-hop latency from the frame's origin, the NIC
interrupt or the busy poll that found it (irq, busy: only that kind, in the exact part). The kernel's log2 histograms (trace_hists, ns, bucket upper
bounds) and exact deltas recomputed from the ring (TSC cycles; under -icount shift=0 these are
guest instructions). With FRAME-BYTES, the exact part counts only origins that brought exactly
one frame of that size (e.g. 118 for a 64-byte TCP segment: 14 + 20 + 20 bytes of headers) and
then went through exactly the data path's hops, in order, nothing else in between (after an
interrupt the application asleep in epoll_wait; after a busy poll, polling in it). Also prints
each hop's most common value ("mode"): with -icount, the instruction count of the usual path."""

    def __init__(self):
        super().__init__("epunk latency", gdb.COMMAND_USER)

    @readable_kernel
    def invoke(self, arg, from_tty):
        words = arg.split()
        frame_len = None
        kinds = (HOP_IRQ, HOP_BUSY)
        if words and words[-1] in ("irq", "busy"):
            kinds = (HOP_IRQ,) if words.pop() == "irq" else (HOP_BUSY,)
        if len(words) > 1:
            raise gdb.GdbError("usage: epunk latency [FRAME-BYTES] [irq | busy]")
        if words:
            try:
                frame_len = int(words[0])
            except ValueError:
                raise gdb.GdbError("usage: epunk latency [FRAME-BYTES] [irq | busy]")
        hists = sym("trace_hists")
        nb = hists[0]["count"].type.sizeof // hists[0]["count"][0].type.sizeof
        print("latency from the NIC interrupt or the busy poll that found the frame, kernel "
              "histograms, ns (log2 bucket upper bounds)")
        print("  %-20s %9s %9s %9s %9s %9s" % ("hop", "samples", "p50", "p90", "p99", "max"))
        for h in TIMED:
            t = hists[h]
            counts = [int(t["count"][b]) for b in range(nb)]
            n, mx = int(t["n"]), int(t["max_ns"])
            print("  %-20s %9d %9d %9d %9d %9d" % (HOPS[h], n, hist_percentile(counts, n, mx, 50),
                                                  hist_percentile(counts, n, mx, 90),
                                                  hist_percentile(counts, n, mx, 99), mx))
        recs = ring_records()
        deltas, origins = ring_deltas(recs, frame_len, kinds)
        print("exact, from the last %d ring records: TSC cycles from the origin, %d receive "
              "interrupts and %d busy polls (TSC %d kHz; under -icount shift=0, guest "
              "instructions)%s" % (
                  len(recs), origins[HOP_IRQ], origins[HOP_BUSY], tsc_khz(),
                  "" if frame_len is None else "; only origins bringing one %d-byte frame" %
                  frame_len))
        print("  %-20s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s" % (
            "hop", "samples", "min", "p50", "p90", "p99", "max", "p50 ns", "p99 ns", "max ns",
            "mode"))
        for h in TIMED:
            v = sorted(deltas[h])
            mx = v[-1] if v else 0
            mode = max(set(v), key=lambda x: (v.count(x), -x)) if v else 0
            print("  %-20s %9d %9d %9d %9d %9d %9d %9d %9d %9d %9d" % (
                HOPS[h], len(v), v[0] if v else 0, percentile(v, 50), percentile(v, 90),
                percentile(v, 99), mx, cycles_to_ns(percentile(v, 50)),
                cycles_to_ns(percentile(v, 99)), cycles_to_ns(mx), mode))


class EpunkEpoll(gdb.Command):
    """epunk epoll: every epoll instance (eventpoll_all), its watched files with their interest
masks, its ready list, overflow list and waiters."""

    def __init__(self):
        super().__init__("epunk epoll", gdb.COMMAND_USER)

    @readable_kernel
    def invoke(self, arg, from_tty):
        eps = list(list_entries(sym("eventpoll_all"), "struct eventpoll", "all_node"))
        print("%d epoll instance(s)" % len(eps))
        ovf_inactive = (1 << 64) - 1
        for ep in eps:
            ovf = ptr(ep["ovflist"])
            ready = [ptr(e.address) for e in list_entries(ep["rdllist"], "struct epitem",
                                                          "rdllink")]
            ovfl = []
            if ovf != ovf_inactive:
                p = ep["ovflist"]
                while ptr(p) not in (0, ovf_inactive) and len(ovfl) < 100000:
                    ovfl.append(ptr(p))
                    p = p["next"]
            print("eventpoll 0x%x: file 0x%x, %d watched, %d ready, overflow list %s, "
                  "%d waiter(s) in epoll_wait, %d poller(s)" % (
                      ptr(ep.address), ptr(ep["file"]), int(ep["nitems"]), len(ready),
                      "inactive" if ovf == ovf_inactive else "active (%d)" % len(ovfl),
                      list_len(ep["wq"]["head"]), list_len(ep["poll_wait"]["head"])))
            ready_set = set(ready)
            epi_t = gdb.lookup_type("struct epitem").pointer()
            for node in rb_nodes(ep["rbr"]["root"]["node"]):
                epi = node.cast(epi_t).dereference()	# rbn is the first member
                f = epi["file"]
                kind = "?"
                if ptr(f):
                    try:
                        kind = f["f_op"]["name"].string()
                    except gdb.error:
                        pass
                a = ptr(epi.address)
                flags = ("ready " if a in ready_set else "") + ("overflow" if a in ovfl else "")
                print("  fd %-6d %-10s file 0x%x  events %-28s data 0x%x %s" % (
                    int(epi["fd"]), kind, ptr(f), mask_str(epi["event"]["events"]),
                    epoll_data(epi["event"]), flags.strip()))


class EpunkThreads(gdb.Command):
    """epunk threads: every thread with its state and what it sleeps on."""

    def __init__(self):
        super().__init__("epunk threads", gdb.COMMAND_USER)

    @readable_kernel
    def invoke(self, arg, from_tty):
        rq = sym("'sched.c'::rq")
        cur = ptr(gdb.parse_and_eval("this_cpu")["current"])
        threads = list(list_entries(rq["all"], "struct thread", "all_node"))
        print("%d thread(s), %d switches" % (len(threads), int(rq["switches"])))
        print("  %4s %-16s %-28s %-16s %10s %12s" % ("id", "name", "state", "waits on",
                                                   "switches", "runtime ms"))
        for t in threads:
            st = int(t["state"])
            state = TASK_STATES.get(st, "state %d" % st)
            if ptr(t.address) == cur:
                state = "running (on the CPU)"
            chan = "-"
            if st != 0:
                chan = t["wait_chan"].string() if ptr(t["wait_chan"]) else "wait queue"
            print("  %4d %-16s %-28s %-16s %10d %12.3f" % (
                int(t["id"]), t["name"].string(), state, chan, int(t["switches"]),
                int(t["runtime_ns"]) / 1e6))


def ip4(addr):
    a = int(addr["addr"])
    return "%d.%d.%d.%d" % (a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >> 24)


class EpunkSockets(gdb.Command):
    """epunk sockets: lwIP's TCP and UDP pcbs, each with the epunk socket it belongs to."""

    def __init__(self):
        super().__init__("epunk sockets", gdb.COMMAND_USER)

    def sock_desc(self, arg):
        if not ptr(arg):
            return "no socket (lwIP's alone)"
        sk = arg.cast(gdb.lookup_type("struct sock").pointer()).dereference()
        st = int(sk["tcp_state"])
        return "sock 0x%x %s file 0x%x rx %d B%s, %d waiter(s)" % (
            ptr(arg), SK_TCP_STATES[st] if st < len(SK_TCP_STATES) else st, ptr(sk["file"]),
            int(sk["rx_bytes"]), " err %d" % int(sk["err"]) if int(sk["err"]) else "",
            list_len(sk["wq"]["head"]))

    @readable_kernel
    def invoke(self, arg, from_tty):
        n = 0
        p = sym("tcp_listen_pcbs.listen_pcbs")
        while ptr(p) and n < 100000:
            pcb = p.dereference()
            print("tcp listen    %s:%d %s %-11s %s" % (
                ip4(pcb["local_ip"]), int(pcb["local_port"]), " " * 19, "LISTEN",
                self.sock_desc(pcb["callback_arg"])))
            p = pcb["next"]
            n += 1
        for lst, label in (("tcp_active_pcbs", "active"), ("tcp_tw_pcbs", "time-wait")):
            p = sym(lst)
            while ptr(p) and n < 100000:
                pcb = p.dereference()
                s = int(pcb["state"])
                print("tcp %-9s %s:%d -> %s:%d %-11s %s" % (
                    label, ip4(pcb["local_ip"]), int(pcb["local_port"]), ip4(pcb["remote_ip"]),
                    int(pcb["remote_port"]), TCP_STATES[s] if s < len(TCP_STATES) else s,
                    self.sock_desc(pcb["callback_arg"])))
                p = pcb["next"]
                n += 1
        p = sym("udp_pcbs")
        while ptr(p) and n < 100000:
            pcb = p.dereference()
            print("udp           %s:%d -> %s:%d %-11s %s" % (
                ip4(pcb["local_ip"]), int(pcb["local_port"]), ip4(pcb["remote_ip"]),
                int(pcb["remote_port"]), "", self.sock_desc(pcb["recv_arg"])))
            p = pcb["next"]
            n += 1
        print("%d pcb(s)" % n)


class EpunkMeminfo(gdb.Command):
    """epunk meminfo: pages (total, free by order), every slab cache, large kmalloc blocks."""

    def __init__(self):
        super().__init__("epunk meminfo", gdb.COMMAND_USER)

    @readable_kernel
    def invoke(self, arg, from_tty):
        pm = sym("page_mem")
        total, free = int(pm["total_pages"]), int(pm["free_pages"])
        print("pages: total %d (%d KiB), free %d (%d KiB), used %d (%d KiB)" % (
            total, total * 4, free, free * 4, total - free, (total - free) * 4))
        nf = pm["nr_free"]
        orders = nf.type.sizeof // nf[0].type.sizeof
        print("free blocks by order: " + " ".join("%d:%d" % (k, int(nf[k])) for k in range(orders)))
        print("  %-20s %8s %10s %12s %8s %8s" % ("cache", "objsize", "in use", "allocs", "slabs",
                                               "pages"))
        for c in list_entries(sym("kmem_caches"), "struct kmem_cache", "node"):
            print("  %-20s %8d %10d %12d %8d %8d" % (
                c["name"].string(), int(c["size"]), int(c["in_use"]), int(c["total_allocs"]),
                int(c["nr_slabs"]), int(c["nr_pages"])))
        kl = sym("kmalloc_large")
        print("  %-20s %8s %10d %12d %8s %8d" % ("kmalloc-large", "-", int(kl["blocks"]),
                                               int(kl["total_allocs"]), "-", int(kl["pages"])))


class Qmp:
    """A QMP connection to the QEMU running the guest, for its raw instruction count."""

    def __init__(self, addr):
        host, _, port = addr.rpartition(":")
        try:
            self.sock = socket.create_connection((host or "127.0.0.1", int(port)), timeout=10)
        except (OSError, ValueError) as e:
            raise gdb.GdbError("epunk measure: cannot reach QMP at %s: %s" % (addr, e))
        self.f = self.sock.makefile("rw")
        self.f.readline()			# the greeting
        self.call("qmp_capabilities")

    def call(self, cmd):
        self.f.write(json.dumps({"execute": cmd}) + "\n")
        self.f.flush()
        while True:				# events (STOP, RESUME...) come in between
            line = self.f.readline()
            if not line:
                raise gdb.GdbError("epunk measure: QMP connection closed")
            msg = json.loads(line)
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise gdb.GdbError("epunk measure: QMP %s: %s" % (cmd, msg["error"]))

    def icount(self):
        """QEMU's count of executed guest instructions (query-replay works without replay)."""
        r = self.call("query-replay")
        if "icount" not in r:
            raise gdb.GdbError("epunk measure: QMP query-replay has no icount (-icount off?)")
        return int(r["icount"])

    def close(self):
        self.sock.close()


class EpunkMeasure(gdb.Command):
    """epunk measure N [TIMEOUT-SECONDS] [QMP-HOST:PORT]: time N NIC-interrupt (receive queue)
-> ep_poll_callback pairs with breakpoints on vnet_irq and ep_poll_callback, and print their
histogram. Run it while traffic reaches the guest.
With QMP-HOST:PORT (QEMU started with -icount shift=0 and -qmp tcp:HOST:PORT,server=on,wait=off)
each stop reads QEMU's count of executed guest instructions (QMP query-replay): exact, since a
stopped guest executes nothing, and the guest does nothing for it. Without it, each stop reads
the guest TSC by calling the kernel's trace_tsc() (the cost of one call, measured at the first
stop, is subtracted). The TSC is no exact clock across stops: under -icount a stop and resume
moved it by ~34,000 ticks (sleep=on) or millions (sleep=off) in our measurements, as QEMU's
icount clock apparently warps while the stopped vCPU counts as idle; under KVM the TSC is the
host's and runs on through every breakpoint exit and gdb round trip, so each stop adds its
wall-clock time to the deltas."""

    def __init__(self):
        super().__init__("epunk measure", gdb.COMMAND_USER)

    @readable_kernel
    def invoke(self, arg, from_tty):
        words = arg.split()
        try:
            n = int(words[0])
            limit = float(words[1]) if len(words) > 1 else 60.0
        except (IndexError, ValueError):
            raise gdb.GdbError("usage: epunk measure N [TIMEOUT-SECONDS] [QMP-HOST:PORT]")
        if n <= 0 or limit <= 0 or len(words) > 3:
            raise gdb.GdbError("usage: epunk measure N [TIMEOUT-SECONDS] [QMP-HOST:PORT]")
        qmp = Qmp(words[2]) if len(words) > 2 else None
        b_irq = gdb.Breakpoint("vnet_irq", internal=True)
        b_cb = gdb.Breakpoint("ep_poll_callback", internal=True)
        b_irq.silent = b_cb.silent = True
        irq_pc = ptr(gdb.parse_and_eval("(unsigned long)&vnet_irq"))
        cb_pc = ptr(gdb.parse_and_eval("(unsigned long)&ep_poll_callback"))
        deltas = []
        overhead = 0 if qmp else None
        t_irq = None
        deadline = time.monotonic() + limit
        try:
            while len(deltas) < n and time.monotonic() < deadline:
                gdb.execute("continue", to_string=True)
                pc = ptr(gdb.parse_and_eval("$pc"))
                if pc not in (irq_pc, cb_pc):
                    print("epunk measure: stopped at 0x%x (not a measure breakpoint)" % pc)
                    break
                if qmp:
                    now = qmp.icount()
                else:
                    now = int(gdb.parse_and_eval("trace_tsc()"))
                    if overhead is None:
                        # Two back-to-back readings: what one reading adds between two stamps.
                        overhead = int(gdb.parse_and_eval("trace_tsc()")) - now
                        now = int(gdb.parse_and_eval("trace_tsc()"))
                if pc == irq_pc:
                    # Only the receive queue's interrupt starts a measurement.
                    if int(gdb.parse_and_eval("arg == &((struct vnet_queue *)arg)->dev->rxq")):
                        t_irq = now
                elif t_irq is not None:
                    deltas.append(now - t_irq - overhead)
                    t_irq = None
        finally:
            b_irq.delete()
            b_cb.delete()
            if qmp:
                qmp.close()
        if not deltas:
            print("epunk measure: no interrupt -> callback pair within %.0f s (traffic?)" % limit)
            return
        v = sorted(deltas)
        if qmp:
            print("epunk measure: %d NIC interrupt -> ep_poll_callback pairs, guest instructions "
                  "(QEMU's icount over QMP)" % len(v))
            unit = "instr"
        else:
            print("epunk measure: %d NIC interrupt -> ep_poll_callback pairs (TSC %d kHz; one TSC "
                  "read costs %d cycles, subtracted)" % (len(v), tsc_khz(), overhead))
            unit = "cycles"
        print("  %s: min %d p50 %d p90 %d p99 %d max %d" % (
            unit, v[0], percentile(v, 50), percentile(v, 90), percentile(v, 99), v[-1]))
        if not qmp:
            print("  ns:     min %d p50 %d p99 %d max %d" % (
                cycles_to_ns(v[0]), cycles_to_ns(percentile(v, 50)),
                cycles_to_ns(percentile(v, 99)), cycles_to_ns(v[-1])))
        for line in log2_hist_lines(v, unit):
            print(line)


Epunk()
EpunkTrace()
EpunkLatency()
EpunkEpoll()
EpunkThreads()
EpunkSockets()
EpunkMeminfo()
EpunkMeasure()
