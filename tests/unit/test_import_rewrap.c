/*
 * test_import_rewrap.c: plain text wrapped at any width imports to the same
 * document. Every revision of the sample collection (examples/, its Markdown
 * body turned into the plain text a page gives: one line per paragraph,
 * heading and list item) and every seed text of ../shared/corpus is wrapped
 * at 40, 60, 72 and 100 columns (and 30, 50, 80, 120) by the greedy wrapper below (words never
 * broken, list items hanging under their marker) and must import to the same
 * body as the text not wrapped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* the widths the property names, and a few more around them */
static const size_t widths[] = { 40, 60, 72, 100, 30, 50, 80, 120 };
#define NWIDTHS (sizeof(widths) / sizeof(*widths))

/* Characters (code points) of s[0..n). */
static size_t columns(const char *s, size_t n)
{
	size_t i, k = 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

/* Bytes of a list marker and its space at s ("- ", "• ", "12. "), 0 when none. */
static size_t marker_len(const char *s)
{
	static const char *const bullets[] = { "- ", "* ", "\xE2\x80\xA2 ", "\xC2\xB7 ",
		"\xE2\x80\x93 ", NULL };
	size_t i;
	for (i = 0; bullets[i]; i++)
		if (!strncmp(s, bullets[i], strlen(bullets[i])))
			return strlen(bullets[i]);
	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 3; i++)
		;
	return i && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ' ? i + 2 : 0;
}

/* Appends one line of text (no newline in it) wrapped greedily at `width`:
 * a line is broken only where the next word would not fit; a word longer
 * than the width stands alone; continuation lines of a list item are
 * indented under the item's text. */
static void wrap_line(stance_buf *out, const char *s, size_t len, size_t width)
{
	size_t indent = 0, lead, leadc, col, i = 0;
	while (indent < len && s[indent] == ' ')
		indent++;
	if (indent == len) {
		stance_buf_putc(out, '\n');
		return;
	}
	lead = indent + marker_len(s + indent);
	stance_buf_put(out, s, lead);
	col = leadc = columns(s, lead);
	i = lead;
	while (i < len) {
		size_t start, wlen;
		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		wlen = columns(s + start, i - start);
		if (col > leadc && col + 1 + wlen > width) {
			stance_buf_putc(out, '\n');
			for (col = 0; col < leadc; col++)
				stance_buf_putc(out, ' ');
		} else if (col > leadc) {
			stance_buf_putc(out, ' ');
			col++;
		}
		stance_buf_put(out, s + start, i - start);
		col += wlen;
	}
	stance_buf_putc(out, '\n');
}

/* The whole text with each of its lines wrapped at `width` (0: unchanged). */
static void wrap_text(stance_buf *out, const char *text, size_t width)
{
	const char *p = text, *eol;
	if (!width) {
		stance_buf_puts(out, text);
		return;
	}
	while (*p) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		wrap_line(out, p, (size_t)(eol - p), width);
		p = *eol ? eol + 1 : eol;
	}
}

/* A Markdown body as the plain text a page gives: each paragraph, heading
 * and list item on one line, blank lines between blocks, list items and
 * table rows on lines of their own. */
static void markdown_to_plain(stance_buf *out, const char *body)
{
	const char *p = body, *eol;
	int in_block = 0;
	while (*p) {
		size_t len, k = 0;
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		len = (size_t)(eol - p);
		while (k < len && p[k] == ' ')
			k++;
		if (k == len) {
			if (in_block)
				stance_buf_puts(out, "\n\n");
			in_block = 0;
		} else if (p[k] == '>') {
			/* a blockquote is a paragraph of the page */
			while (k < len && (p[k] == '>' || p[k] == ' '))
				k++;
			if (in_block)
				stance_buf_putc(out, ' ');
			stance_buf_put(out, p + k, len - k);
			in_block = 1;
		} else if (p[k] == '#') {
			while (k < len && (p[k] == '#' || p[k] == ' '))
				k++;
			stance_buf_put(out, p + k, len - k);
			in_block = 1;
		} else if (marker_len(p + k) || p[k] == '|') {
			if (in_block)
				stance_buf_putc(out, '\n');
			stance_buf_put(out, p + k, len - k);
			in_block = 1;
		} else {
			if (in_block)
				stance_buf_putc(out, ' ');
			stance_buf_put(out, p + k, len - k);
			in_block = 1;
		}
		p = *eol ? eol + 1 : eol;
	}
	stance_buf_putc(out, '\n');
}

static char *import_body(const char *text, const char *what, const char *language)
{
	stance_import_options o = STANCE_IMPORT_OPTIONS_INIT;
	stance_document *doc = NULL;
	const char *b;
	char *body;
	o.language = language;
	cr_assert_eq(stance_import_text(&doc, text, strlen(text), what, &o, NULL), 0, "%s: %s", what,
		stance_error_last());
	b = stance_document_body(doc);
	body = malloc(strlen(b) + 1);
	cr_assert(body);
	memcpy(body, b, strlen(b) + 1);
	stance_document_free(doc);
	return body;
}

/* The text imports to one body at every width; returns how many of the
 * widths changed the text (a wrapper that did nothing would test nothing). */
static size_t check_rewrap(const char *plain, const char *what, const char *language)
{
	char *want = import_body(plain, what, language);
	size_t i, changed = 0;
	for (i = 0; i < NWIDTHS; i++) {
		stance_buf wrapped = STANCE_BUF_INIT;
		char label[1200];
		char *got;
		wrap_text(&wrapped, plain, widths[i]);
		if (strcmp(stance_buf_cstr(&wrapped), plain))
			changed++;
		snprintf(label, sizeof(label), "%s wrapped at %zu", what, widths[i]);
		got = import_body(stance_buf_cstr(&wrapped), label, language);
		if (strcmp(got, want)) {
			/* show where they part: the line of each from the first difference */
			size_t at = 0, a;
			while (got[at] && got[at] == want[at])
				at++;
			for (a = at; a > 0 && got[a - 1] != '\n'; a--)
				;
			cr_expect_fail("%s imports to another body; from byte %zu:\n--- wrapped\n%.300s\n"
				"--- not wrapped\n%.300s", label, a, got + a, want + a);
		}
		free(got);
		stance_buf_dispose(&wrapped);
	}
	free(want);
	return changed;
}

Test(import_rewrap, wrapper_breaks_at_spaces_only)
{
	stance_buf b = STANCE_BUF_INIT;
	wrap_text(&b, "Vi skal have færre regler og mere tillid til de lokale ledere.\n"
		"  • et punkt på listen der er længere end bredden\n", 20);
	cr_assert_str_eq(stance_buf_cstr(&b), "Vi skal have færre\nregler og mere\ntillid til de lokale\n"
		"ledere.\n  • et punkt på\n    listen der er\n    længere end\n    bredden\n");
	stance_buf_dispose(&b);
}

Test(import_rewrap, the_sample_collection, .timeout = 120)
{
	char *root = th_source("examples");
	char **colls, **docs, **revs;
	size_t ncoll, ndoc, nrev, i, j, k, files = 0, changed = 0;
	colls = th_list(root, "", 1, &ncoll);
	for (i = 0; i < ncoll; i++) {
		char *cdir = th_path(root, colls[i]);
		docs = th_list(cdir, "", 1, &ndoc);
		for (j = 0; j < ndoc; j++) {
			char *ddir = th_path(cdir, docs[j]);
			revs = th_list(ddir, ".md", 0, &nrev);
			for (k = 0; k < nrev; k++) {
				char *path = th_path(ddir, revs[k]);
				stance_buf text = STANCE_BUF_INIT, plain = STANCE_BUF_INIT;
				stance_document *doc = NULL;
				const char *lang;
				cr_assert_eq(stance_file_read(&text, path), 0, "%s", stance_error_last());
				cr_assert_eq(stance_document_parse(&doc, text.ptr, text.size, path), 0, "%s",
					stance_error_last());
				lang = stance_document_get(doc, "language");
				markdown_to_plain(&plain, stance_document_body(doc));
				changed += check_rewrap(stance_buf_cstr(&plain), path, lang ? lang : "en");
				files++;
				stance_document_free(doc);
				stance_buf_dispose(&text);
				stance_buf_dispose(&plain);
				free(path);
			}
			th_list_free(revs);
			free(ddir);
		}
		th_list_free(docs);
		free(cdir);
	}
	th_list_free(colls);
	free(root);
	cr_expect_geq(files, 20, "only %zu revisions in examples/", files);
	cr_expect_geq(changed, files * (NWIDTHS - 1), "the wrapper changed only %zu of %zu texts", changed,
		files * NWIDTHS);
}

Test(import_rewrap, the_seed_texts)
{
	char *dir = th_shared("corpus/seeds");
	size_t n, i, changed = 0;
	char **names = th_list(dir, ".txt", 0, &n);
	for (i = 0; i < n; i++) {
		char *path = th_path(dir, names[i]);
		stance_buf text = STANCE_BUF_INIT;
		cr_assert_eq(stance_file_read(&text, path), 0, "%s", stance_error_last());
		changed += check_rewrap(stance_buf_cstr(&text), path, "da");
		stance_buf_dispose(&text);
		free(path);
	}
	th_list_free(names);
	free(dir);
	cr_expect_geq(n, 5);
	cr_expect_eq(changed, n * NWIDTHS, "the wrapper changed only %zu of %zu texts", changed, n * NWIDTHS);
}

/* One text wrapped by hand at 40 columns: paragraphs join, the lines that
 * are lines (an address, a list under "We ask for:") stay, a short line
 * going on in lower case joins, a wrap before a date's day joins, and one
 * long unwrapped line leaves the rest of the file wrapped as it was. */
Test(import_rewrap, lines_that_are_lines_stay)
{
	static const char text[] =
		"Adapting Harbourside to the sea\n\n"
		"Our position\n\n"
		"The council believes that adaptation\n"
		"must be planned for decades, not budget\n"
		"cycles, and that the costs must be\n"
		"shared fairly between everyone.\n\n"
		"This one paragraph was never wrapped and is much longer than a hundred and ten bytes, "
		"which once turned unwrapping off for the whole file.\n\n"
		"The decision of the council was taken on\n"
		"4. december 2020 after a long debate in\n"
		"the chamber.\n\n"
		"Some of it was short\n"
		"and went on in lower case.\n\n"
		"Write to us at:\n"
		"Harbourside City Council\n"
		"12 Quay Street\n"
		"Harbourside HS1 2AB\n\n"
		"We ask for:\n"
		"- a fund for every coastal town;\n"
		"- one contact point for coastal risk.\n";
	char *body = import_body(text, "wrapped.txt", "en");
	cr_expect(strstr(body, "## Our position\n\n"), "%s", body);
	cr_expect(strstr(body, "\nThe council believes that adaptation must be planned for decades, not "
		"budget cycles, and that the costs must be shared fairly between everyone.\n"), "%s", body);
	cr_expect(strstr(body, "\nThe decision of the council was taken on 4. december 2020 after a long "
		"debate in the chamber.\n"), "%s", body);
	cr_expect(strstr(body, "\nSome of it was short and went on in lower case.\n"), "%s", body);
	cr_expect(strstr(body, "\n\n12 Quay Street\n\n"), "the address lost its lines:\n%s", body);
	cr_expect(strstr(body, "\n\nHarbourside HS1 2AB\n\n"), "%s", body);
	/* the canonical form indents list items by two spaces */
	cr_expect(strstr(body, "\n  - a fund for every coastal town;\n  - one contact point for coastal risk.\n"),
		"%s", body);
	free(body);
}
