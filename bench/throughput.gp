# throughput.gp — requests per second over a run against the request budget,
# one line per configuration (bench/throughput.sh writes the data and calls it).
#
#   gnuplot -e "outfile='a.svg'; heading='...'; files='x.tsv y.tsv'; titles='F=4 F=8'; budget=20; paced=18.96" \
#           bench/throughput.gp
#
# Each data file holds "seconds-since-the-first-request <tab> requests in the
# trailing 1 s" lines. budget draws the limiter's line; paced (optional) the
# rate the coordinator's pacer aims at. Titles are single words.
set terminal svg size 1000,560 dynamic enhanced font 'sans,12' background rgb 'white'
set output outfile
set title heading noenhanced
set xlabel 'seconds since the first request'
set ylabel 'requests in the trailing 1 s (simulator, sampled every 0.2 s)'
set key outside right top noenhanced
set grid
set yrange [0:budget * 1.25]
set xrange [0:*]
if (!exists("paced")) paced = 0
plot for [i=1:words(files)] word(files, i) using 1:2 with lines lw 1.5 title word(titles, i), \
     budget with lines dt 2 lw 2 lc rgb 'red' title sprintf('budget %g/s', budget), \
     (paced > 0 ? paced : NaN) with lines dt 3 lw 1.5 lc rgb 'gray40' title sprintf('pacer %.2f/s', paced)
