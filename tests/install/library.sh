#!/bin/sh
# The installed library as a user of it sees it: `cmake --install` into a
# fresh prefix, then a small C program that inits a repository, stores a
# document and lists the documents, built with nothing but
# `cc prog.c $(pkg-config --cflags --libs stance)` against that prefix, and
# run. It must link the shared libstance.so.0 (its soname and version
# checked). (The static libstance.a is the one every other test links.)
# Usage: library.sh BUILD_DIR CC [FLAGS]   (FLAGS: the sanitizers of a
# sanitized build, which its libstance.so needs in the program too)
set -eu
build=$1
cc=$2
flags=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
lib=$(ls -d "$prefix"/lib*/libstance.so.0 | head -n 1)
libdir=$(dirname "$lib")
test -f "$libdir/libstance.so.0.1.0" || { echo "library.sh: no $libdir/libstance.so.0.1.0" >&2; exit 1; }
objdump -p "$lib" | grep -q 'SONAME *libstance\.so\.0$' || { echo "library.sh: $lib has no soname libstance.so.0" >&2; exit 1; }
test -f "$prefix/share/doc/stance/LICENSE" || { echo "library.sh: LICENSE not installed" >&2; exit 1; }
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# Cflags: only stance's own, the headers' folder (pkg-config adds those of
# Requires.private itself)
pc="$libdir/pkgconfig/stance.pc"
cflags=$(sed -n 's/^Cflags: *//p' "$pc")
[ "$cflags" = '-I${includedir}' ] || { echo "library.sh: $pc: Cflags are '$cflags', not -I\${includedir}" >&2; exit 1; }
[ "$(cd "$(pkg-config --variable=includedir stance)" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] ||
	{ echo "library.sh: $pc: includedir is not $prefix/include" >&2; exit 1; }
grep -q '^Requires.private: .*libgit2' "$pc" || { echo "library.sh: $pc: no libgit2 in Requires.private" >&2; exit 1; }
cat >"$tmp/prog.c" <<'C'
#include <stance.h>
#include <stdio.h>

static int print_id(const char *id, void *payload)
{
	(void)payload;
	printf("%s\n", id);
	return 0;
}

int main(int argc, char **argv)
{
	stance_repo *repo = NULL;
	stance_document *doc = NULL;
	stance_save_result res;
	stance_save_options opts = STANCE_SAVE_OPTIONS_INIT;
	const char *text = "---\nid: kl/reform\ntitle: Reform\n---\nWe want a reform.\n";
	int rc = argc < 2 || stance_repo_init(&repo, argv[1]) < 0 || stance_repo_lock(repo, 1000) < 0 ||
		stance_document_parse(&doc, text, strlen(text), "prog.c") < 0 ||
		stance_store_save(&res, repo, doc, &opts) < 0 ||
		stance_store_foreach(repo, NULL, print_id, NULL) < 0;
	if (rc)
		fprintf(stderr, "prog: %s\n", stance_error_last());
	stance_document_free(doc);
	stance_repo_free(repo);
	return rc;
}
C
sed -i 's/#include <stdio.h>/#include <stdio.h>\n#include <string.h>/' "$tmp/prog.c"
# shellcheck disable=SC2046
"$cc" $flags "$tmp/prog.c" -o "$tmp/prog" $(pkg-config --cflags --libs stance)
LD_LIBRARY_PATH="$libdir" ldd "$tmp/prog" | grep -q "libstance\.so\.0 => $libdir/" ||
	{ echo "library.sh: prog is not linked with $libdir/libstance.so.0" >&2; exit 1; }
out=$(GIT_CONFIG_NOSYSTEM=1 HOME="$tmp" LD_LIBRARY_PATH="$libdir" "$tmp/prog" "$tmp/repo")
[ "$out" = "kl/reform" ] || { echo "library.sh: prog listed '$out', not kl/reform" >&2; exit 1; }
echo "library.sh: a program built with pkg-config --cflags --libs stance alone ran on libstance.so.0"
