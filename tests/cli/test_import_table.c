/*
 * test_import_table.c: an import leaves the revision table
 * (.git/stance-history) current. The manifest import hands the rows of the
 * commits its batch wrote to the table, keyed by the new tip, so the first
 * command after it reads the table instead of walking every new commit; the
 * table it wrote is the one a command builds from nothing (the file deleted),
 * byte for byte, and `log` and `list` say the same from either, also after
 * a commit made with git alone between two imports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define DOCS 3

/* Writes saved/NAME/f-D-R.md for documents 0..DOCS-1 and revisions
 * first..last, and saved/NAME/manifest.tsv naming them. Each revision's
 * date is its day, the same for every document (ties the table's order
 * must keep), the documents' hours apart. */
static void write_history(const char *dir, const char *name, int first, int last)
{
	stance_buf manifest = STANCE_BUF_INIT, file = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	int d, r;
	for (r = first; r <= last; r++)
		for (d = 0; d < DOCS; d++) {
			stance_buf_clear(&file);
			stance_buf_clear(&text);
			cr_assert_eq(stance_buf_printf(&file, "saved/%s/f-%d-%d.md", name, d, r), 0);
			cr_assert_eq(stance_buf_printf(&text, "---\ntitle: Dokument %d\nkind: theme\n---\n\n"
				"Kommunen skal have %d nye skoler i udgave %d.\n\nAfsnit to bliver stående.\n",
				d, r * 7 + d, r), 0);
			th_write(dir, file.ptr, text.ptr);
			/* document 2 changes on the same day at the same hour as document 1 */
			cr_assert_eq(stance_buf_printf(&manifest, "f-%d-%d.md\tkl/dok-%d\t2020-%02d-%02d%s\n",
				d, r, d, 1 + r / 28, 1 + r % 28, d == 0 ? "T08:00:00Z" : ""), 0);
		}
	stance_buf_clear(&file);
	cr_assert_eq(stance_buf_printf(&file, "saved/%s/manifest.tsv", name), 0);
	th_write(dir, file.ptr, manifest.ptr);
	stance_buf_dispose(&manifest);
	stance_buf_dispose(&file);
	stance_buf_dispose(&text);
}

static char *sh(const char *dir, const char *cmd)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(th_sh(dir, &out, "%s", cmd), 0, "%s", cmd);
	return stance_buf_detach(&out);
}

/* The commit the table names on its first line, or "" (newline-ended). */
static char *table_tip(const char *dir)
{
	return sh(dir, "head -n 1 .git/stance-history 2>/dev/null | sed -n 's/^stance-history 3 //p'");
}

static void import(const char *dir, const char *manifest, const char *says)
{
	th_result r;
	OK(&r, dir, "import", "--manifest", manifest);
	cr_expect(strstr(r.out.ptr, says) != NULL, "%s", r.out.ptr);
	th_result_free(&r);
}

/* What `log`, `log DOC` and `list` print. */
static char *outputs(const char *dir)
{
	stance_buf all = STANCE_BUF_INIT;
	const char *const cmds[][4] = {
		{ "log", NULL }, { "log", "kl/dok-1", NULL }, { "log", "--json", NULL }, { "list", NULL },
		{ "show", "kl/dok-2@{3}", NULL },
	};
	size_t i;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		th_result r;
		th_run_ok(&r, dir, cmds[i]);
		stance_buf_printf(&all, "== %s %s\n%s", cmds[i][0], cmds[i][1] ? cmds[i][1] : "", r.out.ptr);
		th_result_free(&r);
	}
	return stance_buf_detach(&all);
}

/* The table and the outputs as they are, then as they are built from
 * nothing: equal. */
static void expect_same_as_rebuilt(const char *dir)
{
	char *written = th_read(dir, ".git/stance-history"), *said = outputs(dir), *rebuilt, *said_again;
	free(sh(dir, "rm .git/stance-history"));
	said_again = outputs(dir);
	rebuilt = th_read(dir, ".git/stance-history");
	cr_expect_str_eq(said_again, said, "the same output from a table built from nothing");
	cr_expect_str_eq(rebuilt, written, "the table the import wrote is the one built from nothing");
	free(written);
	free(said);
	free(rebuilt);
	free(said_again);
}

Test(import_table, an_import_leaves_the_table_current, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *head, *tip, *rows;
	th_result r;

	OK(&r, dir, "init");
	th_result_free(&r);
	write_history(dir, "one", 0, 39);
	import(dir, "saved/one/manifest.tsv", "Imported 120 revisions");
	/* straight after the import, before any other command has read it */
	head = sh(dir, "git rev-parse HEAD");
	tip = table_tip(dir);
	cr_expect_str_eq(tip, head, "the table is keyed by the import's tip");
	rows = sh(dir, "tail -n 1 .git/stance-history | cut -d' ' -f1-2");
	cr_expect_str_eq(rows, "end 120\n", "a row for each revision");
	free(head);
	free(tip);
	free(rows);
	expect_same_as_rebuilt(dir);

	/* more revisions on top of a current table: it follows again */
	write_history(dir, "two", 40, 49);
	import(dir, "saved/two/manifest.tsv", "Imported 30 revisions");
	head = sh(dir, "git rev-parse HEAD");
	tip = table_tip(dir);
	cr_expect_str_eq(tip, head, "the table follows the second import");
	free(head);
	free(tip);
	expect_same_as_rebuilt(dir);

	/* the same manifest again writes nothing and leaves the table as it was */
	head = th_read(dir, ".git/stance-history");
	import(dir, "saved/two/manifest.tsv", "Imported 0 revisions");
	tip = th_read(dir, ".git/stance-history");
	cr_expect_str_eq(tip, head, "a re-import leaves the table alone");
	free(head);
	free(tip);
	free(dir);
}

Test(import_table, a_commit_made_with_git_is_read_before_the_batch, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *tip, *head;
	th_result r;

	OK(&r, dir, "init");
	th_result_free(&r);
	write_history(dir, "one", 0, 9);
	import(dir, "saved/one/manifest.tsv", "Imported 30 revisions");
	/* a commit made with git alone, which the table does not hold yet */
	free(sh(dir, "printf '\\nEt afsnit mere.\\n' >> kl/dok-0.md && "
		"git commit -qam 'Update kl/dok-0' --date=2020-01-20T12:00:00Z"));
	write_history(dir, "two", 20, 24);
	import(dir, "saved/two/manifest.tsv", "Imported 15 revisions");
	/* the import read the table up to the git commit, then added its own rows */
	head = sh(dir, "git rev-parse HEAD");
	tip = table_tip(dir);
	cr_expect_str_eq(tip, head);
	free(head);
	free(tip);
	expect_same_as_rebuilt(dir);
	free(dir);
}
