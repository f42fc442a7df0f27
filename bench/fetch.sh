#!/bin/sh
# fetch.sh: stance fetch beside curl, in one run, over the same URLs:
# 500 pages on 50 loopback hosts (127.0.0.1 .. 127.0.0.50), every answer
# delayed 50 ms by the test server (tests/server/stance_test_server.py).
#
#   1. a sequential curl loop (one request after the other);
#   2. curl --parallel --parallel-max 50 (no per-host limit);
#   3. stance fetch --jobs 50 --delay 0 (at most one request per host at a
#      time, robots.txt asked first, 500 documents and 500 snapshots committed);
#   4. stance fetch again: every page answers 304; must take < 2 s and write nothing.
#
# usage: bench/fetch.sh [STANCE_BINARY]   (default: build/stance)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
STANCE=${1:-$ROOT/build/stance}
case $STANCE in /*) ;; *) STANCE=$(pwd)/$STANCE ;; esac
HOSTS=50
PER_HOST=10
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# date(1), not a python3 process: its start-up would fall inside each interval
now() { date +%s.%N; }
elapsed() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }

mkdir -p "$WORK/www"
python3 - "$WORK/www" $HOSTS $PER_HOST <<'EOF'
import sys
root, hosts, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(hosts * per):
    with open(f"{root}/p{i}.html", "w") as f:
        f.write(f"""<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Side {i} | Bench</title></head>
<body><nav><a href="/">Forside</a></nav><article><h1>Side {i}</h1>
<p>Dette er side nummer {i}. Kommunen skal bygge {i} nye boliger, og regionen bør betale halvdelen, mener udvalget.</p>
<p>Et andet afsnit med mere tekst, kommaer, og ord, så udtrækkeren har noget at arbejde med på side {i}.</p>
</article><footer>Kontakt</footer></body></html>""")
EOF

python3 "$ROOT/tests/server/stance_test_server.py" --root "$WORK/www" --hosts $HOSTS --delay 50 \
	> "$WORK/port" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/port")

: > "$WORK/urls"
i=0
while [ $i -lt $((HOSTS * PER_HOST)) ]; do
	h=$((i % HOSTS + 1))
	echo "http://127.0.0.$h:$PORT/p$i.html" >> "$WORK/urls"
	i=$((i + 1))
done
N=$(wc -l < "$WORK/urls")

echo "fetch benchmark: $N pages on $HOSTS loopback hosts, 50 ms a response"
echo

mkdir -p "$WORK/seq"
t0=$(now)
i=0
while read -r u; do
	curl -s -o "$WORK/seq/$i.html" "$u"
	i=$((i + 1))
done < "$WORK/urls"
t1=$(now)
SEQ=$(elapsed "$t0" "$t1")

mkdir -p "$WORK/par"
awk -v dir="$WORK/par" '{ n = $0; sub(/.*\//, "", n); printf "url = \"%s\"\noutput = \"%s/%s\"\n", $0, dir, n }' "$WORK/urls" > "$WORK/curlrc"
t0=$(now)
curl -s --no-progress-meter --parallel --parallel-max 50 -K "$WORK/curlrc"
t1=$(now)
PAR=$(elapsed "$t0" "$t1")

"$STANCE" init "$WORK/repo" > /dev/null
i=0
while read -r u; do
	(cd "$WORK/repo" && "$STANCE" source add "bench/p$i" "$u" > /dev/null)
	i=$((i + 1))
done < "$WORK/urls"
cd "$WORK/repo"
t0=$(now)
"$STANCE" fetch --no-progress --jobs 50 --delay 0 --jitter 0 > "$WORK/first.txt" || true
t1=$(now)
FIRST=$(elapsed "$t0" "$t1")
COMMITS=$(git rev-list --count HEAD)
SNAPS=$(git rev-list --count snapshots)
STATUS_BEFORE=$(git status --porcelain | md5sum)
STATE_BEFORE=$(md5sum < .git/stance-fetch-state)
t0=$(now)
"$STANCE" fetch --no-progress --jobs 50 --delay 0 --jitter 0 > "$WORK/second.txt" || true
t1=$(now)
SECOND=$(elapsed "$t0" "$t1")
[ "$(git rev-list --count HEAD)" = "$COMMITS" ] && [ "$(git rev-list --count snapshots)" = "$SNAPS" ] &&
	[ "$(git status --porcelain | md5sum)" = "$STATUS_BEFORE" ] &&
	[ "$(md5sum < .git/stance-fetch-state)" = "$STATE_BEFORE" ] && WROTE=nothing || WROTE=SOMETHING

# One request per host: no two requests to a host overlapped in time.
OVERLAPS=$(curl -s "http://127.0.0.1:$PORT/__log" | python3 -c '
import json, sys
log = [e for e in json.load(sys.stdin) if "stance" in e["ua"]]
by = {}
for e in log:
    by.setdefault(e["host"], []).append(e)
bad = 0
for h, l in by.items():
    l.sort(key=lambda e: e["start"])
    bad += sum(1 for a, b in zip(l, l[1:]) if b["start"] < a["end"])
print(bad)')

echo "sequential curl loop            ${SEQ} s"
echo "curl --parallel (max 50)        ${PAR} s"
echo "stance fetch (first run)        ${FIRST} s   $(tail -1 "$WORK/first.txt"); commits: $COMMITS on main, $SNAPS on snapshots"
echo "stance fetch (all 304)          ${SECOND} s   $(tail -1 "$WORK/second.txt"); wrote $WROTE"
FETCHED=$(sed -n 's/.*fetched in \([0-9.]*\) s.*/\1/p' "$WORK/first.txt")
echo "stance / curl --parallel        $(python3 -c "print(f'{$FIRST / $PAR:.2f}')")x whole run, $(python3 -c "print(f'{$FETCHED / $PAR:.2f}')")x the network part"
echo "overlapping requests to a host  $OVERLAPS"
