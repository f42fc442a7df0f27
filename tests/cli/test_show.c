/*
 * test_show.c: `stance show`: a document as of a revision named by commit, number
 * or date; unknown and ambiguous names.
 */
#include <string.h>

#include "repository_fixture.h"

Test(show, revisions_by_commit_number_and_date, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	OK(&r, dir, "show", "kl/debat");
	cr_assert_str_eq(r.out.ptr, "Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@{1}");
	cr_assert(strstr(r.out.ptr, "Vi skal have"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl@2021-01-01");   /* a prefix and a date */
	cr_assert(strstr(r.out.ptr, "Vi skal have"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@2021");   /* the end of 2021: the later revision */
	cr_assert(strstr(r.out.ptr, "Vi bør have"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@HEAD~1", "--raw");
	cr_assert(!strncmp(r.out.ptr, "---\nid: kl/debat\n", 17), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "kl/debat@2019-06-01");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "had no revision yet on 2019-06-01; its first revision is from 2020-12-04"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "kl/debat@{5}");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "has only 2 revisions"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "kl/debat@2020-13-45");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'2020-13-45' is not a date"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(show, unknown_and_ambiguous_documents, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "in/x.md", "---\ntitle: other\n---\nx\n");
	OK(&r, dir, "add", "in/x.md", "--id", "kl/debat-2"); th_result_free(&r);
	TH_RUN(&r, dir, "show", "nowhere/doc");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "no document 'nowhere/doc' in this repository"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "kl/deb");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'kl/deb' names 2 documents"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/debat\n") && strstr(r.err.ptr, "kl/debat-2"), "candidates listed: %s", r.err.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat");   /* an exact id is never ambiguous */
	th_result_free(&r);
	free(dir);
}

/* `stance show kl/debat` on a terminal: the user saw the text alone and could
 * not tell which revision it was; git show heads it with commit, author and
 * date. Into a pipe (and with --raw) the output stays the body alone. */
Test(show, on_a_terminal_names_the_revision_it_printed, .fini = th_cleanup)
{
	char *dir = repo_with_history(), *out, *commit;
	stance_buf cmd = STANCE_BUF_INIT;
	th_result r;
	commit = th_sh_out(dir, "git rev-parse HEAD");
	commit[strcspn(commit, "\n")] = '\0';
	/* script(1) gives stance a terminal; no pager, no colour */
	stance_buf_printf(&cmd, "STANCE_PAGER=cat NO_COLOR=1 script -qec \"'%s' show kl/debat\" /dev/null", STANCE_BIN);
	out = th_sh_out(dir, cmd.ptr);
	cr_assert(strstr(out, "commit "), "%s", out);
	cr_assert(strstr(out, commit), "the full commit id: %s", out);
	cr_assert(strstr(out, "Author: "), "%s", out);
	cr_assert(strstr(out, "Date:   2021-03-01T10:00+01:00"), "%s", out);
	cr_assert(strstr(out, "Vi bør have mere frihed"), "%s", out);
	cr_assert(strstr(out, "Author: ") < strstr(out, "Vi bør have"), "the header comes first: %s", out);
	free(out);
	/* --raw on a terminal: the file as stored, nothing before it */
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "STANCE_PAGER=cat NO_COLOR=1 script -qec \"'%s' show --raw kl/debat\" /dev/null", STANCE_BIN);
	out = th_sh_out(dir, cmd.ptr);
	cr_assert(!strncmp(out, "---", 3), "%s", out);
	cr_assert(!strstr(out, "Author: "), "%s", out);
	free(out);
	/* into a pipe: the body alone, as before */
	OK(&r, dir, "show", "kl/debat");
	cr_assert_str_eq(r.out.ptr, "Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	th_result_free(&r);
	stance_buf_dispose(&cmd);
	free(commit);
	free(dir);
}
