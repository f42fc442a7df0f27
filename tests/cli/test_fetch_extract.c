/*
 * test_fetch_extract.c: `stance extract`: the document for a saved page, rules
 * tried from the command line, and bad input named.
 */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

Test(extract_cli, prints_the_document_with_rules, .fini = th_cleanup)
{
	th_result r;
	char *dir = th_tmpdir(), *page = th_source("tests/fixtures/extract/table-and-metadata.html");
	char *want = th_source("tests/fixtures/extract/table-and-metadata.md");
	stance_buf golden = STANCE_BUF_INIT;
	cr_assert_eq(stance_file_read(&golden, want), 0);
	TH_RUN(&r, dir, "extract", "--url", "https://example.org/politik/side.html", page);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert_str_eq(stance_buf_cstr(&r.out), golden.ptr);
	th_result_free(&r);
	/* A remove rule drops the table; --raw prints the body alone. */
	TH_RUN(&r, dir, "extract", "--raw", "--remove", "//table", page);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert_null(strstr(stance_buf_cstr(&r.out), "Ældrepleje"), "%s", stance_buf_cstr(&r.out));
	cr_assert(!strncmp(stance_buf_cstr(&r.out), "Partierne er enige", 18), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	/* --json: one object a page. */
	TH_RUN(&r, dir, "extract", "--json", page, page);
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(stance_buf_cstr(&r.out), "\"authors\": [\"Mette Sørensen\", \"Ole Jensen\"]"), "%s", stance_buf_cstr(&r.out));
	{
		const char *nl = strchr(stance_buf_cstr(&r.out), '\n');
		cr_assert(nl && strchr(nl + 1, '\n') && !strchr(strchr(nl + 1, '\n') + 1, '\n'), "not two lines");
	}
	th_result_free(&r);
	stance_buf_dispose(&golden);
	free(page);
	free(want);
	free(dir);
	th_cleanup();
}

Test(extract_cli, bad_input_is_named, .fini = th_cleanup)
{
	th_result r;
	char *dir = th_tmpdir();
	th_write(dir, "menu.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>");
	th_write(dir, "empty.html", "");
	TH_RUN(&r, dir, "extract", "menu.html");
	cr_assert_eq(r.status, 1);
	cr_assert_str_eq(stance_buf_cstr(&r.err), "stance: menu.html: extraction found nothing\n");
	cr_assert_str_eq(stance_buf_cstr(&r.out), "");
	th_result_free(&r);
	TH_RUN(&r, dir, "extract", "empty.html");
	cr_assert_eq(r.status, 1);
	cr_assert_str_eq(stance_buf_cstr(&r.err), "stance: empty.html: the page is empty\n");
	th_result_free(&r);
	TH_RUN(&r, dir, "extract", "missing.html");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(stance_buf_cstr(&r.err), "missing.html"), "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, dir, "extract", "--select", "//div[", "menu.html");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(stance_buf_cstr(&r.err), "'//div[' is not a valid XPath expression"), "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, dir, "extract");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(stance_buf_cstr(&r.err), "needs an HTML file"), "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	free(dir);
	th_cleanup();
}
