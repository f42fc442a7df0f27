#!/bin/sh
# Benchmark: `stance positions --all` (every position appeared, reworded or
# removed in the collection) on a repository of 1,000 documents x 10
# revisions (10,000 commits, bench/gen_positions.py), once the revision table
# is built, beside `git log -p` over the same history (git reading every
# change, the least a tool that reports them must read), and the same with
# --since for the last tenth of the history; the first runs build the
# positions cache, so the first table is warm, the second without it.
# Usage: bench/positions_all.sh [DOCS] [REVS]     (needs: scripts/deps --bench)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
docs=${1:-1000}
revs=${2:-10}
"$here/scripts/deps" --bench
"$here/scripts/build" "$here/build" >/dev/null
stance="$here/build/stance"
work=$(mktemp -d /tmp/stance-bench-positions-XXXXXX)
trap 'rm -rf "$work"' EXIT

git init -q -b main "$work/repo"
python3 "$here/bench/gen_positions.py" "$docs" "$revs" | git -C "$work/repo" fast-import --quiet
git -C "$work/repo" checkout -q main
git -C "$work/repo" gc -q
cd "$work/repo"
echo "repository: $docs documents x $revs revisions, $(git rev-list --count HEAD) commits"
# the revision table is built once, by the first command that reads history
"$stance" --no-pager log -n 1 >/dev/null
since=$(git log --format=%ad --date=short --skip=$((docs * revs / 10)) -1)
"$stance" --no-pager positions --all | tail -1
"$stance" --no-pager positions --all --since "$since" | tail -1

hyperfine --warmup 2 --min-runs 10 -N --export-markdown "$work/result.md" \
	-n "stance positions --all" "$stance --no-pager positions --all" \
	-n "git log -p" "git --no-pager log -p --format=%H" \
	-n "stance positions --all --since $since" "$stance --no-pager positions --all --since $since" \
	-n "git log -p --since $since" "git --no-pager log -p --format=%H --since $since"
cat "$work/result.md"
# the same without the positions cache (.git/stance-positions-cache): every
# run reads both blobs of every revision and writes the cache again
hyperfine --warmup 1 --min-runs 5 -N --export-markdown "$work/cold.md" \
	--prepare "rm -f $work/repo/.git/stance-positions-cache" \
	-n "stance positions --all (no cache)" "$stance --no-pager positions --all" \
	-n "stance positions --all --since $since (no cache)" "$stance --no-pager positions --all --since $since"
cat "$work/cold.md"
