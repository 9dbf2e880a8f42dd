echo "== KVM smoke boot"
if grep -qE '\b(vmx|svm)\b' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	ACCEL=kvm boot kvm "ktest=boot,lapic"
	if [ "$rc" = 0 ] && grep -q '^ktest: [1-9][0-9]* passed, 0 failed$' "$out/kvm.txt"; then
		pass "kvm smoke boot"
	else
		fail "kvm smoke boot" "exit status $rc (see $out/kvm.txt)"
	fi
else
	skip "kvm smoke boot" "this host has no hardware virtualization (no vmx/svm in /proc/cpuinfo)"
fi
