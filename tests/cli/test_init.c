/*
 * test_init.c: `stance init`: a new repository, and stance added to an existing
 * git repository.
 */
#include <string.h>

#include "repository_fixture.h"

Test(init, init_creates_the_skeleton_and_hook, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "init", "policy");
	cr_assert(strstr(r.out.ptr, "Initialized stance repository"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(dir, "policy/.stance/config"));
	cr_assert(th_exists(dir, "policy/.stance/positions"));
	cr_assert(th_exists(dir, "policy/.gitattributes"));
	cr_assert(th_exists(dir, "policy/README.md"));
	cr_assert(th_exists(dir, "policy/.git/hooks/pre-commit"));
	cr_assert_eq(th_sh(dir, &out, "cd policy && git log --format=%%s && git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "Initialize stance repository\n", "one commit, clean tree: %s", out.ptr);
	stance_buf_dispose(&out);
	/* a second init is refused and changes nothing */
	TH_RUN(&r, dir, "init", "policy");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is a stance repository already"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(init, init_inside_an_existing_git_repository_keeps_history, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	cr_assert_eq(th_sh(dir, NULL, "git init -q -b main . && echo hi > notes.txt && git add notes.txt && "
		"git -c user.name=A -c user.email=a@b commit -qm 'Earlier work'"), 0);
	OK(&r, dir, "init"); th_result_free(&r);
	th_sh(dir, &out, "git log --format=%%s");
	cr_assert_str_eq(out.ptr, "Initialize stance repository\nEarlier work\n", "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}
