#!/bin/bash
# The two import rows of bench/archive.sh on their own: `stance import
# --manifest` of a bench/gen_archive.py --manifest input into a new
# repository beside `git fast-import` of the same commits, then the input's
# 100 new revisions into each, RUNS times each (a fresh copy every run), with
# the check that both histories have the same tree at every commit.
#
# Usage: bench/import_archive.sh IN [RUNS]
#        IN: a directory written by `bench/gen_archive.py --manifest IN DOCS REVS MAX_KB`
#        STANCE=build/stance (default)   WORK=dir (default: a temporary one)
# Each line is /usr/bin/time's wall, user and system time and peak RSS.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
in=$(cd "${1:?usage: bench/import_archive.sh IN [RUNS]}" && pwd)
runs=${2:-1}
STANCE=${STANCE:-$here/build/stance}
stance=$(cd "$(dirname "$STANCE")" && pwd)/$(basename "$STANCE")
work=${WORK:-$(mktemp -d /tmp/stance-bench-import-XXXXXX)}
mkdir -p "$work" && work=$(cd "$work" && pwd)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=b@example.org \
	GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=b@example.org
fmt='%e s %U u %S s %M KB'
# timed CMD...: /usr/bin/time's line for CMD (its input from $stdin), or
# "failed" and the command's last message
timed() {
	if /usr/bin/time -f "$fmt" -o "$work/time.txt" "$@" < "$stdin" >/dev/null 2>"$work/err.txt"; then
		cat "$work/time.txt"
	else
		echo "failed: $(tail -1 "$work/err.txt")"
	fi
}
say() { echo "import_archive.sh: $*"; }
say "start $(date -u +%FT%TZ), load average $(uptime | sed 's/.*load average: *//'), $(($(wc -l < "$in/manifest.tsv") - 1)) revisions"
"$stance" init "$work/base" >/dev/null || exit 1
status=0
for run in $(seq "$runs"); do
	rm -rf "$work/s" "$work/g" && cp -r "$work/base" "$work/s" && cp -r "$work/base" "$work/g"
	stdin=/dev/null; s=$(timed "$stance" -C "$work/s" import --manifest "$in/manifest.tsv" --quiet)
	stdin=$in/stream.fi; g=$(timed git -C "$work/g" fast-import --quiet)
	say "run $run import:   stance $s | git fast-import $g"
	case "$s$g" in *failed*) status=1 ;; esac
	if [ -f "$in/new/manifest.tsv" ]; then
		stdin=/dev/null; s=$(timed "$stance" -C "$work/s" import --manifest "$in/new/manifest.tsv" --quiet)
		stdin=$in/new/stream.fi; g=$(timed git -C "$work/g" fast-import --quiet)
		say "run $run 100 new:  stance $s | git fast-import $g"
		case "$s$g" in *failed*) status=1 ;; esac
	fi
	if cmp -s <(git -C "$work/s" log --format=%T main) <(git -C "$work/g" log --format=%T main); then
		say "run $run: the same tree at every one of $(git -C "$work/s" rev-list --count main) commits"
	else
		say "run $run: the two histories' trees differ"
		status=1
	fi
done
say "end $(date -u +%FT%TZ), load average $(uptime | sed 's/.*load average: *//')"
exit $status
