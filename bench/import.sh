#!/bin/sh
# Benchmark: `stance import --manifest` writing a saved history of 1,000
# documents x 10 revisions (~3 KB each, 10,000 commits) beside `git
# fast-import` writing the same files as the same commits, in one hyperfine
# run; both start from the same freshly initialised repository and must end
# with the same tree. Then one profiled stance run (perf) shows where the
# time goes.
# Usage: bench/import.sh [DOCS REVS]      (needs: scripts/deps --bench)
#        STANCE=path/to/stance bench/import.sh   (an existing build; no build step)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
docs=${1:-1000} revs=${2:-10}
"$here/scripts/deps" --bench
if [ -n "${STANCE:-}" ]; then
	stance=$STANCE
else
	"$here/scripts/build" "$here/build" >/dev/null
	stance="$here/build/stance"
fi
work=$(mktemp -d /tmp/stance-bench-import-XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$here/bench/import_gen.py" "$work/in" "$docs" "$revs"
echo "input: $(ls "$work/in/files" | wc -l) files, $(du -sh "$work/in/files" | cut -f1)," \
	"mean $(($(cat "$work"/in/files/* | wc -c) / $(ls "$work/in/files" | wc -l))) bytes"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=b@example.org \
	GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=b@example.org
mkdir "$work/base"
"$stance" -C "$work/base" init >/dev/null

hyperfine --runs 3 --export-markdown "$work/result.md" \
	--prepare "rm -rf '$work/a' && cp -r '$work/base' '$work/a'" \
	-n "stance import --manifest" \
	"'$stance' -C '$work/a' import --manifest '$work/in/manifest.tsv' --quiet" \
	--prepare "rm -rf '$work/b' && cp -r '$work/base' '$work/b'" \
	-n "git fast-import" \
	"git -C '$work/b' fast-import --quiet < '$work/in/stream.fi'"
cat "$work/result.md"

ta=$(git -C "$work/a" rev-parse 'HEAD^{tree}') tb=$(git -C "$work/b" rev-parse 'HEAD^{tree}')
na=$(git -C "$work/a" rev-list --count HEAD) nb=$(git -C "$work/b" rev-list --count HEAD)
echo "commits: stance $na, git $nb; final trees: $ta $tb"
[ "$ta" = "$tb" ] || { echo "the two imports differ" >&2; exit 1; }
echo "objects on disk: stance $(du -sh "$work/a/.git/objects" | cut -f1), git $(du -sh "$work/b/.git/objects" | cut -f1)"

# a second run of the same manifest writes nothing
start=$(date +%s.%N)
"$stance" -C "$work/a" import --manifest "$work/in/manifest.tsv"
echo "re-run: $(echo "$(date +%s.%N) - $start" | bc) s"

if command -v perf >/dev/null 2>&1; then
	rm -rf "$work/p" && cp -r "$work/base" "$work/p"
	perf record -g -o "$work/perf.data" -- "$stance" -C "$work/p" import \
		--manifest "$work/in/manifest.tsv" --quiet >/dev/null 2>&1 || true
	perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
		grep -v '^#' | grep '%' | head -25
fi
