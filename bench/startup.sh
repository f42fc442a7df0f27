#!/bin/sh
# Benchmark: how fast `stance` starts, beside git: `stance --help` and
# `git --version` in one hyperfine run (no shell between, 100 warm-ups,
# 2,000 runs each), then the ratio of the means (the target is 1.2x git at
# most), the shared libraries each loads (ldd) and the dynamic loader's own
# statistics (LD_DEBUG=statistics: cycles, relocations).
# Usage: bench/startup.sh                        (needs: scripts/deps --bench)
#        STANCE=path/to/stance bench/startup.sh  (an existing build; no build step)
#        STANCE_BEFORE=path/to/other/stance bench/startup.sh   (adds a second stance,
#          e.g. one configured with -DSTANCE_STATIC_DEPS=OFF)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/deps" --bench
if [ -n "${STANCE:-}" ]; then
	stance=$STANCE
else
	"$here/scripts/build" "$here/build" >/dev/null
	stance="$here/build/stance"
fi
work=$(mktemp -d /tmp/stance-bench-startup-XXXXXX)
trap 'rm -rf "$work"' EXIT

set -- "$stance --help" "git --version"
[ -n "${STANCE_BEFORE:-}" ] && set -- "$@" "$STANCE_BEFORE --help"
hyperfine -N --warmup 100 --runs 2000 --export-json "$work/startup.json" "$@" >/dev/null 2>&1
python3 - "$work/startup.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("| command | wall (mean ± σ) | median | CPU (user + sys) |")
print("| --- | ---: | ---: | ---: |")
for x in r:
    print("| `%s` | %.2f ± %.2f ms | %.2f ms | %.2f ms |" % (x["command"], x["mean"] * 1000,
          x["stddev"] * 1000, x["median"] * 1000, (x["user"] + x["system"]) * 1000))
print()
print("stance / git, mean: %.2fx; median: %.2fx (target: 1.2x at most)"
      % (r[0]["mean"] / r[1]["mean"], r[0]["median"] / r[1]["median"]))
PY
echo
for prog in "$stance" "$(command -v git)" ${STANCE_BEFORE:+"$STANCE_BEFORE"}; do
	libs=$(ldd "$prog" | grep -c '=>' || true)
	stats=$(LD_DEBUG=statistics "$prog" --version 2>&1 >/dev/null |
		sed -n 's/.*total startup time in dynamic loader: *\([0-9]*\) cycles.*/\1/p; s/.*  number of relocations: *\([0-9]*\).*/\1/p; s/.*number of relative relocations: *\([0-9]*\).*/\1/p' |
		tr '\n' ' ')
	set -- $stats
	echo "$prog: $libs shared libraries; loader: ${1:-?} cycles, ${2:-?} symbol relocations, ${3:-?} relative relocations"
done
