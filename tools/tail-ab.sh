#!/bin/bash
# TEMPORARY (issue 7 analysis): EXTRA=tail_base boots with the doorbell rung inside vnet_tx (as before); prints kernel/tailstat.c tables.
# temporary: boot echo server with trace_report, 100 conns, print the last report.
cd /work/wt/tail || exit 1
tag=${1:-x}; conns=${CONNS:-100}; secs=${SECS:-5}
out=build/tail/$tag; mkdir -p $out
ns=epunk-tail-$$
qpid=""
cleanup() { [ -n "$qpid" ] && kill -TERM $qpid 2>/dev/null && wait $qpid 2>/dev/null; ip netns pids $ns 2>/dev/null | xargs -r kill -9; ip netns del $ns 2>/dev/null; }
trap cleanup EXIT
nsx() { ip netns exec $ns "$@"; }
ip netns add $ns; nsx ip link set lo up
nsx ip tuntap add dev tap0 mode tap; nsx sysctl -qw net.ipv6.conf.tap0.disable_ipv6=1
nsx ip addr add 10.77.14.1/24 dev tap0; nsx ip link set tap0 up
nsx tools/qemu.sh --kernel ${ELF:-build/epunk.elf} --timeout 120 --log $out/serial.log \
  --append "quiet app=echo args=\"port=7 mode=et\" ip=10.77.14.2/24 gw=10.77.14.1 trace=on trace_report=${REP:-12} ${EXTRA:-}" \
  -- -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,disable-legacy=on,netdev=n0 > $out/qemu.out 2>&1 < /dev/null &
qpid=$!
t0=$SECONDS
until tr -d '\r' < $out/serial.log 2>/dev/null | grep -q "echo: listening"; do sleep 0.2; [ $((SECONDS-t0)) -gt 60 ] && { echo no start; exit 1; }; done
snap() { for p in $(ip netns pids $ns); do [ "$(cat /proc/$p/comm)" = qemu-system-x86 ] || continue; for t in /proc/$p/task/*; do echo "$(cat $t/comm) $(grep -h ctxt $t/status | tr -s '\t\n' '  ') $(awk '{print $14+$15}' $t/stat)"; done; done; }
snap > $out/ctx0.txt
EB=()
if [ -n "${PIN:-}" ]; then for p in $(ip netns pids $ns); do [ "$(cat /proc/$p/comm)" = qemu-system-x86 ] || continue; best=; bt=0; for t in /proc/$p/task/*; do c=$(awk '{print $14+$15}' $t/stat); [ $c -gt $bt ] && bt=$c && best=${t##*/}; taskset -pc 0 ${t##*/} >/dev/null; done; taskset -pc 1 $best > /dev/null; echo pinned vcpu $best; done; EB=(taskset -c 0); fi
nsx "${EB[@]}" build/echobench -q -c $conns -s 64 -w 1 -d $secs 10.77.14.2 7 > $out/echobench.txt 2>&1 || { cat $out/echobench.txt; exit 1; }
snap > $out/ctx1.txt
n=$(grep -c "^tail: gaps" <(tr -d '\r' < $out/serial.log))
until [ $(grep -c "^tail: gaps" <(tr -d '\r' < $out/serial.log)) -gt $n ]; do sleep 0.5; done
grep req/s $out/echobench.txt
tr -d '\r' < $out/serial.log > $out/serial.txt
awk '/^tail: ns/ {buf=""} {buf=buf $0 "\n"} /^tail: gaps/ {last=buf} END {printf "%s", last}' $out/serial.txt | grep -E "thread|notify|whole|tail-lin|gaps"
