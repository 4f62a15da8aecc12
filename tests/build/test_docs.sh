#!/usr/bin/env bash
#  test_docs.sh — the documents point only at what the repository holds:
#  every Markdown link of README.md, docs/*.md and the other READMEs that is
#  not a URL names a file or folder that exists, and so does every path in
#  backquotes that starts with a top-level folder of the project (but for
#  placeholders and files git ignores). Prints
#  "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }

DOCS=$(git ls-files 'README.md' 'docs/*.md' '*/README.md' | sort)
TOP='(bench|common|config|docs|launch|proto|stages|tests|tools)'
for doc in $DOCS; do
    dir=$(dirname "$doc")
    missing=""
    #  [text](target): relative to the document.
    while read -r target; do
        target=${target%%#*}
        [ -z "$target" ] && continue
        [ -e "$dir/$target" ] || [ -e "$target" ] || missing="$missing $target"
    done < <(grep -oE '\]\([^)]+\)' "$doc" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^(https?|mailto):')
    #  `path`: from the project's root, when it starts with a top-level folder
    #  and names a file (with an extension) or a folder (ending in /).
    #  A placeholder (stages/NAME/) or a file kept out of git (the user's
    #  config/config.ini) is not a reference to the repository.
    while read -r path; do
        [[ $path =~ /[A-Z][A-Z_]+(/|\.|$) ]] && continue
        git check-ignore -q "$path" && continue
        [ -e "$path" ] || missing="$missing $path"
    done < <(grep -oE "\`$TOP/[A-Za-z0-9_./@-]+\`" "$doc" | tr -d '`' | grep -vE '[*{}]' \
             | grep -E '(\.[a-z]{1,5}|/)$' | sort -u)
    if [ -z "$missing" ]; then ok "$doc names only what exists"; else fail "$doc names what does not exist:$missing"; fi
done
grep -q 'docs/ARCHITECTURE.md' README.md && ok "README.md links docs/ARCHITECTURE.md" \
    || fail "README.md does not link docs/ARCHITECTURE.md"
echo "docs: $passed passed, $failed failed"
[ "$failed" = 0 ]
