/*
 * test_fetch_extract.c: `stance extract`: the document for a saved page, rules
 * tried from the command line, and bad input named (also pages made to hurt
 * the extractor, refused in a sentence or read into a sound document).
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

Test(extract_cli, hostile_pages, .fini = th_cleanup, .timeout = 120)
{
	th_result r;
	char *dir = th_tmpdir();
	stance_buf page = STANCE_BUF_INIT;
	int i;
	/* 40,000 attributes on one element: refused at once, by name. */
	stance_buf_puts(&page, "<html><body><div");
	for (i = 0; i < 40000; i++)
		stance_buf_printf(&page, " a%d=\"v\"", i);
	stance_buf_puts(&page, "><p>Tekst.</p></div></body></html>");
	th_write(dir, "attributes.html", page.ptr);
	TH_RUN(&r, dir, "extract", "attributes.html");
	cr_assert_eq(r.status, 1, "%s", stance_buf_cstr(&r.err));
	cr_assert_str_eq(stance_buf_cstr(&r.err),
		"stance: attributes.html: an element of the page has 40000 attributes, more than the 1000 stance reads\n");
	cr_assert_str_eq(stance_buf_cstr(&r.out), "");
	th_result_free(&r);
	TH_RUN(&r, dir, "extract", "--url", "https://example.org/a", "attributes.html");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(stance_buf_cstr(&r.err), "stance: https://example.org/a: an element of the page has"),
		"%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	/* A language tag of 16 bytes, the last two a character: no language,
	 * and a document that reads back. */
	th_write(dir, "lang.html", "<html lang=\"aaaaaaaaaaaaaa\xc3\xa9\"><body><p>Kommunen skal bygge flere "
		"boliger, og regionen bør betale halvdelen af udgiften, mener udvalget.</p></body></html>");
	TH_RUN(&r, dir, "extract", "lang.html");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert_null(strstr(stance_buf_cstr(&r.out), "language"), "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "Kommunen skal bygge"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	/* Unclosed lists and rules before a figure: 270 bytes once made 77 MB. */
	stance_buf_clear(&page);
	stance_buf_puts(&page, "<html><body>");
	for (i = 0; i < 30; i++)
		stance_buf_puts(&page, "<ul><hr>");
	stance_buf_puts(&page, "<figure>x</figure></body></html>");
	th_write(dir, "nested.html", page.ptr);
	TH_RUN(&r, dir, "extract", "--raw", "nested.html");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert_lt(r.out.size, 8 * page.size, "%zu bytes from %zu", r.out.size, page.size);
	th_result_free(&r);
	stance_buf_dispose(&page);
	free(dir);
	th_cleanup();
}
