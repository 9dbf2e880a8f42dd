# SPDX-License-Identifier: MIT
# make bench-redis's picture: requests/s (left) and p99 (right) per configuration, one bar per
# system. tools/bench/bench.sh runs it as
#   gnuplot -e "datafile='...'; outfile='...'; nsys=N; title='...'; sys1='epunk'; sys2='Linux'" \
#       bench-redis-plot.gp
# datafile (written by tools/bench/bench-report.py) has a line per configuration: its label, the
# requests/s of each system, then the p99 (µs) of each (NaN where a configuration failed).

set terminal pngcairo size 1400,560 font "sans,10"
set output outfile
set multiplot layout 1,2 title title font "sans,12"

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key top left box opaque
set xtics rotate by -30 nomirror
set logscale y

set title "throughput (higher is better)"
set ylabel "requests/s"
set format y "%.0s%c"
if (nsys == 1) {	# (an empty loop over '' makes gnuplot give up)
	plot datafile using 2:xtic(1) title sys1
} else {
	plot datafile using 2:xtic(1) title sys1, \
		for [i = 2:nsys] '' using (column(1 + i)) title (i == 2 ? sys2 : "")
}

set title "p99 latency (lower is better)"
set ylabel "p99 (µs)"
set format y "%.0f"
if (nsys == 1) {
	plot datafile using 3:xtic(1) title sys1
} else {
	plot datafile using (column(2 + nsys)):xtic(1) title sys1, \
		for [i = 2:nsys] '' using (column(1 + nsys + i)) title (i == 2 ? sys2 : "")
}
unset multiplot
