echo "== bad syscall input: the badsys table's expectations checked on host Linux"
# The guest runs the same rows in ktest=all (suite badsys); here each expected errno is proven
# to be Linux's own.
if gcc -std=gnu11 -O1 -Wall -Wextra -Werror tests/badsys/host.c -o "$out/badsys-host" \
	> "$out/badsys-host.txt" 2>&1 && timeout -k 5 30 "$out/badsys-host" >> "$out/badsys-host.txt" 2>&1; then
	pass "badsys: $(sed -n 's/^badsys-host: \([0-9]*\) rows.*/\1/p' "$out/badsys-host.txt") rows match Linux"
else
	cat "$out/badsys-host.txt"
	fail "badsys: table vs Linux" "see $out/badsys-host.txt"
fi
