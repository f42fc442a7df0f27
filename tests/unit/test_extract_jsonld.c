/*
 * test_extract_jsonld.c: a page's JSON-LD as the extract module reads it:
 * the article's own object picked (at the top, in a list, in an @graph)
 * and its siblings ignored; authors as strings, objects, lists and @id
 * references; escapes decoded to valid UTF-8 only; invalid JSON, lone
 * surrogates and nesting past the reader's bound ignored, the meta tags
 * read instead.
 */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

static const char *const URL = "https://example.org/nyheder/artikel.html";

/* A paragraph long enough for the content finder to take it at once. */
#define PARA "<p>Kommunen skal bygge flere boliger, og regionen bør betale halvdelen af udgiften, " \
	"mener udvalget, der også vil have flere busser, cykelstier og grønne områder i byen. " \
	"Forslaget skal behandles i byrådet efter sommerferien, og borgerne kan komme med " \
	"høringssvar indtil da; udvalget vil samle dem i en rapport, som offentliggøres bagefter, " \
	"så alle kan se, hvad der er kommet ind, og hvordan det er blevet brugt i forslaget.</p>"

/* The meta tags each page has beside its JSON-LD: what is read when the
 * JSON-LD is not. */
#define META "<meta property=\"og:title\" content=\"Meta titel\">" \
	"<meta name=\"author\" content=\"Meta Forfatter\">" \
	"<meta property=\"article:published_time\" content=\"2020-01-02\">"

/* The page of `head` (after <title>Forside</title>) and PARA, extracted. */
static stance_document *extract_head(const char *head)
{
	stance_extract_options o = STANCE_EXTRACT_OPTIONS_INIT;
	stance_buf page = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	stance_buf_printf(&page, "<html lang=\"en\"><head><title>Forside</title>%s</head><body><article>"
		PARA "</article></body></html>", head);
	o.url = URL;
	cr_assert_eq(stance_extract_html(&doc, page.ptr, page.size, &o), 0, "%s", stance_error_last());
	stance_buf_dispose(&page);
	return doc;
}

/* A <script type="application/ld+json"> of `json`. */
static char *ld(const char *json)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "<script type=\"application/ld+json\">%s</script>", json);
	return stance_buf_detach(&b);
}

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

/* The document serialises to valid UTF-8 and reads back. */
static void assert_sound(const stance_document *doc)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_document *back = NULL;
	cr_assert_eq(stance_document_serialize(&b, doc), 0, "serialise: %s", stance_error_last());
	cr_assert(utf8_valid(b.ptr), "not valid UTF-8: %s", b.ptr);
	cr_assert_eq(stance_document_parse(&back, b.ptr, b.size, "extracted"), 0, "read back: %s\n%s",
		stance_error_last(), b.ptr);
	stance_document_free(back);
	stance_buf_dispose(&b);
}

static void assert_field(const stance_document *doc, const char *field, const char *want)
{
	const char *got = stance_document_get(doc, field);
	cr_assert(got && !strcmp(got, want), "%s: '%s', not '%s'", field, got ? got : "(none)", want);
}

/* The published date starts with `want` (the document writes it whole). */
static void assert_published(const stance_document *doc, const char *want)
{
	const char *got = stance_document_get(doc, "published");
	cr_assert(got && !strncmp(got, want, strlen(want)), "published: '%s', not '%s…'", got ? got : "(none)", want);
}

static void assert_authors(const stance_document *doc, const char *const *want, size_t n)
{
	size_t i;
	cr_assert_eq(stance_document_author_count(doc), n, "%zu authors, not %zu (the first: %s)",
		stance_document_author_count(doc), n,
		stance_document_author_count(doc) ? stance_document_author(doc, 0) : "none");
	for (i = 0; i < n; i++)
		cr_assert_str_eq(stance_document_author(doc, i), want[i]);
}

/* What the meta tags say, when the JSON-LD is not read. */
static void assert_meta_read(const stance_document *doc)
{
	static const char *const authors[] = { "Meta Forfatter" };
	assert_field(doc, "title", "Meta titel");
	assert_authors(doc, authors, 1);
	assert_published(doc, "2020-01-02");
}

/* An @graph of a site's pages, its organisation and the article: the
 * title, authors, date and language are the article's, none a sibling's
 * (the organisation's name was taken for the title, a page's date for
 * the article's). */
Test(extract_jsonld, graph_siblings_are_not_read)
{
	static const char *const authors[] = { "Anne Hansen", "Bo Nielsen" };
	char *s = ld("{\"@context\": \"https://schema.org\", \"@graph\": ["
		"{\"@type\": \"Organization\", \"@id\": \"https://example.org/#org\", \"name\": \"Kommunen\","
		" \"author\": \"Organisationens forfatter\"},"
		"{\"@type\": \"WebSite\", \"name\": \"Kommunens hjemmeside\", \"datePublished\": \"2001-01-01\","
		" \"inLanguage\": \"de\"},"
		"{\"@type\": \"WebPage\", \"name\": \"Nyheder | Kommunen\", \"datePublished\": \"2002-02-02\"},"
		"{\"@type\": \"NewsArticle\", \"headline\": \"Flere boliger i midtbyen\","
		" \"author\": [{\"@type\": \"Person\", \"name\": \"Anne Hansen\"}, {\"@id\": \"https://example.org/#bo\"}],"
		" \"publisher\": {\"@id\": \"https://example.org/#org\"},"
		" \"datePublished\": \"2024-03-05T10:00:00+01:00\", \"inLanguage\": \"da-DK\"},"
		"{\"@type\": \"Person\", \"@id\": \"https://example.org/#bo\", \"name\": \"Bo Nielsen\"}]}");
	stance_document *doc = extract_head(s);
	assert_field(doc, "title", "Flere boliger i midtbyen");
	assert_authors(doc, authors, 2);
	assert_published(doc, "2024-03-05");
	assert_field(doc, "language", "da");
	assert_sound(doc);
	stance_document_free(doc);
	free(s);
}

/* A list of JSON-LD objects at the top, the article not the first; @type
 * a list; authors as a string and an object. */
Test(extract_jsonld, article_in_a_top_level_list)
{
	static const char *const authors[] = { "Carl Berg", "Dorte Lund" };
	char *s = ld("[{\"@context\": \"https://schema.org\", \"@type\": \"BreadcrumbList\", \"name\": \"Sti\"},"
		"{\"@context\": \"https://schema.org\", \"@type\": [\"CreativeWork\", \"BlogPosting\"],"
		" \"name\": \"Grønne tage på rådhuset\", \"author\": [\"Carl Berg\", {\"name\": \" Dorte \\n Lund \"}],"
		" \"datePublished\": \"2023-11-20\"}]");
	stance_document *doc = extract_head(s);
	assert_field(doc, "title", "Grønne tage på rådhuset");
	assert_authors(doc, authors, 2);
	assert_published(doc, "2023-11-20");
	stance_document_free(doc);
	free(s);
}

/* "\ud83c\udf31" is one character, U+1F331, in four bytes of UTF-8 (each
 * half was written as three bytes of its own: invalid UTF-8, a document
 * that could not be read back). */
Test(extract_jsonld, surrogate_pair_is_one_character)
{
	char *s = ld("{\"@context\": \"https://schema.org\", \"@type\": \"Article\","
		" \"headline\": \"\\ud83c\\udf31 Grønne tage\", \"author\": {\"name\": \"Eva \\u00c5berg\"}}");
	stance_document *doc = extract_head(s);
	static const char *const authors[] = { "Eva \xc3\x85" "berg" };
	assert_field(doc, "title", "\xf0\x9f\x8c\xb1 Grønne tage");
	assert_authors(doc, authors, 1);
	assert_sound(doc);
	stance_document_free(doc);
	free(s);
}

/* A lone surrogate (a high half without its low one, or a low half alone)
 * is not JSON that encodes text: the JSON-LD is ignored as a whole and the
 * meta tags are read; no invalid UTF-8 reaches the document. */
Test(extract_jsonld, lone_surrogate_ignores_the_json_ld)
{
	static const char *const titles[] = { "Grønne \\ud83c tage", "Grønne \\udf31 tage", "Grønne tage \\ud83c" };
	size_t i;
	for (i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		stance_buf json = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
		stance_document *doc;
		char *s;
		stance_buf_printf(&json, "{\"@context\": \"https://schema.org\", \"@type\": \"Article\","
			" \"headline\": \"%s\", \"author\": \"LD Forfatter\", \"datePublished\": \"2024-01-01\"}", titles[i]);
		s = ld(json.ptr);
		stance_buf_printf(&head, "%s%s", META, s);
		doc = extract_head(head.ptr);
		assert_meta_read(doc);
		assert_sound(doc);
		stance_document_free(doc);
		stance_buf_dispose(&json);
		stance_buf_dispose(&head);
		free(s);
	}
}

/* JSON-LD that is not JSON (cut short, a trailing comma, single quotes,
 * text after it) is ignored; the meta tags are read. */
Test(extract_jsonld, invalid_json_falls_back_to_meta_tags)
{
	static const char *const bad[] = {
		"{\"@context\": \"https://schema.org\", \"@type\": \"Article\", \"headline\": \"Kort\", \"author\": {\"name\": \"X\"}",
		"{\"@context\": \"https://schema.org\", \"@type\": \"Article\", \"headline\": \"Komma\", \"author\": \"X\",}",
		"{'@context': 'https://schema.org', '@type': 'Article', 'headline': 'Enkelt', 'author': 'X'}",
		"{\"@context\": \"https://schema.org\", \"@type\": \"Article\", \"headline\": \"Efter\", \"author\": \"X\"} ]",
		"{\"@context\": \"https://schema.org\", \"@type\": \"Article\", \"headline\": \"Nul \\u0000 tegn\", \"author\": \"X\"}",
	};
	size_t i;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		stance_buf head = STANCE_BUF_INIT;
		stance_document *doc;
		char *s = ld(bad[i]);
		stance_buf_printf(&head, "%s%s", META, s);
		doc = extract_head(head.ptr);
		assert_meta_read(doc);
		assert_sound(doc);
		stance_document_free(doc);
		stance_buf_dispose(&head);
		free(s);
	}
}

/* An article nested deeper than the JSON reader goes (2,048 levels) is
 * not read, quickly; nor is one inside another object's property, which
 * is not the page's article. */
Test(extract_jsonld, deep_nesting_is_bounded, .timeout = 30)
{
	static const size_t depths[] = { 3000, 200000 };
	size_t i, k;
	for (i = 0; i < sizeof(depths) / sizeof(*depths); i++) {
		stance_buf json = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
		stance_document *doc;
		struct timespec t0, t1;
		char *s;
		for (k = 0; k < depths[i]; k++)
			stance_buf_putc(&json, '[');
		stance_buf_puts(&json, "{\"@context\": \"https://schema.org\", \"@type\": \"Article\","
			" \"headline\": \"Dyb titel\", \"author\": \"Dyb Forfatter\", \"datePublished\": \"2024-01-01\"}");
		for (k = 0; k < depths[i]; k++)
			stance_buf_putc(&json, ']');
		s = ld(json.ptr);
		stance_buf_printf(&head, "%s%s", META, s);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		doc = extract_head(head.ptr);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_meta_read(doc);
		assert_sound(doc);
		cr_assert_lt((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, 5.0,
			"JSON-LD %zu deep took too long", depths[i]);
		stance_document_free(doc);
		stance_buf_dispose(&json);
		stance_buf_dispose(&head);
		free(s);
	}
	{
		char *s = ld("{\"@context\": \"https://schema.org\", \"@type\": \"Organization\", \"name\": \"Kommunen\","
			" \"subjectOf\": {\"list\": [{\"@type\": \"Article\", \"headline\": \"En andens artikel\","
			" \"author\": \"Anden Forfatter\", \"datePublished\": \"2024-01-01\"}]}}");
		stance_buf head = STANCE_BUF_INIT;
		stance_document *doc;
		stance_buf_printf(&head, "%s%s", META, s);
		doc = extract_head(head.ptr);
		assert_meta_read(doc);
		stance_document_free(doc);
		stance_buf_dispose(&head);
		free(s);
	}
}

/* JSON-LD wrapped for old browsers, "<![CDATA[ … ]]>" or "<!-- … -->"
 * (with "//" before), as many pages have it, is read. */
Test(extract_jsonld, cdata_and_comment_wrapping_is_taken_off)
{
	static const char *const wraps[][2] = { { "\n  <![CDATA[\n", "\n  ]]>\n" }, { "//<![CDATA[", "//]]>" },
		{ "<!--", "-->" }, { " //<!--\n", "\n//-->" }, { "<!--", "//-->" }, { "//<![CDATA[\n", "]]>" } };
	size_t i;
	for (i = 0; i < sizeof(wraps) / sizeof(*wraps); i++) {
		static const char *const authors[] = { "Fie Holm" };
		stance_buf json = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
		stance_document *doc;
		char *s;
		stance_buf_printf(&json, "%s{\"@context\": \"http://schema.org\", \"@type\": \"Article\","
			" \"headline\": \"Indpakket titel\", \"author\": {\"@type\": \"Person\", \"name\": \"Fie Holm\"}}%s",
			wraps[i][0], wraps[i][1]);
		s = ld(json.ptr);
		stance_buf_printf(&head, "%s%s", META, s);
		doc = extract_head(head.ptr);
		assert_field(doc, "title", "Indpakket titel");
		assert_authors(doc, authors, 1);
		stance_document_free(doc);
		stance_buf_dispose(&json);
		stance_buf_dispose(&head);
		free(s);
	}
}
