#!/usr/bin/env bash
#  stage_wrap.sh NAME PROGRAM ARGS... — the benchmarks' EOD_STAGE_WRAP: runs
#  PROGRAM under `/usr/bin/time -v`, its report in $BENCH_TIME_DIR/NAME.time.
#  A TERM or INT from the launcher (a straggler stopped) goes to the program,
#  not to time, so time still writes its report.
name=$1; shift
/usr/bin/time -v -o "$BENCH_TIME_DIR/$name.time" "$@" &
tpid=$!
forward() { sig=1; local c; for c in $(pgrep -P "$tpid"); do kill -"$1" "$c" 2>/dev/null; done; }
trap 'forward TERM' TERM
trap 'forward INT' INT
#  A trapped signal interrupts wait: wait again for the program's own status
#  (bash keeps it), so a late TERM does not turn an exit 0 into 143.
rc=0
while :; do
    sig=0
    wait "$tpid"; r=$?
    [ "$r" != 127 ] && rc=$r
    [ "$sig" = 1 ] || break
done
exit "$rc"
