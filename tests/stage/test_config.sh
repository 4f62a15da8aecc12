#!/usr/bin/env bash
#  test_config.sh — configuration errors are caught before any work starts,
#  with the file, the line and the key; secrets files must be private.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-config.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cp "$ROOT/config/demo.ini" "$TMP/open.ini"; chmod 644 "$TMP/open.ini"
out=$("$BIN/eod-coordinator" --config "$TMP/open.ini" --check-config 2>&1); rc=$?
check "a secrets file readable by others is refused (exit 2)" [ "$rc" = 2 ]
check "... and the message names the file and says why" grep -q "open.ini: holds secrets and is readable by group or others" <<<"$out"
cp "$ROOT/config/demo.ini" "$TMP/ok.ini"; chmod 600 "$TMP/ok.ini"
check "the demo config is valid when private" "$BIN/eod-coordinator" --config "$TMP/ok.ini" --check-config
sed 's/^rate = 20/rate = fast/' "$TMP/ok.ini" >"$TMP/bad.ini"; chmod 600 "$TMP/bad.ini"
out=$("$BIN/eod-writer" --config "$TMP/bad.ini" --check-config 2>&1); rc=$?
line=$(grep -n '^rate = fast' "$TMP/bad.ini" | cut -d: -f1)
check "a bad value is refused (exit 2)" [ "$rc" = 2 ]
check "... naming file:line and key" grep -q "bad.ini:$line: \[kis\] rate: 'fast' is not a whole number" <<<"$out"
printf '[pipeline]\nfetcherz = 3\n' >"$TMP/typo.ini"; chmod 600 "$TMP/typo.ini"
out=$("$BIN/eod-lister" --config "$TMP/typo.ini" --check-config 2>&1); rc=$?
check "an unknown key in our sections is refused" grep -q "typo.ini:2: \[pipeline\] fetcherz: unknown key" <<<"$out"
printf '[kis]\nrate = 999999\n' >"$TMP/range.ini"; chmod 600 "$TMP/range.ini"
out=$("$BIN/eod-lister" --config "$TMP/range.ini" --check-config 2>&1)
check "an out-of-range value is refused with its bounds" grep -q "range.ini:2: \[kis\] rate: 999999 is outside 0..100000" <<<"$out"
"$BIN/eod-coordinator" --config-example >"$TMP/example.ini"
check "config/config.ini.example matches the key table (eod-coordinator --config-example)" cmp -s "$TMP/example.ini" "$ROOT/config/config.ini.example"
for p in calendar lister coordinator fetcher writer uploader notifier; do
    check "eod-$p --version" bash -c "'$BIN/eod-$p' --version | grep -q '^eod-$p '"
    check "eod-$p --help" bash -c "'$BIN/eod-$p' --help | grep -q usage"
done
out=$("$BIN/eod-calendar" --market kr --closed 2024-09-01 2024-09-30)
check "eod-calendar --closed lists the Chuseok weekdays" [ "$out" = "$(printf '2024-09-16\n2024-09-17\n2024-09-18')" ]
out=$("$BIN/eod-calendar" --market kr --sessions 2016-07-29 2016-08-01)
check "eod-calendar --sessions shows the 2016 change of closing time" [ "$out" = "$(printf '2016-07-29 09:00 15:00\n2016-08-01 09:00 15:30')" ]
"$BIN/eod-calendar" --market kr --closed 2030-01-01 2030-01-31 >/dev/null 2>"$TMP/unknown.err"; rc=$?
check "a date past the table is 'unknown', not a guess (exit 3)" bash -c "[ $rc = 3 ] && grep -q unknown '$TMP/unknown.err'"
out=$("$BIN/eod-lister" --dump-master kospi "$ROOT/tests/data/master/kospi_code.mst" | head -n1)
check "eod-lister --dump-master prints a header line" grep -q "^short_code,standard_code,name,group_code,market_cap,krx300" <<<"$out"
summary
