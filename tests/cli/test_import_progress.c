/*
 * test_import_progress.c: `stance import FOLDER` as a user sees it: a
 * progress bar on a terminal (as --manifest has), none in a pipe, and a
 * second run over the same folder that repeats no note.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* A repository and a folder in/ of three saved articles, none with a
 * publication or a date, so the importer has notes on each. */
static char *repo_and_folder(void)
{
	char *dir = th_tmpdir();
	static const char *const names[] = { "in/a.txt", "in/b.txt", "in/c.txt" };
	size_t i;
	OK0(dir, "init", ".");
	for (i = 0; i < 3; i++) {
		char text[256];
		snprintf(text, sizeof(text), "Artikel nummer %zu om nærhed\n\nKommunerne skal have mere frihed, "
			"siger vi for %zu. gang.\n\nDet kræver mod.\n", i + 1, i + 1);
		th_write(dir, names[i], text);
	}
	return dir;
}

/* `stance import in` with 1,000 unchanged files printed 1,000 "could not
 * find publication" notes and 1,000 "unchanged" lines; an unchanged file
 * now says nothing: one count, no notes. */
Test(import_progress, import_folder_again_repeated_every_note_now_says_nothing_of_unchanged_files, .fini = th_cleanup)
{
	char *dir = repo_and_folder();
	th_result r;
	OK(&r, dir, "import", "in");
	cr_assert(strstr(r.err.ptr, "in/a.txt: could not find") != NULL, "the first run has notes: %s", r.err.ptr);
	cr_assert(strstr(r.out.ptr, "Added ") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "import", "in");
	cr_assert_str_eq(stance_buf_cstr(&r.err), "", "notes repeated for unchanged files");
	cr_assert_str_eq(stance_buf_cstr(&r.out), "3 files unchanged, nothing committed\n");
	th_result_free(&r);
	/* one file changed: its note and its line, nothing of the others */
	th_write(dir, "in/b.txt", "Artikel nummer 2 om nærhed\n\nKommunerne bør have mere frihed.\n");
	OK(&r, dir, "import", "in");
	cr_assert(strstr(r.err.ptr, "in/b.txt: could not find") != NULL, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "in/a.txt") == NULL && strstr(r.err.ptr, "in/c.txt") == NULL, "%s", r.err.ptr);
	cr_assert(strstr(r.out.ptr, "Updated ") != NULL && strstr(r.out.ptr, "from in/b.txt\n") != NULL, "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "2 files unchanged, nothing committed\n") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

/* `stance import in` on a terminal showed nothing until the end, where
 * --manifest draws a bar; now it draws one (on standard error), and none
 * in a pipe or with --quiet. */
Test(import_progress, import_folder_on_a_terminal_showed_no_progress_now_a_bar, .fini = th_cleanup)
{
	char *dir = repo_and_folder();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	if (th_sh(dir, NULL, "command -v script >/dev/null") != 0)
		cr_skip_test("util-linux's script(1), which gives the command a terminal, is not installed");
	cr_assert_eq(th_sh(dir, &out, "script -qec '%s import in' /dev/null", STANCE_BIN), 0, "%s",
		stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "\rreading   [") != NULL, "%s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "\rimporting [##############################] 3/3") != NULL,
		"%s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "Added ") != NULL, "%s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	/* in a pipe: no bar */
	th_write(dir, "in/d.txt", "Artikel nummer 4\n\nEndnu en tekst om frihed.\n");
	OK(&r, dir, "import", "in");
	cr_assert(strchr(stance_buf_cstr(&r.err), '\r') == NULL, "a bar in a pipe: %s", r.err.ptr);
	th_result_free(&r);
	/* --quiet on a terminal: no bar either */
	th_write(dir, "in/e.txt", "Artikel nummer 5\n\nOg en sidste tekst om tillid.\n");
	cr_assert_eq(th_sh(dir, &out, "script -qec '%s import --quiet in' /dev/null", STANCE_BIN), 0);
	cr_assert(strstr(stance_buf_cstr(&out), "[#") == NULL, "%s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(dir);
}
