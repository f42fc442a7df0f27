#!/bin/bash
# bench/sync.sh: clone and a no-change sync of a stance repository with
# 10,000 documents and 100,000 revisions, beside git clone and git pull of the
# same repository over the same transports (a path, file:// and smart HTTP
# on loopback), in one run. For file:// stance copies the objects as for a
# path (libgit2's file transport would recompute every delta), while git
# clone file:// runs its pack protocol; the path row compares like with like. Results: docs/benchmarks.md, "Sync".
#
#   bench/sync.sh [BUILD_DIR] [DOCS] [REVISIONS] [RUNS]
#   defaults: build, 10000, 100000, 3
#
# The history is written with git fast-import (a commit per revision, each
# with a Fetched-At trailer, on top of `stance init`); the served copy is a
# bare repository packed as a server keeps it. Each figure is the median
# wall-clock time of RUNS runs; stance and git run alternately.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
docs=${2:-10000}
revs=${3:-100000}
runs=${4:-3}
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
mkdir -p "$work/srv/repos"
git clone -q --bare "$work/gen" "$work/srv/repos/hub.git"
git -C "$work/srv/repos/hub.git" repack -adq
git -C "$work/srv/repos/hub.git" config http.receivepack true
t1=$(date +%s.%N)
ncommits=$(git -C "$work/srv/repos/hub.git" rev-list --count main)
packsize=$(du -sh "$work/srv/repos/hub.git/objects/pack" | cut -f1)
echo "generated in $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s: $ncommits commits, pack $packsize" >&2

port=$("$src/tests/fixtures/sync/http-server.sh" start "$work/srv")
server=1

# Runs `prep_stance; stance-command` and `prep_git; git-command` alternately
# $runs times (so a busy machine weighs on both alike); prints both medians.
# Usage: pair PREP_STANCE PREP_GIT -- STANCE ARGS... -- GIT ARGS...
pair() {
	local prep=$1 gprep=$2; shift; shift; shift
	local scmd=() gcmd=() st=() gt=() i s e
	while [ "$1" != -- ]; do scmd+=("$1"); shift; done; shift
	gcmd=("$@")
	for i in $(seq "$runs"); do
		eval "$prep"
		s=$(date +%s.%N); "${scmd[@]}" >/dev/null 2>&1 || { echo "failed: ${scmd[*]}" >&2; exit 1; }; e=$(date +%s.%N)
		st+=("$(awk "BEGIN{print $e - $s}")")
		eval "$gprep"
		s=$(date +%s.%N); "${gcmd[@]}" >/dev/null 2>&1 || { echo "failed: ${gcmd[*]}" >&2; exit 1; }; e=$(date +%s.%N)
		gt+=("$(awk "BEGIN{print $e - $s}")")
	done
	echo "$(printf '%s\n' "${st[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" \
		"$(printf '%s\n' "${gt[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
}

row() { # name transport stance-seconds git-seconds
	printf '%-28s %-10s %10.2f %10.2f %7.2f\n' "$1" "$2" "$3" "$4" "$(awk "BEGIN{print $3 / $4}")"
}

printf '\n%-28s %-10s %10s %10s %7s\n' "operation" "transport" "stance s" "git s" "ratio"
# a plain path: both copy (hard-link) the objects without a transport
read -r sc gc < <(pair "rm -rf '$work/s'" "rm -rf '$work/g'" -- "$stance" clone "$work/srv/repos/hub.git" "$work/s" \
	-- git clone -q "$work/srv/repos/hub.git" "$work/g")
row "clone" path "$sc" "$gc"
rm -rf "$work/s" "$work/g"
for transport in file http; do
	if [ $transport = file ]; then url="file://$work/srv/repos/hub.git"; else url="http://127.0.0.1:$port/git/hub.git"; fi
	read -r sc gc < <(pair "rm -rf '$work/s'" "rm -rf '$work/g'" -- "$stance" clone "$url" "$work/s" -- git clone -q "$url" "$work/g")
	row "clone" "$transport" "$sc" "$gc"
	read -r ss gp < <(pair : : -- "$stance" -C "$work/s" sync -- git -C "$work/g" pull -q --ff-only)
	row "no-change sync / git pull" "$transport" "$ss" "$gp"
	read -r sp gp < <(pair : : -- "$stance" -C "$work/s" pull -- git -C "$work/g" pull -q --ff-only)
	row "no-change pull / git pull" "$transport" "$sp" "$gp"
	rm -rf "$work/s" "$work/g"
done
echo
echo "($docs documents, $ncommits commits, median of $runs runs; $(nproc) cores; $(git --version); libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo '?'))"
