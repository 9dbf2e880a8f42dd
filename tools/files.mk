# SPDX-License-Identifier: MIT
# tools: the host programs the benchmarks and tests drive the guest with, one rule for all.
#   echobench  closed-loop echo client with a latency histogram (make bench, make trace)
#   loadgen    connections held, churn and bursts (make soak, tests/scale.sh)
#   wire       the impairing Ethernet wire and hostile-frame injector (tests/net-faults.sh)
HOST_TOOLS := echobench loadgen wire
HOST_TOOL_FLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread
$(addprefix $(B)/,$(HOST_TOOLS)): $(B)/%: tools/%.c tools/files.mk
	@mkdir -p $(@D)
	$(say) HOSTCC $<
	$(Q)$(HOSTCC) $(HOST_TOOL_FLAGS) $< -o $@
