#!/bin/sh
# Benchmark: `stance log DOC` and `stance show DOC@DATE` on a repository of
# 1,000 documents x 10 revisions (10,000 commits), beside
# `git log --format=%H -- PATH` and `git show REV:PATH`, in one hyperfine run.
# Usage: bench/history.sh [DOCS] [REVS]     (needs: scripts/deps --bench)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
docs=${1:-1000}
revs=${2:-10}
"$here/scripts/deps" --bench
"$here/scripts/build" "$here/build" >/dev/null
stance="$here/build/stance"
work=$(mktemp -d /tmp/stance-bench-history-XXXXXX)
trap 'rm -rf "$work"' EXIT

git init -q -b main "$work/repo"
python3 "$here/bench/gen_history.py" "$docs" "$revs" | git -C "$work/repo" fast-import --quiet
git -C "$work/repo" checkout -q main
git -C "$work/repo" gc -q
echo "repository: $docs documents x $revs revisions, $(git -C "$work/repo" rev-list --count HEAD) commits"

doc=c07/doc-0007
path=$doc.md
# the revision in effect on a date in the middle of the history
mid=$(git -C "$work/repo" log --format=%ad --date=short -- "$path" | sed -n "$((revs / 2))p")
rev=$(git -C "$work/repo" log -1 --format=%H --until="$mid 23:59:59" -- "$path")

cd "$work/repo"
hyperfine --warmup 2 --min-runs 10 -N --export-markdown "$work/result.md" \
	-n "stance log $doc" "$stance --no-pager log $doc" \
	-n "git log --format=%H -- $path" "git --no-pager log --format=%H -- $path" \
	-n "stance show $doc@$mid" "$stance --no-pager show $doc@$mid" \
	-n "git show REV:$path" "git --no-pager show $rev:$path" \
	-n "git show \$(git log -1 --until=$mid -- $path):$path" \
		"sh -c 'git --no-pager show \$(git log -1 --format=%H --until=\"$mid 23:59:59\" -- $path):$path'"
cat "$work/result.md"
