/*
 * fuzz_document.c: a document file parsed (stance_document_parse) and
 * brought to canonical form. Properties: serialise → parse → serialise is
 * a fixed point, and the canonical body means what the input body meant:
 * cmark-gfm renders both to the same HTML.
 */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "fuzz.h"

/* Brings `html` in place to what a browser shows of it: HTML comments
 * dropped (with the line end after a comment that fills its line), since
 * the canonical form separates two lists that follow each other with
 * "<!-- end list -->", and spaces before a line break dropped, since none
 * is shown. Markdown text cannot put "<!--" or "<br />" in the HTML but as
 * raw HTML, since the renderer escapes '<' everywhere else. */
static void normalise_html(char *html)
{
	char *r = html, *w = html, *end;
	while (*r) {
		if (!strncmp(r, "<!--", 4) && (end = strstr(r + 4, "-->")) != NULL) {
			int own_line = r == html || r[-1] == '\n';
			r = end + 3;
			if (own_line && *r == '\n')
				r++;
			continue;
		}
		if (!strncmp(r, "<br />", 6))
			while (w > html && w[-1] == ' ')
				w--;
		*w++ = *r++;
	}
	*w = '\0';
}

/* The Markdown as HTML, read with the extensions canonicalisation uses
 * (document.c): tables, strikethrough, autolinks; raw HTML kept as it is
 * (CMARK_OPT_UNSAFE), then normalised as above. A soft line break is
 * rendered as the space a browser shows for it (CMARK_OPT_NOBREAKS), since
 * the canonical form may write a heading's lines as one. Caller frees. */
static char *to_html(const char *markdown, size_t len)
{
	static const char *const extensions[] = { "table", "strikethrough", "autolink" };
	cmark_parser *parser;
	cmark_node *root;
	char *html;
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	if (!(parser = cmark_parser_new(CMARK_OPT_DEFAULT)))
		abort();
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, markdown, len);
	if (!(root = cmark_parser_finish(parser)))
		abort();
	html = cmark_render_html(root, CMARK_OPT_DEFAULT | CMARK_OPT_NOBREAKS | CMARK_OPT_UNSAFE,
		cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(root);
	cmark_parser_free(parser);
	if (!html)
		abort();
	normalise_html(html);
	return html;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stance_document *doc = NULL;
	stance_buf s1 = STANCE_BUF_INIT;
	const char *text = (const char *)data, *body;
	char *html_in, *html_canon;
	size_t off;

	if (stance_document_parse(&doc, text, size, "fuzz.md") < 0) {
		if (!*stance_error_last())
			FUZZ_FAIL("stance_document_parse failed without a message");
		return 0;
	}
	fuzz_serialize(&s1, doc, "document");
	fuzz_check_fixed_point(&s1, "document");

	off = stance_document_body_offset(text, size);
	if (off > size)
		FUZZ_FAIL("stance_document_body_offset %zu is past the end (%zu bytes)", off, size);
	body = stance_document_body(doc);
	html_in = to_html(text + off, size - off);
	html_canon = to_html(body, strlen(body));
	if (strcmp(html_in, html_canon)) {
		fuzz_show_difference("HTML of the input body", html_in, strlen(html_in),
			"HTML of the canonical body", html_canon, strlen(html_canon));
		FUZZ_FAIL("canonicalisation changed what the body renders to");
	}
	free(html_in);
	free(html_canon);
	stance_buf_dispose(&s1);
	stance_document_free(doc);
	return 0;
}
