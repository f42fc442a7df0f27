/*
 * test_source.c: `stance source`: the pages and feeds a repository follows, each
 * change a commit.
 */
#include <string.h>

#include "repository_fixture.h"

Test(source, source_changes_are_committed, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	OK(&r, dir, "source", "add", "kf/tema", "http://127.0.0.1:9/tema"); th_result_free(&r);
	OK(&r, dir, "source", "remove", "kf/tema"); th_result_free(&r);
	th_sh(dir, &out, "git log --format=%%s -2 && git status --porcelain");
	cr_assert_str_eq(out.ptr, "Remove source kf/tema\nAdd source kf/tema\n", "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}
