#!/bin/sh
# Benchmark: `stance site` on 1,000 documents x 10 revisions (10,000
# commits): the full build, a second build with nothing new, and a build
# after one new revision; beside `git log -p --word-diff` over the same
# history (git's view of every change, no pages). Prints the times, the
# site's size and its heaviest pages.
# Usage: bench/site.sh [DOCS] [REVS]     (needs: scripts/deps --bench)
#        STANCE=path/to/stance bench/site.sh   (an existing build, not rebuilt)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
docs=${1:-1000}
revs=${2:-10}
"$here/scripts/deps" --bench
if [ -z "${STANCE:-}" ]; then
	"$here/scripts/build" "$here/build" >/dev/null
fi
stance=${STANCE:-$here/build/stance}
work=$(mktemp -d /tmp/stance-bench-site-XXXXXX)
trap 'rm -rf "$work"' EXIT

git init -q -b main "$work/repo"
python3 "$here/bench/gen_history.py" "$docs" "$revs" | git -C "$work/repo" fast-import --quiet
git -C "$work/repo" checkout -q main
git -C "$work/repo" gc -q
echo "repository: $docs documents x $revs revisions, $(git -C "$work/repo" rev-list --count HEAD) commits"
cd "$work/repo"
"$stance" --no-pager log -n 1 >/dev/null   # the revision table, built once as by any first command

# wall seconds, then the CPU seconds (user + system), steadier on a shared machine
secs() { /usr/bin/time -f "%e s wall, %U+%S s CPU" -o "$work/t" "$@" >"$work/out" && cat "$work/t"; }
echo "full build:                 $(secs "$stance" site "$work/site") ($(tail -1 "$work/out"))"
echo "again, nothing new:         $(secs "$stance" site "$work/site") ($(tail -1 "$work/out"))"
doc=c07/doc-0007
{ cat "$doc.md"; printf '\nKommunerne skal have en ny ret til at prøve nye veje.\n'; } >"$work/new.md"
"$stance" add "$work/new.md" -m "Add a sentence" >/dev/null
echo "after one new revision:     $(secs "$stance" site "$work/site") ($(tail -1 "$work/out"))"
echo "git log -p --word-diff:     $(secs git --no-pager log -p --word-diff)"
echo "site size:                  $(du -sh "$work/site" | cut -f1) in $(find "$work/site" -type f | wc -l) files"
# a page's weight apart from the document's own text: its bytes less the
# bytes of the Markdown it shows (its raw/*.md), for the heaviest pages
echo "heaviest pages (bytes; index and changes hold no document text):"
for f in "$work/site/index.html" "$work/site/changes.html" "$work/site/search-index.js" \
	"$work/site/$doc/index.html" "$work/site/$doc/compare.html" "$work/site/$doc/positions.html"; do
	printf '  %-28s %s\n' "${f#"$work/site/"}" "$(wc -c <"$f")"
done
text=$(ls "$work/site/$doc/raw/"*.md | tail -1)
echo "  (the document's text: $(wc -c <"$text") bytes)"
ls -S "$work/site/c0"*/*/*.html | head -1 | xargs wc -c | sed 's/^/  heaviest document page: /'
