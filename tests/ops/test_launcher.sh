#!/usr/bin/env bash
#  test_launcher.sh — every flag of launch/eod is checked before anything
#  starts: a missing or bad value, or flags that contradict each other, exit
#  2 with one line saying why and the usage; nothing is built, no state
#  directory made, no stage started. Each case prints how long it took.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-launcher.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
#  A copy of the launcher, so that the state directory it would make is the
#  test's own ($TMP/root/state); cmake, apt-get and sudo that only say they
#  were called, so that a check that lets a command through shows as a build.
mkdir -p "$TMP/root" "$TMP/fake"
cp -a "$ROOT/launch" "$ROOT/config" "$ROOT/CMakeLists.txt" "$TMP/root/"
for tool in cmake apt-get sudo npm; do
    printf '#!/bin/sh\ntouch "%s/called-%s"\nexit 1\n' "$TMP" "$tool" >"$TMP/fake/$tool"
    chmod +x "$TMP/fake/$tool"
done
L=$TMP/root/launch/eod
: >"$TMP/codes.txt"
printf '[pipeline]\nstate_dir = %s/cfgstate\n' "$TMP" >"$TMP/ok.ini"; chmod 600 "$TMP/ok.ini"

#  refused WHY_PATTERN ARGS...: exit 2, the first line "eod: ..." matching
#  WHY_PATTERN, then the usage; nothing built (no build dir), nothing made.
refused() {
    local why=$1; shift
    local start=$EPOCHREALTIME rc=0
    PATH=$TMP/fake:$PATH EOD_BUILD_DIR=$TMP/nobuild EOD_CONFIG="" "$L" "$@" >"$TMP/out" 2>&1 </dev/null || rc=$?
    local ms=$(( (${EPOCHREALTIME/[.,]/} - ${start/[.,]/}) / 1000 ))
    local first
    first=$(head -n1 "$TMP/out")
    if [ "$rc" = 2 ] && [[ $first == "eod: "*"$why"* ]] && grep -q 'launch/eod run --market' "$TMP/out"; then
        ok "$* -> exit 2 in $ms ms: $first"
    else
        bad "$* -> exit $rc in $ms ms: $first (wanted exit 2, '$why' and the usage)"
    fi
    if ls "$TMP"/called-* >/dev/null 2>&1 || [ -e "$TMP/nobuild" ] || [ -e "$TMP/root/state" ]; then
        bad "... it went on: $(ls "$TMP" | tr '\n' ' ')"
        rm -rf "$TMP"/called-* "$TMP/nobuild" "$TMP/root/state"
    fi
}

echo "# run"
refused "--market needs" run --market
refused "--market 'xx'" run --market xx
refused "--date needs" run --date
refused "--date needs a value, not the flag --market" run --date --market kr
refused "an empty value" run --date ""
refused "2024-02-30' is not in the calendar" run --date 2024-02-30
refused "2023-02-29' is not in the calendar" run --date 2023-02-29
refused "no month 13" run --date 2024-13-45
refused "not a date" run --date 20240102
refused "not a date" run --date 2024-1-2
refused "outside 1900..2999" run --date 0024-01-02
refused "--from '2024-02-31' is not in the calendar" run --from 2024-02-31 --to 2024-03-01
refused "--to 'x' is not a date" run --from 2024-02-01 --to x
refused "--from without --to" run --from 2024-02-01
refused "--to without --from" run --to 2024-02-01
refused "after --to" run --from 2024-02-02 --to 2024-02-01
refused "--date and --from/--to contradict" run --date 2024-02-01 --from 2024-02-01 --to 2024-02-02
refused "--fetchers 'abc'" run --fetchers abc
refused "--fetchers '-1'" run --fetchers -1
refused "--fetchers '257'" run --fetchers 257
refused "--fetchers needs" run --fetchers
refused "--config needs" run --config
refused "--config $TMP/none.ini: no such file" run --config "$TMP/none.ini"
refused "--config $TMP: not a regular file" run --config "$TMP"
refused "--codes $TMP/none: no such file" run --codes "$TMP/none"
refused "unknown option --dates" run --dates 2024-02-01
refused "unknown option kr" run kr
refused "--no-cross-check: a range (backfill) is never cross-checked" run --no-cross-check --from 2024-02-01 --to 2024-02-02
refused "--no-cross-check: only a KR daily run" run --market us --no-cross-check
refused "unknown option --no-cross-checks" run --no-cross-checks

echo "# close"
refused "close: --market 'us': the fast close is of a KR session only" close --market us
refused "close: --from: the fast close is of one session" close --from 2024-02-01 --to 2024-02-02
refused "close: --no-cross-check: the fast close is not cross-checked" close --no-cross-check
refused "close: --date '2024-02-30' is not in the calendar" close --date 2024-02-30
refused "close: --date needs" close --date
refused "close: --fetchers 'x'" close --fetchers x
refused "close: unknown option --mode" close --mode daily

echo "# backfill"
refused "--market all is not supported" backfill --market all --from 2024-01-02 --to 2024-01-03
refused "--months needs 2" backfill --months 202401
refused "--months '202413' is not a month" backfill --months 202413 202501
refused "--months '2024' is not a month" backfill --months 2024 202401
refused "the first month is after the second" backfill --months 202402 202401
refused "--months and --from/--to contradict" backfill --months 202401 202401 --from 2024-01-02 --to 2024-01-03
refused "--gaps refills the recorded ranges" backfill --gaps --from 2024-01-02 --to 2024-01-03
refused "--gaps refills the recorded ranges" backfill --gaps --months 202401 202401
refused "--gaps refills the recorded codes" backfill --gaps --codes "$TMP/codes.txt"
refused "--from D --to D, or --months" backfill --market kr
refused "unknown option --date" backfill --date 2024-01-02
refused "--fetchers 'x'" backfill --from 2024-01-02 --to 2024-01-03 --fetchers x
refused "--from without --to" backfill --from 2024-01-02

echo "# service, fetchers, status, stage, keygen, demo, build, test"
refused "--fetchers 'many'" service --fetchers many
refused "--config needs" service --config
refused "unknown option --once" service --once
refused "how many" fetchers
refused "N 'abc'" fetchers abc
refused "N '0'" fetchers 0
refused "--connect 'host:1' is not" fetchers 1 --connect host:1
refused "--config $TMP/none.ini: no such file" fetchers 1 --config "$TMP/none.ini"
refused "unknown option --x" fetchers 1 --x
refused "unknown option --x" status --x
refused "--timeout-ms 'soon'" status --timeout-ms soon
refused "--config $TMP/none.ini: no such file" status --config "$TMP/none.ini"
refused "stage: which" stage
refused "stage: 'bogus' is none of" stage bogus
refused "stage: '../bin/sh' is none of" stage ../bin/sh
refused "keygen: DIR NAME" keygen
refused "'../x' is not a host name" keygen "$TMP/keys" ../x
refused "'server' is not a host name" keygen "$TMP/keys" server
refused "demo: takes no option" demo now
refused "build: takes no option" build --fast
refused "test: unknown option --quick" test --quick
refused "test: one option at most" test --full --full
refused "unknown command 'runn'" runn

echo "# checks that need the build (exit 2 in under a second once built)"
t0=$EPOCHREALTIME
out=$(EOD_CONFIG="" "$L" run --config "$TMP/ok.ini" --fetchers 0 2>&1); rc=$?
ms=$(( (${EPOCHREALTIME/[.,]/} - ${t0/[.,]/}) / 1000 ))
check "run --fetchers 0 with an ipc:// fetchers endpoint -> exit 2 in $ms ms: $(head -n1 <<<"$out")" \
    bash -c "[ $rc = 2 ] && grep -q 'fetchers 0 starts no fetcher' <<<\"\$1\"" _ "$out"
check "... and no state directory was made" [ ! -e "$TMP/cfgstate" ] 
check "... nor a private copy of the config" [ ! -e "$TMP/root/state" ]
printf '[pipeline]\nstate_dir = %s/cfgstate\n[live_app]\nkey = k\nsecret_key = s\n' "$TMP" >"$TMP/open.ini"
chmod 644 "$TMP/open.ini"
out=$(EOD_CONFIG="" "$L" run --config "$TMP/open.ini" 2>&1); rc=$?
check "run with a secrets file others may read -> exit 2 before any copy: $(head -n1 <<<"$out")" \
    bash -c "[ $rc = 2 ] && grep -q 'holds secrets and is readable' <<<\"\$1\" && [ ! -e '$TMP/root/state' ]" _ "$out"
out=$(EOD_CONFIG="" "$L" backfill --market us --gaps --config "$TMP/ok.ini" 2>&1); rc=$?
check "valid flags get through (backfill --gaps with nothing recorded: exit $rc)" \
    bash -c "[ $rc = 0 ] && grep -q 'no gaps recorded for us' <<<\"\$1\"" _ "$out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
