/*
 * test_extract_text.c: `stance extract FILE.txt` printed one giant
 * paragraph with the page chrome left in (the text was read as HTML). It
 * now reads a text file as `stance add` does, through the text importer,
 * and refuses a Markdown file by name.
 */
#include <string.h>

#include "helpers.h"

#define SAVED_PAGE \
	"Log ind\nMenu\nSøg\nForside\n\n" \
	"Det kræver mod\n\n" \
	"Af Anna Holm\n4. december 2020\n\n" \
	"Vi skal have mere frihed i kommunerne, og det kræver at vi tør give slip på styringen.\n\n" \
	"Der er brug for en ny reform, der giver borgerne bedre velfærd tæt på.\n\n" \
	"Del på Facebook\nDel på LinkedIn\n"

Test(extract_text, extract_side_txt_prints_what_add_would_store, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r, shown;
	OK0(dir, "init");
	th_write(dir, "side.txt", SAVED_PAGE);
	OK(&r, dir, "extract", "side.txt");
	cr_assert(strstr(r.out.ptr, "title: Det kræver mod\n"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "published: 2020-12-04\n"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "authors: [Anna Holm]\n"), "%s", r.out.ptr);
	/* paragraphs, not one giant one; the chrome gone */
	cr_assert(strstr(r.out.ptr, "styringen.\n\nDer er brug"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "Log ind") && !strstr(r.out.ptr, "Del på Facebook"), "%s", r.out.ptr);
	th_result_free(&r);
	/* the body is the one `add` stores for the same file */
	OK(&r, dir, "extract", "--raw", "side.txt");
	OK0(dir, "add", "side.txt", "--id", "kl/mod");
	OK(&shown, dir, "show", "kl/mod");
	cr_assert_str_eq(r.out.ptr, shown.out.ptr);
	th_result_free(&r);
	th_result_free(&shown);
	free(dir);
}

Test(extract_text, markdown_and_rules_on_text_are_refused_by_name, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	th_write(dir, "a.md", "---\ntitle: A\n---\nTekst.\n");
	th_write(dir, "side.txt", SAVED_PAGE);
	TH_RUN(&r, dir, "extract", "a.md");
	cr_assert_eq(r.status, 1);
	cr_assert_str_eq(r.out.ptr, "");
	cr_assert(strstr(r.err.ptr, "a.md: a Markdown document, not a saved web page"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "extract", "side.txt", "--select", "//main");
	cr_assert_eq(r.status, 1);
	cr_assert_str_eq(r.out.ptr, "");
	cr_assert(strstr(r.err.ptr, "side.txt: plain text, which --select and --remove"), "%s", r.err.ptr);
	th_result_free(&r);
	/* outside a repository too: the shipped rules */
	OK(&r, dir, "extract", "side.txt", "--json");
	cr_assert(strstr(r.out.ptr, "\"title\": \"Det kræver mod\""), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}
