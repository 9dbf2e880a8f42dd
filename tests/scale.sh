#!/bin/bash
# SPDX-License-Identifier: MIT
# make test's short reliability run: tools/soak.sh with small figures (2,000 connections held,
# a burst of 3,000 connects past the listen backlog, 5,000 churn cycles), every leak counter
# checked against its baseline. Prints PASS/FAIL lines and the soak summary; exit status as
# tools/soak.sh (77: cannot run here).
set -u
cd "$(dirname "$0")/.." || exit 1
exec tools/soak.sh --conns "${SCALE_CONNS:-2000}" --burst "${SCALE_BURST:-3000}" \
	--cycles "${SCALE_CYCLES:-5000}" --no-faults --out "${OUT:-build/test/scale}"
