/*
 * test_render.c: the renderers, each against golden files in
 * tests/fixtures/diff/<case>/ (old.md, new.md, expected.<format>: every
 * folder there is a case, so a new case is a new folder); the
 * CriticMarkup output parses to the new document's block structure (but
 * for the paragraphs and headings removed whole, paragraphs of their own); the
 * HTML page is well-formed and escapes what the documents hold.
 * STANCE_UPDATE_GOLDEN=1 rewrites the golden files after a deliberate change.
 */
#include <stdio.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <libxml/parser.h>

#include "helpers.h"
#include "internal.h"

/* The cases: every folder of tests/fixtures/diff (a new case is a new folder
 * holding old.md and new.md; STANCE_UPDATE_GOLDEN=1 writes its expected.*).
 * Free with th_list_free. */
static char **diff_cases(void)
{
	char *dir = th_source("tests/fixtures/diff");
	size_t n;
	char **names = th_list(dir, "", 1, &n);
	free(dir);
	cr_assert_geq(n, 2, "only %zu cases in tests/fixtures/diff", n);
	return names;
}

static stance_document *load(const char *rel)
{
	char *path = th_source(rel);
	stance_buf raw = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	cr_assert_eq(stance_file_read(&raw, path), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_parse(&doc, raw.ptr, raw.size, path), 0, "%s", stance_error_last());
	stance_buf_dispose(&raw);
	free(path);
	return doc;
}

/* The diff of one fixture case; the caller frees it and the documents. */
static stance_diff *case_diff(const char *name, stance_document **newdoc)
{
	char rel[256];
	stance_document *a, *b;
	stance_diff *d = NULL;
	snprintf(rel, sizeof(rel), "tests/fixtures/diff/%s/old.md", name);
	a = load(rel);
	snprintf(rel, sizeof(rel), "tests/fixtures/diff/%s/new.md", name);
	b = load(rel);
	cr_assert_eq(stance_diff_documents(&d, a, b, NULL), 0, "%s", stance_error_last());
	stance_document_free(a);
	if (newdoc)
		*newdoc = b;
	else
		stance_document_free(b);
	return d;
}

static void golden(const char *name, const char *ext, const stance_buf *got)
{
	char rel[256], *path;
	snprintf(rel, sizeof(rel), "tests/fixtures/diff/%s/expected.%s", name, ext);
	path = th_source(rel);
	th_golden(path, got->ptr, got->size, rel);
	free(path);
}

static void render_golden(stance_render_format format, const char *ext)
{
	size_t i;
	char **cases = diff_cases();
	for (i = 0; cases[i]; i++) {
		stance_diff *d = case_diff(cases[i], NULL);
		stance_render_options o = STANCE_RENDER_OPTIONS_INIT;
		stance_buf out = STANCE_BUF_INIT;
		o.old_label = "old.md";
		o.new_label = "new.md";
		cr_assert_eq(stance_render(&out, format, d, &o), 0, "%s", stance_error_last());
		golden(cases[i], ext, &out);
		stance_buf_dispose(&out);
		stance_diff_free(d);
	}
	th_list_free(cases);
}

Test(render, term_golden) { render_golden(STANCE_RENDER_TERM, "term"); }
Test(render, porcelain_golden) { render_golden(STANCE_RENDER_PORCELAIN, "porcelain"); }
Test(render, critic_golden) { render_golden(STANCE_RENDER_CRITIC, "critic"); }
Test(render, html_golden) { render_golden(STANCE_RENDER_HTML, "html"); }
Test(render, json_golden) { render_golden(STANCE_RENDER_JSON, "json"); }

Test(render, term_colour_uses_ansi_and_no_brackets)
{
	stance_diff *d = case_diff("basic", NULL);
	stance_render_options o = STANCE_RENDER_OPTIONS_INIT;
	stance_buf out = STANCE_BUF_INIT;
	o.color = 1;
	cr_assert_eq(stance_render_term(&out, d, &o), 0);
	cr_assert(strstr(out.ptr, "\033[32m") != NULL);
	cr_assert(strstr(out.ptr, "{+") == NULL);
	stance_buf_dispose(&out);
	stance_diff_free(d);
}

/* Block node types of a Markdown text, depth first, as a string. */
static void block_shape(stance_buf *out, const char *md, size_t len)
{
	cmark_parser *p;
	cmark_node *doc, *n;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("table"));
	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("strikethrough"));
	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("autolink"));
	cmark_parser_feed(p, md, len);
	doc = cmark_parser_finish(p);
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
			stance_buf_printf(out, "%s ", cmark_node_get_type_string(n));
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);
}

/* 1 when md[0,len) (a paragraph, blank lines trimmed) is one removal
 * mark alone: "{--…--}" with no unescaped "--}" before its end. */
static int removal_alone(const char *md, size_t len)
{
	size_t i;
	if (len < 6 || strncmp(md, "{--", 3) || strncmp(md + len - 3, "--}", 3))
		return 0;
	for (i = 3; i + 3 < len; i++)
		if (!strncmp(md + i, "--}", 3) && md[i - 1] != '\\')
			return 0;
	return 1;
}

/* The CriticMarkup without the paragraphs that are removals alone (a block
 * removed whole stands as one): what must have the new block structure. */
static void without_removed_blocks(stance_buf *out, const char *md, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *end = strstr(md + i, "\n\n");
		size_t j = end ? (size_t)(end - md) : len, k = j;
		while (k > i && md[k - 1] == '\n')
			k--;
		if (!removal_alone(md + i, k - i))
			stance_buf_put(out, md + i, j - i), stance_buf_puts(out, "\n\n");
		i = j;
		while (i < len && md[i] == '\n')
			i++;
	}
}

/* Block shape of CriticMarkup, the removed blocks left out. */
static void critic_shape(stance_buf *out, const stance_buf *critic)
{
	stance_buf kept = STANCE_BUF_INIT;
	without_removed_blocks(&kept, critic->ptr ? critic->ptr : "", critic->size);
	block_shape(out, kept.ptr ? kept.ptr : "", kept.size);
	stance_buf_dispose(&kept);
}

Test(render, critic_keeps_the_new_block_structure)
{
	size_t i;
	char **cases = diff_cases();
	for (i = 0; cases[i]; i++) {
		stance_document *nd = NULL;
		stance_diff *d = case_diff(cases[i], &nd);
		stance_buf out = STANCE_BUF_INIT, want = STANCE_BUF_INIT, got = STANCE_BUF_INIT;
		const char *body = stance_document_body(nd);
		cr_assert_eq(stance_render_critic(&out, d, NULL), 0);
		block_shape(&want, body, strlen(body));
		critic_shape(&got, &out);
		cr_assert_str_eq(stance_buf_cstr(&got), stance_buf_cstr(&want), "%s:\n%s", cases[i], out.ptr);
		cr_assert(strstr(out.ptr, "{++") || strstr(out.ptr, "{~~"));
		stance_buf_dispose(&out);
		stance_buf_dispose(&want);
		stance_buf_dispose(&got);
		stance_diff_free(d);
		stance_document_free(nd);
	}
	th_list_free(cases);
}

Test(render, critic_whole_block_edits_keep_structure)
{
	/* headings, items and rows inserted and deleted whole */
	const char *a = "# One\n\nText here.\n\n- a\n- b\n\n| x | y |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |\n\n## Gone heading\n\nLast.\n";
	const char *b = "# One\n\n## New heading\n\nText here.\n\n- a\n- new item\n- b\n\n| x | y |\n| --- | --- |\n| 1 | 2 |\n\nLast.\n";
	stance_document *da = NULL, *db = NULL;
	stance_diff *d = NULL;
	stance_buf out = STANCE_BUF_INIT, want = STANCE_BUF_INIT, got = STANCE_BUF_INIT;
	cr_assert_eq(stance_document_parse(&da, a, strlen(a), "a"), 0);
	cr_assert_eq(stance_document_parse(&db, b, strlen(b), "b"), 0);
	cr_assert_eq(stance_diff_documents(&d, da, db, NULL), 0);
	cr_assert_eq(stance_render_critic(&out, d, NULL), 0);
	block_shape(&want, stance_document_body(db), strlen(stance_document_body(db)));
	critic_shape(&got, &out);
	cr_assert_str_eq(stance_buf_cstr(&got), stance_buf_cstr(&want), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "{--") != NULL, "%s", out.ptr);
	stance_buf_dispose(&out);
	stance_buf_dispose(&want);
	stance_buf_dispose(&got);
	stance_diff_free(d);
	stance_document_free(da);
	stance_document_free(db);
}

/* `stance diff --format=critic` of a paragraph removed before a heading
 * printed "## {--Andet afsnit.--} Slut": the removal inside the heading. A
 * paragraph or heading removed whole stays a paragraph of its own. */
Test(render, critic_removed_paragraph_was_inside_the_next_heading_now_its_own_block)
{
	const char *a = "Første afsnit.\n\nAndet afsnit.\n\n## Slut\n\nSidste.\n\n## Gammel overskrift\n";
	const char *b = "Første afsnit.\n\n## Slut\n\nSidste.\n";
	stance_diff *d = NULL;
	stance_buf out = STANCE_BUF_INIT, shape = STANCE_BUF_INIT;
	cr_assert_eq(stance_diff_texts(&d, a, strlen(a), b, strlen(b), NULL), 0, "%s", stance_error_last());
	cr_assert_eq(stance_render_critic(&out, d, NULL), 0);
	cr_assert_str_eq(out.ptr, "Første afsnit.\n\n{--Andet afsnit.--}\n\n## Slut\n\nSidste.\n\n{--Gammel overskrift--}\n");
	block_shape(&shape, out.ptr, out.size);
	cr_assert_str_eq(shape.ptr, "document paragraph paragraph heading paragraph paragraph ");
	stance_buf_dispose(&out);
	stance_buf_dispose(&shape);
	stance_diff_free(d);
}

Test(render, html_is_well_formed_and_escapes_scripts)
{
	size_t i;
	char **cases = diff_cases();
	for (i = 0; cases[i]; i++) {
		stance_diff *d = case_diff(cases[i], NULL);
		stance_buf out = STANCE_BUF_INIT;
		xmlDocPtr x;
		cr_assert_eq(stance_render_html(&out, d, NULL), 0);
		x = xmlReadMemory(out.ptr, (int)out.size, "diff.html", "UTF-8",
			XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		cr_assert_not_null(x, "%s: the HTML page is not well-formed", cases[i]);
		xmlFreeDoc(x);
		cr_assert(strstr(out.ptr, "<script") == NULL, "a document's <script> came through");
		cr_assert(strstr(out.ptr, "<ins>") != NULL && strstr(out.ptr, "<del>") != NULL);
		cr_assert(strstr(out.ptr, "id=\"summary\"") != NULL);
		cr_assert(strstr(out.ptr, "id=\"side\"") != NULL);
		stance_buf_dispose(&out);
		stance_diff_free(d);
	}
	th_list_free(cases);
}

Test(render, html_escapes_labels_and_titles)
{
	const char *a = "---\ntitle: \"A <b>bold</b> & title\"\n---\nText <img src=x onerror=alert(1)> here.\n";
	const char *b = "---\ntitle: \"A <b>bold</b> & title\"\n---\nText <img src=x onerror=alert(2)> there.\n";
	stance_document *da = NULL, *db = NULL;
	stance_diff *d = NULL;
	stance_render_options o = STANCE_RENDER_OPTIONS_INIT;
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_document_parse(&da, a, strlen(a), "a"), 0);
	cr_assert_eq(stance_document_parse(&db, b, strlen(b), "b"), 0);
	cr_assert_eq(stance_diff_documents(&d, da, db, NULL), 0);
	o.old_label = "<old>";
	cr_assert_eq(stance_render_html(&out, d, &o), 0);
	cr_assert(strstr(out.ptr, "<b>bold") == NULL);
	cr_assert(strstr(out.ptr, "<img") == NULL);
	cr_assert(strstr(out.ptr, "&lt;old&gt;") != NULL);
	stance_buf_dispose(&out);
	stance_diff_free(d);
	stance_document_free(da);
	stance_document_free(db);
}

Test(render, positions_view_lists_reworded_statements)
{
	stance_diff *d = case_diff("basic", NULL);
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_render_positions(&out, d, NULL), 0);
	cr_assert(strstr(out.ptr, "reworded (§ Generelt om nærhedsreformen)") != NULL, "%s", out.ptr);
	cr_assert(strstr(out.ptr, "added") != NULL);
	cr_assert(strstr(out.ptr, "{+Vi bør styrke kvaliteten i velfærden.+}") != NULL, "%s", out.ptr);
	stance_buf_dispose(&out);
	stance_diff_free(d);
}

Test(render, format_names)
{
	stance_render_format f;
	cr_assert_eq(stance_render_format_parse(&f, "critic"), 0);
	cr_assert_eq(f, STANCE_RENDER_CRITIC);
	cr_assert_eq(stance_render_format_parse(&f, "pdf"), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "pdf") != NULL);
}

/* Random documents of headings, paragraphs, list items, quotes and table
 * rows, edited at random: the CriticMarkup always keeps the new document's
 * block structure. */
static unsigned long seed;
static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((seed >> 33) % n);
}

static void random_block(stance_buf *b)
{
	static const char *const words[] = { "kommune", "skal", "bør", "velfærd", "nærhed", "æble",
		"regler", "frihed", "og", "at", "vi", "must", "policy", "2020",
		"<i>x</i>", "a&b", "*em*", "`kode`", "<script>", NULL };
	unsigned kind = rnd(6), n = 2 + rnd(8), i;
	if (kind == 5) {
		stance_buf_puts(b, "| a | b |\n| --- | --- |\n");
		for (i = 0; i < 1 + rnd(3); i++)
			stance_buf_printf(b, "| %s | %s |\n", words[rnd(18)], words[rnd(18)]);
		stance_buf_putc(b, '\n');
		return;
	}
	stance_buf_puts(b, kind == 1 ? "## " : kind == 2 ? "- " : kind == 3 ? "1. " : kind == 4 ? "> " : "");
	for (i = 0; i < n; i++)
		stance_buf_printf(b, "%s%s", i ? " " : "", words[rnd(18)]);
	stance_buf_puts(b, ".\n\n");
}

Test(render, critic_structure_holds_for_random_edits)
{
	int round;
	seed = 4122020;
	for (round = 0; round < 120; round++) {
		stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT, ca = STANCE_BUF_INIT, cb = STANCE_BUF_INIT;
		stance_buf out = STANCE_BUF_INIT, want = STANCE_BUF_INIT, got = STANCE_BUF_INIT;
		unsigned n = 1 + rnd(8), i;
		stance_diff *d = NULL;
		for (i = 0; i < n; i++) {
			unsigned long keep = seed;
			random_block(&a);
			switch (rnd(4)) {
			case 0: seed = keep; random_block(&b); break;   /* the same */
			case 1: break;                                   /* dropped */
			default: random_block(&b); break;                /* other */
			}
		}
		cr_assert_eq(stance_markdown_canonicalize(&ca, a.ptr ? a.ptr : "", a.size), 0);
		cr_assert_eq(stance_markdown_canonicalize(&cb, b.ptr ? b.ptr : "", b.size), 0);
		cr_assert_eq(stance_diff_texts(&d, ca.ptr ? ca.ptr : "", ca.size, cb.ptr ? cb.ptr : "", cb.size, NULL), 0);
		cr_assert_eq(stance_render_critic(&out, d, NULL), 0);
		block_shape(&want, cb.ptr ? cb.ptr : "", cb.size);
		critic_shape(&got, &out);
		if (!strcmp(stance_buf_cstr(&want), "document ")) {
			/* nothing left: the removals can only stand as a paragraph */
			cr_assert(strstr(stance_buf_cstr(&out), "{--") != NULL);
		} else cr_assert_str_eq(stance_buf_cstr(&got), stance_buf_cstr(&want),
			"round %d:\n--- old\n%s\n--- new\n%s\n--- critic\n%s", round, stance_buf_cstr(&ca),
			stance_buf_cstr(&cb), stance_buf_cstr(&out));
		{
			/* and the HTML page stays well-formed, scripts escaped */
			stance_buf html = STANCE_BUF_INIT;
			xmlDocPtr x;
			cr_assert_eq(stance_render_html(&html, d, NULL), 0);
			x = xmlReadMemory(html.ptr, (int)html.size, "diff.html", "UTF-8",
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
			cr_assert_not_null(x, "round %d: the HTML is not well-formed:\n%s", round, html.ptr);
			xmlFreeDoc(x);
			cr_assert(strstr(html.ptr, "<script") == NULL);
			stance_buf_dispose(&html);
		}
		stance_diff_free(d);
		stance_buf_dispose(&a);
		stance_buf_dispose(&b);
		stance_buf_dispose(&ca);
		stance_buf_dispose(&cb);
		stance_buf_dispose(&out);
		stance_buf_dispose(&want);
		stance_buf_dispose(&got);
	}
}

/* A body that begins with a line break (as after front matter) puts blank
 * lines before its first block: a heading or item inserted there is marked
 * after its marker, as anywhere else ("{++## Ny overskrift++}" before). */
Test(render, critic_first_block_after_a_leading_line_break_keeps_its_marker)
{
	const char *cases[][3] = {
		{ "\nTekst.\n", "\n## Ny overskrift\n\nTekst.\n", "\n## {++Ny overskrift++}\n\nTekst.\n" },
		{ "\nTekst.\n", "\n- nyt punkt\n\nTekst.\n", "\n- {++nyt punkt++}\n\nTekst.\n" },
		{ "Tekst.\n", "## Ny overskrift\n\nTekst.\n", "## {++Ny overskrift++}\n\nTekst.\n" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stance_diff *d = NULL;
		stance_buf out = STANCE_BUF_INIT;
		cr_assert_eq(stance_diff_texts(&d, cases[i][0], strlen(cases[i][0]), cases[i][1], strlen(cases[i][1]), NULL),
			0, "%s", stance_error_last());
		cr_assert_eq(stance_render_critic(&out, d, NULL), 0);
		cr_assert_str_eq(stance_buf_cstr(&out), cases[i][2]);
		stance_buf_dispose(&out);
		stance_diff_free(d);
	}
}
