# same_as_linux APP ARGS APPEND: build APP (a C file) for host Linux and with APP_SRC= for epunk,
# run both with ARGS (epunk's kernel command line gets APPEND too); the output and exit status
# must be the same.
same_as_linux() {
	local app=$1 args=$2 append=$3 name linux_rc epunk_rc
	name=$(basename "$app" .c)
	if gcc -std=gnu11 -O2 -Wall -Wextra -Werror -pthread "$app" -o "$out/$name-linux" &&
		timeout -k 5 120 "$out/$name-linux" $args > "$out/$name-linux.txt" 2>&1; then
		linux_rc=0
	else
		linux_rc=$?
	fi
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory B="build/appsrc-$name" \
		APP_SRC="$app" > "$out/$name-build.log" 2>&1; then
		tail -20 "$out/$name-build.log"
		fail "APP_SRC=$app" "does not build (see $out/$name-build.log)"
		return
	fi
	tools/run/qemu.sh --kernel "build/appsrc-$name/epunk.elf" --timeout 120 \
		--append "quiet${args:+ args=\"$args\"}${append:+ $append}" \
		--log "$out/$name-epunk.log" 2> "$out/$name-epunk.err"
	epunk_rc=$?
	tr -d '\r' < "$out/$name-epunk.log" > "$out/$name-epunk.txt"
	if [ "$epunk_rc" = "$linux_rc" ] && cmp -s "$out/$name-linux.txt" "$out/$name-epunk.txt"; then
		pass "APP_SRC=$app${args:+ $args}${append:+ ($append)}: same output and status ($epunk_rc) as on Linux"
	else
		diff "$out/$name-linux.txt" "$out/$name-epunk.txt" | head -20
		fail "APP_SRC=$app" "status $epunk_rc vs Linux $linux_rc, or output differs"
	fi
}

echo "== a Linux program built unchanged with APP_SRC= behaves as on Linux"
same_as_linux tests/apps/pingpong.c "" ""

echo "== eventpoll under preemption: epoll_ctl's loop and path checks racing removals (10 s)"
same_as_linux tests/apps/epstress.c 10 timeslice_ms=1
