#!/usr/bin/env bash
#  test_duplicates.sh — one piece of code for each thing: jscpd (pinned in
#  tests/build/package.json, installed into tests/build/node_modules when
#  missing) looks for code written twice in the C sources of stages/,
#  common/, proto/ and tools/. Every clone of MIN_LINES lines or more is a
#  failure, printed with both places. A jscpd that cannot be installed is a
#  failure too, not a skip: the check that keeps the tree free of clones must
#  not disappear quietly. Prints "duplicates: N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/build"
JSCPD="$HERE/node_modules/.bin/jscpd"
#  The version package.json pins; a different one in node_modules is replaced.
readonly JSCPD_VERSION=5.3.2
#  The shortest run of shared lines that counts as a clone.
readonly MIN_LINES=6
readonly AREAS=(stages common proto tools)
passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }
summary() { echo "duplicates: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

#  s_installed: 0 when node_modules holds the pinned jscpd.
s_installed() {
    [ -x "$JSCPD" ] && [ "$("$JSCPD" --version 2>/dev/null)" = "jscpd $JSCPD_VERSION" ]
}

if ! s_installed; then
    if ! command -v npm >/dev/null 2>&1; then
        fail "jscpd $JSCPD_VERSION is not in tests/build/node_modules and there is no npm to install it"
        summary
    fi
    echo "installing jscpd $JSCPD_VERSION (npm) into tests/build/node_modules"
    #  npm ci installs exactly the lock; npm install is the fallback for an npm
    #  too old to read it.
    (cd "$HERE" && { npm ci --no-audit --no-fund --loglevel=error >"$TMP/npm.log" 2>&1 \
                     || npm install --no-audit --no-fund --loglevel=error >>"$TMP/npm.log" 2>&1; })
    if ! s_installed; then
        fail "jscpd $JSCPD_VERSION could not be installed into tests/build/node_modules:"
        head -n 6 "$TMP/npm.log" | sed 's/^/    /'
        summary
    fi
fi
ok "jscpd $JSCPD_VERSION is installed"

#  s_scan OUT DIR...: runs jscpd over the C sources of DIR... with the JSON
#  report in OUT; 0 when it ran.
s_scan() {
    local out=$1
    shift
    "$JSCPD" --min-lines "$MIN_LINES" --format c --absolute --no-colors --no-tips \
             --reporters json --output "$out" "$@" >"$out.log" 2>&1 \
        && [ -f "$out/jscpd-report.json" ]
}

#  s_report FILE: prints "SOURCES" on the first line, then one line per clone:
#  "LINES FIRST:START-END ~ SECOND:START-END", paths relative to the root.
s_report() {
    node -e '
        const fs = require ("fs");
        const report = JSON.parse (fs.readFileSync (process.argv [1], "utf8"));
        const root = process.argv [2] + "/";
        const place = f => (f.name.startsWith (root) ? f.name.slice (root.length) : f.name)
                           + ":" + f.start + "-" + f.end;
        console.log (report.statistics.total.sources);
        for (const d of report.duplicates)
            console.log (d.lines + " " + place (d.firstFile) + " ~ " + place (d.secondFile));
    ' "$1" "$ROOT"
}

#  The check itself sees a clone: two made-up files that share eight lines.
mkdir -p "$TMP/sample"
for f in a b; do
    {
        echo "int s_other_$f (int x) { return x + 1; }"
        echo "int s_shared_$f (const char *text, int limit)"
        echo "{"
        echo "    int count = 0;"
        echo "    for (int i = 0; text [i] && i < limit; i++)"
        echo "        if (text [i] == ',' || text [i] == ';')"
        echo "            count += text [i + 1] == ' ' ? 2 : 1;"
        echo "    return count > limit ? limit : count;"
        echo "}"
    } >"$TMP/sample/$f.c"
done
if s_scan "$TMP/sample.out" "$TMP/sample" && [ "$(s_report "$TMP/sample.out/jscpd-report.json" | sed -n 2p)" != "" ]; then
    ok "a made-up clone of $MIN_LINES lines or more is found"
else
    fail "a made-up clone is not found:"
    sed 's/^/    /' "$TMP/sample.out.log"
fi

cd "$ROOT" || summary
if ! s_scan "$TMP/tree" "${AREAS[@]}"; then
    fail "jscpd did not run over ${AREAS[*]}:"
    sed 's/^/    /' "$TMP/tree.log"
    summary
fi
s_report "$TMP/tree/jscpd-report.json" >"$TMP/clones"
sources=$(head -n 1 "$TMP/clones")
expected=$(find "${AREAS[@]}" -name '*.c' | wc -l)
if [ "$sources" -eq "$expected" ]; then
    ok "jscpd read all $expected C sources of ${AREAS[*]}"
else
    fail "jscpd read $sources C sources of ${AREAS[*]}, not all $expected"
fi
clones=0
while read -r lines places; do
    if [ "$lines" -ge "$MIN_LINES" ]; then
        fail "clone of $lines lines: $places"
        clones=$((clones + 1))
    fi
done < <(tail -n +2 "$TMP/clones")
[ "$clones" -eq 0 ] && ok "no clone of $MIN_LINES lines or more in ${AREAS[*]}"
summary
