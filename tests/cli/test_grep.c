/*
 * test_grep.c: `stance grep`: sentences matching a pattern in the current
 * documents or in every revision, with -i, -w, -F, -l and -c.
 */
#include <string.h>

#include "helpers.h"

#define FM "---\ntitle: \"T\"\nlanguage: da\n---\n\n"

static char *archive(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	th_write(dir, "in/a.md", FM "Frikommuner skal have\nmere frihed. Det er godt.\n");
	OK0(dir, "add", "in/a.md", "--id", "kl/a", "--date", "2020-01-01");
	th_write(dir, "in/b.md", FM "FRIKOMMUNER er et forsøg (2016).\n\nÆldreplejen skal styrkes.\n");
	OK0(dir, "add", "in/b.md", "--id", "kl/b", "--date", "2020-02-01");
	th_write(dir, "in/a.md", FM "Det er godt.\n");
	OK0(dir, "add", "in/a.md", "--id", "kl/a", "--date", "2020-03-01");
	return dir;
}

Test(grep, current_text_with_git_grep_flags, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "grep", "-i", "frikommuner");
	cr_assert_str_eq(r.out.ptr, "kl/b:FRIKOMMUNER er et forsøg (2016).\n", "current text only");
	th_result_free(&r);
	OK(&r, dir, "grep", "-i", "ældrepleje");
	cr_assert(strstr(r.out.ptr, "kl/b:Ældreplejen skal styrkes."), "any case beyond ASCII: %s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "grep", "-w", "-i", "ældrepleje");
	cr_assert_eq(r.status, 1, "-w: not a whole word: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "grep", "-F", "(2016)");
	cr_assert(strstr(r.out.ptr, "kl/b:"), "literal: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "grep", "-c", "godt");
	cr_assert(strstr(r.out.ptr, "kl/a:1\n") && strstr(r.out.ptr, "kl/b:0\n"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "grep", "-l", "godt", "kl/a");
	cr_assert_str_eq(r.out.ptr, "kl/a\n");
	th_result_free(&r);
}

Test(grep, all_revisions_and_since, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "grep", "-i", "frikommuner skal have mere", "--all-revisions");
	cr_assert(strstr(r.out.ptr, "kl/a@") && strstr(r.out.ptr, ":Frikommuner skal have mere frihed."),
		"across a line break, in an old revision: %s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "grep", "-i", "frikommuner skal", "--since", "2020-02-15");
	cr_assert_eq(r.status, 1, "only the revision after it: %s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "grep", "(");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'(' is not a regular expression"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "grep", "x", "kl/none");
	cr_assert(strstr(r.err.ptr, "kl/none"), "%s", r.err.ptr);
	th_result_free(&r);
}
