echo "== headers: each declares only functions its own folder defines (tools/build/check-headers.py)"
if python3 tools/build/check-headers.py build > "$out/headers.txt" 2>&1; then
	pass "headers: every declared function is defined in the header's own folder"
else
	cat "$out/headers.txt"
	fail "headers" "see $out/headers.txt"
fi
