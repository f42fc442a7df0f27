#!/bin/bash
# bench/sync.sh: clone and a no-change sync of a stance repository with
# 10,000 documents and 100,000 revisions, beside git clone and git pull of the
# same repository over the same transports (a path, file:// and smart HTTP
# on loopback), in one run. For file:// stance copies the objects as for a
# path (libgit2's file transport would recompute every delta), while git
# clone file:// runs its pack protocol; the path row compares like with like.
# Then a push and a pull of NEW (100) new revisions beside git push and
# git pull --ff-only, each from a fresh copy. Results: docs/benchmarks.md,
# "Sync".
#
#   bench/sync.sh [BUILD_DIR] [DOCS] [REVISIONS] [RUNS]
#   bench/sync.sh --repo REPOSITORY [BUILD_DIR] [RUNS]
#   defaults: build, 10000, 100000, 3; NEW=100 in the environment
#
# The history is written with git fast-import (a commit per revision, each
# with a Fetched-At trailer, on top of `stance init`), or with --repo taken
# from the main branch of an existing stance repository (e.g. the archive
# bench/gen_archive.py writes); the served copy is a bare repository packed
# as a server keeps it. Each figure is the median wall-clock time of RUNS
# runs, and the median peak resident memory (/usr/bin/time); stance and git
# run alternately.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
repo=""
if [ "${1:-}" = --repo ]; then
	repo=$(cd "${2:?bench/sync.sh: --repo takes a repository}" && pwd)
	shift 2
	build=$(cd "${1:-$src/build}" && pwd)
	runs=${2:-3}
else
	build=$(cd "${1:-$src/build}" && pwd)
	docs=${2:-10000}
	revs=${3:-100000}
	runs=${4:-3}
fi
new=${NEW:-100}
stance="$build/stance"
[ -x "$stance" ] || { echo "bench/sync.sh: build stance first ($stance is missing)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stance-bench-sync-XXXXXX")
server=""
cleanup() {
	[ -n "$server" ] && "$src/tests/fixtures/sync/http-server.sh" stop "$work/srv" || true
	# STANCE_BENCH_KEEP=1 keeps the generated repositories for a closer look
	if [ -n "${STANCE_BENCH_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

if [ -n "$repo" ]; then
	[ -e "$repo/.stance/config" ] || { echo "bench/sync.sh: $repo is not a stance repository" >&2; exit 1; }
	echo "taking the history of $repo ..." >&2
	t0=$(date +%s.%N)
	gen=$repo
	docs=$(git -C "$gen" ls-tree -r --name-only main | grep -v '^\.' | grep -c '/.*\.md$')
else
gen=$work/gen
echo "generating $docs documents, $revs revisions ..." >&2
"$stance" init "$work/gen" >/dev/null
t0=$(date +%s.%N)
python3 - "$docs" "$revs" <<'PY' | git -C "$work/gen" fast-import --quiet
import sys, time
docs, revs = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
words = ("reform kommune skal bør vil frihed ansvar borger velfærd "
         "økonomi klima skole plan forslag udvikling").split()
t = 1500000000
for i in range(revs):
    d = i % docs
    v = i // docs
    # 100 documents a collection: a tree of 10,000 entries rewritten by
    # every commit would make the generator, not stance, the slow part
    doc_id = "c%03d/doc-%05d" % (d // 100, d)
    body = []
    for p in range(4):
        ws = [words[(d * 7 + p * 3 + k + (v if p == v % 4 else 0)) % len(words)] for k in range(18)]
        body.append(("Vi %s " % ("skal" if p % 2 else "bør")) + " ".join(ws) + ".")
    text = ("---\nid: %s\ntitle: \"Dokument %d\"\nkind: article\nlanguage: da\n"
            "source: https://example.org/%d\n---\n\n%s\n") % (doc_id, d, d, "\n\n".join(body))
    data = text.encode()
    t += 60
    stamp = "%d +0000" % t
    msg = ("%s %s\n\nSource: https://example.org/%d\nFetched-At: %s\n" %
           ("Add" if v == 0 else "Update", doc_id, d, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)))).encode()
    out.write(b"commit refs/heads/main\n")
    out.write(b"author bench <bench@example.org> " + stamp.encode() + b"\n")
    out.write(b"committer bench <bench@example.org> " + stamp.encode() + b"\n")
    out.write(b"data %d\n" % len(msg) + msg)
    if i == 0:
        out.write(b"from refs/heads/main^0\n")
    out.write(b"M 100644 inline %s.md\n" % doc_id.encode())
    out.write(b"data %d\n" % len(data) + data + b"\n")
PY
git -C "$work/gen" reset -q --hard main
fi
mkdir -p "$work/srv/repos"
git clone -q --bare --single-branch --branch main "$gen" "$work/srv/repos/hub.git"
git -C "$work/srv/repos/hub.git" repack -adq
git -C "$work/srv/repos/hub.git" config http.receivepack true
t1=$(date +%s.%N)
ncommits=$(git -C "$work/srv/repos/hub.git" rev-list --count main)
packsize=$(du -sh "$work/srv/repos/hub.git/objects/pack" | cut -f1)
echo "generated in $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s: $ncommits commits, pack $packsize" >&2

port=$("$src/tests/fixtures/sync/http-server.sh" start "$work/srv")
server=1

# Runs `prep_stance; stance-command` and `prep_git; git-command` alternately
# $runs times (so a busy machine weighs on both alike); prints both medians
# of the wall-clock time, then both medians of the peak resident memory (KB).
# Usage: pair PREP_STANCE PREP_GIT -- STANCE ARGS... -- GIT ARGS...
pair() {
	local prep=$1 gprep=$2; shift; shift; shift
	local scmd=() gcmd=() st=() gt=() sm=() gm=() i s e
	while [ "$1" != -- ]; do scmd+=("$1"); shift; done; shift
	gcmd=("$@")
	for i in $(seq "$runs"); do
		eval "$prep"
		s=$(date +%s.%N); /usr/bin/time -f %M -o "$work/rss" "${scmd[@]}" >/dev/null 2>&1 || { echo "failed: ${scmd[*]}" >&2; exit 1; }; e=$(date +%s.%N)
		st+=("$(awk "BEGIN{print $e - $s}")")
		sm+=("$(tail -1 "$work/rss")")
		eval "$gprep"
		s=$(date +%s.%N); /usr/bin/time -f %M -o "$work/rss" "${gcmd[@]}" >/dev/null 2>&1 || { echo "failed: ${gcmd[*]}" >&2; exit 1; }; e=$(date +%s.%N)
		gt+=("$(awk "BEGIN{print $e - $s}")")
		gm+=("$(tail -1 "$work/rss")")
	done
	local mid=$(( (runs + 1) / 2 ))
	echo "$(printf '%s\n' "${st[@]}" | sort -n | sed -n "${mid}p")" \
		"$(printf '%s\n' "${gt[@]}" | sort -n | sed -n "${mid}p")" \
		"$(printf '%s\n' "${sm[@]}" | sort -n | sed -n "${mid}p")" \
		"$(printf '%s\n' "${gm[@]}" | sort -n | sed -n "${mid}p")"
}

row() { # name transport stance-seconds git-seconds stance-KB git-KB
	printf '%-28s %-10s %10.2f %10.2f %7.2f %10.0f %10.0f\n' "$1" "$2" "$3" "$4" "$(awk "BEGIN{print $3 / $4}")" \
		"$(awk "BEGIN{print $5 / 1024}")" "$(awk "BEGIN{print $6 / 1024}")"
}

printf '\n%-28s %-10s %10s %10s %7s %10s %10s\n' "operation" "transport" "stance s" "git s" "ratio" "stance MB" "git MB"
# a plain path: both copy (hard-link) the objects without a transport
read -r sc gc sm gm < <(pair "rm -rf '$work/s'" "rm -rf '$work/g'" -- "$stance" clone "$work/srv/repos/hub.git" "$work/s" \
	-- git clone -q "$work/srv/repos/hub.git" "$work/g")
row "clone" path "$sc" "$gc" "$sm" "$gm"
rm -rf "$work/s" "$work/g"
for transport in file http; do
	if [ $transport = file ]; then url="file://$work/srv/repos/hub.git"; else url="http://127.0.0.1:$port/git/hub.git"; fi
	read -r sc gc sm gm < <(pair "rm -rf '$work/s'" "rm -rf '$work/g'" -- "$stance" clone "$url" "$work/s" -- git clone -q "$url" "$work/g")
	row "clone" "$transport" "$sc" "$gc" "$sm" "$gm"
	read -r ss gp sm gm < <(pair : : -- "$stance" -C "$work/s" sync -- git -C "$work/g" pull -q --ff-only)
	row "no-change sync / git pull" "$transport" "$ss" "$gp" "$sm" "$gm"
	read -r sp gp sm gm < <(pair : : -- "$stance" -C "$work/s" pull -- git -C "$work/g" pull -q --ff-only)
	row "no-change pull / git pull" "$transport" "$sp" "$gp" "$sm" "$gm"
	rm -rf "$work/s" "$work/g"
done

# $new new revisions on top of main, each adding a paragraph to a document;
# ahead.git is the served repository with them, for the pulls
git clone -q "$work/srv/repos/hub.git" "$work/new"
base=$(git -C "$work/new" rev-parse main)
git -C "$work/new" ls-files | grep -v '^\.' | grep '/.*\.md$' > "$work/docs.txt"
ndocs=$(wc -l < "$work/docs.txt")
for i in $(seq "$new"); do
	f=$(sed -n "$(( (i * 7) % ndocs + 1 ))p" "$work/docs.txt")
	printf '\nA paragraph added by revision %d of the benchmark.\n' "$i" >> "$work/new/$f"
	git -C "$work/new" commit -q -am "Update ${f%.md}"
done
git clone -q --bare "$work/srv/repos/hub.git" "$work/srv/repos/ahead.git"
git -C "$work/new" push -q "$work/srv/repos/ahead.git" main
url_of() { # NAME TRANSPORT
	case $2 in
	path) echo "$work/srv/repos/$1.git" ;;
	file) echo "file://$work/srv/repos/$1.git" ;;
	http) echo "http://127.0.0.1:$port/git/$1.git" ;;
	esac
}
# a pull starts from a fresh clone at the old main
prep_pull() { rm -rf "$1"; git clone -q "$work/srv/repos/hub.git" "$1"; git -C "$1" remote set-url origin "$2"; }
# a push goes from $work/new to a fresh copy of the old main
prep_push() {
	rm -rf "$work/srv/repos/push.git"
	git clone -q --bare "$work/srv/repos/hub.git" "$work/srv/repos/push.git"
	git -C "$work/srv/repos/push.git" config http.receivepack true
	git -C "$work/new" update-ref refs/remotes/origin/main "$base"
}
for transport in path file http; do
	git -C "$work/new" remote set-url origin "$(url_of push $transport)"
	read -r sp gp sm gm < <(pair prep_push prep_push -- "$stance" -C "$work/new" push -- git -C "$work/new" push -q origin main)
	row "push of $new revisions" "$transport" "$sp" "$gp" "$sm" "$gm"
	u=$(url_of ahead $transport)
	read -r sp gp sm gm < <(pair "prep_pull '$work/s' '$u'" "prep_pull '$work/g' '$u'" -- "$stance" -C "$work/s" pull \
		-- git -C "$work/g" pull -q --ff-only)
	row "pull of $new revisions" "$transport" "$sp" "$gp" "$sm" "$gm"
	rm -rf "$work/s" "$work/g"
done
echo
echo "($docs documents, $ncommits commits, median of $runs runs; $(nproc) cores; $(git --version); libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo '?'))"
