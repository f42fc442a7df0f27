/*
 * test_check.c: scripts/check, the checker of the tree's rules, on a small
 * tree made here: one file breaking each rule (a library header its module
 * may not include, directly and through a header; another module's header; a
 * library header reached from the CLI; a banned call; a file over 1,500
 * lines; a file no row names), each named on its own line, and the words
 * that only look like a violation (a banned name in a comment or a string,
 * snprintf, an allowed include) left alone.
 */
#include "helpers.h"

#include <string.h>

static const char *const TABLE =
	"# Architecture as built\n\n"
	"## Modules\n\nText.\n\n"
	"## The include rule\n\n"
	"Words before the table.\n\n"
	"| module | files | libraries | may include modules |\n"
	"| --- | --- | --- | --- |\n"
	"| common | `src/lib/common*.c` `src/lib/internal.h` `include/stance/common.h` | | |\n"
	"| store | `src/lib/store*.c` `src/lib/git_internal.h` `include/stance/store.h` | libgit2 (`git2.h`, `git2/*`) | common |\n"
	"| fetch | `src/lib/fetch*.c` `include/stance/fetch.h` | libcurl (`curl/*`) | common |\n"
	"| sources | `src/lib/source*.c` `include/stance/source.h` | | common, store |\n"
	"| cli | `src/cli/*` | | common, store, sources |\n"
	"\n## After\n\n| not | the | include | table |\n";

/* The checker's output on the tree `dir`; its exit status in *status. */
static char *check(const char *dir, int *status)
{
	stance_buf out = STANCE_BUF_INIT;
	char *script = th_source("scripts/check");
	*status = th_sh(dir, &out, "python3 '%s' . 2>&1", script);
	free(script);
	return stance_buf_detach(&out);
}

static void make_tree(const char *dir)
{
	stance_buf big = STANCE_BUF_INIT;
	int i;
	th_write(dir, "docs/architecture.md", TABLE);
	th_write(dir, "include/stance/common.h", "/* common */\n");
	th_write(dir, "include/stance/store.h", "#include \"common.h\"\n");
	th_write(dir, "include/stance/fetch.h", "#include \"common.h\"\n");
	th_write(dir, "include/stance/source.h", "#include \"common.h\"\n");
	th_write(dir, "src/lib/internal.h", "#include \"stance/common.h\"\n#include <string.h>\n");
	th_write(dir, "src/lib/git_internal.h", "#include <git2.h>\n#include \"internal.h\"\n");
	th_write(dir, "src/lib/common.c", "/* strcpy() is banned; \"sprintf(\" too */\n#include \"internal.h\"\n"
		"static const char *s = \"atoi(x)\";\nint f(char *b) { return snprintf(b, 2, \"%s\", s); }\n");
	th_write(dir, "src/lib/store.c", "#include \"git_internal.h\"\n#include <git2/sys/odb_backend.h>\n");
	th_write(dir, "src/lib/fetch.c", "#include \"internal.h\"\n#include <curl/curl.h>\n");
	/* the violations, one of each kind */
	th_write(dir, "src/lib/source.c", "#include \"internal.h\"\n#include \"git_internal.h\"\n"
		"#include \"stance/fetch.h\"\n#include <curl/curl.h>\n");
	th_write(dir, "src/cli/main.c", "#include \"stance/store.h\"\n#include \"internal.h\"\n");
	th_write(dir, "src/lib/url.c", "/* a file no row names */\n");
	th_write(dir, "tests/test_x.c", "// gets() in a comment\nint main(void) { char b[4]; strcpy (b, \"x\"); return 0; }\n");
	for (i = 0; i < 1501; i++)
		stance_buf_puts(&big, "int x;\n");
	th_write(dir, "src/lib/store_big.c", big.ptr);
	stance_buf_dispose(&big);
}

static void expect_line(const char *out, const char *line)
{
	cr_expect(strstr(out, line) != NULL, "no line '%s' in:\n%s", line, out);
}

Test(check, names_each_violation_on_its_own_line, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *out;
	int status;
	if (th_sh(NULL, NULL, "command -v python3") != 0)
		cr_skip("python3 is not installed (scripts/check needs it)");
	make_tree(dir);
	out = check(dir, &status);
	cr_expect_eq(status, 1, "exit %d:\n%s", status, out);
	/* a library header reached through a header of the project */
	expect_line(out, "src/lib/source.c:2: include: git_internal.h brings in libgit2 (<git2.h>), "
		"which module 'sources' may not include\n");
	/* a library header included directly */
	expect_line(out, "src/lib/source.c:4: include: <curl/curl.h> is libcurl, which module 'sources' may not include\n");
	/* another module's header that the row does not list */
	expect_line(out, "src/lib/source.c:3: include: include/stance/fetch.h belongs to module 'fetch', "
		"which module 'sources' may not include\n");
	/* the library's internal headers, from outside it */
	expect_line(out, "src/cli/main.c:2: include: src/lib/internal.h is internal to the library; "
		"only src/lib/ includes it\n");
	expect_line(out, "src/lib/url.c: include: no row of the include table (docs/architecture.md) names this file\n");
	expect_line(out, "tests/test_x.c:2: banned: strcpy() is a banned function");
	expect_line(out, "src/lib/store_big.c: size: 1501 lines, over the limit of 1500 for a file in src/\n");
	expect_line(out, "scripts/check: 7 problems");
	/* what only looks like a violation */
	cr_expect(!strstr(out, "common.c"), "%s", out);
	cr_expect(!strstr(out, "store.c:"), "%s", out);
	cr_expect(!strstr(out, "fetch.c"), "%s", out);
	cr_expect(!strstr(out, "gets"), "%s", out);
	free(out);
	free(dir);
}

Test(check, a_clean_tree_passes_and_a_broken_table_is_refused, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *out;
	int status;
	if (th_sh(NULL, NULL, "command -v python3") != 0)
		cr_skip("python3 is not installed (scripts/check needs it)");
	make_tree(dir);
	cr_assert_eq(th_sh(dir, NULL, "rm -r src/cli tests src/lib/url.c src/lib/store_big.c && "
		"printf '#include \"internal.h\"\\n#include \"git_internal.h\"\\n' >src/lib/source.c"), 0);
	/* source.c now includes git_internal.h only: allowed by its row? no, libgit2 is not */
	out = check(dir, &status);
	cr_expect_eq(status, 1, "%s", out);
	free(out);
	cr_assert_eq(th_sh(dir, NULL, "printf '#include \"internal.h\"\\n' >src/lib/source.c"), 0);
	out = check(dir, &status);
	cr_expect_eq(status, 0, "exit %d:\n%s", status, out);
	cr_expect_str_eq(out, "");
	free(out);
	/* a module's row naming a module no row has */
	cr_assert_eq(th_sh(dir, NULL, "sed -i 's/| common, store |$/| common, nosuch |/' docs/architecture.md"), 0);
	out = check(dir, &status);
	cr_expect_eq(status, 2, "exit %d:\n%s", status, out);
	expect_line(out, "module 'sources' may include 'nosuch', which no row of the include table names");
	free(out);
	free(dir);
}
