/*
 * test_commit_hook.c: the pre-commit hook checks exactly what is being
 * committed, also when git commits from an index of its own (GIT_INDEX_FILE:
 * `git commit -a`, `git commit PATH`).
 */
#include <string.h>

#include "repository_fixture.h"

/* The hook is what stands between the user and a broken document: the
 * document must not be in the repository after the refused commit. */
static void assert_refused(const char *dir, const char *cmd)
{
	stance_buf out = STANCE_BUF_INIT;
	char *head_before = th_sh_out(dir, "git rev-parse HEAD");
	char *head_after, *stored;
	int status = th_sh(dir, &out, "%s 2>&1", cmd);
	cr_assert_neq(status, 0, "'%s' with a document of kind 'essay' must be refused; it said: %s", cmd,
		stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "kl/debat.md"), "the hook names the file: %s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "essay"), "the hook names the bad kind: %s", stance_buf_cstr(&out));
	cr_assert_null(strstr(stance_buf_cstr(&out), "All documents are valid"), "%s", stance_buf_cstr(&out));
	head_after = th_sh_out(dir, "git rev-parse HEAD");
	cr_assert_str_eq(head_after, head_before, "no commit was made by '%s'", cmd);
	stored = th_sh_out(dir, "git show HEAD:kl/debat.md");
	cr_assert_null(strstr(stored, "essay"), "HEAD holds no essay after '%s'", cmd);
	free(head_before);
	free(head_after);
	free(stored);
	stance_buf_dispose(&out);
}

Test(commit_hook, git_commit_am_of_an_essay_is_refused_not_passed_as_all_valid, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	char *stored = th_read(dir, "kl/debat.md"), *kind = strstr(stored, "kind: debate\n");
	stance_buf doc = STANCE_BUF_INIT, valid = STANCE_BUF_INIT;
	th_result r;
	cr_assert_not_null(kind, "%s", stored);
	stance_buf_printf(&doc, "%.*skind: essay\n%s", (int)(kind - stored), stored, kind + strlen("kind: debate\n"));
	stance_buf_printf(&valid, "%s\nEt afsnit mere.\n", stored);
	th_write(dir, "kl/debat.md", doc.ptr);
	/* `git commit -a` stages into a temporary index git names in GIT_INDEX_FILE */
	assert_refused(dir, "git commit -qam 'an essay'");
	/* `git commit PATH` does the same with a next-index of its own */
	assert_refused(dir, "git commit -q -m 'an essay' kl/debat.md");
	/* stance check agrees with the hook */
	TH_RUN(&r, dir, "check");
	cr_assert_eq(r.status, 1, "%s", r.err.ptr);
	th_result_free(&r);
	/* the document put right, the same `git commit -a` goes through */
	th_write(dir, "kl/debat.md", valid.ptr);
	cr_assert_eq(th_sh(dir, NULL, "git commit -qam 'one more paragraph' 2>&1"), 0,
		"a valid document commits with -a");
	stance_buf_dispose(&doc);
	stance_buf_dispose(&valid);
	free(stored);
	free(dir);
}

Test(commit_hook, a_gone_index_file_is_an_error_not_a_pass, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	int status = th_sh(dir, &out, "GIT_INDEX_FILE=.git/no-such-index %s check --staged 2>&1", STANCE_BIN);
	cr_assert_neq(status, 0, "%s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), ".git/no-such-index"), "it names the file: %s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(dir);
}
