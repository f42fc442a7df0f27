#!/bin/sh
# warc.sh: `stance import --warc` and `stance export --warc` beside their
# counterparts, in one run, over one generated crawl (bench/gen_warc.py:
# PAGES pages x CAPTURES captures, gzip per record, a third of the answers
# chunked and a third gzip-encoded, revisits and duplicates):
#
#   1. warcio.js index (tests/warc/node_modules): the reference tool reading
#      every record of the crawl, which any import must do at least;
#   2. stance import --warc: read, decode, extract and commit every page,
#      with its snapshot, as one batch;
#   3. git cat-file --batch | gzip: the git counterpart of an export, every
#      snapshot blob read and gzip-compressed;
#   4. stance export --warc: every snapshot as a gzip-per-record response;
#   5. warcio.js index of the export: it reads back.
#
# Each step under /usr/bin/time (wall, user, sys, peak RSS).
# usage: bench/warc.sh [PAGES CAPTURES MAX_KB]   (default 300 10 60)
#        STANCE=path/to/stance bench/warc.sh     (default build/stance)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-300} captures=${2:-10} max_kb=${3:-60}
stance=${STANCE:-$here/build/stance}
warcio="$here/tests/warc/node_modules/warcio/dist/cli.js"
[ -f "$warcio" ] || "$here/tests/warc/install.sh"
work=$(mktemp -d /tmp/stance-bench-warc-XXXXXX)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=b@example.org \
	GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=b@example.org
t() { label=$1; shift; /usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, %M KB" "$@"; }

python3 "$here/bench/gen_warc.py" "$pages" "$captures" "$max_kb" > "$work/crawl.warc.gz"
echo "crawl: $pages pages x $captures captures, $(du -h "$work/crawl.warc.gz" | cut -f1) compressed," \
	"$(gzip -dc "$work/crawl.warc.gz" | wc -c) bytes inflated; load: $(uptime | sed 's/.*load average: //')"
mkdir "$work/repo"
"$stance" -C "$work/repo" init >/dev/null

t "warcio.js index (read every record)" node "$warcio" index "$work/crawl.warc.gz" > "$work/index.jsonl"
echo "  $(wc -l < "$work/index.jsonl") records"
t "stance import --warc" "$stance" -C "$work/repo" import --warc "$work/crawl.warc.gz"
git -C "$work/repo" rev-list snapshots | git -C "$work/repo" log --stdin --no-walk --format= --raw |
	awk '{ print $4 }' > "$work/blobs"
t "git cat-file --batch | gzip -6 (the snapshots read and compressed)" \
	sh -c "git -C '$work/repo' cat-file --batch < '$work/blobs' | gzip -6 > '$work/git.gz'"
t "stance export --warc" "$stance" -C "$work/repo" export --warc "$work/out.warc.gz"
echo "  export: $(du -h "$work/out.warc.gz" | cut -f1); the snapshots through gzip: $(du -h "$work/git.gz" | cut -f1)"
t "warcio.js index of the export" node "$warcio" index "$work/out.warc.gz" > "$work/out.jsonl"
echo "  $(grep -c '"response"' "$work/out.jsonl") response records read back"
