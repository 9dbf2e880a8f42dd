echo "== virtio-net without MSI-X: the vnet suite over INTx through the IOAPIC"
NET=user-intx boot vnet-intx "ktest=vnet"
if [ "$rc" = 0 ] && expect_in "vnet over INTx" "$out/vnet-intx.txt" "INTx GSI " \
	"10.0.2.2 is at" "ktest: suite vnet: "; then
	pass "vnet over INTx"
elif [ "$rc" != 0 ]; then
	fail "vnet over INTx" "exit status $rc (see $out/vnet-intx.txt)"
fi
