#!/bin/bash
# SPDX-License-Identifier: MIT
# Boot build/epunk.elf in QEMU and return the guest's exit status.
#
# usage: tools/run/qemu.sh [options] [-- extra QEMU arguments]
#   --append TEXT     kernel command line
#   --timeout SECS    kill QEMU after SECS (exit 124); 0 = none (interactive)
#   --interactive     serial and monitor on the terminal (Ctrl-A x quits)
#   --gdb PORT        start halted with a gdb stub on localhost:PORT
#   --log FILE        serial output to FILE instead of stdout
#   --kernel FILE     image to boot (default build/epunk.elf)
#   --initrd FILE     the files the kernel gets at boot (a cpio archive, or one executable): the
#                     application comes from here (default $INITRD, else initrd.cpio beside the
#                     kernel image when there is one)
#   --net MODE        none (default), user: a modern virtio-net NIC on QEMU user networking,
#                     user-intx: the same without MSI-X (vectors=0: INTx through the IOAPIC),
#                     wire: a NIC on a unix datagram socket, one frame per datagram, to build/wire
#                     bound at $WIRE_SOCK (QEMU binds $WIRE_SOCK.qemu), MAC $WIRE_MAC (default
#                     52:54:00:77:00:02)
# Environment: ACCEL=kvm|tcg (default: kvm only with vmx/svm and a usable /dev/kvm), MEM (128M),
# FIRMWARE=qboot|seabios (default qboot when installed: it boots ~30 ms faster than SeaBIOS and
# the kernel needs nothing else from firmware), QEMUFLAGS (extra arguments), QEMU (binary),
# MACHINE (QEMU's -machine, default q35), CPU (its -cpu: default max under TCG, host under KVM),
# NET (default of --net), HOSTFWD (with user networking: QEMU hostfwd= rules, comma-separated,
# e.g. hostfwd=tcp:127.0.0.1:5555-:7).
#
# Exit status: the guest's status s (0..126: the kernel writes s + 1 to isa-debug-exit, QEMU
# returns ((s + 1) << 1) | 1); 0 when QEMU was quit from its monitor; 124 on timeout; 125 when
# QEMU itself failed (QEMU's own error code is 1, which no guest status produces).
set -u
kernel=build/epunk.elf
append=""
timeout_s=0
interactive=0
gdbport=""
log=""
net=${NET:-none}
initrd=${INITRD:-}
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--append) append=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--gdb) gdbport=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--net) net=$2; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "qemu.sh: unknown option '$1'" >&2; exit 125 ;;
	esac
done

qemu=${QEMU:-qemu-system-x86_64}
accel=${ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if grep -qE '\b(vmx|svm)\b' /proc/cpuinfo 2>/dev/null && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		accel=kvm
	fi
fi
case "$accel" in
kvm) cpu=${CPU:-host} ;;
tcg) cpu=${CPU:-max} ;;
*) echo "qemu.sh: ACCEL must be kvm or tcg, not '$accel'" >&2; exit 125 ;;
esac
firmware=${FIRMWARE:-}
if [ -z "$firmware" ]; then
	firmware=seabios
	[ -f /usr/share/qemu/qboot.rom ] && firmware=qboot
fi
fwargs=()
case "$firmware" in
qboot) fwargs=(-bios /usr/share/qemu/qboot.rom) ;;
seabios) ;;
*) echo "qemu.sh: FIRMWARE must be qboot or seabios, not '$firmware'" >&2; exit 125 ;;
esac
netargs=()
case "$net" in
none) ;;
user) netargs=(-netdev "user,id=n0${HOSTFWD:+,$HOSTFWD}" -device virtio-net-pci,disable-legacy=on,netdev=n0) ;;
user-intx) netargs=(-netdev user,id=n0 -device virtio-net-pci,disable-legacy=on,vectors=0,netdev=n0) ;;
wire)
	[ -n "${WIRE_SOCK:-}" ] || { echo "qemu.sh: --net wire needs WIRE_SOCK" >&2; exit 125; }
	rm -f "$WIRE_SOCK.qemu"
	netargs=(-netdev "dgram,id=n0,local.type=unix,local.path=$WIRE_SOCK.qemu,remote.type=unix,remote.path=$WIRE_SOCK"
		-device "virtio-net-pci,disable-legacy=on,netdev=n0,mac=${WIRE_MAC:-52:54:00:77:00:02}") ;;
*) echo "qemu.sh: --net must be none, user, user-intx or wire, not '$net'" >&2; exit 125 ;;
esac
if [ ! -f "$kernel" ]; then
	echo "qemu.sh: no kernel image at $kernel (run make first)" >&2
	exit 125
fi
initrdargs=()
# By default every boot gets the initrd built beside the kernel (make's $(B)/initrd.cpio).
[ -n "$initrd" ] || [ ! -f "$(dirname "$kernel")/initrd.cpio" ] || initrd=$(dirname "$kernel")/initrd.cpio
if [ -n "$initrd" ]; then
	if [ ! -f "$initrd" ]; then
		echo "qemu.sh: no initrd at $initrd" >&2
		exit 125
	fi
	initrdargs=(-initrd "$initrd")
fi

args=(-machine "${MACHINE:-q35}" -accel "$accel" -cpu "$cpu" -m "${MEM:-128M}" -smp 1
	"${fwargs[@]}" -kernel "$kernel" "${initrdargs[@]}" -append "$append"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot -display none -nodefaults
	"${netargs[@]}")
if [ "$interactive" = 1 ]; then
	args+=(-serial mon:stdio)
elif [ -n "$log" ]; then
	args+=(-serial "file:$log" -monitor none)
else
	args+=(-serial stdio -monitor none)
fi
[ -n "$gdbport" ] && args+=(-gdb "tcp:127.0.0.1:$gdbport" -S)
# shellcheck disable=SC2206
args+=(${QEMUFLAGS:-} "${extra[@]}")

if [ "$timeout_s" != 0 ]; then
	# In the background so that a TERM or INT sent to this script reaches QEMU too: callers
	# stop a guest by killing this script, and must not leave QEMU running.
	timeout -k 5 "$timeout_s" "$qemu" "${args[@]}" </dev/null &
	child=$!
	trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
	while :; do
		wait "$child"
		rc=$?
		kill -0 "$child" 2>/dev/null || break	# returned for a signal: wait on
	done
	trap - TERM INT HUP
else
	"$qemu" "${args[@]}"
	rc=$?
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "qemu.sh: QEMU did not finish within ${timeout_s}s: killed" >&2
	exit 124
fi
if [ "$rc" = 0 ]; then
	exit 0
fi
if [ "$rc" -ge 3 ] && [ $((rc & 1)) = 1 ]; then
	exit $(((rc - 3) / 2))
fi
echo "qemu.sh: QEMU failed with status $rc (accelerator $accel)" >&2
exit 125
