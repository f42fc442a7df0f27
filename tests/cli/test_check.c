/*
 * test_check.c: `stance check` and the pre-commit hook that runs it.
 */
#include <string.h>

#include "repository_fixture.h"

Test(check, check_and_the_pre_commit_hook, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "check");
	cr_assert(strstr(r.out.ptr, "All documents are valid"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a teammate edits with plain git and breaks the front matter */
	th_write(dir, "kl/debat.md", "---\nid: kl/debat\ntitle: [broken\n---\nText.\n");
	TH_RUN(&r, dir, "check");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/debat.md:4: malformed front matter"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "started on line 3"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert_neq(th_sh(dir, &out, "git add kl/debat.md && git commit -qm 'broken' 2>&1"), 0,
		"the hook must stop the commit");
	cr_assert(strstr(out.ptr, "kl/debat.md"), "the hook names the file: %s", out.ptr);
	stance_buf_dispose(&out);
	/* a wrong id and a non-canonical body are reported too */
	th_write(dir, "kl/other.md", "---\nid: kl/debat\ntitle: t\n---\n*  item\n");
	th_sh(dir, NULL, "git add kl/other.md");
	TH_RUN(&r, dir, "check", "--staged");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/other.md:2: id 'kl/debat' does not match the file's path"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "not in canonical form"), "%s", r.err.ptr);
	th_result_free(&r);
	/* fixed, the commit goes through */
	th_sh(dir, NULL, "git rm -q --cached kl/other.md && rm kl/other.md");
	th_write(dir, "kl/debat.md", DOC_V1);
	OK(&r, dir, "add", "kl/debat.md"); th_result_free(&r);
	cr_assert_eq(th_sh(dir, NULL, "git commit -q --allow-empty -m ok"), 0);
	free(dir);
}
