echo "== echobench's pattern: made and checked eight bytes at a time, as the definition says"
if out_st=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory build/echobench 2>&1 &&
	timeout 60 build/echobench --self-test 2>&1); then
	pass "echobench self-test: the pattern as defined, every planted wrong byte found at its offset"
else
	fail "echobench self-test" "$(tail -3 <<< "$out_st")"
fi

echo "== make bench's run order: the scale rows back to back (tools/bench/bench.sh --list)"
# Each pass reads 1,000 and 10,000 x 64 B against its own 100 x 64 B (the Scale section): the three
# run one after the other, so that a slow spell of the host falls on all of them or on none.
order=$(tools/bench/bench.sh --list 2>&1)
if [[ " $order " == *" 100:64 1000:64 10000:64 "* ]] && [ "$(wc -w <<< "$order")" = 17 ]; then
	pass "bench order: 17 configurations, 100, 1,000 and 10,000 x 64 B back to back"
else
	fail "bench order" "tools/bench/bench.sh --list gave: $order"
fi

echo "== benchmark smoke run: make bench's harness, one short configuration against epunk"
# tools/bench/bench.sh --smoke: epunk's echo server on tap in a network namespace, 1 connection x 64 B
# for 2 s; passes when the report files are written and echobench verified every byte (no timing
# checks). It exits 77 when epunk cannot serve echo yet (no echo app, ip=/gw= unknown, or no
# "echo: listening" line): a skip while networking is being built. Set this to 0 once it lands.
bench_smoke_may_skip=1
timeout -k 10 400 tools/bench/bench.sh --smoke --out "$out/bench-smoke" > "$out/bench-smoke.log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	pass "bench smoke: report written, every byte verified"
elif [ "$rc" = 77 ] && [ "$bench_smoke_may_skip" = 1 ]; then
	skip "bench smoke" "$(sed -n 's/^SKIP: //p' "$out/bench-smoke.log" | tail -1)"
else
	tail -15 "$out/bench-smoke.log"
	fail "bench smoke" "status $rc (see $out/bench-smoke.log)"
fi

echo "== busy polling: epoll_wait takes frames from the NIC itself (make bench's busy-poll rows)"
# The smoke run with its busy-poll row: epunk booted again with the echo server's epoll instance
# busy-polling (EPIOCSPARAMS). That boot's counters (net_stats=1) must show busy polls that found
# frames, and the report its "Busy polling" row beside interrupt mode.
BENCH_BUSY_ROWS=50 BENCH_EPUNK_APPEND="net_stats=1" BENCH_SMOKE_SECONDS=3 \
	timeout -k 10 400 tools/bench/bench.sh --smoke --out "$out/bench-busy" > "$out/bench-busy.log" 2>&1
rc=$?
found=$(tr -d '\r' < "$out/bench-busy/raw/epunk-busy/serial.log" 2>/dev/null |
	sed -n 's/.*busy polls \([0-9]*\), frames they found \([0-9]*\).*/\2/p' | tail -1)
row=$(sed -n '/^## Busy polling/,/^## /{/^| 1 | 64 B | [0-9.]* | [0-9.]* | [0-9.]*× /p}' "$out/bench-busy/results.md" 2>/dev/null)
if [ "$rc" = 0 ] && [ "${found:-0}" -gt 0 ] && [ -n "$row" ]; then
	pass "busy polling: every byte verified; $found frames found by busy polls; the report's row: $(cut -d'|' -f4-6 <<< "$row" | tr -s ' ')"
else
	tail -15 "$out/bench-busy.log"
	fail "busy polling" "status $rc, frames found by busy polls: ${found:-none}, report row: ${row:-none}"
fi

echo "== benchmark passes: BENCH_PASSES runs the configurations again, each pass on a fresh boot"
# Three passes of the smoke configuration: the report must list all three, its row must be the
# pass with the median requests/s, and epunk must have booted once per pass (results.json has all
# three).
BENCH_PASSES=3 BENCH_SMOKE_SECONDS=1 \
	timeout -k 10 400 tools/bench/bench.sh --smoke --out "$out/bench-passes" > "$out/bench-passes.log" 2>&1
rc=$?
check=$(python3 - "$out/bench-passes/results.json" <<'PY' 2>&1
import json, sys
j = json.load(open(sys.argv[1]))
r = [x for x in j["results"] if x["system"] == "epunk"][0]
p = r.get("passes_requests_per_s") or []
boots = j["systems"]["epunk"]["boots"]
if len(p) != 3:
    print("passes listed: %s" % p)
elif r["requests_per_s"] != sorted(p)[1]:
    print("row %s is not the median of %s" % (r["requests_per_s"], p))
elif boots != 3:
    print("epunk booted %d time(s) for 3 passes" % boots)
else:
    print("ok %s of %s, 3 boots" % (r["requests_per_s"], p))
PY
)
if [ "$rc" = 0 ] && [[ $check == ok* ]] && grep -q '^## Passes' "$out/bench-passes/results.md"; then
	pass "bench passes: the row is the median pass (${check#ok })"
else
	tail -5 "$out/bench-passes.log"
	fail "bench passes" "status $rc; $check"
fi

echo "== benchmark report: the scale ratios (1,000 and 10,000 x 64 B against 100 x 64 B)"
# A run made up here, no guest: epunk's rows of three passes at 100, 1,000 and 10,000
# connections x 64 B. The report's Scale section and results.json's "scale" must give each row
# over the 100-connection row, of the medians and pass by pass.
scale_dir=$out/bench-scale
rm -rf "$scale_dir"
python3 - "$scale_dir" <<'PY'
import json, os, sys
raw = os.path.join(sys.argv[1], "raw")
os.makedirs(os.path.join(raw, "epunk"))
with open(os.path.join(raw, "run.env"), "w") as f:
    f.write('DATE="2026-01-01 00:00 UTC"\nHOST_KERNEL=6.1\nHOST_CPU="cpu"\nHOST_CPUS=2\n'
            'QEMU_VERSION="qemu"\nACCEL=tcg\nFIRMWARE=qboot\nMEM=256M\nMATRIX=full\n'
            'CONNS="100 1000"\nSIZES="64"\nEXTRA="10000:64"\nSECONDS_PER_CONFIG=5\nWARMUP=1\n'
            'DEPTH=1\nTHREADS=1\nPASSES=3\nSYSTEMS="epunk"\nNETDEV="tap"\nAPP=echo\n')
with open(os.path.join(raw, "epunk", "system.env"), "w") as f:
    f.write('STATUS=ok\nIMAGE=build/epunk.elf\nMEM=256M\nAPPEND="quiet"\n')
passes = {100: [30000, 40000, 20000], 1000: [27000, 30000, 22000], 10000: [24000, 20000, 21000]}
for c, p in passes.items():
    tag = os.path.join(raw, "epunk", "c%d-s64" % c)
    median = sorted(p)[1]
    with open(tag + ".json", "w") as f:
        json.dump({"connections": c, "size": 64, "depth": 1, "seconds": 5.0,
                   "requests": median * 5, "requests_per_s": median, "mb_per_s": 1.0,
                   "bytes_verified": median * 640, "errors": 0,
                   "latency_us": {"p50": 1.0, "p90": 1.0, "p99": 1.0, "p99.9": 1.0,
                                  "max": 1.0}}, f)
    with open(tag + ".env", "w") as f:
        f.write("RC=0\nCPU_S=4.0\nWALL_S=5.0\n")
    with open(tag + ".passes", "w") as f:
        f.write(" ".join("%.1f" % x for x in p) + "\n")
PY
python3 tools/bench/bench-report.py "$scale_dir" > "$out/bench-scale.log" 2>&1
check=$(python3 - "$scale_dir/results.json" <<'PY' 2>&1
import json, sys
got = {r["connections"]: (r["of_reference"], r.get("by_pass"))
       for r in json.load(open(sys.argv[1])).get("scale", [])}
want = {1000: (0.9, [0.9, 0.75, 1.1]), 10000: (0.7, [0.8, 0.5, 1.05])}
print("ok" if got == want else "scale %s, expected %s" % (got, want))
PY
)
row=$(grep -m1 '^| epunk | 10,000 | 0.70× | 0.80×, 0.50×, 1.05× |$' "$scale_dir/results.md" 2>/dev/null)
if [ "$check" = ok ] && [ -n "$row" ]; then
	pass "bench report: scale ratios of the medians and by pass ($row)"
else
	tail -5 "$out/bench-scale.log"
	fail "bench report scale" "${check}; report row: ${row:-none}"
fi
