#!/bin/sh
# Benchmark of the search index's update after 100 new commits of plain git
# and of warm searches, on a clone of an archive (bench/gen_archive.py),
# optionally beside another build of stance (BASE) on the same states:
# the index is built once, saved, and put back before each timed update,
# so every run updates the same index over the same 100 commits.
# Usage: bench/search_update.sh ARCHIVE_REPO     (e.g. /work/bench/a40k; cloned, never written)
#        STANCE=build/stance BASE=/path/to/other/stance WORK=/tmp/su RUNS=3 bench/search_update.sh REPO
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?give the archive repository to clone}
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
if [ -z "${STANCE:-}" ]; then
	"$here/scripts/build" "$here/build" >/dev/null
	STANCE="$here/build/stance"
fi
stance=$(abs "$STANCE")
base=${BASE:+$(abs "$BASE")}
work=${WORK:-$(mktemp -d /tmp/stance-bench-search-update-XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
runs=${RUNS:-3}
repo="$work/repo"
saved="$work/saved"

if [ ! -d "$repo/.git" ]; then
	git clone -q "$src" "$repo"
fi
cd "$repo"
git config user.name Bench
git config user.email b@example.org
if [ ! -f "$saved/head" ]; then
	# the revision table and the index at the archive's tip, saved
	"$stance" --no-pager log -n 1 >/dev/null
	rm -f .git/stance-search.sqlite
	/usr/bin/time -f "index build: %e s wall, %U s user, %S s sys, %M KB" "$stance" --no-pager search reform >/dev/null
	mkdir -p "$saved"
	cp -a .git/stance-history .git/stance-search.sqlite "$saved/"
	git rev-parse HEAD > "$saved/head"
	# 100 new revisions made by plain git, as bench/questions.sh makes them
	i=0
	for f in $(git ls-files 'c*/doc-*.md' | head -100); do
		i=$((i + 1))
		printf '\nEndnu en sætning om frikommuner nummer %d.\n' "$i" >> "$f"
		git commit -q --no-verify -m "Update ${f%.md}" "$f"
	done
	git rev-parse HEAD > "$saved/new"
fi
restore() {
	rm -rf .git/stance-cache .git/stance-history .git/stance-search.sqlite .git/stance-search.sqlite-journal
	cp -a "$saved/stance-history" "$saved/stance-search.sqlite" .git/
	git update-ref refs/heads/main "$(cat "$saved/new")"
	git reset -q --hard
}
echo "repository: $(git rev-list --count HEAD) commits; load: $(uptime | sed 's/.*load average: //')"
for r in $(seq "$runs"); do
	for s in "$stance" $base; do
		restore
		/usr/bin/time -f "$s: first search after 100 commits (table + index + query): %e s wall, %U s user, %S s sys, %M KB" \
			"$s" --no-pager search reform >/dev/null
		restore
		/usr/bin/time -f "$s: log -n 1 after 100 commits (revision table): %e s wall, %U s user, %S s sys, %M KB" \
			"$s" --no-pager log -n 1 >/dev/null
		/usr/bin/time -f "$s: then search (index update + query): %e s wall, %U s user, %S s sys, %M KB" \
			"$s" --no-pager search reform >/dev/null
	done
done
set -- -n "search reform" "$stance --no-pager search reform" \
	-n "search phrase" "$stance --no-pager search '\"grøn omstilling\"'" \
	-n "search prefix" "$stance --no-pager search frikom*"
if [ -n "$base" ]; then
	set -- "$@" -n "BASE search reform" "$base --no-pager search reform" \
		-n "BASE search phrase" "$base --no-pager search '\"grøn omstilling\"'" \
		-n "BASE search prefix" "$base --no-pager search frikom*"
fi
hyperfine --warmup 3 --runs 20 -N --export-markdown "$work/warm.md" "$@" \
	-n "git log -1 (start-up of a git command)" "git --no-pager log -1 --format=%h"
cat "$work/warm.md"
echo "load after: $(uptime | sed 's/.*load average: //')"
