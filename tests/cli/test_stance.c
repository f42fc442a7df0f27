/*
 * test_stance.c: the stance program itself: its own options (-C, --color), the
 * help, the exit codes, outside a repository, and the web commands handed
 * to stance-web.
 */
#include <string.h>

#include "repository_fixture.h"

Test(stance, not_a_repository, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "list");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is not in a stance repository"), "%s", r.err.ptr);
	th_result_free(&r);
	th_sh(dir, NULL, "git init -q .");
	TH_RUN(&r, dir, "log");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is a git repository but not a stance repository"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(stance, help_usage_and_exit_codes, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "help");
	cr_assert(strstr(r.out.ptr, "init") && strstr(r.out.ptr, "log"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--help");
	cr_assert(strstr(r.out.ptr, "usage: stance log"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "help", "show");
	cr_assert(strstr(r.out.ptr, "usage: stance show"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "frobnicate");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, dir, "--color=sometimes", "help");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	OK(&r, "/", "-C", dir, "init");
	th_result_free(&r);
	OK(&r, "/", "-C", dir, "--color=never", "list");
	th_result_free(&r);
	free(dir);
}

Test(stance, dash_C_reads_paths_relative_to_its_folder, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf sub = STANCE_BUF_INIT;
	th_result r;
	stance_buf_printf(&sub, "%s/repo", dir);
	OK(&r, dir, "init", "repo"); th_result_free(&r);
	th_write(dir, "repo/in/a.md", "---\nid: x/a\n---\nText.\n");
	OK(&r, "/", "-C", sub.ptr, "add", "in/a.md");
	cr_assert(strstr(r.out.ptr, "Added x/a"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, "/", "-C", "/nonexistent/folder", "list");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "-C /nonexistent/folder: cannot change to that folder"), "%s", r.err.ptr);
	th_result_free(&r);
	stance_buf_dispose(&sub);
	free(dir);
}

/* `stance` hands the web commands to stance-web and loads neither libcurl
 * nor libxml2 itself; without stance-web beside it, it says so. */
Test(stance, web_commands_run_in_stance_web, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK0(dir, "init", "policy");
	th_write(dir, "page.html", "<html lang=\"da\"><head><title>Klima</title></head><body><article>"
		"<h1>Klima</h1><p>Vi skal handle nu, for klimaet venter ikke på nogen af os.</p></article></body></html>");
	OK(&r, dir, "extract", "page.html");
	cr_assert(strstr(r.out.ptr, "Vi skal handle nu"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "help", "fetch");
	cr_assert(strstr(r.out.ptr, "usage: stance fetch"), "%s", r.out.ptr);
	th_result_free(&r);

	cr_assert_eq(th_sh(dir, &out, "ldd '%s'", STANCE_BIN), 0);
	cr_assert_null(strstr(out.ptr, "libcurl"), "%s", out.ptr);
	cr_assert_null(strstr(out.ptr, "libxml2"), "%s", out.ptr);
	stance_buf_clear(&out);

	/* a stance program alone in a folder: a clear error, nothing run */
	cr_assert_eq(th_sh(dir, NULL, "mkdir alone && cp '%s' alone/stance", STANCE_BIN), 0);
	cr_assert_eq(th_sh(dir, &out, "cd policy && ../alone/stance fetch 2>&1; echo \"exit $?\""), 0);
	cr_assert(strstr(out.ptr, "'fetch' runs in stance-web, which is neither at"), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "exit 1"), "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}
