/*
 * test_diff_summary.c: what `stance diff` says around the redline, told
 * from the user's side: a summary that is right or absent, a diff without
 * changes that prints no document, --quiet, --exit-code's codes, and a
 * removed paragraph in CriticMarkup that stays a paragraph of its own.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define FRONT "---\ntitle: Slut\nkind: debate\nlanguage: da\npublished: 2020-12-04\n---\n\n"

/* kl/x at 2020-01-01 (three paragraphs and a heading) and at 2021-01-01
 * (the second paragraph gone, a position statement reworded). */
static char *repo_with_a_removed_paragraph(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init", ".");
	th_write(dir, "in.md", FRONT "Første afsnit.\n\nAndet afsnit.\n\n## Slut\n\nVi skal have mere frihed.\n");
	OK0(dir, "add", "in.md", "--id", "kl/x", "--date", "2020-01-01");
	th_write(dir, "in.md", FRONT "Første afsnit.\n\n## Slut\n\nVi bør have mere frihed.\n");
	OK0(dir, "add", "in.md", "--id", "kl/x", "--date", "2021-01-01");
	return dir;
}

/* `stance diff kl/x` printed "…; 0 position statements changed" although a
 * statement was reworded (the term view does not read them): the summary
 * counts words only; --positions and HTML, which read them, count them. */
Test(diff_summary, term_diff_said_0_position_statements_changed_now_leaves_the_count_out, .fini = th_cleanup)
{
	char *dir = repo_with_a_removed_paragraph();
	stance_buf git = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "diff", "kl/x");
	cr_assert(strstr(r.out.ptr, "1 word added, 3 removed, 0 moved\n") != NULL, "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "position statement") == NULL, "a count it did not make: %s", r.out.ptr);
	th_result_free(&r);
	/* plain git diff, through the difftool, says the same */
	cr_assert_eq(th_sh(dir, &git, "git diff HEAD~1 HEAD -- kl/x.md"), 0);
	cr_assert(strstr(stance_buf_cstr(&git), "[-skal-]{+bør+}") != NULL, "%s", stance_buf_cstr(&git));
	cr_assert(strstr(stance_buf_cstr(&git), "position statement") == NULL, "%s", stance_buf_cstr(&git));
	stance_buf_dispose(&git);
	/* where positions are read, they are counted, and rightly */
	OK(&r, dir, "diff", "kl/x", "--positions");
	cr_assert(strstr(r.out.ptr, "0 position statements added, 0 removed, 1 reworded") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "diff", "kl/x", "--format=html");
	cr_assert(strstr(r.out.ptr, "1 position statement changed") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

/* `stance diff kl/x@2021-01-01 kl/x@2021-01-01` printed the whole document
 * and then "no changes"; as git, only the summary; porcelain (git's
 * shape) prints nothing at all. */
Test(diff_summary, diff_without_changes_printed_the_whole_document_now_only_the_summary, .fini = th_cleanup)
{
	char *dir = repo_with_a_removed_paragraph();
	th_result r;
	OK(&r, dir, "diff", "kl/x@2021-01-01", "kl/x@2021-01-01");
	cr_assert_str_eq(r.out.ptr, "no changes\n");
	th_result_free(&r);
	OK(&r, dir, "diff", "kl/x@2021-01-01", "kl/x@2021-01-01", "--format=porcelain");
	cr_assert_eq(r.out.size, 0, "porcelain without changes: '%s'", stance_buf_cstr(&r.out));
	th_result_free(&r);
	{
		/* git diff of a line that only gained a trailing space */
		stance_buf git = STANCE_BUF_INIT;
		th_sh(dir, NULL, "sed -i 's/^Vi bør have mere frihed\\.$/& /' kl/x.md");
		cr_assert_eq(th_sh(dir, &git, "git diff -- kl/x.md"), 0);
		cr_assert_str_eq(stance_buf_cstr(&git), "diff --stance a/kl/x.md b/kl/x.md\nno changes\n");
		stance_buf_dispose(&git);
	}
	free(dir);
}

/* `stance diff --quiet` was an unknown option; as git's it prints nothing
 * and answers with the exit code, for one document and for --stat. */
Test(diff_summary, diff_quiet_prints_nothing_and_answers_with_the_exit_code, .fini = th_cleanup)
{
	char *dir = repo_with_a_removed_paragraph();
	th_result r;
	TH_RUN(&r, dir, "diff", "--quiet", "kl/x");
	cr_assert_eq(r.status, 1, "changes: %d %s", r.status, stance_buf_cstr(&r.err));
	cr_assert_eq(r.out.size + r.err.size, 0, "out '%s' err '%s'", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "-q", "kl/x@2021-01-01", "kl/x@2021-01-01");
	cr_assert_eq(r.status, 0);
	cr_assert_eq(r.out.size + r.err.size, 0, "out '%s'", stance_buf_cstr(&r.out));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--stat", "--quiet");
	cr_assert_eq(r.status, 1);
	cr_assert_eq(r.out.size, 0, "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--stat", "--quiet", "--since", "2030-01-01");
	cr_assert_eq(r.status, 0, "nothing changed since 2030: %d", r.status);
	th_result_free(&r);
	free(dir);
}

/* `stance diff --exit-code kl/nosuch` exited 1, as for "there are
 * changes": a script could not tell them apart. As git: 1 for changes, 0
 * for none, 128 for an error, 2 for a usage error. */
Test(diff_summary, diff_exit_code_said_1_for_an_error_too_now_128, .fini = th_cleanup)
{
	char *dir = repo_with_a_removed_paragraph();
	th_result r;
	TH_RUN(&r, dir, "diff", "--exit-code", "kl/x");
	cr_assert_eq(r.status, 1, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--exit-code", "kl/x@2021-01-01", "kl/x@2021-01-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--exit-code", "kl/nosuch");
	cr_assert_eq(r.status, 128, "an unknown document: %d", r.status);
	cr_assert(strstr(r.err.ptr, "no document 'kl/nosuch'") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--quiet", "--files", "no-such-file.md", "in.md");
	cr_assert_eq(r.status, 128, "a missing file: %d", r.status);
	cr_assert(strstr(r.err.ptr, "no-such-file.md") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--exit-code", "--format=nosuch", "kl/x");
	cr_assert_eq(r.status, 2, "a usage error: %d", r.status);
	th_result_free(&r);
	/* without --exit-code an error is 1, as in every command */
	TH_RUN(&r, dir, "diff", "kl/nosuch");
	cr_assert_eq(r.status, 1);
	th_result_free(&r);
	free(dir);
}
