#!/usr/bin/env bash
#  test_config.sh — configuration errors are caught before any work starts,
#  with the file, the line and the key; secrets files must be private.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
TMP=$(mktemp -d /tmp/eod-config.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
#  The demo's keys without the line that says they are the simulator's.
grep -v '^demo_keys' "$ROOT/config/demo.ini" >"$TMP/open.ini"; chmod 644 "$TMP/open.ini"
out=$("$BIN/eod-coordinator" --config "$TMP/open.ini" --check-config 2>&1); rc=$?
check "a secrets file readable by others is refused (exit 2)" [ "$rc" = 2 ]
check "... and the message names the file and says why" grep -q "open.ini: holds secrets and is readable by group or others" <<<"$out"
printf '[kis]\nkeys = second\n[second]\nkey = k2\nsecret_key = s2\n' >"$TMP/apps.ini"; chmod 640 "$TMP/apps.ini"
out=$("$BIN/eod-writer" --config "$TMP/apps.ini" --check-config 2>&1); rc=$?
check "... the secrets of an app-key section [kis] keys names count too" \
    bash -c "[ $rc = 2 ] && grep -q 'apps.ini: holds secrets' <<<'$out'"
cp "$ROOT/config/demo.ini" "$TMP/ok.ini"; chmod 600 "$TMP/ok.ini"
check "the demo config is valid when private" "$BIN/eod-coordinator" --config "$TMP/ok.ini" --check-config
check "the demo config as committed ($(stat -c %a "$ROOT/config/demo.ini")) is valid: demo_keys on loopback" \
    "$BIN/eod-coordinator" --config "$ROOT/config/demo.ini" --check-config
sed 's#^live_url = .*#live_url = https://openapi.koreainvestment.com:9443#' "$ROOT/config/demo.ini" >"$TMP/demo-real.ini"
chmod 644 "$TMP/demo-real.ini"
out=$("$BIN/eod-coordinator" --config "$TMP/demo-real.ini" --check-config 2>&1); rc=$?
check "demo_keys with the real KIS host is refused (exit 2)" [ "$rc" = 2 ]
check "... naming the key that is not on loopback" grep -q "demo-real.ini:[0-9]*: \[pipeline\] demo_keys: .*\[kis\] live_url is not on loopback" <<<"$out"
sed 's#^endpoint = http://127.0.0.1:18081#endpoint = http://s3.example.com#' "$TMP/ok.ini" >"$TMP/clear.ini"; chmod 600 "$TMP/clear.ini"
out=$("$BIN/eod-uploader" --config "$TMP/clear.ini" --check-config 2>&1); rc=$?
check "an http:// S3 endpoint off loopback is refused (exit 2)" [ "$rc" = 2 ]
check "... with file:line, key and why" grep -q "clear.ini:[0-9]*: \[s3\] endpoint: http:// would send secrets in clear" <<<"$out"
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
printf '[kis]\nrate = fast\n[pipelin]\nfetchers = 3\n[schedule]\nkr_time = 25:99\nmarkets = xx\n[s3]\nprefix = ../x\nbucket = My_Bucket\n' \
    >"$TMP/many.ini"; chmod 600 "$TMP/many.ini"
out=$("$BIN/eod-calendar" --config "$TMP/many.ini" --check-config 2>&1); rc=$?
check "every error of a file is listed at once (exit $rc, $(grep -c '^.*many.ini:[0-9]*: ' <<<"$out") lines)" \
    bash -c "[ $rc = 2 ] && [ \$(grep -c 'many.ini:[0-9]*: ' <<<'$out') = 6 ]"
check "... an unknown section names the nearest known one" grep -q "many.ini:3: \[pipelin\]: unknown section (the nearest known is \[pipeline\]" <<<"$out"
check "... a time of day out of range" grep -q "many.ini:6: \[schedule\] kr_time: '25:99' is not a time of day" <<<"$out"
check "... a market that is not one" grep -q "many.ini:7: \[schedule\] markets: 'xx' is not kr or us" <<<"$out"
check "... a prefix that climbs out" grep -q "many.ini:9: \[s3\] prefix: '../x' has a '..' segment" <<<"$out"
check "... a bucket name S3 refuses" grep -q "many.ini:10: \[s3\] bucket: 'My_Bucket'" <<<"$out"
printf '[multiquote]\nbatch_size = 31\nunits_per_batch = 0\nwindow_start = 18:60\nwindow_end = 8\ntolerance_close = -1\ncross_check = maybe\n' \
    >"$TMP/mq.ini"; chmod 600 "$TMP/mq.ini"
out=$("$BIN/eod-coordinator" --config "$TMP/mq.ini" --check-config 2>&1); rc=$?
check "[multiquote]: every bad key refused at once (exit $rc)" \
    bash -c "[ $rc = 2 ] && [ \$(grep -c 'mq.ini:[0-9]*: \[multiquote\]' <<<'$out') = 6 ]"
check "... a batch over 30 codes" grep -q "mq.ini:2: \[multiquote\] batch_size: 31 is outside 1..30" <<<"$out"
check "... a window time that is not one" grep -q "mq.ini:4: \[multiquote\] window_start: '18:60' is not a time of day" <<<"$out"
printf '[multiquote]\nunits_per_batch = 21\n' >"$TMP/units.ini"; chmod 600 "$TMP/units.ini"
"$BIN/eod-lister" --config "$TMP/units.ini" --check-config >"$TMP/units.out" 2>&1; rc=$?
check "a batch dearer than the key's budget of a second is refused (exit $rc)" [ "$rc" = 2 ]
check "... with file:line, key and why" \
    grep -q "units.ini:2: \[multiquote\] units_per_batch: 21 is more than an app key's budget of 20" "$TMP/units.out"
printf '[kis]\nrate = 30\n[multiquote]\nunits_per_batch = 30\n' >"$TMP/units30.ini"; chmod 600 "$TMP/units30.ini"
check "... taken when [kis] rate allows it" "$BIN/eod-lister" --config "$TMP/units30.ini" --check-config
mkdir "$TMP/dir.ini"; : >"$TMP/empty.ini"
for f in "$TMP/dir.ini" /dev/null "$TMP/empty.ini"; do
    out=$("$BIN/eod-writer" --config "$f" --check-config 2>&1); rc=$?
    check "--config $(basename "$f") is refused (exit $rc): $(head -n1 <<<"$out" | sed 's/.*: //')" \
        bash -c "[ $rc = 2 ] && grep -qE 'is a directory|is not a regular file|is empty' <<<'$out'"
done
printf '[pipeline]\nstate_dir = %s\ndata_dir = %s\n' "$TMP/state" "$TMP/data" >"$TMP/paths.ini"
for p in calendar lister coordinator fetcher writer uploader notifier; do
    "$BIN/eod-$p" --config "$TMP/paths.ini" --check-config >/dev/null 2>&1
done
check "--check-config of every stage creates nothing (no state or data directory)" \
    bash -c "[ ! -e '$TMP/state' ] && [ ! -e '$TMP/data' ]"
check "config/config.ini.example passes --check-config as it is" \
    "$BIN/eod-coordinator" --config "$ROOT/config/config.ini.example" --check-config
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
for dump in "--dump-master kospi" "--dump-master kosdaq" "--dump-cod"; do
    # shellcheck disable=SC2086   # the dump's words
    timeout 20 "$BIN/eod-lister" $dump /dev/zero >/dev/null 2>"$TMP/zero.err"; rc=$?
    check "eod-lister $dump /dev/zero ends with an error at the size limit (exit $rc)" \
        bash -c "[ $rc = 2 ] && grep -q '/dev/zero: more than .* bytes: no master file is this big' '$TMP/zero.err'"
done
summary
