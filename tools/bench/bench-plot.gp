# SPDX-License-Identifier: MIT
# The benchmark's picture: throughput (left) and p99 round trip (right) against connections, one
# line per system and message size. tools/bench/bench.sh runs it as
#   gnuplot -e "datafile='...'; outfile='...'; nsys=N; nsizes=M; maxconns=C; title='...'" bench-plot.gp
# datafile (written by tools/bench/bench-report.py) holds nsys*nsizes blocks, system-major, each headed
# by its title and listing "connections req/s p99_us" (NaN where a configuration failed).
# Colour = message size, line style = system (solid epunk, dashed the baseline).

set terminal pngcairo size 1400,560 font "sans,10"
set output outfile
set multiplot layout 1,2 title title font "sans,12"

set logscale x
set xrange [0.7:maxconns * 1.5]
set xlabel "connections"
set grid
set key top left box opaque
nblocks = nsys * nsizes

set title "throughput"
set ylabel "requests/s"
set yrange [0:*]
set format y "%.0s%c"
if (nblocks == 0) {
	set label 1 "no configuration succeeded" at graph 0.5, 0.5 center
	plot NaN notitle
} else {
	plot for [i = 0:nblocks - 1] datafile index i using 1:2 with linespoints \
		lc (i % nsizes + 1) dt 0 + (i / nsizes + 1) pt (i / nsizes == 0 ? 7 : 6) lw 2 \
		title columnheader(1)
}

set title "p99 round trip"
set ylabel "p99 (µs)"
set logscale y
set yrange [*:*]
set format y "%.0f"
set key top left
if (nblocks == 0) {
	plot NaN notitle
} else {
	plot for [i = 0:nblocks - 1] datafile index i using 1:3 with linespoints \
		lc (i % nsizes + 1) dt 0 + (i / nsizes + 1) pt (i / nsizes == 0 ? 7 : 6) lw 2 \
		title columnheader(1)
}
unset multiplot
