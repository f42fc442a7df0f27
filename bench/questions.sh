#!/bin/sh
# Benchmark of the history questions beside git, on a generated archive
# (bench/gen_archive.py): `stance blame` vs `git blame -w -M` on the document
# with the most revisions, building the search index (time, CPU and peak
# RSS), `stance log -S` vs `git log -S` over every document with the index
# present, and the first `log -S` that builds it, bringing the index up to
# date after 100 new commits of plain git, and warm `stance search`es.
# The generator's shape changed on 2026-12-02 (tiers of thousands, hundreds
# and few revisions, a 137 KB document with ~1,000, images, nested and
# numbered lists, canonical Markdown); figures measured before that date in
# docs/benchmarks.md are of the earlier shape (8 documents with ~4,400
# revisions each at 40,000, the rest with <= 11).
# Usage: bench/questions.sh [DOCS REVS MAX_KB]   (default 900 40000 150)
#        bench/questions.sh 1000 10000 3        the 1,000 x 10 shape
#        STANCE=build/stance bench/questions.sh ...   an existing build
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
docs=${1:-900}
revs=${2:-40000}
maxkb=${3:-150}
if [ -z "${STANCE:-}" ]; then
	"$here/scripts/build" "$here/build" >/dev/null
	STANCE="$here/build/stance"
fi
stance=$(cd "$(dirname "$STANCE")" && pwd)/$(basename "$STANCE")
work=${WORK:-$(mktemp -d /tmp/stance-bench-questions-XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
repo="$work/repo"
runs=${RUNS:-3}

if [ ! -d "$repo/.git" ]; then
	git init -q -b main "$repo"
	start=$(date +%s)
	python3 "$here/bench/gen_archive.py" "$docs" "$revs" "$maxkb" | git -C "$repo" fast-import --quiet
	git -C "$repo" checkout -q main
	echo "generated in $(( $(date +%s) - start )) s"
fi
cd "$repo"
git config user.name Bench
git config user.email b@example.org
echo "repository: $docs documents, $(git rev-list --count HEAD) commits," \
	"$(du -sh .git/objects | cut -f1) of objects, work tree $(du -sh --exclude=.git . | cut -f1)"
doc=a000/doc-0000
echo "blamed: $doc, $(git rev-list --count HEAD -- $doc.md) revisions, $(wc -c < $doc.md) bytes"

# the revision table (.git/stance-history) is made by the first command after a clone
/usr/bin/time -f "first stance command (revision table made): %e s, %M KB" "$stance" --no-pager log -n 1 >/dev/null

hyperfine --runs "$runs" -N --export-markdown "$work/blame.md" \
	-n "stance blame $doc" "$stance --no-pager blame $doc" \
	-n "git blame -w -M $doc.md" "git --no-pager blame -w -M $doc.md"
rm -f .git/stance-search.sqlite
/usr/bin/time -f "index build (first search): %e s wall, %U s user, %S s sys, %M KB peak RSS" \
	"$stance" --no-pager search reform >/dev/null
echo "index size: $(du -h .git/stance-search.sqlite | cut -f1)"

# log -S with the index present, beside git
hyperfine --runs "$runs" -N --export-markdown "$work/pickaxe.md" \
	-n "stance log -S frikommuner" "$stance --no-pager log -S frikommuner" \
	-n "git log -S frikommuner" "git --no-pager log --format=%h -S frikommuner"
for cmd in "$stance --no-pager log -S frikommuner" "git --no-pager log --format=%h -S frikommuner"; do
	/usr/bin/time -f "$cmd: %e s wall, %U s user, %S s sys, %M KB" $cmd >/dev/null
done
# the first log -S, which builds the index
rm -f .git/stance-search.sqlite
/usr/bin/time -f "first log -S (index built): %e s wall, %U s user, %S s sys, %M KB" \
	"$stance" --no-pager log -S frikommuner >/dev/null

# 100 new revisions made by plain git: a sentence reworded in 100 documents
i=0
for f in $(git ls-files 'c*/doc-*.md' | head -100); do
	i=$((i + 1))
	printf '\nEndnu en sætning om frikommuner nummer %d.\n' "$i" >> "$f"
	git commit -q --no-verify -m "Update ${f%.md}" "$f"
done
# the revision table's catch-up (the 100 commits' tree diffs) first, on its own,
# then the index's update and the query; the two add up to the first search's cost
/usr/bin/time -f "revision table after 100 new commits (log -n 1): %e s wall, %U s user, %S s sys, %M KB" \
	"$stance" --no-pager log -n 1 >/dev/null
/usr/bin/time -f "search after 100 new commits (index update + query): %e s wall, %U s user, %S s sys, %M KB" \
	"$stance" --no-pager search reform >/dev/null
hyperfine --warmup 3 --runs 20 -N --export-markdown "$work/search.md" \
	-n "stance search reform (no new commits)" "$stance --no-pager search reform" \
	-n "stance search phrase" "$stance --no-pager search '\"grøn omstilling\"'" \
	-n "stance search prefix" "$stance --no-pager search frikom*" \
	-n "stance search --as-of" "$stance --no-pager search --as-of 2010-06-01 reform" \
	-n "stance search --history" "$stance --no-pager search --history frikommuner" \
	-n "git log -1 (start-up of a git command)" "git --no-pager log -1 --format=%h"
cat "$work/blame.md" "$work/pickaxe.md" "$work/search.md"
