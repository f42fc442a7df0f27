#!/bin/bash
# The push and pull rows of bench/archive.sh on their own, repeated: the
# last N commits of a stance repository pushed to, and pulled from, a bare
# repository in a folder that lacks them, beside git push / git pull
# --ff-only of the same commits, in the same run. Each round starts from
# fresh copies, so every run moves the same N commits.
#
# Usage: bench/sync_folder.sh REPO [N]       (default N = 100)
#        STANCE=build/stance                  an existing build
#        RUNS=5                               rounds (default 5)
# REPO: a stance repository with at least N+1 commits on main, e.g. the s of
# bench/archive.sh (WORK=/tmp/archive KEEP=1), or /tmp/archive-bench-w40k/s.
# Nothing is written into REPO: it is cloned first (hard links).
#
# Prints one line per command and round: wall, user and sys CPU (s), peak
# RSS (KB), from /usr/bin/time; then the load average.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?usage: bench/sync_folder.sh REPO [N]}
n=${2:-100}
runs=${RUNS:-5}
if [ -z "${STANCE:-}" ]; then
	"$here/scripts/build" "$here/build" >/dev/null || exit 1
	STANCE="$here/build/stance"
fi
stance=$(cd "$(dirname "$STANCE")" && pwd)/$(basename "$STANCE")
w=$(mktemp -d /tmp/stance-bench-sync-folder-XXXXXX)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1

ident() { git -C "$1" config user.name Bench && git -C "$1" config user.email bench@example.org; }
# the line of one timed command; a failure stops the run
timed() {
	local key=$1
	shift
	if ! /usr/bin/time -f "$key %e s wall, %U s user, %S s sys, %M KB" -o "$w/time.txt" "$@" >/dev/null 2>"$w/err.txt"; then
		echo "failed: $*" >&2
		tail -5 "$w/err.txt" >&2
		exit 1
	fi
	cat "$w/time.txt"
}

git clone -q "$src" s && ident s || exit 1
new=$(git -C s rev-parse main)
# the base: main~N alone, packed anew, as a remote made before the N commits
git -C s branch -q -f bench-base "main~$n" || exit 1
git clone -q --bare --no-local --single-branch --branch bench-base s base.git || exit 1
git -C s branch -q -D bench-base
git -C base.git branch -q -m bench-base main && git -C base.git symbolic-ref HEAD refs/heads/main
git -C s remote remove origin 2>/dev/null
git -C s remote add origin "$w/remote-s.git"

for ((i = 0; i < runs; i++)); do
	# push: s holds the N commits, the remotes do not
	rm -rf remote-s.git remote-g.git
	cp -r base.git remote-s.git && cp -r base.git remote-g.git
	git -C s fetch -q origin
	timed push_stance "$stance" -C s push
	timed push_git git -C s push -q "$w/remote-g.git" main
	for r in remote-s remote-g; do
		[ "$(git -C $r.git rev-parse main)" = "$new" ] || { echo "$r.git did not get the commits" >&2; exit 1; }
	done
	# pull: clones of the base, their remotes now holding the N commits
	rm -rf cs cg
	git clone -q base.git cs && git clone -q base.git cg && ident cs && ident cg
	(cd cs && "$stance" --no-pager log -n 1 >/dev/null) # the revision table, as after a stance clone
	git -C cs remote set-url origin "$w/remote-s.git"
	git -C cg remote set-url origin "$w/remote-g.git"
	timed pull_stance "$stance" -C cs pull
	timed pull_git git -C cg pull -q --ff-only
	for c in cs cg; do
		[ "$(git -C $c rev-parse main)" = "$new" ] || { echo "$c did not get the commits" >&2; exit 1; }
	done
done
uptime
