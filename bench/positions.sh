#!/bin/sh
# Scorer of the position lens: precision, recall and F1 per document and
# overall on the labelled texts of bench/positions/ (train/ and the held-out
# part heldout/, never tuned on), then the errors. The format of the texts
# and the labelling rules: docs/positions.md.
# Usage: bench/positions.sh [train|heldout|all] [--language]
#        STANCE_BUILD=dir bench/positions.sh   (an existing build directory)
#   --language  give the lens each text's language instead of letting it detect it
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
part=${1:-all}
if [ $# -gt 0 ]; then shift; fi
build=${STANCE_BUILD:-$here/build}
if [ -z "${STANCE_BUILD:-}" ]; then
	"$here/scripts/build" "$build" >/dev/null
fi
work=$(mktemp -d /tmp/stance-bench-positions-XXXXXX)
trap 'rm -rf "$work"' EXIT
# the libraries the stance binary links with, as the build found them
libs=$(sed -n 's/.*\(-Wl,--start-group.*\)/\1/p' "$build/CMakeFiles/stance.dir/link.txt")
cc -O2 -Wall -Wextra -I"$here/include" -o "$work/score" "$here/bench/positions_score.c" \
	"$build/libstance_core.a" $libs
case $part in
train|heldout)
	echo "## $part"
	"$work/score" "$@" "$here"/bench/positions/"$part"/*.txt ;;
all)
	for p in train heldout; do
		echo "## $p"
		"$work/score" "$@" "$here"/bench/positions/"$p"/*.txt
		echo
	done ;;
*)
	echo "bench/positions.sh: unknown part '$part' (train, heldout or all)" >&2
	exit 2 ;;
esac
