#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad executables made from a good one (truncated, another machine, dynamically linked, not ELF,
# 32-bit, ...), each put in a newc cpio archive as /bin/prog and booted with app=prog, so that
# every case reaches epunk's ELF loader. Each must end with a one-line reason
# ("epunk: cannot run /bin/prog: ...") and a non-zero status, never a panic (100) or a hang (124).
# The same files are also given raw as the initrd (not in an archive) with app=app (a raw initrd
# is /bin/app), where they must fail as cleanly: QEMU passes no module for an empty file, and
# the kernel then has no program 'app'. The good file, archived and raw, must run.
#
# usage: tests/badexe.sh [DIR]   (after make; DIR: where the files go, default build/badexe).
# Prints PASS/FAIL lines; exit status 1 when any failed.
# Environment: TIMEOUT, seconds before a boot counts as a hang (default 60).
# Needs musl-gcc (Debian's musl-tools), gcc, readelf; QEMU through tools/run/qemu.sh.
set -u
cd "$(dirname "$0")/.."
dir=${1:-build/badexe}
timeout=${TIMEOUT:-60}	# seconds before a boot counts as a hang
qemu=tools/run/qemu.sh

. tools/lib.sh

# cpio_newc OUT NAME FILE: a newc archive holding FILE as /NAME.
cpio_newc() {
	python3 tools/build/mkinitrd.py "$1" "/$2=$3"
}

# patch FILE OFFSET BYTES...: overwrite bytes (given as octal escapes) in place.
patch() {
	local file=$1 off=$2
	shift 2
	# shellcheck disable=SC2059 # the bytes are the format: octal escapes
	printf "$@" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# boot INITRD APPEND: run epunk; sets out (console text, CRs removed) and rc (its status).
boot() {
	"$qemu" --initrd "$1" --append "$2" --timeout "$timeout" > "$dir/console.txt" 2>&1
	rc=$?
	out=$(tr -d '\r' < "$dir/console.txt")
}

# show: what epunk printed and its status, indented.
show() {
	echo "  status $rc; printed:"
	printf '%s\n' "$out" | sed 's/^/    | /'
}

# expect_reason CASE INITRD APPEND PREFIX: one line starting with PREFIX, a non-zero status that is
# neither a panic, a hang nor a QEMU failure.
expect_reason() {
	local case=$1 initrd=$2 append=$3 prefix=$4 lines
	boot "$initrd" "$append"
	lines=$(printf '%s\n' "$out" | grep -c .)
	show
	case $rc in
	0) fail "$case: status 0 (the bad file was run?)" ;;
	100) fail "$case: status 100 (a kernel panic)" ;;
	124) fail "$case: status 124 (a hang)" ;;
	125) fail "$case: status 125 (QEMU failed)" ;;
	*)
		if [ "$lines" != 1 ] || [[ $out != "$prefix"?* ]]; then
			fail "$case: expected one line '$prefix<reason>', got $lines lines"
		else
			pass "$case: status $rc, one line: ${out#"$prefix"}"
		fi ;;
	esac
}

if [ ! -f build/epunk.elf ]; then
	echo "badexe.sh: no build/epunk.elf (run make first, from the top of the tree)" >&2
	exit 2
fi
mkdir -p "$dir/bad" "$dir/cpio"

# The good executable, and a dynamically linked build of the same program.
cat > "$dir/prog.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("%s: %d arguments\n", argv[0], argc - 1);
	return 5;
}
EOF
if ! musl-gcc -static -O2 "$dir/prog.c" -o "$dir/good" || ! gcc -O2 "$dir/prog.c" -o "$dir/bad/dynamic" ||
	! gcc -O2 -c "$dir/prog.c" -o "$dir/bad/object"; then
	echo "badexe.sh: cannot build the good and dynamic programs" >&2
	exit 2
fi
good=$dir/good
size=$(stat -c %s "$good")

head -c 100 "$good" > "$dir/bad/trunc-100"
# Cut in the middle of the loadable segment with the most bytes in the file.
seg_off=0
seg_size=0
while read -r type off _ _ filesz _; do
	if [ "$type" = LOAD ] && [ $((filesz)) -gt "$seg_size" ]; then
		seg_off=$((off))
		seg_size=$((filesz))
	fi
done < <(readelf -lW "$good")
if [ "$seg_size" = 0 ]; then
	echo "badexe.sh: no loadable segment with file bytes in $good" >&2
	exit 2
fi
head -c $((seg_off + seg_size / 2)) "$good" > "$dir/bad/trunc-segment"
cp "$good" "$dir/bad/aarch64"
patch "$dir/bad/aarch64" 18 '\267\000'		# e_machine = 183 (EM_AARCH64)
cp "$good" "$dir/bad/elf32"
patch "$dir/bad/elf32" 4 '\001'			# EI_CLASS = ELFCLASS32
printf 'This is a text file, not a program.\nSecond line.\n' > "$dir/bad/text"
: > "$dir/bad/empty"
head -c 40 "$good" > "$dir/bad/trunc-40"		# shorter than an ELF header

echo "== the good program ($size bytes; its segment at $seg_off has $seg_size bytes in the file)"
cpio_newc "$dir/cpio/good.cpio" bin/prog "$good"
boot "$dir/cpio/good.cpio" "quiet app=prog args=\"a b\""
show
if [ "$rc" = 5 ] && [ "$out" = "prog: 2 arguments" ]; then
	pass "good program in a cpio archive: runs, status 5"
else
	fail "good program in a cpio archive: expected 'prog: 2 arguments' and status 5"
fi
boot "$good" "quiet app=app"
show
if [ "$rc" = 5 ] && [ "$out" = "app: 0 arguments" ]; then	# a raw initrd runs as /bin/app
	pass "good program as the raw initrd: runs, status 5"
else
	fail "good program as the raw initrd: expected 'app: 0 arguments' and status 5"
fi

for c in trunc-100 trunc-segment aarch64 dynamic text elf32 empty trunc-40 object; do
	echo "== $c ($(stat -c %s "$dir/bad/$c") bytes), as /bin/prog in a cpio archive, app=prog"
	cpio_newc "$dir/cpio/$c.cpio" bin/prog "$dir/bad/$c"
	expect_reason "$c (cpio)" "$dir/cpio/$c.cpio" "quiet app=prog" "epunk: cannot run /bin/prog: "
done
# Given raw, a file that is not ELF is taken for a (bad) cpio archive: any one-line reason will do.
for c in trunc-100 aarch64 dynamic text elf32 empty; do
	echo "== $c as the raw initrd"
	expect_reason "$c (raw)" "$dir/bad/$c" "quiet app=app" ""
done
echo "badexe: $passed passed, $failed failed"
[ "$failed" = 0 ]
