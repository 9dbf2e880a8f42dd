# same_as_linux NAME ARGS APPEND: run the musl executable build/apps/NAME on host Linux and on
# epunk (app=NAME from the initrd; APPEND joins the kernel command line) with ARGS; the output
# and exit status must be the same.
same_as_linux() {
	local name=$1 args=$2 append=$3 linux_rc epunk_rc
	# ARGS split as a shell splits them, as epunk's args= does.
	eval "set -- $args"
	timeout -k 5 120 "build/apps/$name" "$@" > "$out/$name-linux.txt" 2>&1
	linux_rc=$?
	tools/run/qemu.sh --timeout 120 \
		--append "quiet app=$name${args:+ args=\"$args\"}${append:+ $append}" \
		--log "$out/$name-epunk.log" 2> "$out/$name-epunk.err"
	epunk_rc=$?
	tr -d '\r' < "$out/$name-epunk.log" > "$out/$name-epunk.txt"
	if [ "$epunk_rc" = "$linux_rc" ] && cmp -s "$out/$name-linux.txt" "$out/$name-epunk.txt"; then
		pass "$name${args:+ $args}${append:+ ($append)}: the same output and status ($epunk_rc) as on Linux"
	else
		diff "$out/$name-linux.txt" "$out/$name-epunk.txt" | head -20
		fail "$name${args:+ $args}" "status $epunk_rc vs Linux $linux_rc, or the output differs"
	fi
}

echo "== Linux programs (static, musl) behave on epunk as on Linux"
same_as_linux pingpong "" ""

echo "== the ABI: libm, printf of doubles, threads with __thread FP work, mutexes, epoll, malloc, setjmp, clocks"
same_as_linux abi "x 'y z'" ""

echo "== the ABI with glibc: the same program built with gcc -static, run as the initrd itself"
# Its output and status must be Linux's. The console's "system call N (name) is not implemented"
# lines are the kernel's, not the program's: they are left out of the comparison, and the only
# ones allowed are the calls glibc falls back from (rseq: no restartable sequences; clone3:
# clone), so that a new gap shows here.
glibc_allowed="clone3 rseq"
if ! gcc -std=gnu11 -static -O2 -Wall -Wextra -Werror tests/apps/abi.c -o "$out/abi-glibc" -lm \
	-lpthread > "$out/abi-glibc-build.txt" 2>&1; then
	cat "$out/abi-glibc-build.txt"
	fail "abi (glibc -static)" "gcc -static failed (glibc's static libc.a: tools/build/deps.sh installs libc6-dev)"
else
	timeout -k 5 120 "$out/abi-glibc" x 'y z' > "$out/abi-glibc-linux.txt" 2>&1
	linux_rc=$?
	tools/run/qemu.sh --timeout 120 --initrd "$out/abi-glibc" --append "quiet args=\"x 'y z'\"" \
		--log "$out/abi-glibc-epunk.log" 2> "$out/abi-glibc-epunk.err"
	epunk_rc=$?
	nosys='^epunk: system call [0-9]+ \(([a-z0-9_]+)\) is not implemented: -ENOSYS$'
	tr -d '\r' < "$out/abi-glibc-epunk.log" > "$out/abi-glibc-epunk-all.txt"
	grep -Ev "$nosys" "$out/abi-glibc-epunk-all.txt" > "$out/abi-glibc-epunk.txt"
	missing=$(sed -En "s/$nosys/\1/p" "$out/abi-glibc-epunk-all.txt" | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$epunk_rc" = "$linux_rc" ] && cmp -s "$out/abi-glibc-linux.txt" "$out/abi-glibc-epunk.txt" &&
		[ "$missing" = "$glibc_allowed" ]; then
		pass "abi (glibc -static): the same output and status ($epunk_rc) as on Linux; ENOSYS only for $missing"
	else
		diff "$out/abi-glibc-linux.txt" "$out/abi-glibc-epunk.txt" | head -20
		fail "abi (glibc -static)" "status $epunk_rc vs Linux $linux_rc, or the output differs, or calls missing: '$missing' (allowed: '$glibc_allowed')"
	fi
fi

echo "== the vDSO: found through AT_SYSINFO_EHDR as libcs find it; its calls agree with the system calls"
same_as_linux vdso "" ""

echo "== fstat and stat say what Linux says of each kind of file"
same_as_linux fstat "" ""
# Descriptors 0-2 are the console on epunk, whatever the host's are: checked on epunk alone.
tools/run/qemu.sh --timeout 60 --append "quiet app=fstat args=std" --log "$out/fstat-std.log" \
	2> "$out/fstat-std.err"
rc=$?
tr -d '\r' < "$out/fstat-std.log" > "$out/fstat-std.txt"
tty="character device 0620, device 4:64, size 0, 1 link(s), st_blksize 4096"
if [ "$rc" = 0 ] && printf 'fd 0: %s\nfd 1: %s\nfd 2: %s\nfds 0, 1 and 2: one inode; isatty(1): yes\n' \
	"$tty" "$tty" "$tty" | cmp -s - "$out/fstat-std.txt"; then
	pass "fstat std: descriptors 0-2 are one serial terminal (4:64, 0620), as /dev/ttyS0 would be"
else
	cat "$out/fstat-std.txt"
	fail "fstat std" "status $rc, or the console does not look like a serial terminal"
fi

echo "== a read-only file tree: the same tree on a read-only tmpfs on Linux and in epunk's initrd"
# files_tree DIR: the tree tests/apps/files.c walks (kinds, permission bits, sizes it checks).
files_tree() {
	local t=$1 i
	rm -rf "$t" && mkdir -p "$t/sub/deeper" "$t/emptydir" || return 1
	printf 'hello, read-only world\n' > "$t/hello.txt"
	: > "$t/empty"
	for i in $(seq 0 1999); do printf '%04d\n' "$i"; done > "$t/big.bin"
	printf '#!/bin/sh\necho run\n' > "$t/run.sh"
	printf 'a note\n' > "$t/sub/note.txt"
	printf 'leaf\n' > "$t/sub/deeper/leaf"
	printf 'spaced\n' > "$t/a b.txt"
	chmod 0644 "$t/hello.txt" "$t/a b.txt" && chmod 0600 "$t/empty" "$t/sub/deeper/leaf" &&
		chmod 0444 "$t/big.bin" && chmod 0755 "$t" "$t/run.sh" "$t/sub" "$t/emptydir" &&
		chmod 0640 "$t/sub/note.txt" && chmod 0700 "$t/sub/deeper"
}
# Linux's side: an initramfs is a tmpfs (or ramfs), so the oracle is the tree copied into a
# tmpfs remounted read-only, in a mount namespace of its own (root only).
if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null; then
	skip "files" "needs root for a read-only tmpfs in a mount namespace (unshare -m)"
elif ! files_tree "$out/files-tree"; then
	fail "files" "cannot make the tree in $out/files-tree"
else
	rm -rf "$out/files-ro" && mkdir -p "$out/files-ro"
	timeout -k 5 120 unshare -m sh -c 'mount -t tmpfs -o mode=0755 tmpfs "$1" && cp -a "$2/." "$1/" &&
		mount -o remount,ro "$1" && exec build/apps/files "$1"' sh "$out/files-ro" "$out/files-tree" \
		> "$out/files-linux.txt" 2>&1
	linux_rc=$?
	python3 tools/build/mkinitrd.py "$out/files.cpio" /bin/files=build/apps/files /tree="$out/files-tree"
	tools/run/qemu.sh --timeout 120 --initrd "$out/files.cpio" --append "quiet app=files args=/tree" \
		--log "$out/files-epunk.log" 2> "$out/files-epunk.err"
	epunk_rc=$?
	tr -d '\r' < "$out/files-epunk.log" > "$out/files-epunk.txt"
	if [ "$linux_rc" = 0 ] && [ "$epunk_rc" = 0 ] && cmp -s "$out/files-linux.txt" "$out/files-epunk.txt"; then
		pass "files: reads, seeks, directories, chdir, EROFS and kin, devices, prctl, /proc: as on Linux ($(grep -c . "$out/files-linux.txt") lines)"
	else
		diff "$out/files-linux.txt" "$out/files-epunk.txt" | head -20
		fail "files" "status $epunk_rc vs Linux $linux_rc, or the output differs"
	fi
fi

echo "== an interrupt or a switch clobbers no register, FPU/SSE/AVX state or red zone (1 ms slices)"
same_as_linux regs "" timeslice_ms=1

echo "== eventpoll under preemption: epoll_ctl's loop and path checks racing removals (10 s)"
same_as_linux epstress 10 timeslice_ms=1

echo "== signals: handlers edit their context, recover from faults, use the alternate stack, nest; a storm clobbers nothing"
same_as_linux signals "" ""

echo "== a signal's default action: the same end as on Linux (terminate with 128 + n, or nothing)"
for sig in 15 10 14 6 17 28; do
	{ timeout -k 5 30 build/apps/signals die "$sig" > "$out/die-$sig-linux.txt" 2>&1; } 2> /dev/null
	linux_rc=$?
	tools/run/qemu.sh --timeout 60 --append "quiet app=signals args=\"die $sig\"" \
		--log "$out/die-$sig.log" 2> "$out/die-$sig.err"
	rc=$?
	tr -d '\r' < "$out/die-$sig.log" > "$out/die-$sig.txt"
	if [ "$linux_rc" -gt 128 ]; then
		name=SIG$(kill -l $((linux_rc - 128)))
		ok=$([ "$rc" = 126 ] && grep -q "killed by $name\$" "$out/die-$sig.txt" &&
			grep -q "exit status $linux_rc reported as 126" "$out/die-$sig.txt" && echo y)
		what="killed by $name, status $linux_rc"
	else
		ok=$([ "$rc" = "$linux_rc" ] && grep -q "still alive" "$out/die-$sig.txt" && echo y)
		what="ignored, status $linux_rc"
	fi
	if [ "$ok" = y ]; then
		pass "signal $sig's default action: $what, as on Linux"
	else
		cat "$out/die-$sig.txt"
		fail "signal $sig's default action" "Linux: status $linux_rc; epunk: status $rc"
	fi
done

echo "== make run APP_SRC=file.c / APP_BIN=exe ARGS=\"7 alpha 'beta gamma'\": argv as a shell splits it, the status"
# make_run NAME VAR=VALUE: make run with that program; its output in $out/NAME.txt, make's status in $rc.
make_run() {
	timeout -k 5 300 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory run \
		B=build/apprun "$2" ARGS="7 alpha 'beta gamma'" > "$out/$1.log" 2>&1 < /dev/null
	rc=$?
	tr -d '\r' < "$out/$1.log" > "$out/$1.txt"
}
cp apps/hello.c "$out/greet.c"
for how in "APP_SRC=$out/greet.c" "APP_BIN=build/apps/hello"; do
	make_run "make-run-${how%%=*}" "$how"
	txt=$out/make-run-${how%%=*}.txt
	# make reports the program's status 7 as its own failure (status 2), naming it.
	if grep -q 'argv\[2\] = "alpha"' "$txt" && grep -q 'argv\[3\] = "beta gamma"' "$txt" &&
		grep -q "Error 7" "$txt" && ! grep -q "hello from .* with [^3]" "$txt"; then
		pass "make run $how ARGS=\"7 alpha 'beta gamma'\": 3 arguments, exit status 7"
	else
		tail -10 "$txt"
		fail "make run $how" "make status $rc (see $txt)"
	fi
done

echo "== a system call epunk lacks: ENOSYS every time, named once on the console"
tools/run/qemu.sh --timeout 60 --append "quiet app=nosys" --log "$out/nosys.log" 2> "$out/nosys.err"
rc=$?
tr -d '\r' < "$out/nosys.log" > "$out/nosys.txt"
acct=$(grep -c "system call 163 (acct) is not implemented" "$out/nosys.txt")
beyond=$(grep -c "is beyond the table" "$out/nosys.txt")
if [ "$rc" = 0 ] && [ "$acct" = 1 ] && [ "$beyond" = 1 ] &&
	grep -q "nosys: every call returned ENOSYS" "$out/nosys.txt"; then
	pass "nosys: 6 calls, each ENOSYS; acct named once, the numbers beyond the table once"
else
	cat "$out/nosys.txt"
	fail "nosys" "status $rc, acct named $acct time(s), beyond-table $beyond time(s) (want 0, 1, 1)"
fi

echo "== a program's fault ends it as Linux ends it: the same signal (W^X: text, data and stack)"
for how in null write-text exec-data exec-rodata exec-stack div0 ud2 stack-overflow; do
	{ timeout -k 5 30 build/apps/fault "$how" > /dev/null 2>&1; } 2> /dev/null	# bash's "Segmentation fault" too
	linux_rc=$?
	sig=$( ((linux_rc > 128)) && kill -l $((linux_rc - 128)) 2>/dev/null)
	tools/run/qemu.sh --timeout 60 --append "quiet app=fault args=$how" --log "$out/fault-$how.log" \
		2> "$out/fault-$how.err"
	rc=$?
	tr -d '\r' < "$out/fault-$how.log" > "$out/fault-$how.txt"
	if [ -n "$sig" ] && [ "$rc" = 126 ] &&
		grep -q "^epunk: fault (thread 1) killed by SIG$sig: " "$out/fault-$how.txt" &&
		grep -q "^epunk: exit status $linux_rc reported as 126" "$out/fault-$how.txt"; then
		pass "fault $how: SIG$sig ($(sed -n 's/.*killed by [A-Z]*: \(.*\) at .*/\1/p' "$out/fault-$how.txt")), status $linux_rc, as on Linux"
	else
		cat "$out/fault-$how.txt"
		fail "fault $how" "Linux: status $linux_rc (SIG${sig:-?}); epunk: status $rc (see $out/fault-$how.txt)"
	fi
done
