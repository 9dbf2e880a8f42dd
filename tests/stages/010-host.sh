echo "== host unit tests (kernel sources built for the host, ASan + UBSan)"
build/host/unittest all > "$out/host.log" 2>&1
rc=$?
cat "$out/host.log"
if ! counts "$out/host.log"; then
	fail "host unit tests" "no summary line (exit status $rc; sanitizer report above?)"
elif [ "$rc" != 0 ] && ! grep -qE ' [1-9][0-9]* failed$' "$out/host.log"; then
	fail "host unit tests" "exit status $rc with no failed case"
fi
