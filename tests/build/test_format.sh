#!/usr/bin/env bash
#  test_format.sh — every C source of the project is laid out as
#  .clang-format says (clang-format 14, Debian 12's; launch/eod installs it):
#  a file that clang-format would change fails, with the first lines of the
#  change. Tables that read better aligned by hand are fenced with
#  `// clang-format off` and `// clang-format on`. Prints "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }

FORMAT=
for f in clang-format-14 clang-format; do
    if command -v "$f" >/dev/null 2>&1 && "$f" --version | grep -q 'version 14\.'; then FORMAT=$f; break; fi
done
if [ -z "$FORMAT" ]; then
    fail "clang-format 14 is not installed (Debian: apt-get install clang-format-14; launch/eod test installs it)"
    echo "format: $passed passed, $failed failed"
    exit 1
fi

files=$(git ls-files '*.c' '*.h' | grep -E '^(stages|common|proto|tools|tests/unit|tests/fuzz|bench)/')
#  One clang-format for every file; only when it finds something is each
#  file looked at, to show what would change.
# shellcheck disable=SC2086  # one word per file
if "$FORMAT" --style=file --dry-run -Werror $files >/dev/null 2>&1; then
    ok "all $(echo "$files" | wc -l) C files are laid out as .clang-format says"
    echo "format: $passed passed, $failed failed"
    exit 0
fi
wrong=0
for f in $files; do
    if ! out=$("$FORMAT" --style=file "$f" | diff -u "$f" - 2>&1); then
        wrong=$((wrong + 1))
        fail "$f is not laid out as .clang-format says (clang-format -i $f):"
        printf '%s\n' "$out" | sed -n '3,14p' | sed 's/^/     /'
    fi
done
[ "$wrong" = 0 ] && ok "all $(echo "$files" | wc -l) C files are laid out as .clang-format says"
echo "format: $passed passed, $failed failed"
[ "$failed" = 0 ]
