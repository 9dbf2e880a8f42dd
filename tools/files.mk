# SPDX-License-Identifier: MIT
# tools: build steps (build/), running and debugging the guest (run/), the benchmarks and their
# clients (bench/), the peers the network tests talk to (peers/), and the shell helpers all of
# them share (lib.sh). The host programs, one rule for all, each built into $(B)/NAME:
#   bench/echobench  closed-loop echo client with a latency histogram (make bench, make trace)
#   bench/loadgen    connections held, churn and bursts (make soak, tests/scale.sh)
#   peers/wire       the impairing Ethernet wire and hostile-frame injector (tests/net-faults.sh)
HOST_TOOLS := bench/echobench bench/loadgen peers/wire
HOST_TOOL_FLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread
define host_tool_rule
$(B)/$(notdir $(1)): tools/$(1).c tools/files.mk
	@mkdir -p $$(@D)
	$$(say) HOSTCC $$<
	$$(Q)$$(HOSTCC) $$(HOST_TOOL_FLAGS) $$< -o $$@
endef
$(foreach t,$(HOST_TOOLS),$(eval $(call host_tool_rule,$(t))))
