#!/bin/sh
# bench/diff-gen.sh SOURCE MB OUTDIR: writes OUTDIR/old-MB.md and OUTDIR/new-MB.md,
# a document of about MB megabytes made of numbered copies of SOURCE (every
# paragraph made unique by its copy number), and the same with 1% of its
# words changed (a fixed seed, so runs compare alike).
set -eu
src=$1 mb=$2 out=$3
bytes=$((mb * 1024 * 1024))
size=$(wc -c < "$src")
copies=$(( (bytes + size - 1) / size ))
awk -v copies="$copies" -v limit="$bytes" '
	FNR == 1 && NR == 1 { }
	{ lines[n++] = $0 }
	END {
		total = 0
		for (c = 1; c <= copies; c++) {
			prev = ""
			for (i = 0; i < n; i++) {
				line = lines[i]
				if (line ~ /^---$/ || line ~ /^[A-Za-z]+:/) continue   # drop front matter lines
				if (line != "" && prev == "") line = "(" c ") " line
				print line
				total += length(line) + 1
				prev = lines[i]
				if (total >= limit) exit
			}
		}
	}' "$src" > "$out/base-$mb.md"
# the same pass for both sides, so only the changed words differ
awk -v p=0 'BEGIN { srand(42) } { for (i = 1; i <= NF; i++) if (rand() < p) $i = "geändert"; print }' \
	"$out/base-$mb.md" > "$out/old-$mb.md"
awk -v p=0.01 'BEGIN { srand(42) } { for (i = 1; i <= NF; i++) if (rand() < p) $i = "geändert"; print }' \
	"$out/base-$mb.md" > "$out/new-$mb.md"
rm -f "$out/base-$mb.md"
