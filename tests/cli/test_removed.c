/*
 * test_removed.c: a document removed with git rm keeps its history within
 * reach (log, show DOC@DATE, diff DOC@A DOC@B), and `list --all` shows it
 * with the day it went.
 */
#include <string.h>

#include "repository_fixture.h"

static char *removed_repo(void)
{
	char *dir = repo_with_history();
	th_write(dir, "in/other.md", "---\ntitle: Andet\nkind: article\n---\n\nTekst.\n");
	OK0(dir, "add", "in/other.md", "--id", "kl/debatten", "--date", "2021-04-01");
	cr_assert_eq(th_sh(dir, NULL, "git rm -q kl/debat.md && "
		"GIT_AUTHOR_DATE=2022-02-02T12:00:00Z git commit -qm 'Remove kl/debat' 2>&1"), 0);
	return dir;
}

Test(removed, git_rm_then_log_show_and_diff_of_the_removed_document_say_no_document_but_should_read_its_history,
	.fini = th_cleanup)
{
	char *dir = removed_repo();
	th_result r;
	/* log kl/debat: the removal and both revisions, not kl/debatten's */
	OK(&r, dir, "log", "kl/debat");
	cr_assert(strstr(r.out.ptr, "2022-02-02") && strstr(r.out.ptr, "2021-03-01") &&
		strstr(r.out.ptr, "2020-12-04"), "%s", r.out.ptr);
	cr_assert_null(strstr(r.out.ptr, "2021-04-01"), "the whole id wins over a prefix of kl/debatten: %s", r.out.ptr);
	th_result_free(&r);
	/* show kl/debat@DATE reads the text of that date */
	OK(&r, dir, "show", "kl/debat@2021-01-01");
	cr_assert(strstr(r.out.ptr, "Vi skal have mere frihed"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@2021-12-31");
	cr_assert(strstr(r.out.ptr, "Vi bør have mere frihed"), "%s", r.out.ptr);
	th_result_free(&r);
	/* after it went: a sentence saying when, and how to name its last text */
	TH_RUN(&r, dir, "show", "kl/debat");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'kl/debat' was removed on 2022-02-02"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/debat@{1}"), "%s", r.err.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@{1}");
	cr_assert(strstr(r.out.ptr, "Vi bør have"), "%s", r.out.ptr);
	th_result_free(&r);
	/* diff between two dates of the removed document */
	OK(&r, dir, "diff", "kl/debat@2021-01-01", "kl/debat@2021-12-31");
	cr_assert(strstr(r.out.ptr, "skal") && strstr(r.out.ptr, "bør"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a name that never was a document is still an error naming it */
	TH_RUN(&r, dir, "log", "kl/nothing");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "no document 'kl/nothing'"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(removed, list_all_shows_the_removed_document_with_the_day_it_went, .fini = th_cleanup)
{
	char *dir = removed_repo();
	th_result r;
	OK(&r, dir, "list");
	cr_assert_null(strstr(r.out.ptr, "kl/debat "), "plain list shows HEAD's documents: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "list", "--all");
	cr_assert(strstr(r.out.ptr, "kl/debatten"), "%s", r.out.ptr);
	{
		const char *line = strstr(r.out.ptr, "kl/debat ");
		cr_assert(line, "%s", r.out.ptr);
		cr_assert(strstr(line, "Det kræver mod og vilje") && strstr(line, "(removed 2022-02-02)"),
			"its last title and the day it went: %s", r.out.ptr);
	}
	th_result_free(&r);
	OK(&r, dir, "list", "--all", "--json");
	cr_assert(strstr(r.out.ptr, "\"removed\": \"2022-02-02\""), "%s", r.out.ptr);
	th_result_free(&r);
	/* brought back, it is a document at HEAD again, not a removed one */
	th_write(dir, "in/v1.md", DOC_V1);
	OK0(dir, "add", "in/v1.md", "--id", "kl/debat");
	OK(&r, dir, "list", "--all");
	cr_assert_null(strstr(r.out.ptr, "(removed"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}
