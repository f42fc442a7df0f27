#!/bin/sh
# The public header is plain C99 for any compiler: every GNU attribute sits
# behind a macro with a fallback branch (STANCE_PRINTF_LIKE in common.h).
# Compiles include/stance.h three ways:
#   1. with CC as C99, -pedantic-errors and every warning an error;
#   2. with CC, the fallback branch selected (STANCE_NO_ATTRIBUTES) and
#      __attribute__ itself defined to a syntax error, so an attribute
#      written outside a macro fails to compile, as on a compiler without it;
#   3. with tcc, a compiler that is neither GCC nor Clang (skipped, exit 77,
#      when tcc is not installed; scripts/deps installs it).
# Usage: header.sh SOURCE_DIR CC
set -eu
src=$1
cc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# (no system header beyond the ones stance.h includes: glibc's stdlib.h
# has attributes of its own)
cat >"$tmp/use.c" <<'C'
#include <stance.h>

int main(void)
{
	stance_buf b = STANCE_BUF_INIT;
	int rc = stance_buf_printf(&b, "stance %s", STANCE_VERSION);
	stance_buf_dispose(&b);
	return rc < 0;
}
C
"$cc" -std=c99 -pedantic-errors -Wall -Wextra -Werror -I"$src/include" -c "$tmp/use.c" -o "$tmp/c99.o"
echo "header.sh: include/stance.h compiles as C99 with $cc -pedantic-errors"
"$cc" -std=c99 -pedantic-errors -Wall -Wextra -Werror -DSTANCE_NO_ATTRIBUTES \
	'-D__attribute__(x)=__attribute___outside_a_macro_in_include' \
	-I"$src/include" -c "$tmp/use.c" -o "$tmp/plain.o"
echo "header.sh: include/stance.h compiles with no __attribute__ (the macros' fallback)"
if ! command -v tcc >/dev/null 2>&1; then
	echo "header.sh: tcc is not installed (scripts/deps installs it): skipping the tcc build"
	exit 77
fi
tcc -Wall -Werror -I"$src/include" -c "$tmp/use.c" -o "$tmp/tcc.o"
echo "header.sh: include/stance.h compiles with tcc"
