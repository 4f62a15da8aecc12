#!/usr/bin/env bash
#  test_layout.sh BUILD_DIR — the layout shows the architecture, checked on
#  the compiler's own dependency output (the .o.d files of BUILD_DIR, or
#  for a Ninja build what "ninja -t deps" prints):
#    - an object of stages/S includes only stages/S, common/ and proto/;
#    - an object of common/ includes only common/ and proto/;
#    - an object of proto/ includes only proto/;
#    - an object of tools/T includes only tools/T, common/ and proto/;
#  and no source of the project includes a header by a path with "../" (the
#  include path of each target says what it may see). Prints
#  "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }

#  check_deps FILE...: prints one line "object-source: bad-header" per include
#  that crosses a boundary.
check_deps() {
    awk -v root="$ROOT/" '
        function area(path,   rest, parts) {
            if (index(path, root) != 1) return ""
            rest = substr(path, length(root) + 1)
            split(rest, parts, "/")
            if (parts[1] == "stages" || parts[1] == "tools") return parts[1] "/" parts[2]
            if (parts[1] == "common" || parts[1] == "proto") return parts[1]
            return parts[1]
        }
        function allowed(from, to) {
            if (to == "" || to == from) return 1
            if (from == "proto") return 0
            if (from == "common") return to == "proto"
            if (from ~ /^(stages|tools)\//) return to == "common" || to == "proto"
            return 1
        }
        FNR == 1 { src = "" }
        {
            for (i = 1; i <= NF; i++) {
                f = $i
                if (f == "\\" || f ~ /:$/) continue
                if (src == "") { src = f; from = area(src); continue }
                if (!allowed(from, area(f))) print substr(src, length(root) + 1) ": " substr(f, length(root) + 1)
            }
        }' "$@"
}

#  A Ninja build keeps the compiler's dependency output in its own log rather
#  than in .o.d files: "ninja -t deps" prints it, one object after another,
#  which becomes one made-style file per object here.
DEPS_DIR=$(mktemp -d)
trap 'rm -rf "$DEPS_DIR"' EXIT
if [ -f "$BUILD/build.ninja" ]; then
    ninja -C "$BUILD" -t deps 2>/dev/null | awk -v dir="$DEPS_DIR" '
        /^[^ \t].*: #deps / { n++; out = dir "/" n ".o.d"; sub(/ #deps .*/, ""); printf "%s", $0 >out; next }
        NF && out != "" { printf " %s", $1 >>out }
        !NF && out != "" { printf "\n" >>out; close(out); out = "" }'
    mapfile -t deps < <(find "$DEPS_DIR" -name '*.o.d')
else
    mapfile -t deps < <(find "$BUILD" -name '*.o.d' -not -path '*/CMakeFiles/Compiler*' 2>/dev/null)
fi
if [ ${#deps[@]} -lt 40 ]; then
    fail "the build $BUILD has ${#deps[@]} dependency files (.o.d): build it first"
else
    bad=$(check_deps "${deps[@]}" | sort -u)
    if [ -z "$bad" ]; then
        ok "${#deps[@]} objects: no stage includes another stage's header, common/ includes no stage, proto/ only itself"
    else
        fail "includes across a boundary:"; printf '    %s\n' $bad
    fi
    #  The objects of every area are really there (the check saw them).
    for a in proto common/core common/kis common/s3 common/slack common/sources common/calendar common/http \
             stages/coordinator stages/writer stages/lister tools/sim; do
        if grep -lq "$ROOT/$a/" "${deps[@]}" 2>/dev/null; then ok "the build compiles $a"; else fail "no object of $a in $BUILD"; fi
    done
fi

#  The check itself catches each kind of crossing (dependency files made up here).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$DEPS_DIR"' EXIT
printf '%s: %s \\\n %s\n' x.o "$ROOT/stages/writer/writer.c" "$ROOT/stages/coordinator/coordinator.h" >"$TMP/a.o.d"
printf '%s: %s \\\n %s\n' x.o "$ROOT/proto/eod_proto.c" "$ROOT/common/core/eod_log.h" >"$TMP/b.o.d"
printf '%s: %s \\\n %s\n' x.o "$ROOT/common/kis/eod_kis.c" "$ROOT/stages/fetcher/fetcher.h" >"$TMP/c.o.d"
printf '%s: %s \\\n %s\n' x.o "$ROOT/tools/tap/main.c" "$ROOT/tools/sim/sim.h" >"$TMP/d.o.d"
printf '%s: %s \\\n %s %s\n' x.o "$ROOT/stages/writer/main.c" "$ROOT/stages/writer/writer.h" "$ROOT/common/core/eod_log.h" >"$TMP/e.o.d"
for c in a b c d; do
    if [ -n "$(check_deps "$TMP/$c.o.d")" ]; then ok "a made-up crossing ($c) is caught"; else fail "a made-up crossing ($c) is not caught"; fi
done
if [ -z "$(check_deps "$TMP/e.o.d")" ]; then ok "a stage's own and common/ headers pass"; else fail "a stage's own headers are flagged"; fi

#  No include by a relative path out of a folder.
rel=$(cd "$ROOT" && git ls-files 'stages/*' 'common/*' 'proto/*' 'tools/*' | grep -E '\.(c|h)$' \
      | xargs grep -nE '#[[:space:]]*include[[:space:]]*"[^"]*\.\./' 2>/dev/null)
if [ -z "$rel" ]; then ok "no source includes a header through ../"; else fail "includes through ../:"; printf '    %s\n' "$rel"; fi

echo "layout: $passed passed, $failed failed"
[ "$failed" = 0 ]
