/*
 * test_options_version.c: every options struct the library takes is
 * checked for its version where it is taken: one of another release is
 * refused with STANCE_EINVALID naming the struct and its INIT macro, and
 * nothing is done.
 */
#include <string.h>

#include "helpers.h"

#define WRONG 99u

static void expect_refused(int rc, const char *type)
{
	cr_expect_eq(rc, STANCE_EINVALID, "%s of version %u was taken (rc %d)", type, WRONG, rc);
	cr_expect(strstr(stance_error_last(), type) && strstr(stance_error_last(), "_INIT"), "%s", stance_error_last());
}

Test(options_version, diff_and_render_refuse_another_version)
{
	stance_diff_options dopts = STANCE_DIFF_OPTIONS_INIT;
	stance_render_options ropts = STANCE_RENDER_OPTIONS_INIT;
	stance_diff *d = NULL;
	stance_buf out = STANCE_BUF_INIT;
	dopts.version = WRONG;
	expect_refused(stance_diff_texts(&d, "Vi skal.\n", 9, "Vi bør.\n", 8, &dopts), "stance_diff_options");
	cr_expect_null(d);
	cr_assert_eq(stance_diff_texts(&d, "Vi skal.\n", 9, "Vi bør.\n", 9, NULL), 0, "%s", stance_error_last());
	ropts.version = WRONG;
	expect_refused(stance_render_term(&out, d, &ropts), "stance_render_options");
	expect_refused(stance_render_json(&out, d, &ropts), "stance_render_options");
	expect_refused(stance_render_html(&out, d, &ropts), "stance_render_options");
	expect_refused(stance_render_critic(&out, d, &ropts), "stance_render_options");
	expect_refused(stance_render_porcelain(&out, d, &ropts), "stance_render_options");
	expect_refused(stance_render_positions(&out, d, &ropts), "stance_render_options");
	cr_expect_eq(out.size, 0, "nothing rendered");
	stance_diff_free(d);
	stance_buf_dispose(&out);
}

Test(options_version, extract_and_fetch_refuse_another_version)
{
	stance_extract_options eopts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_fetch_options fopts = STANCE_FETCH_OPTIONS_INIT;
	stance_document *doc = NULL;
	const char *html = "<html><body><article><h1>T</h1><p>Vi skal.</p></article></body></html>";
	eopts.version = WRONG;
	expect_refused(stance_extract_html(&doc, html, strlen(html), &eopts), "stance_extract_options");
	cr_expect_null(doc);
	fopts.version = WRONG;
	expect_refused(stance_fetch_run(NULL, NULL, 0, &fopts), "stance_fetch_options");
}

Test(options_version, save_and_history_refuse_another_version, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = NULL;
	stance_document *doc = NULL;
	stance_save_options sopts = STANCE_SAVE_OPTIONS_INIT;
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_save_result r;
	stance_revision_list list;
	cr_assert_eq(stance_repo_init(&repo, dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set(doc, "id", "kl/version"), 0);
	cr_assert_eq(stance_document_set(doc, "title", "Version"), 0);
	cr_assert_eq(stance_document_set_body(doc, "Vi skal.\n", 9), 0);
	sopts.version = WRONG;
	expect_refused(stance_store_save(&r, repo, doc, &sopts), "stance_save_options");
	cr_expect(!th_exists(dir, "kl/version.md"), "nothing written");
	hopts.version = WRONG;
	expect_refused(stance_history_list(&list, repo, &hopts), "stance_history_options");
	stance_document_free(doc);
	stance_repo_free(repo);
	free(dir);
}
