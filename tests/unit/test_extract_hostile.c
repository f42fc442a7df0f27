/*
 * test_extract_hostile.c: the extract module against pages and feeds made to
 * hurt it: language tags that do not fit, nesting that multiplies the
 * Markdown, entity bombs and external entities in feeds, elements with
 * thousands of attributes, broken and mislabelled charsets, NUL bytes.
 * Each case must end quickly, in little memory, with a document that is
 * valid UTF-8 and reads back, or with a sentence that names the page.
 */
#include "helpers.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <utf8proc.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

static const char *const URL = "https://example.org/hostile/page.html";
static const char *const FEED = "https://example.org/hostile/feed.xml";

/* A paragraph long enough for the content finder to take it at once. */
#define PARA "<p>Kommunen skal bygge flere boliger, og regionen bør betale halvdelen af udgiften, " \
	"mener udvalget, der også vil have flere busser, cykelstier og grønne områder i byen. " \
	"Forslaget skal behandles i byrådet efter sommerferien, og borgerne kan komme med " \
	"høringssvar indtil da; udvalget vil samle dem i en rapport, som offentliggøres bagefter, " \
	"så alle kan se, hvad der er kommet ind, og hvordan det er blevet brugt i forslaget.</p>"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The peak resident memory of this test's process, in MiB (Criterion runs
 * each test in a process of its own). */
static double peak_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* Whether `s` is valid UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF), by utf8proc's decoder. */
static int utf8_valid(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
		if (n <= 0)
			return 0;
		p += n;
		left -= n;
	}
	return 1;
}

/* The document serialises, reads back, and every field is valid UTF-8. */
static void assert_sound(const stance_document *doc, const char *what)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_document *back = NULL;
	cr_assert_eq(stance_document_serialize(&b, doc), 0, "%s: serialise: %s", what, stance_error_last());
	cr_assert(utf8_valid(b.ptr), "%s: not valid UTF-8: %s", what, b.ptr);
	cr_assert_eq(stance_document_parse(&back, b.ptr, b.size, "extracted"), 0, "%s: read back: %s\n%s",
		what, stance_error_last(), b.ptr);
	stance_document_free(back);
	stance_buf_dispose(&b);
}

/* Extracts `len` bytes; the error code, the document through `out`. */
static int extract_n(stance_document **out, const char *html, size_t len, const char *content_type)
{
	stance_extract_options o = STANCE_EXTRACT_OPTIONS_INIT;
	o.url = URL;
	o.content_type = content_type;
	*out = NULL;
	return stance_extract_html(out, html, len, &o);
}

/* ------------------------------------------------------------------ */
/* Language tags                                                        */

Test(extract_hostile, language_tag_cut_inside_a_character, .timeout = 30)
{
	/* 14 letters and a two-byte "é": a 16-byte buffer cut the é in two. */
	static const char page[] = "<html lang=\"aaaaaaaaaaaaaa\xc3\xa9\"><body>" PARA "</body></html>";
	stance_document *doc;
	const char *lang;
	cr_assert_eq(extract_n(&doc, page, sizeof(page) - 1, NULL), 0, "%s", stance_error_last());
	assert_sound(doc, "lang with é");
	lang = stance_document_get(doc, "language");
	cr_assert_null(lang, "'%s' taken as a language", lang);
	stance_document_free(doc);
}

Test(extract_hostile, language_only_from_well_formed_tags, .timeout = 30)
{
	static const struct { const char *tag, *want; } cases[] = {
		{ "en-US", "en" }, { "da_DK", "da" }, { "DA", "da" }, { "zh-Hant-TW", "zh" },
		{ "de-DE-1996", "de" }, { "ast", "ast" }, { " fr ", "fr" },
		{ "aaaaaaaaaaaaaa\xc3\xa9", NULL }, { "en-\xc3\xa9", NULL }, { "\xc3\xa9n", NULL },
		{ "e", NULL }, { "english", NULL }, { "12", NULL }, { "en--US", NULL }, { "en-", NULL },
		{ "-en", NULL }, { "en US", NULL }, { "en-abcdefghi", NULL },
		{ "en-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggggggg", NULL },
		{ "en\"-x", NULL }, { "en:\n", NULL },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stance_buf page = STANCE_BUF_INIT;
		stance_document *doc;
		const char *lang;
		stance_buf_printf(&page, "<html lang='%s'><body>%s</body></html>", cases[i].tag, PARA);
		cr_assert_eq(extract_n(&doc, page.ptr, page.size, NULL), 0, "'%s': %s", cases[i].tag, stance_error_last());
		assert_sound(doc, cases[i].tag);
		lang = stance_document_get(doc, "language");
		if (cases[i].want)
			cr_assert(lang && !strcmp(lang, cases[i].want), "'%s' gave '%s', not '%s'", cases[i].tag,
				lang ? lang : "(none)", cases[i].want);
		else
			cr_assert_null(lang, "'%s' gave '%s'", cases[i].tag, lang);
		stance_document_free(doc);
		stance_buf_dispose(&page);
	}
	{
		/* A broken <html lang> leaves the og:locale meta tag to speak. */
		const char *page = "<html lang='!!'><head><meta property='og:locale' content='da_DK'></head><body>"
			PARA "</body></html>";
		stance_document *doc;
		cr_assert_eq(extract_n(&doc, page, strlen(page), NULL), 0, "%s", stance_error_last());
		cr_assert_str_eq(stance_document_get(doc, "language"), "da");
		stance_document_free(doc);
	}
}

/* ------------------------------------------------------------------ */
/* Nesting                                                              */

/* "<html><body>" + `unit` × depth + `tail`. */
static void nested_page(stance_buf *b, const char *unit, int depth, const char *tail)
{
	int i;
	stance_buf_clear(b);
	stance_buf_puts(b, "<html><body>");
	for (i = 0; i < depth; i++)
		stance_buf_puts(b, unit);
	stance_buf_puts(b, tail);
	stance_buf_puts(b, "</body></html>");
}

/* Extracts nested pages of growing depth: the body stays within a small
 * multiple of the page, and time and memory stay small. */
static void assert_linear(const char *unit, const char *tail)
{
	static const int depths[] = { 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48, 64, 100, 150, 200, 250, 300, 1000 };
	stance_buf page = STANCE_BUF_INIT;
	size_t i;
	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		stance_document *doc;
		double t0 = now();
		size_t body;
		int error;
		nested_page(&page, unit, depths[i], tail);
		error = extract_n(&doc, page.ptr, page.size, NULL);
		cr_assert(error == 0 || error == STANCE_ENOTFOUND, "%s × %d: %s", unit, depths[i], stance_error_last());
		body = doc ? strlen(stance_document_body(doc)) : 0;
		cr_assert_leq(body, 8 * page.size + 1024, "%s × %d: %zu bytes of HTML gave %zu of Markdown", unit,
			depths[i], page.size, body);
		cr_assert_lt(now() - t0, 5.0, "%s × %d took %.1f s", unit, depths[i], now() - t0);
		if (doc)
			assert_sound(doc, unit);
		stance_document_free(doc);
	}
	cr_assert_lt(peak_mib(), 512, "%s: %.0f MiB", unit, peak_mib());
	stance_buf_dispose(&page);
}

Test(extract_hostile, unclosed_lists_and_rules_before_a_figure, .timeout = 120)
{
	/* 270 bytes of these once made 77 MB of Markdown. */
	assert_linear("<ul><hr>", "<figure>x</figure>");
	assert_linear("<ol><hr>", "<figure>Et billede af byrådet, set fra salen, med mange ord.</figure>");
	assert_linear("<ul><p>x</p><hr>", "<figure>x</figure>");
	assert_linear("<ul><div>x<hr>", "<figure>x</figure>");
	assert_linear("<ul><blockquote><hr>", "<figure>x</figure>");
}

Test(extract_hostile, deep_lists_and_quotes, .timeout = 120)
{
	assert_linear("<ul><li>Punkt, med nogle ord.", PARA);
	assert_linear("<ol start=999999999><li>x<br>y<br>", PARA);
	assert_linear("<blockquote>Citat, med nogle ord.", PARA);
	assert_linear("<blockquote><ul><li><p>a</p><p>b</p>", PARA);
	assert_linear("<div><ul><li>", "<p>x</p>");
	assert_linear("<table><tr><td><ul><li>", "<p>x</p>");
}

Test(extract_hostile, many_boxes_in_one_table, .timeout = 60)
{
	/* Each box asked whether every table around it held data, and the
	 * question walked the whole table: 8,000 boxes took 14 s. */
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc;
	double t0;
	int i;
	stance_buf_puts(&page, "<html><body><table><tr><td>");
	for (i = 0; i < 8000; i++)
		stance_buf_puts(&page, "<div><p>Nogle ord om byen, her og der, og flere, og endnu flere ord, så den tæller.</p>"
			"<p>To, tre, fire, fem.</p></div>");
	stance_buf_puts(&page, "</td></tr></table></body></html>");
	t0 = now();
	cr_assert_eq(extract_n(&doc, page.ptr, page.size, NULL), 0, "%s", stance_error_last());
	cr_assert_lt(now() - t0, 5.0, "%.1f s", now() - t0);
	stance_document_free(doc);
	stance_buf_dispose(&page);
}

Test(extract_hostile, long_title_and_many_headings, .timeout = 60)
{
	/* Each heading was compared with the title word by word, each word
	 * looked for in the whole title: this page took 88 s. */
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc;
	double t0;
	int i, j;
	stance_buf_puts(&page, "<html><head><title>");
	for (i = 0; i < 200000; i++)
		stance_buf_printf(&page, "w%d ", i);
	stance_buf_puts(&page, "</title></head><body>");
	for (i = 0; i < 5000; i++) {
		stance_buf_puts(&page, "<h2>");
		for (j = 0; j < 20; j++)
			stance_buf_printf(&page, "x%d ", j);
		stance_buf_puts(&page, "</h2><p>Nogle ord om byen, her og der, og flere.</p>");
	}
	stance_buf_puts(&page, "</body></html>");
	t0 = now();
	cr_assert_eq(extract_n(&doc, page.ptr, page.size, NULL), 0, "%s", stance_error_last());
	cr_assert_lt(now() - t0, 5.0, "%.1f s", now() - t0);
	stance_document_free(doc);
	stance_buf_dispose(&page);
}

/* ------------------------------------------------------------------ */
/* Feeds                                                                */

typedef struct {
	size_t items;
	int leaked;  /* an item carried /etc/passwd's text */
} feed_items;

static int count_item(const char *url, const char *title, void *payload)
{
	feed_items *it = payload;
	it->items++;
	if (strstr(url, "root:") || (title && strstr(title, "root:")))
		it->leaked = 1;
	return 0;
}

/* `feed` is refused quickly, by a message naming the feed, with no item. */
static void assert_refused_feed(const char *feed, size_t len, const char *what)
{
	feed_items it = { 0, 0 };
	double t0 = now();
	int rc = stance_feed_parse(feed, len, FEED, count_item, &it);
	cr_assert_eq(rc, STANCE_EPARSE, "%s: %d %s", what, rc, stance_error_last());
	cr_assert(strstr(stance_error_last(), FEED), "%s: %s", what, stance_error_last());
	cr_assert(strstr(stance_error_last(), "entit"), "%s: %s", what, stance_error_last());
	cr_assert_eq(it.items, 0, "%s: %zu items", what, it.items);
	cr_assert_eq(it.leaked, 0, "%s: a local file came through", what);
	cr_assert_lt(now() - t0, 1.0, "%s took %.1f s", what, now() - t0);
	cr_assert_lt(peak_mib(), 512, "%s: %.0f MiB", what, peak_mib());
}

Test(extract_hostile, billion_laughs_feed, .timeout = 30)
{
	stance_buf f = STANCE_BUF_INIT;
	int i, k;
	stance_buf_puts(&f, "<?xml version='1.0'?>\n<!DOCTYPE rss [\n<!ENTITY lol0 'lol'>\n");
	for (i = 1; i < 10; i++) {
		stance_buf_printf(&f, "<!ENTITY lol%d '", i);
		for (k = 0; k < 10; k++)
			stance_buf_printf(&f, "&lol%d;", i - 1);
		stance_buf_puts(&f, "'>\n");
	}
	stance_buf_puts(&f, "]>\n<rss version='2.0'><channel><item><title>&lol9;</title>"
		"<link>https://example.org/1</link></item></channel></rss>\n");
	assert_refused_feed(f.ptr, f.size, "billion laughs");
	stance_buf_dispose(&f);
}

Test(extract_hostile, entity_referenced_fifty_thousand_times, .timeout = 30)
{
	stance_buf f = STANCE_BUF_INIT;
	int i;
	stance_buf_puts(&f, "<?xml version='1.0'?>\n<!DOCTYPE rss [\n<!ENTITY a '");
	for (i = 0; i < 100000; i++)
		stance_buf_putc(&f, 'x');
	stance_buf_puts(&f, "'>\n]>\n<rss version='2.0'><channel><item><title>");
	for (i = 0; i < 50000; i++)
		stance_buf_puts(&f, "&a;");
	stance_buf_puts(&f, "</title><link>https://example.org/1</link></item></channel></rss>\n");
	assert_refused_feed(f.ptr, f.size, "50,000 references");
	stance_buf_dispose(&f);
}

Test(extract_hostile, external_entities_in_feeds, .timeout = 30)
{
	static const char *const feeds[] = {
		"<?xml version='1.0'?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM 'file:///etc/passwd'>\n]>\n"
		"<rss version='2.0'><channel><item><title>T &x;</title><link>https://example.org/1?&x;</link>"
		"</item></channel></rss>\n",
		"<?xml version='1.0'?>\n<!DOCTYPE feed [\n<!ENTITY % p SYSTEM 'file:///etc/passwd'>\n%p;\n]>\n"
		"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>A</title>"
		"<link href='https://example.org/a'/></entry></feed>\n",
		"<?xml version='1.0'?>\n<!DOCTYPE urlset [\n<!ENTITY x SYSTEM 'file:///etc/passwd'>\n]>\n"
		"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>https://example.org/&x;</loc>"
		"</url></urlset>\n",
	};
	size_t i;
	for (i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++)
		assert_refused_feed(feeds[i], strlen(feeds[i]), feeds[i]);
}

Test(extract_hostile, feeds_without_entity_declarations_still_read, .timeout = 30)
{
	/* An RSS 0.91 DOCTYPE (never loaded), character references and the
	 * predefined entities are fine. */
	const char *rss = "<?xml version='1.0'?>\n<!DOCTYPE rss PUBLIC '-//Netscape Communications//DTD RSS 0.91//EN' "
		"'http://my.netscape.com/publish/formats/rss-0.91.dtd'>\n<rss version='0.91'><channel>"
		"<item><title>R&#248;d &amp; gr&#xF8;n</title><link>https://example.org/1?a=1&amp;b=2</link></item>"
		"</channel></rss>";
	feed_items it = { 0, 0 };
	cr_assert_eq(stance_feed_parse(rss, strlen(rss), FEED, count_item, &it), 0, "%s", stance_error_last());
	cr_assert_eq(it.items, 1);
}

Test(extract_hostile, feed_element_with_40000_attributes, .timeout = 30)
{
	stance_buf f = STANCE_BUF_INIT;
	feed_items it = { 0, 0 };
	double t0 = now();
	int i, rc;
	stance_buf_puts(&f, "<?xml version='1.0'?><rss version='2.0'><channel><item");
	for (i = 0; i < 40000; i++)
		stance_buf_printf(&f, " a%d='v'", i);
	stance_buf_puts(&f, "><title>T</title><link>https://example.org/1</link></item></channel></rss>");
	rc = stance_feed_parse(f.ptr, f.size, FEED, count_item, &it);
	cr_assert(rc == 0 || (rc == STANCE_EPARSE && strstr(stance_error_last(), FEED)), "%d %s", rc,
		stance_error_last());
	cr_assert_lt(now() - t0, 0.5, "%.1f s", now() - t0);
	stance_buf_dispose(&f);
}

/* ------------------------------------------------------------------ */
/* Attributes and elements                                              */

/* A page whose first <div> has `n` attributes. */
static void attribute_page(stance_buf *b, int n)
{
	int i;
	stance_buf_clear(b);
	stance_buf_puts(b, "<html><body><div");
	for (i = 0; i < n; i++)
		stance_buf_printf(b, " a%d=\"v\"", i);
	stance_buf_puts(b, ">" PARA "</div></body></html>");
}

Test(extract_hostile, element_with_40000_attributes, .timeout = 60)
{
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc;
	double t0;
	int error;
	attribute_page(&page, 40000);
	t0 = now();
	error = extract_n(&doc, page.ptr, page.size, NULL);
	cr_assert_lt(now() - t0, 0.5, "%.1f s", now() - t0);
	cr_assert_eq(error, STANCE_EPARSE, "%d %s", error, stance_error_last());
	cr_assert(strstr(stance_error_last(), URL), "%s", stance_error_last());
	cr_assert(strstr(stance_error_last(), "attributes"), "%s", stance_error_last());
	cr_assert_null(doc);
	/* The same, later in the page, after a quoted '>' and inside what
	 * could be taken for a comment or a script. */
	{
		static const char *const before[] = { "<p title='>'>x</p>", "<!-- <b x=\" -->",
			"<script>a<b x=\"</script>", "<style>p{}</style>", "<div a='1'b='2'>" };
		size_t k;
		for (k = 0; k < sizeof(before) / sizeof(before[0]); k++) {
			stance_buf p2 = STANCE_BUF_INIT;
			stance_buf_printf(&p2, "<html><body>%s", before[k]);
			stance_buf_puts(&p2, page.ptr + strlen("<html><body>"));
			t0 = now();
			error = extract_n(&doc, p2.ptr, p2.size, NULL);
			cr_assert_lt(now() - t0, 0.5, "after %s: %.1f s", before[k], now() - t0);
			cr_assert_eq(error, STANCE_EPARSE, "after %s: %d %s", before[k], error, stance_error_last());
			stance_buf_dispose(&p2);
		}
	}
	stance_buf_dispose(&page);
}

/* The most attributes on one element of the tree, and its elements. */
static void tree_attributes(const xmlNode *n, size_t *max)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			const xmlAttr *a;
			size_t k = 0;
			for (a = n->properties; a; a = a->next)
				k++;
			if (k > *max)
				*max = k;
		}
		if (n->children)
			tree_attributes(n->children, max);
	}
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

Test(extract_hostile, tag_count_is_never_below_the_parsers, .timeout = 120)
{
	/* Random tag soup, in pieces that libxml2's parsers treat each their
	 * own way: the count made before parsing must be at least what the
	 * HTML parser (as extraction runs it) and the XML parser (as feeds are
	 * read) put on an element. */
	static const char *const pieces[] = { "<", "<a", "<div", "<p", "<b", "<html ", "<body ", "</", "</p>",
		"<script>", "</script>", "<style>", "</style>", "<textarea>", "</textarea>", "<title>", "<!--",
		"-->", "--!>", "<!", "<?", "?>", "<![CDATA[", "]]>", ">", "/>", "/", "=", "\"", "'", " ", "  ",
		"\t", "\n", "\r", "\f", "\v", "x", "-", ".", ":", "_", "\xc3\xa9", "&amp;", "&", "&#", "&#x41;",
		";", "\x01", "\x7f", "9", "LONG",
		" NAME", " NAME", " NAME", " NAME", " NAME", " NAME", " NAME", " NAME", " NAME=", " NAME='v'",
		" NAME=\"v\"", "NAME", "NAME=", " NAME = '", " NAME=\"", "\xc3\xa9='", "<A ", "<IMG", "</a b='>'>",
		"&quot;", "&#34;", "&apos;", "=>", "'>", "\">", "<!DOCTYPE html>", "<!-->", "<?xml version='1.0'?>" };
	xmlGenericErrorFunc handler = silent;
	unsigned long seed = 12345;
	int round;
	initGenericErrorDefaultFunc(&handler);
	xmlSetStructuredErrorFunc(NULL, NULL);
	for (round = 0; round < 8000; round++) {
		stance_buf soup = STANCE_BUF_INIT;
		stance_tag_counts t, tx;
		int k, names = 0;
		for (k = 0; k < 80; k++) {
			const char *p;
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			p = pieces[(seed >> 33) % (sizeof(pieces) / sizeof(pieces[0]))];
			if (!strncmp(p, "NAME", 4))
				stance_buf_printf(&soup, "n%d%s", names++, p + 4);
			else if (!strncmp(p, " NAME", 5))
				stance_buf_printf(&soup, " n%d%s", names++, p + 5);
			else if (!strcmp(p, "LONG")) {
				int j;
				for (j = 0; j < 130; j++)
					stance_buf_putc(&soup, (char)('a' + (j + names) % 26));
				names++;
			} else
				stance_buf_puts(&soup, p);
		}
		stance_tag_count(&t, soup.ptr, soup.size, 0);
		stance_tag_count(&tx, soup.ptr, soup.size, 1);
		{
			size_t max = 0;
			xmlDoc *d = htmlReadMemory(soup.ptr, (int)soup.size, NULL, "UTF-8", HTML_PARSE_RECOVER |
				HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
			if (d)
				tree_attributes(d->children, &max);
			xmlFreeDoc(d);
			cr_assert_leq(max, t.max_attributes, "HTML: %zu attributes, counted %zu, in\n%s", max,
				t.max_attributes, soup.ptr);
		}
		{
			size_t max = 0;
			xmlDoc *d = xmlReadMemory(soup.ptr, (int)soup.size, NULL, NULL, XML_PARSE_NONET |
				XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER | XML_PARSE_NOCDATA);
			if (d)
				tree_attributes(d->children, &max);
			xmlFreeDoc(d);
			cr_assert_leq(max, tx.max_attributes, "XML: %zu attributes, counted %zu, in\n%s", max,
				tx.max_attributes, soup.ptr);
		}
		stance_buf_dispose(&soup);
	}
}

Test(extract_hostile, elements_with_some_attributes_are_read, .timeout = 60)
{
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc;
	attribute_page(&page, 200);
	cr_assert_eq(extract_n(&doc, page.ptr, page.size, NULL), 0, "%s", stance_error_last());
	cr_assert(strstr(stance_document_body(doc), "Kommunen skal bygge"));
	stance_document_free(doc);
	stance_buf_dispose(&page);
}

Test(extract_hostile, too_many_elements, .timeout = 60)
{
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc;
	double t0;
	int i, error;
	stance_buf_puts(&page, "<html><body>" PARA);
	for (i = 0; i < 500001; i++)
		stance_buf_puts(&page, "<b>");
	stance_buf_puts(&page, "</body></html>");
	t0 = now();
	error = extract_n(&doc, page.ptr, page.size, NULL);
	cr_assert_lt(now() - t0, 1.0, "%.1f s", now() - t0);
	cr_assert_eq(error, STANCE_EPARSE, "%d %s", error, stance_error_last());
	cr_assert(strstr(stance_error_last(), URL), "%s", stance_error_last());
	cr_assert(strstr(stance_error_last(), "elements"), "%s", stance_error_last());
	stance_buf_dispose(&page);
}

Test(extract_hostile, a_page_is_parsed_once, .timeout = 60)
{
	/* A short page: the finder tries all its passes on it. */
	const char *page = "<html><head><title>Kort</title></head><body><div class='menu'><a href='/'>Hjem</a></div>"
		"<p>Et kort afsnit, med lidt tekst.</p></body></html>";
	stance_document *doc;
	unsigned long before = stance_extract_parse_count();
	cr_assert_eq(extract_n(&doc, page, strlen(page), NULL), 0, "%s", stance_error_last());
	cr_assert_eq(stance_extract_parse_count() - before, 1, "parsed %lu times",
		stance_extract_parse_count() - before);
	stance_document_free(doc);
}

Test(extract_hostile, huge_flat_page_within_limits, .timeout = 120)
{
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc;
	double t0;
	int i;
	stance_buf_puts(&page, "<html><head><title>Stor side</title></head><body><article>");
	for (i = 0; i < 12000; i++)
		stance_buf_printf(&page, "<p class='p%d'>%d. %s</p>", i % 7, i, PARA + 3);
	stance_buf_puts(&page, "</article></body></html>");
	cr_assert_gt(page.size, 5u << 20);
	t0 = now();
	cr_assert_eq(extract_n(&doc, page.ptr, page.size, NULL), 0, "%s", stance_error_last());
	cr_assert_lt(now() - t0, 60.0, "%.1f s", now() - t0);
	cr_assert(strstr(stance_document_body(doc), "11999\\. Kommunen"), "the last paragraph is missing");
	assert_sound(doc, "huge page");
	cr_assert_lt(peak_mib(), 1024, "%.0f MiB", peak_mib());
	stance_document_free(doc);
	stance_buf_dispose(&page);
}

/* ------------------------------------------------------------------ */
/* Charsets, NUL bytes, entities in pages                                */

/* Extracts and checks the result is sound UTF-8 holding `want` (may be
 * NULL), or a refusal that names the page. */
static void assert_clean(const char *html, size_t len, const char *content_type, const char *want, const char *what)
{
	stance_document *doc;
	double t0 = now();
	int error = extract_n(&doc, html, len, content_type);
	cr_assert_lt(now() - t0, 2.0, "%s: %.1f s", what, now() - t0);
	cr_assert_lt(peak_mib(), 512, "%s: %.0f MiB", what, peak_mib());
	if (error) {
		cr_assert(strstr(stance_error_last(), URL), "%s: %s", what, stance_error_last());
		cr_assert_null(want, "%s: %s", what, stance_error_last());
		return;
	}
	assert_sound(doc, what);
	if (want)
		cr_assert(strstr(stance_document_body(doc), want), "%s: no '%s' in\n%s", what, want,
			stance_document_body(doc));
	stance_document_free(doc);
}

#define ASSERT_CLEAN(lit, ct, want) assert_clean((lit), sizeof(lit) - 1, (ct), (want), #lit)

Test(extract_hostile, broken_and_mislabelled_charsets, .timeout = 60)
{
	/* Byte sequences that are not UTF-8, in a page that says nothing. */
	ASSERT_CLEAN("<p>Over\xc0\x80lang tekst om byen.</p>" PARA, NULL, "lang tekst om byen");
	ASSERT_CLEAN("<p>Surrogat\xed\xa0\x80 tekst om byen.</p>" PARA, NULL, "tekst om byen");
	ASSERT_CLEAN("<p>For stor\xf4\x90\x80\x80 tekst om byen.</p>" PARA, NULL, "tekst om byen");
	ASSERT_CLEAN("<p>Fem byte\xf8\x88\x80\x80\x80 tekst om byen.</p>" PARA, NULL, "tekst om byen");
	ASSERT_CLEAN("<p>L\xf8s\x80 tekst om byen.</p>" PARA, NULL, "tekst om byen");
	ASSERT_CLEAN(PARA "<p>Afbrudt til sidst\xe2\x82", NULL, "Kommunen");
	ASSERT_CLEAN("<p>Udefinerede \x81\x8d\x8f\x90\x9d tegn om byen.</p>" PARA, NULL, "tegn om byen");
	/* Labels that lie. */
	ASSERT_CLEAN("<p>K\xf8" "benhavn og byen.</p>" PARA, "text/html; charset=utf-8", "København og byen");
	ASSERT_CLEAN("<meta charset='utf-8'><p>K\xf8" "benhavn og byen.</p>" PARA, NULL, "København og byen");
	ASSERT_CLEAN("<meta charset='utf-16'><p>K\xc3\xb8" "benhavn og byen.</p>" PARA, NULL, "København og byen");
	ASSERT_CLEAN("<meta charset='utf-16le'><p>Aarhus og byen.</p>" PARA, NULL, "Aarhus og byen");
	ASSERT_CLEAN("<meta charset='x-no-such-charset'><p>Aarhus og byen.</p>" PARA, NULL, "Aarhus og byen");
	ASSERT_CLEAN("<p>\x82\xa0\x82\xa2\xff\xfe og byen.</p>" PARA, "text/html; charset=shift_jis", " og byen");
	ASSERT_CLEAN("<p>+ADw-b+AD4-fed+ADw-/b+AD4- og byen.</p>" PARA, "text/html; charset=utf-7", NULL);
	ASSERT_CLEAN("<p>\xa4\xe8\xa4\xa6 og byen.</p>" PARA, "text/html; charset=euc-jp", " og byen");
	/* UTF-16 with a lone surrogate and an odd byte at the end. */
	{
		static const char utf16[] = "\xff\xfe<\0p\0>\0A\0\x00\xd8 \0o\0g\0 \0b\0y\0e\0n\0.\0<\0/\0p\0>\0!";
		assert_clean(utf16, sizeof(utf16) - 1, NULL, NULL, "UTF-16LE with a lone surrogate");
	}
}

Test(extract_hostile, nul_bytes, .timeout = 60)
{
	ASSERT_CLEAN("<p>F\x00" "r tekst om byen.</p>" PARA, NULL, "tekst om byen");
	ASSERT_CLEAN("<div class=\"a\x00" "b\"><p>En tekst om byen.</p>" PARA "</div>", NULL, "En tekst om byen");
	ASSERT_CLEAN("<scr\x00ipt>alert(1)</script><p>En tekst om byen.</p>" PARA, NULL, "En tekst om byen");
	ASSERT_CLEAN("\x00\x00\x00<p>En tekst om byen.</p>" PARA, NULL, "En tekst om byen");
	ASSERT_CLEAN("<p>En tekst om byen.</p>" PARA "<p title=\"\x00", NULL, "En tekst om byen");
}

Test(extract_hostile, external_entities_in_pages, .timeout = 60)
{
	static const char page[] = "<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<html><body><p>Fil: &x; tekst om byen.</p>" PARA "</body></html>";
	stance_document *doc;
	int error = extract_n(&doc, page, sizeof(page) - 1, NULL);
	if (error == 0) {
		cr_assert_null(strstr(stance_document_body(doc), "root:"), "%s", stance_document_body(doc));
		assert_sound(doc, "XXE page");
		stance_document_free(doc);
	} else
		cr_assert(strstr(stance_error_last(), URL), "%s", stance_error_last());
}

/* Two JSON-LD blocks whose name and headline differ: the first pair is
 * kept, the second is not read over it (it was, and the first pair leaked;
 * LeakSanitizer in `scripts/test --sanitize` sees it; found by the
 * extraction fuzz target). */
Test(extract_hostile, two_json_ld_blocks_with_name_and_headline)
{
	const char *ld = "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
		"\"@type\": \"Article\", \"name\": \"%s navn\", \"headline\": \"%s overskrift\"}</script>";
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	stance_buf_puts(&page, "<html><head><title>Første overskrift</title>");
	stance_buf_printf(&page, ld, "Første", "Første");
	stance_buf_printf(&page, ld, "Anden", "Anden");
	stance_buf_puts(&page, "</head><body><article><p>Der er brug for flere lærere i folkeskolen, "
		"mener vi, og klasserne må ikke blive større.</p></article></body></html>");
	cr_assert_eq(extract_n(&doc, page.ptr, page.size, "text/html"), 0, "%s", stance_error_last());
	cr_assert(strstr(stance_document_get(doc, "title"), "Første"), "%s", stance_document_get(doc, "title"));
	stance_document_free(doc);
	stance_buf_dispose(&page);
}
