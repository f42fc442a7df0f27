#!/bin/bash
# The revision table (.git/stance-history) around an import, on a clone of an
# archive-shaped repository, beside git: the first command on a fresh clone
# (it builds the table) beside `git log --raw`, `diff DOC@{1} DOC` beside
# `git diff PREV CUR -- DOC.md` (the same two blobs), then 100 new revisions
# imported with `import --manifest`, the first command after that import, and
# the same manifest imported again (it writes nothing).
#
# Usage: bench/import_table.sh ARCHIVE [STANCE...]
#   ARCHIVE  a repository made by `bench/gen_archive.py 900 40000 150 | git
#            fast-import` (900 documents, 40,001 commits); only cloned, never
#            written
#   STANCE   the programs to measure, each on a clone of its own (default
#            build/stance)
#   RUNS=3   runs of the diff rows; WORK=dir KEEP=1 keep the clones
#
# Each figure is /usr/bin/time's wall time, user and system CPU and peak RSS.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
archive=${1:?usage: bench/import_table.sh ARCHIVE [STANCE...]}
shift
[ $# -gt 0 ] || set -- "$here/build/stance"
runs=${RUNS:-3}
work=${WORK:-$(mktemp -d /tmp/stance-bench-table-XXXXXX)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=b@example.org \
	GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=b@example.org
doc=a000/doc-0000
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
	s="$work/s$n"
	rm -rf "$s"
	git clone -q "$archive" "$s" || exit 1
	echo "== $stance"
	measure "first command on a fresh clone (builds the table): log -n 1 c021/doc-0581" \
		"$stance" -C "$s" log -n 1 c021/doc-0581
	measure "git log --raw --format=%H (the same walk)" git -C "$s" log --raw --format=%H
	set -- $(git -C "$s" log -2 --format=%H -- "$doc.md")
	for i in $(seq "$runs"); do
		measure "diff $doc@{1} $doc" "$stance" -C "$s" --no-pager diff "$doc@{1}" "$doc"
		measure "git diff PREV CUR -- $doc.md" git -C "$s" --no-pager diff "$1" "$2" -- "$doc.md"
	done
	# 100 new revisions: a paragraph added to each of 100 documents, dated after every revision
	mkdir -p "$s.new/files"
	printf 'file\tid\tdate\n' >"$s.new/manifest.tsv"
	k=0
	for path in $(git -C "$s" ls-files '*/*.md' | head -n 100); do
		k=$((k + 1))
		{ git -C "$s" show "HEAD:$path"; printf '\nA paragraph of the new revision %d.\n' "$k"; } \
			>"$s.new/files/$k.md"
		printf 'files/%d.md\t%s\t2030-01-01T%02d:%02d:00Z\n' "$k" "${path%.md}" $((k / 60)) $((k % 60)) \
			>>"$s.new/manifest.tsv"
	done
	measure "import --manifest, 100 new revisions" "$stance" -C "$s" import --manifest "$s.new/manifest.tsv" --quiet
	measure "first command after the import: log -n 1" "$stance" -C "$s" log -n 1
	measure "re-import of the same manifest (writes nothing)" \
		"$stance" -C "$s" import --manifest "$s.new/manifest.tsv" --quiet
	echo "table tip $(head -n 1 "$s/.git/stance-history" | cut -d" " -f3), HEAD $(git -C "$s" rev-parse HEAD)"
done
echo "load: $(uptime | sed 's/.*load average: *//')"
