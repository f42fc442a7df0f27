#!/bin/sh
# The man pages of an installed stance: `cmake --install` into a fresh
# prefix puts stance(1) and one stance-COMMAND(1) per docs/commands/ page
# under share/man/man1; man renders them (by name on MANPATH, and with -l);
# `stance help COMMAND` shows the installed page through man, and falls back
# to the built-in usage when man is not there or the page is not installed.
# Usage: manpage.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() { echo "manpage.sh: $*" >&2; exit 1; }
command -v man >/dev/null 2>&1 || fail "man is not installed (apt-get install man-db)"
cmake --install "$build" --prefix "$prefix" >/dev/null
man1="$prefix/share/man/man1"
test -f "$man1/stance.1" || fail "no $man1/stance.1"
for md in "$src"/docs/commands/*.md; do
	name=$(basename "$md" .md)
	[ "$name" = stance ] && continue
	test -f "$man1/stance-$name.1" || fail "no $man1/stance-$name.1 for docs/commands/$name.md"
done
export MANWIDTH=200 LC_ALL=C.UTF-8
unset MANPAGER PAGER
out=$(MANPATH="$prefix/share/man" man stance-diff 2>/dev/null)
echo "$out" | grep -q "stance-diff - shows how a document changed" || fail "man stance-diff printed: $out"
echo "$out" | grep -q "^OPTIONS" || fail "man stance-diff has no OPTIONS section: $out"
echo "$out" | grep -q -- "--format=porcelain" || fail "man stance-diff lists no --format=porcelain"
out=$(man -l "$man1/stance.1" 2>/dev/null)
echo "$out" | grep -q "stance - keeps policy documents" || fail "man -l stance.1 printed: $out"
echo "$out" | grep -q "stance-diff(1)" || fail "stance(1) does not refer to stance-diff(1): $out"
echo "manpage.sh: man renders stance(1) and stance-diff(1) from $prefix/share/man"

# stance help COMMAND: the installed page, found from the program's prefix
# (MANPATH points elsewhere)
out=$(MANPATH="$tmp/none" "$prefix/bin/stance" help diff 2>&1) || fail "stance help diff failed: $out"
echo "$out" | grep -q "stance-diff - shows how" || fail "stance help diff did not show the page: $out"
echo "manpage.sh: stance help diff shows the installed page through man"
# no man on PATH: the usage
out=$(PATH="$tmp/none" "$prefix/bin/stance" help diff 2>&1) || fail "stance help diff without man failed: $out"
echo "$out" | grep -q "^usage: stance diff" || fail "stance help diff without man printed: $out"
# the page not installed, nor on man's path: the usage
rm "$man1/stance-show.1"
out=$(MANPATH="$tmp/none" "$prefix/bin/stance" help show 2>&1) || fail "stance help show failed: $out"
echo "$out" | grep -q "^usage: stance show" || fail "stance help show without its page printed: $out"
echo "manpage.sh: without man or without the page, stance help prints the usage"
