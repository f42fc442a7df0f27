#!/bin/sh
# Benchmark: `stance diff --files` on two pairs of revisions of a 1.3 MB law
# (../shared/fixtures/revisions/bgb: 01→02, a small amendment; 05→06, ten
# years of amendments) beside `git diff --no-index --word-diff=porcelain`,
# `wdiff` and `dwdiff` on the same files, in one hyperfine run per pair;
# peak memory of each; then stance on generated documents of 1, 2, 5 and
# 10 MB with 1% of their words changed, to show the time grows linearly.
# Usage: bench/diff.sh            (needs: scripts/deps --bench)
#        STANCE=path/to/stance bench/diff.sh   (an existing build; no build step)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bgb="$here/../shared/fixtures/revisions/bgb"
"$here/scripts/deps" --bench
if [ -n "${STANCE:-}" ]; then
	stance=$STANCE
else
	"$here/scripts/build" "$here/build" >/dev/null
	stance="$here/build/stance"
fi
work=$(mktemp -d /tmp/stance-bench-diff-XXXXXX)
trap 'rm -rf "$work"' EXIT

# A table of wall time (mean ± σ) and CPU time (user + system, mean): on a
# shared machine the CPU time is the steadier figure.
table() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("| command | wall (mean ± σ) | CPU (user + sys) |")
print("| --- | ---: | ---: |")
for x in r:
    print("| `%s` | %.1f ± %.1f ms | %.1f ms |" % (x["command"], x["mean"] * 1000, x["stddev"] * 1000,
          (x["user"] + x["system"]) * 1000))
PY
}

pair() {
	old="$bgb/$1" new="$bgb/$2"
	echo "## $1 -> $2"
	# the peers exit 1 when the files differ: -i keeps hyperfine going
	hyperfine --warmup 2 --min-runs 10 -N -i --export-json "$work/pair.json" \
		-n "stance diff --files (porcelain)" "$stance diff --files $old $new --format=porcelain" \
		-n "stance diff --files (json)" "$stance diff --files $old $new --format=json" \
		-n "git diff --no-index --word-diff=porcelain" "git diff --no-index --word-diff=porcelain $old $new" \
		-n "wdiff" "wdiff $old $new" \
		-n "dwdiff" "dwdiff $old $new" >/dev/null
	table "$work/pair.json"
	echo
	echo "peak memory (max RSS):"
	for cmd in "$stance diff --files $old $new --format=porcelain" \
		"git diff --no-index --word-diff=porcelain $old $new" "wdiff $old $new" "dwdiff $old $new"; do
		/usr/bin/time -f "  %M KB  ${cmd%% /*}" $cmd >/dev/null 2>"$work/time" || true
		tail -1 "$work/time"
	done
	echo
}

pair 01-2012-08-02.md 02-2012-08-06.md
pair 05-2013-01-11.md 06-2022-01-28.md

echo "## generated documents, 1% of the words changed"
for mb in 1 2 5 10; do
	"$here/bench/diff-gen.sh" "$bgb/06-2022-01-28.md" "$mb" "$work"
done
hyperfine --warmup 1 --min-runs 5 -N --export-json "$work/scale.json" \
	-n "1 MB" "$stance diff --files $work/old-1.md $work/new-1.md --format=porcelain" \
	-n "2 MB" "$stance diff --files $work/old-2.md $work/new-2.md --format=porcelain" \
	-n "5 MB" "$stance diff --files $work/old-5.md $work/new-5.md --format=porcelain" \
	-n "10 MB" "$stance diff --files $work/old-10.md $work/new-10.md --format=porcelain" >/dev/null
table "$work/scale.json"
echo
for mb in 1 2 5 10; do
	/usr/bin/time -f "  $mb MB: %M KB max RSS" "$stance" diff --files "$work/old-$mb.md" "$work/new-$mb.md" \
		--format=porcelain >/dev/null 2>"$work/time"
	tail -1 "$work/time"
done
