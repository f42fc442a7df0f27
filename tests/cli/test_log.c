/*
 * test_log.c: `stance log`: revisions newest first with the words each
 * added and removed, and re-extractions left out unless asked.
 */
#include <string.h>

#include "repository_fixture.h"

Test(log, revisions_with_words_added_and_removed, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	OK(&r, dir, "log", "kl/debat");
	cr_assert(strstr(r.out.ptr, "2021-03-01T10:00+01:00"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "Update kl/debat"), "%s", r.out.ptr);
	/* the text's words: the title's "og vilje" is a field, not text */
	cr_assert(strstr(r.out.ptr, "+2 -1"), "bør, nu added; skal removed: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "Update") < strstr(r.out.ptr, "Add"), "newest first: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "-n", "1", "--json");
	cr_assert(strstr(r.out.ptr, "\"message\": \"Update kl/debat\""), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "Add kl/debat"), "-n 1: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"date\": \"2021-03-01T10:00:00+01:00\""), "RFC 3339 with seconds: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"author\": \"Test Archivist\""), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--since", "2021-01-01");
	cr_assert(!strstr(r.out.ptr, "Add kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(log, re_extractions_are_left_out_of_log_and_diff_unless_asked, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "in/v3.md", "---\ntitle: \"Det kræver mod og vilje\"\nkind: debate\n---\n\n"
		"Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	OK(&r, dir, "add", "in/v3.md", "--id", "kl/debat", "-m", "Re-extract kl/debat"); th_result_free(&r);
	OK(&r, dir, "log", "kl/debat");
	cr_assert(!strstr(r.out.ptr, "Re-extract"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "kl/debat", "--all");
	cr_assert(strstr(r.out.ptr, "Re-extract kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a second re-extraction: 'diff DOC' goes back past both to the last observation */
	th_write(dir, "in/v4.md", "---\ntitle: \"Det kræver mod\"\nkind: debate\n---\n\n"
		"Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	OK(&r, dir, "add", "in/v4.md", "--id", "kl/debat", "-m", "Re-extract kl/debat"); th_result_free(&r);
	{
		stance_buf want = STANCE_BUF_INIT, want_all = STANCE_BUF_INIT;
		th_sh(dir, &want, "printf 'a/kl/debat@%%s' $(git rev-parse --short=7 HEAD~2)");
		th_sh(dir, &want_all, "printf 'a/kl/debat@%%s' $(git rev-parse --short=7 HEAD~1)");
		OK(&r, dir, "diff", "kl/debat", "--format=porcelain");
		cr_assert(strstr(r.out.ptr, want.ptr), "compared with the last observation %s: %s", want.ptr, r.out.ptr);
		th_result_free(&r);
		OK(&r, dir, "diff", "kl/debat", "--format=porcelain", "--all");
		cr_assert(strstr(r.out.ptr, want_all.ptr), "--all: with the re-extraction %s: %s", want_all.ptr, r.out.ptr);
		th_result_free(&r);
		stance_buf_dispose(&want);
		stance_buf_dispose(&want_all);
	}
	OK(&r, dir, "show", "kl/debat", "--raw");
	cr_assert(!strstr(r.out.ptr, "Kommunernes Fællesråd"), "show gives the re-extracted text: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}
