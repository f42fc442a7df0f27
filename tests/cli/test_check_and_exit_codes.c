/*
 * test_check_and_exit_codes.c: `stance check`'s one report format and what
 * --staged says when run by hand; the exit codes of an unknown command
 * (with and without `help`) and of `stance source` without a subcommand
 * outside any repository.
 */
#include <string.h>

#include "repository_fixture.h"

/* Every line of `text` that is not empty matches FILE:LINE: message (or
 * FILE: message) for a FILE that ends in ".md". */
static void every_line_is_file_line_message(const char *text)
{
	const char *line = text, *nl;
	for (; *line; line = nl + 1) {
		const char *colon = strstr(line, ".md:");
		nl = strchr(line, '\n');
		cr_assert_not_null(nl, "unterminated: %s", line);
		if (!strncmp(line, "stance check: ", 14))
			continue; /* the closing count */
		cr_assert_not_null(colon, "not FILE:LINE: message: %.*s", (int)(nl - line), line);
		colon += 4;
		if (*colon == ' ')
			continue; /* FILE: message, a problem of the whole file */
		cr_assert(*colon >= '1' && *colon <= '9', "no line number: %.*s", (int)(nl - line), line);
		while (*colon >= '0' && *colon <= '9')
			colon++;
		cr_assert(!strncmp(colon, ": ", 2), "not FILE:LINE: message: %.*s", (int)(nl - line), line);
		cr_assert(strncmp(colon + 2, "line ", 5), "the line said twice: %.*s", (int)(nl - line), line);
	}
}

/* `stance check` printed "kl/debat.md: line 4: malformed front matter" for
 * one problem and "kl/other.md:2: id …" for another; both now read
 * FILE:LINE: message, as compilers and git print them. */
Test(check_format, check_printed_two_formats_now_file_line_message, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "kl/debat.md", "---\nid: kl/debat\ntitle: [broken\n---\nText.\n");
	th_write(dir, "kl/other.md", "---\nid: kl/debat\ntitle: t\n---\n*  item\n");
	th_write(dir, "kl/bytes.md", "---\nid: kl/bytes\ntitle: t\n---\nOk.\n\nBad \xff byte.\n");
	th_sh(dir, NULL, "git add kl/other.md kl/bytes.md");
	TH_RUN(&r, dir, "check");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/debat.md:4: malformed front matter") != NULL, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/other.md:2: id 'kl/debat' does not match") != NULL, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/bytes.md:7: invalid UTF-8 (byte ") != NULL, "%s", r.err.ptr);
	every_line_is_file_line_message(r.err.ptr);
	th_result_free(&r);
	free(dir);
}

/* `stance check --staged`, typed by hand, ended "…; the commit was
 * stopped" although no commit was under way; from the pre-commit hook it
 * still says so. */
Test(check_format, check_staged_by_hand_spoke_of_a_stopped_commit_now_of_the_staged_files, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	th_write(dir, "kl/other.md", "---\nid: kl/debat\ntitle: t\n---\nText.\n");
	th_sh(dir, NULL, "git add kl/other.md");
	TH_RUN(&r, dir, "check", "--staged");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "stance check: 3 problems found in the staged files\n") != NULL, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "commit") == NULL, "no commit was stopped: %s", r.err.ptr);
	th_result_free(&r);
	/* git commit runs the hook: there the commit is stopped, and it says so */
	cr_assert_neq(th_sh(dir, &out, "git commit -qm other 2>&1"), 0, "the hook must stop the commit");
	cr_assert(strstr(stance_buf_cstr(&out), "kl/other.md:2: id 'kl/debat'") != NULL, "%s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "; the commit was stopped") != NULL, "%s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(dir);
}

/* `stance help nosuch` and `stance nosuch` answer alike: the same sentence,
 * exit 2 (a usage error), nothing on standard output; in a repository too. */
Test(exit_codes, help_nosuch_and_nosuch_agree_exit_2, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	const char *where[] = { "/", dir };
	size_t i;
	for (i = 0; i < 2; i++) {
		th_result a, b;
		TH_RUN(&a, where[i], "nosuch");
		TH_RUN(&b, where[i], "help", "nosuch");
		cr_assert_eq(a.status, 2, "stance nosuch: %d", a.status);
		cr_assert_eq(b.status, 2, "stance help nosuch: %d", b.status);
		cr_assert_str_eq(stance_buf_cstr(&a.err), "stance: 'nosuch' is not a stance command; see 'stance help'\n");
		cr_assert_str_eq(stance_buf_cstr(&b.err), stance_buf_cstr(&a.err));
		cr_assert_eq(a.out.size + b.out.size, 0);
		th_result_free(&a);
		th_result_free(&b);
	}
	free(dir);
}

/* Outside a repository, `stance source` said "'.' is not in a stance
 * repository" and exited 1; a missing subcommand is a usage error
 * anywhere: exit 2 and the usage line. `stance source list` there is
 * still an error (1): it needs a repository. */
Test(exit_codes, source_without_subcommand_outside_a_repository_is_a_usage_error, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "source");
	cr_assert_eq(r.status, 2, "exit %d: %s", r.status, stance_buf_cstr(&r.err));
	cr_assert(strstr(r.err.ptr, "stance source: needs a subcommand: add, list or remove\n") != NULL, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "usage: stance source") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "source", "list");
	cr_assert_eq(r.status, 1, "exit %d", r.status);
	cr_assert(strstr(r.err.ptr, "not in a stance repository") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}
