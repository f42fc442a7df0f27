#!/bin/bash
# The "100 new revisions" row of bench/archive.sh on its own, without the
# 40,000-revision import before it: the stance and the git fast-import
# repositories an archive run left (or any two with the same history) are
# fetched as they were at main~N (N: the lines of IN/new/manifest.tsv) into
# new repositories, once; then, RUNS times, a clone of each: the stance one
# has its first command run and the import of IN/new/manifest.tsv timed
# (checked to give S's trees, and by git fsck), for each stance program in
# STANCE and OTHERS (e.g. a build of main) in the same loop, so that all see
# the same load, beside `git fast-import` of IN/new/stream.fi.
#
# Usage: bench/import_new.sh IN S G [RUNS]
#        IN: a bench/gen_archive.py --manifest input; S, G: the stance and
#        git repositories with IN's history and its new revisions
#        (/tmp/archive-bench-w40k/{in,s,g}), read only: cloned
#        STANCE=build/stance (default)   OTHERS="path ..."   WORK=dir
# Each line is /usr/bin/time's wall, user and system time and peak RSS.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
in=$(cd "${1:?usage: bench/import_new.sh IN S G [RUNS]}" && pwd)
src_s=${2:?usage: bench/import_new.sh IN S G [RUNS]}
src_g=${3:?usage: bench/import_new.sh IN S G [RUNS]}
runs=${4:-3}
STANCE=${STANCE:-$here/build/stance}
programs="$STANCE ${OTHERS:-}"
work=${WORK:-$(mktemp -d /tmp/stance-bench-new-XXXXXX)}
mkdir -p "$work" && work=$(cd "$work" && pwd)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=b@example.org \
	GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=b@example.org
fmt='%e s %U u %S s %M KB'
n=$(($(wc -l < "$in/new/manifest.tsv") - 1))
say() { echo "import_new.sh: $*"; }
# the two repositories as they were before the new revisions, with none of
# their objects (git fast-import skips objects a pack already holds)
c_s=$(git -C "$src_s" rev-parse "main~$n") c_g=$(git -C "$src_g" rev-parse "main~$n") || exit 1
git init -q "$work/base-s" && git -C "$work/base-s" fetch -q "$src_s" "$c_s:refs/heads/main" &&
	git -C "$work/base-s" checkout -q -f main &&
	git init -q --bare "$work/base-g" && git -C "$work/base-g" fetch -q "$src_g" "$c_g:refs/heads/main" || exit 1
say "start $(date -u +%FT%TZ), load average $(uptime | sed 's/.*load average: *//'), $n new revisions"
status=0
for run in $(seq "$runs"); do
	for p in $programs; do
		rm -rf "$work/s" && git clone -q "$work/base-s" "$work/s" &&
			git -C "$work/s" config user.name Bench && git -C "$work/s" config user.email b@example.org &&
			"$p" -C "$work/s" --no-pager log -n1 >/dev/null || exit 1
		if /usr/bin/time -f "$fmt" -o "$work/time.txt" "$p" -C "$work/s" import --manifest \
			"$in/new/manifest.tsv" --quiet >/dev/null 2>"$work/err.txt"; then
			t=$(cat "$work/time.txt")
		else
			t="failed: $(tail -1 "$work/err.txt")"
			status=1
		fi
		if cmp -s <(git -C "$work/s" log --format=%T main) <(git -C "$src_s" log --format=%T main); then
			same="the same trees as $src_s"
		else
			same="trees differ from $src_s"
			status=1
		fi
		fsck=$(git -C "$work/s" fsck --connectivity-only --no-dangling 2>&1 >/dev/null | head -1)
		say "run $run stance $p: $t ($same${fsck:+; fsck: $fsck})"
	done
	rm -rf "$work/g" && git clone -q --bare "$work/base-g" "$work/g" || exit 1
	/usr/bin/time -f "$fmt" -o "$work/time.txt" git -C "$work/g" fast-import --quiet < "$in/new/stream.fi"
	say "run $run git fast-import: $(cat "$work/time.txt")"
done
say "end $(date -u +%FT%TZ), load average $(uptime | sed 's/.*load average: *//')"
exit $status
