/*
 * test_extract.c: the extract module: golden pages (tests/fixtures/extract/
 * NAME.html must give NAME.md, byte for byte), select/remove rules,
 * charsets, link cleaning, feeds, and bad input.
 */
#include "helpers.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *const BASE = "https://example.org/politik/side.html";

static stance_document *extract_str(const char *html, const stance_extract_options *opts)
{
	stance_document *doc = NULL;
	int error = stance_extract_html(&doc, html, strlen(html), opts);
	cr_assert_eq(error, 0, "extract: %s", stance_error_last());
	return doc;
}

static char *serialize(const stance_document *doc)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_document_serialize(&b, doc), 0, "%s", stance_error_last());
	return stance_buf_detach(&b);
}

/* Golden pages: each tests/fixtures/extract/NAME.html extracts to NAME.md
 * (a new case is a new pair of files; STANCE_UPDATE_GOLDEN=1 writes the .md). */
Test(extract, golden_pages)
{
	char *dir = th_source("tests/fixtures/extract");
	size_t cases, i;
	char **names = th_list(dir, ".html", 0, &cases);
	for (i = 0; i < cases; i++) {
		stance_buf html = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
		stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
		stance_document *doc = NULL;
		char *got;
		stance_buf_printf(&path, "%s/%s", dir, names[i]);
		cr_assert_eq(stance_file_read(&html, path.ptr), 0, "%s", stance_error_last());
		path.size -= 5;
		path.ptr[path.size] = '\0';
		stance_buf_puts(&path, ".md");
		opts.url = BASE;
		cr_assert_eq(stance_extract_html(&doc, html.ptr, html.size, &opts), 0, "%s: %s", names[i], stance_error_last());
		got = serialize(doc);
		th_golden(path.ptr, got, strlen(got), names[i]);
		free(got);
		stance_document_free(doc);
		stance_buf_dispose(&html);
		stance_buf_dispose(&path);
	}
	th_list_free(names);
	free(dir);
	cr_assert_geq(cases, 3, "only %zu golden pages found", cases);
}

static const char *const PAGE =
	"<html><head><title>T</title></head><body><div id='main'>"
	"<p class='intro'>Første afsnit med nok tekst til at være indhold, og lidt mere tekst, og endnu mere.</p>"
	"<div class='ad'>Køb nu! Kun i dag!</div>"
	"<p>Andet afsnit: kommunen skal bygge flere boliger, og regionen bør betale halvdelen af udgiften.</p>"
	"</div><div id='other'><p>Noget helt andet som ikke hører til, skrevet i en sidebjælke med mange ord.</p></div>"
	"</body></html>";

Test(extract, select_and_remove_rules)
{
	const char *sel[] = { "//div[@id='main']" };
	const char *rem[] = { "//div[@class='ad']", "//p[@class='intro']" };
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc;
	const char *body;
	opts.select = sel;
	opts.select_count = 1;
	opts.remove = rem;
	opts.remove_count = 2;
	doc = extract_str(PAGE, &opts);
	body = stance_document_body(doc);
	cr_assert_str_eq(body, "Andet afsnit: kommunen skal bygge flere boliger, og regionen bør betale halvdelen af udgiften.\n");
	stance_document_free(doc);
}

Test(extract, select_that_matches_nothing_is_an_error)
{
	const char *sel[] = { "//article" };
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc = NULL;
	opts.url = BASE;
	opts.select = sel;
	opts.select_count = 1;
	cr_assert_eq(stance_extract_html(&doc, PAGE, strlen(PAGE), &opts), STANCE_ENOTFOUND);
	cr_assert_null(doc);
	cr_assert(strstr(stance_error_last(), BASE), "%s", stance_error_last());
	cr_assert(strstr(stance_error_last(), "select rules matched nothing"), "%s", stance_error_last());
}

Test(extract, bad_xpath_is_named)
{
	const char *rem[] = { "//div[" };
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc = NULL;
	opts.remove = rem;
	opts.remove_count = 1;
	cr_assert_eq(stance_extract_html(&doc, PAGE, strlen(PAGE), &opts), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "'//div['"), "%s", stance_error_last());
	cr_assert_eq(stance_xpath_validate("//div["), STANCE_EINVALID);
	cr_assert_eq(stance_xpath_validate("//div[@class='x']"), 0);
}

Test(extract, page_without_content_is_not_found)
{
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc = NULL;
	const char *html = "<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>";
	opts.url = BASE;
	cr_assert_eq(stance_extract_html(&doc, html, strlen(html), &opts), STANCE_ENOTFOUND);
	cr_assert(strstr(stance_error_last(), "extraction found nothing"), "%s", stance_error_last());
	cr_assert(strstr(stance_error_last(), BASE), "%s", stance_error_last());
	cr_assert_eq(stance_extract_html(&doc, "", 0, &opts), STANCE_ENOTFOUND);
}

Test(extract, charsets)
{
	stance_buf out = STANCE_BUF_INIT;
	char cs[32];
	/* ISO-8859-1 bytes, charset in the header. */
	const char latin1[] = "<p>\xe6\xf8\xe5 \xc6\xd8\xc5</p>";
	/* Windows-1252 quotes and dash, charset only in a meta tag. */
	const char cp1252[] = "<meta charset=\"windows-1252\"><p>\x93gr\xf8n\x94 \x96 ja</p>";
	/* UTF-16LE with a BOM. */
	const char utf16[] = "\xff\xfe<\0p\0>\0\xe6\0<\0/\0p\0>\0";
	/* No label, not UTF-8: Windows-1252. */
	const char unlabelled[] = "<p>K\xf8" "benhavn</p>";
	/* Labelled ISO-8859-1 but really UTF-8. */
	const char mislabelled[] = "<meta charset=iso-8859-1><p>K\xc3\xb8" "benhavn</p>";

	cr_assert_eq(stance_html_to_utf8(&out, latin1, sizeof(latin1) - 1, "text/html; charset=ISO-8859-1", cs, sizeof(cs)), 0);
	cr_assert_str_eq(out.ptr, "<p>æøå ÆØÅ</p>");
	cr_assert_str_eq(cs, "WINDOWS-1252");
	stance_buf_clear(&out);
	cr_assert_eq(stance_html_to_utf8(&out, cp1252, sizeof(cp1252) - 1, NULL, cs, sizeof(cs)), 0);
	cr_assert(strstr(out.ptr, "“grøn” – ja"), "%s", out.ptr);
	stance_buf_clear(&out);
	cr_assert_eq(stance_html_to_utf8(&out, utf16, sizeof(utf16) - 1, NULL, cs, sizeof(cs)), 0);
	cr_assert_str_eq(out.ptr, "<p>æ</p>");
	cr_assert_str_eq(cs, "UTF-16LE");
	stance_buf_clear(&out);
	cr_assert_eq(stance_html_to_utf8(&out, unlabelled, sizeof(unlabelled) - 1, NULL, cs, sizeof(cs)), 0);
	cr_assert_str_eq(out.ptr, "<p>København</p>");
	stance_buf_clear(&out);
	cr_assert_eq(stance_html_to_utf8(&out, mislabelled, sizeof(mislabelled) - 1, NULL, cs, sizeof(cs)), 0);
	cr_assert(strstr(out.ptr, "<p>København</p>"), "%s", out.ptr);
	cr_assert_str_eq(cs, "UTF-8");
	stance_buf_dispose(&out);
}

Test(extract, links_are_cleaned)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "https://user:pw@example.org/a?utm_source=x&id=3&fbclid=y#f", "https://example.org/a?id=3#f" },
		{ "http://example.org/a;jsessionid=ABC123?x=1", "http://example.org/a?x=1" },
		{ "https://example.org/?PHPSESSID=1&gclid=2", "https://example.org/" },
		{ "https://example.org/plain", "https://example.org/plain" },
		/* the URL module's normal form; a password with an '@' goes whole */
		{ "HTTPS://u:p@ss@Example.ORG:443/a/../b?utm_medium=y", "https://example.org/b" },
		/* what is not "scheme://" is kept as written */
		{ "mailto:/dev/null@example.org?subject=x", "mailto:/dev/null@example.org?subject=x" },
		{ "../side.html?fbclid=1#top", "../side.html#top" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stance_buf b = STANCE_BUF_INIT;
		cr_assert_eq(stance_url_clean(&b, cases[i].in), 0);
		cr_assert_str_eq(b.ptr, cases[i].out, "clean(%s)", cases[i].in);
		stance_buf_dispose(&b);
	}
}

/* Links are made absolute by the URL module against the page's address
 * or its <base href>; mailto: and tel: links are kept as written. */
Test(extract, links_are_joined)
{
	static const char *const want[] = {
		"[op](https://example.org/forside.html)", "[rod](https://example.org/)",
		"[cdn](https://cdn.example.org/a.png)", "[stort](https://example.org/Sti)",
		"[post](mailto:/dev/null@example.org)", "[tlf](tel:+4512345678)",
		"[basis](https://example.org/arkiv/2024/nyt.html)",
	};
	const char *page =
		"<html><head><title>Links</title></head><body><article>"
		"<p>Kommunen skal bygge flere boliger, og regionen bør betale halvdelen af udgiften, mener "
		"udvalget, der også vil have flere busser, cykelstier og grønne områder i byen, skriver de: "
		"<a href='../forside.html'>op</a> <a href='/'>rod</a> <a href='//cdn.example.org/a.png'>cdn</a> "
		"<a href='HTTPS://Example.ORG:443/Sti'>stort</a> <a href='mailto:/dev/null@example.org'>post</a> "
		"<a href='tel:+4512345678'>tlf</a>.</p></article></body></html>";
	const char *based =
		"<html><head><title>Links</title><base href='/arkiv/2024/'></head><body><article>"
		"<p>Kommunen skal bygge flere boliger, og regionen bør betale halvdelen af udgiften, mener "
		"udvalget, der også vil have flere busser, cykelstier og grønne områder i byen, skriver de: "
		"<a href='nyt.html'>basis</a>.</p></article></body></html>";
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc;
	size_t i;
	opts.url = BASE;
	doc = extract_str(page, &opts);
	for (i = 0; i < 6; i++)
		cr_assert(strstr(stance_document_body(doc), want[i]), "no %s in:\n%s", want[i], stance_document_body(doc));
	stance_document_free(doc);
	doc = extract_str(based, &opts);
	cr_assert(strstr(stance_document_body(doc), want[6]), "no %s in:\n%s", want[6], stance_document_body(doc));
	stance_document_free(doc);
}

typedef struct {
	stance_buf seen;
} items;

static int collect(const char *url, const char *title, void *payload)
{
	items *it = payload;
	stance_buf_printf(&it->seen, "%s|%s\n", url, title ? title : "-");
	return 0;
}

Test(extract, feeds)
{
	items it = { STANCE_BUF_INIT };
	const char *rss = "<?xml version='1.0'?><rss version='2.0'><channel><title>C</title>"
		"<item><title>Første</title><link>https://example.org/1</link></item>"
		"<item><title> Anden \n nyhed </title><guid>/2</guid></item></channel></rss>";
	const char *atom = "<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>A</title>"
		"<link rel='alternate' href='https://example.org/a'/></entry>"
		"<entry><title>B</title><link rel='self' href='https://example.org/self'/><link href='b.html'/></entry></feed>";
	const char *sitemap = "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
		"<url><loc> https://example.org/s1 </loc></url><url><loc>file:///etc/passwd</loc></url></urlset>";
	cr_assert_eq(stance_feed_parse(rss, strlen(rss), "https://example.org/feed.xml", collect, &it), 0);
	cr_assert_str_eq(it.seen.ptr, "https://example.org/1|Første\nhttps://example.org/2|Anden nyhed\n");
	stance_buf_clear(&it.seen);
	cr_assert_eq(stance_feed_parse(atom, strlen(atom), "https://example.org/news/atom", collect, &it), 0);
	cr_assert_str_eq(it.seen.ptr, "https://example.org/a|A\nhttps://example.org/news/b.html|B\n");
	stance_buf_clear(&it.seen);
	/* Only http and https items are taken. */
	cr_assert_eq(stance_feed_parse(sitemap, strlen(sitemap), "https://example.org/sitemap.xml", collect, &it), 0);
	cr_assert_str_eq(it.seen.ptr, "https://example.org/s1|-\n");
	stance_buf_dispose(&it.seen);
}

Test(extract, not_a_feed)
{
	items it = { STANCE_BUF_INIT };
	const char *html = "<html><body>hi</body></html>";
	cr_assert_eq(stance_feed_parse(html, strlen(html), "https://example.org/x", collect, &it), STANCE_EPARSE);
	cr_assert(strstr(stance_error_last(), "https://example.org/x: not an RSS 2.0 feed"), "%s", stance_error_last());
	cr_assert_eq(stance_feed_parse("garbage", 7, "https://example.org/y", collect, &it), STANCE_EPARSE);
	cr_assert(strstr(stance_error_last(), "https://example.org/y"), "%s", stance_error_last());
	{
		const char *index = "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
			"<sitemap><loc>https://example.org/s1.xml</loc></sitemap></sitemapindex>";
		cr_assert_eq(stance_feed_parse(index, strlen(index), "https://example.org/index.xml", collect, &it), STANCE_EPARSE);
		cr_assert(strstr(stance_error_last(), "a sitemap index"), "%s", stance_error_last());
	}
	cr_assert_null(it.seen.ptr, "items came from a bad feed: %s", it.seen.ptr);
	stance_buf_dispose(&it.seen);
}

Test(extract, unseen_article_page)
{
	/* A page of the readability fixtures: the article, not the chrome. */
	char *path = th_shared("fixtures/extraction/readability/aclu/source.html");
	stance_buf html = STANCE_BUF_INIT;
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc = NULL;
	const char *body;
	cr_assert_eq(stance_file_read(&html, path), 0, "%s", stance_error_last());
	opts.url = "https://www.aclu.org/blog/privacy-technology/internet-privacy/facebook-tracking-me-even-though-im-not-facebook";
	cr_assert_eq(stance_extract_html(&doc, html.ptr, html.size, &opts), 0, "%s", stance_error_last());
	body = stance_document_body(doc);
	cr_assert(strstr(body, "I don't use Facebook") || strstr(body, "I don’t use Facebook"), "%s", body);
	cr_assert_null(strstr(body, "Donate"), "%s", body);
	cr_assert_str_eq(stance_document_get(doc, "title"), "Facebook Is Tracking Me Even Though I’m Not on Facebook");
	cr_assert_str_eq(stance_document_author(doc, 0), "Daniel Kahn Gillmor");
	cr_assert_str_eq(stance_document_get(doc, "language"), "en");
	stance_document_free(doc);
	stance_buf_dispose(&html);
	free(path);
}
