#!/bin/bash
# Three rows of bench/archive.sh on an existing archive repository, without
# its 20-minute import: the first command (which builds .git/stance-history)
# in a copy with the repository's own pack layout and in a one-pack clone,
# `diff DOC@{1} DOC` beside `git diff PREV HEAD -- DOC.md` (the same two
# blobs) for the most revised document and the 137 KB one, and `positions
# --history` of the 137 KB one (warm), for each stance program given.
#
# Usage: bench/archive_rows.sh ARCHIVE [STANCE...]
#   ARCHIVE  the stance repository bench/archive.sh imported (WORK/s with
#            KEEP=1); copied with `cp -a` and cloned, never written
#   STANCE   the programs to measure, each on copies of its own (default
#            build/stance)
#   RUNS=3   runs of each row; WORK=dir KEEP=1 keep the copies
#
# Each figure is /usr/bin/time's wall time, user and system CPU and peak RSS.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
archive=${1:?usage: bench/archive_rows.sh ARCHIVE [STANCE...]}
shift
[ $# -gt 0 ] || set -- "$here/build/stance"
runs=${RUNS:-3}
work=${WORK:-$(mktemp -d /tmp/stance-bench-rows-XXXXXX)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
heavy=a000/doc-0000
positions=p008/doc-0008
measure() { # label command...
	local label=${1//%/%%}
	shift
	/usr/bin/time -f "$label: %e s wall, %U u + %S s CPU, %M KB" "$@" >/dev/null 2>>"$work/time.txt" ||
		echo "$label: failed" >>"$work/time.txt"
	tail -n 1 "$work/time.txt"
}
echo "load: $(uptime | sed 's/.*load average: *//')"
n=0
for stance in "$@"; do
	n=$((n + 1))
	cp="$work/cp$n" one="$work/one$n"
	rm -rf "$cp" "$one"
	cp -a "$archive" "$cp" || exit 1
	git clone -q --no-local "$archive" "$one" || exit 1
	echo "== $stance ($(ls "$cp/.git/objects/pack" | grep -c '\.pack$') packs in the copy)"
	for i in $(seq "$runs"); do
		rm -f "$cp/.git/stance-history"*
		measure "first command, copy: log -n 1" "$stance" -C "$cp" --no-pager log -n 1
	done
	for i in $(seq "$runs"); do
		rm -f "$one/.git/stance-history"*
		measure "first command, one-pack clone: log -n 1" "$stance" -C "$one" --no-pager log -n 1
	done
	for doc in "$heavy" "$positions"; do
		prev=$(git -C "$cp" log -2 --format=%H -- "$doc.md" | tail -n 1)
		"$stance" -C "$cp" --no-pager diff "$doc@{1}" "$doc" >/dev/null 2>&1
		for i in $(seq "$runs"); do
			measure "diff $doc@{1} $doc" "$stance" -C "$cp" --no-pager diff "$doc@{1}" "$doc"
			measure "git diff PREV HEAD -- $doc.md" git -C "$cp" --no-pager diff "$prev" HEAD -- "$doc.md"
		done
	done
	"$stance" -C "$cp" --no-pager positions "$positions" --history >/dev/null 2>&1
	for i in $(seq "$runs"); do
		measure "positions $positions --history (warm)" "$stance" -C "$cp" --no-pager positions "$positions" --history
	done
done
echo "load: $(uptime | sed 's/.*load average: *//')"
