/*
 * extract_markdown.c: the content element of a page as a cmark-gfm tree,
 * rendered as Markdown: headings, paragraphs, lists, quotes, code, GFM
 * tables, links made absolute; nesting and growth bounded.
 */
#include "extract_internal.h"

#include <ctype.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

/* ------------------------------------------------------------------ */
/* HTML to a cmark-gfm tree                                             */

/* Lists and block quotes nest at most this deep in the Markdown; deeper
 * ones are read as the blocks of the deepest (each level indents every line
 * of what is inside it, so that the Markdown of a page nested a thousand
 * deep grows with the square of its size). */
#define EXTRACT_MAX_NESTING 8

/* The Markdown of a page may be at most EXTRACT_MAX_GROWTH times its HTML,
 * plus its link targets made absolute, plus EXTRACT_GROWTH_SLACK bytes; the
 * conversion keeps well inside that, and a page that would pass it is
 * refused rather than stored. */
#define EXTRACT_MAX_GROWTH 16
#define EXTRACT_GROWTH_SLACK 65536

typedef struct {
	const char *base;
	int last_space;  /* the inline text so far ends in white space */
	int in_heading;
	int in_link;
	int depth;
	int nest;           /* lists and block quotes around the current block */
	size_t link_bytes;  /* the link targets written so far */
} md_state;

static const char *const skip_tags[] = { "script", "style", "noscript", "template", "nav",
	"form", "button", "input", "select", "textarea", "svg", "iframe", "object", "embed",
	"head", "title", "meta", "link", "aside", "footer", "canvas", "dialog", "map", NULL };

static const char *const inline_tags[] = { "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite",
	"code", "data", "del", "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q",
	"s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
	"wbr", "picture", "source", "acronym", "nobr", NULL };

static void md_inline(md_state *st, cmark_node *parent, xmlNode *n);
static void md_nodes(md_state *st, cmark_node *container, xmlNode *first, const xmlNode *end);
static void md_blocks(md_state *st, cmark_node *container, xmlNode *first);

static void add_text(md_state *st, cmark_node *parent, const char *text)
{
	stance_buf b = STANCE_BUF_INIT;
	cmark_node *t;
	extract_put_collapsed(&b, text, &st->last_space);
	if (!b.size) {
		stance_buf_dispose(&b);
		return;
	}
	t = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(t, b.ptr);
	if (!cmark_node_append_child(parent, t))
		cmark_node_free(t);
	stance_buf_dispose(&b);
}

/* The first (or last) text leaf down the first (or last) children of `n`;
 * borrowed from the cmark tree, NULL when code or a break comes first. */
static cmark_node *first_leaf_text(cmark_node *n, int last)
{
	while (n) {
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_TEXT)
			return n;
		if (t == CMARK_NODE_CODE || t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_SOFTBREAK)
			return NULL;
		n = last ? cmark_node_last_child(n) : cmark_node_first_child(n);
	}
	return NULL;
}

/* Moves white space at the edges of an inline container out of it, so that
 * "<b> word </b>" renders " **word** " and parses back as strong. Returns 1
 * when the container is empty and was freed. */
static int tidy_container(cmark_node *c)
{
	cmark_node *t;
	const char *lit;
	int empty;
	if ((t = first_leaf_text(cmark_node_first_child(c), 0)) && cmark_node_parent(t) == c) {
		lit = cmark_node_get_literal(t);
		if (lit && lit[0] == ' ') {
			cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(sp, " ");
			cmark_node_insert_before(c, sp);
			if (!lit[1]) {
				cmark_node_free(t);
			} else {
				char *copy = stance_strdup(lit + 1);
				cmark_node_set_literal(t, copy);
				free(copy);
			}
		}
	}
	if ((t = first_leaf_text(cmark_node_last_child(c), 1)) && cmark_node_parent(t) == c) {
		lit = cmark_node_get_literal(t);
		if (lit && *lit && lit[strlen(lit) - 1] == ' ') {
			cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
			char *copy = stance_strndup(lit, strlen(lit) - 1);
			cmark_node_set_literal(sp, " ");
			cmark_node_insert_after(c, sp);
			if (copy && !*copy)
				cmark_node_free(t);
			else
				cmark_node_set_literal(t, copy);
			free(copy);
		}
	}
	empty = cmark_node_first_child(c) == NULL;
	if (empty)
		cmark_node_free(c);
	return empty;
}

static void md_image(md_state *st, cmark_node *parent, xmlNode *n)
{
	const char *src = extract_attr(n, "src"), *alt = extract_attr(n, "alt");
	char *url;
	cmark_node *link, *t;
	if (!src || !strncmp(src, "data:", 5) || extract_attr(n, "data-src"))
		src = extract_attr(n, "data-src") ? extract_attr(n, "data-src") : src;
	if (!(url = extract_absolute_url(src, st->base)))
		return;
	if (st->in_link) {
		/* An image inside a link: its alt text is the link's text. */
		if (alt && *alt)
			add_text(st, parent, alt);
		free(url);
		return;
	}
	link = cmark_node_new(CMARK_NODE_LINK);
	cmark_node_set_url(link, url);
	st->link_bytes += strlen(url);
	t = cmark_node_new(CMARK_NODE_TEXT);
	{
		stance_buf b = STANCE_BUF_INIT;
		int sp = 1;
		extract_put_collapsed(&b, alt && *alt ? alt : "image", &sp);
		if (b.size && b.ptr[b.size - 1] == ' ')
			b.ptr[--b.size] = '\0';
		cmark_node_set_literal(t, b.size ? b.ptr : "image");
		stance_buf_dispose(&b);
	}
	cmark_node_append_child(link, t);
	if (!st->last_space) {
		cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(sp, " ");
		cmark_node_append_child(parent, sp);
	}
	if (!cmark_node_append_child(parent, link))
		cmark_node_free(link);
	st->last_space = 0;
	free(url);
}

static void md_inline_children(md_state *st, cmark_node *parent, xmlNode *n)
{
	for (; n; n = n->next)
		md_inline(st, parent, n);
}

static void md_inline(md_state *st, cmark_node *parent, xmlNode *n)
{
	cmark_node *c = NULL;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		add_text(st, parent, (const char *)n->content);
		return;
	}
	if (n->type != XML_ELEMENT_NODE || extract_name_in(n, skip_tags))
		return;
	if (extract_name_is(n, "br")) {
		if (st->in_heading || st->last_space) {
			if (!st->last_space)
				add_text(st, parent, " ");
			return;
		}
		c = cmark_node_new(CMARK_NODE_LINEBREAK);
		if (!cmark_node_append_child(parent, c))
			cmark_node_free(c);
		st->last_space = 1;
		return;
	}
	if (extract_name_is(n, "img")) {
		md_image(st, parent, n);
		return;
	}
	if (extract_name_is(n, "code") || extract_name_is(n, "kbd") || extract_name_is(n, "tt") || extract_name_is(n, "samp")) {
		stance_buf b = STANCE_BUF_INIT;
		int sp = 1;
		xmlChar *content = xmlNodeGetContent(n);
		extract_put_collapsed(&b, content ? (const char *)content : "", &sp);
		xmlFree(content);
		if (b.size && b.ptr[b.size - 1] == ' ')
			b.ptr[--b.size] = '\0';
		if (b.size) {
			c = cmark_node_new(CMARK_NODE_CODE);
			cmark_node_set_literal(c, b.ptr);
			if (!cmark_node_append_child(parent, c))
				cmark_node_free(c);
			st->last_space = 0;
		}
		stance_buf_dispose(&b);
		return;
	}
	if (extract_name_is(n, "em") || extract_name_is(n, "i") || extract_name_is(n, "cite") || extract_name_is(n, "dfn") || extract_name_is(n, "var"))
		c = cmark_node_new(CMARK_NODE_EMPH);
	else if (extract_name_is(n, "strong") || extract_name_is(n, "b"))
		c = cmark_node_new(CMARK_NODE_STRONG);
	else if (extract_name_is(n, "a") && !st->in_link) {
		char *url = extract_absolute_url(extract_attr(n, "href"), st->base);
		const char *href = extract_attr(n, "href");
		if (url && href && href[0] != '#') {
			c = cmark_node_new(CMARK_NODE_LINK);
			cmark_node_set_url(c, url);
			st->link_bytes += strlen(url);
		}
		free(url);
	}
	if (c) {
		int was_link = st->in_link;
		if (!cmark_node_append_child(parent, c)) {
			cmark_node_free(c);
			md_inline_children(st, parent, n->children);
			return;
		}
		if (cmark_node_get_type(c) == CMARK_NODE_LINK)
			st->in_link = 1;
		md_inline_children(st, c, n->children);
		st->in_link = was_link;
		tidy_container(c);
		return;
	}
	if (!extract_name_in(n, inline_tags)) {
		/* A block inside inline content: keep its words apart. */
		if (!st->last_space)
			add_text(st, parent, " ");
		md_inline_children(st, parent, n->children);
		if (!st->last_space)
			add_text(st, parent, " ");
		return;
	}
	md_inline_children(st, parent, n->children);
}

/* Trims the paragraph's edges; frees it and returns 1 when nothing is left. */
static int finish_inline_block(cmark_node *p)
{
	cmark_node *t, *last;
	const char *lit;
	/* Trailing hard breaks mean nothing. */
	while ((last = cmark_node_last_child(p)) && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK)
		cmark_node_free(last);
	while ((t = first_leaf_text(cmark_node_first_child(p), 0)) && (lit = cmark_node_get_literal(t)) && lit[0] == ' ') {
		if (!lit[1])
			cmark_node_free(t);
		else {
			char *copy = stance_strdup(lit + 1);
			cmark_node_set_literal(t, copy);
			free(copy);
			break;
		}
	}
	while ((t = first_leaf_text(cmark_node_last_child(p), 1)) && (lit = cmark_node_get_literal(t)) && *lit && lit[strlen(lit) - 1] == ' ') {
		char *copy = stance_strndup(lit, strlen(lit) - 1);
		if (copy && !*copy)
			cmark_node_free(t);
		else
			cmark_node_set_literal(t, copy);
		free(copy);
	}
	while ((last = cmark_node_last_child(p)) && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK)
		cmark_node_free(last);
	while ((last = cmark_node_first_child(p)) && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK)
		cmark_node_free(last);
	if (!cmark_node_first_child(p)) {
		cmark_node_free(p);
		return 1;
	}
	return 0;
}

/* Renders inline content to one line of Markdown for a table cell. */
static void cell_markdown(md_state *st, stance_buf *out, xmlNode *cell)
{
	cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT), *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
	char *text;
	size_t i;
	cmark_node_append_child(doc, p);
	st->last_space = 1;
	st->in_heading = 1; /* no hard breaks in a cell */
	md_inline_children(st, p, cell->children);
	st->in_heading = 0;
	if (!finish_inline_block(p)) {
		text = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
		for (i = 0; text && text[i]; i++) {
			if (text[i] == '\n') {
				if (text[i + 1])
					stance_buf_putc(out, ' ');
			} else if (text[i] == '|')
				stance_buf_puts(out, "\\|");
			else
				stance_buf_putc(out, text[i]);
		}
		free(text);
	}
	cmark_node_free(doc);
}

static void table_rows(xmlNode *n, node_list *rows)
{
	for (; n; n = n->next) {
		if (extract_name_is(n, "tr"))
			extract_list_push(rows, n);
		else if (extract_name_is(n, "thead") || extract_name_is(n, "tbody") || extract_name_is(n, "tfoot"))
			table_rows(n->children, rows);
	}
}

/* A data table becomes a GFM table (as literal Markdown, made a table node
 * when the body is canonicalised); a layout table is read as blocks. */
static void md_table(md_state *st, cmark_node *container, xmlNode *table)
{
	node_list rows = { 0 };
	size_t i, cols = 0;
	int layout = 0;
	stance_buf md = STANCE_BUF_INIT;
	table_rows(table->children, &rows);
	for (i = 0; i < rows.n; i++) {
		size_t c = 0;
		xmlNode *cell;
		for (cell = rows.v[i]->children; cell; cell = cell->next)
			if (extract_name_is(cell, "td") || extract_name_is(cell, "th")) {
				static const char *const blocky[] = { "p", "div", "table", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", NULL };
				xmlNode **l = NULL;
				size_t nl = 0, cap = 0, k;
				c++;
				extract_find_all(cell->children, NULL, &l, &nl, &cap);
				for (k = 0; k < nl; k++)
					if (extract_name_in(l[k], blocky) && !(extract_name_is(l[k], "p") && nl == 1))
						layout = 1;
				free(l);
			}
		if (c > cols)
			cols = c;
	}
	if (!rows.n || cols == 0 || layout || (cols == 1 && rows.n < 2)) {
		size_t r;
		for (r = 0; r < rows.n; r++) {
			xmlNode *cell;
			for (cell = rows.v[r]->children; cell; cell = cell->next)
				if (extract_name_is(cell, "td") || extract_name_is(cell, "th"))
					md_blocks(st, container, cell->children);
		}
		if (!rows.n)
			md_blocks(st, container, table->children);
		free(rows.v);
		return;
	}
	for (i = 0; i < rows.n; i++) {
		size_t c = 0;
		xmlNode *cell;
		stance_buf_puts(&md, "|");
		for (cell = rows.v[i]->children; cell; cell = cell->next) {
			if (!(extract_name_is(cell, "td") || extract_name_is(cell, "th")))
				continue;
			stance_buf_puts(&md, " ");
			cell_markdown(st, &md, cell);
			stance_buf_puts(&md, " |");
			c++;
		}
		for (; c < cols; c++)
			stance_buf_puts(&md, "  |");
		stance_buf_puts(&md, "\n");
		if (i == 0) {
			stance_buf_puts(&md, "|");
			for (c = 0; c < cols; c++)
				stance_buf_puts(&md, " --- |");
			stance_buf_puts(&md, "\n");
		}
	}
	{
		cmark_node *h = cmark_node_new(CMARK_NODE_HTML_BLOCK);
		cmark_node_set_literal(h, md.ptr);
		if (!cmark_node_append_child(container, h))
			cmark_node_free(h);
	}
	stance_buf_dispose(&md);
	free(rows.v);
}

int extract_is_list(const xmlNode *n)
{
	return extract_name_is(n, "ul") || extract_name_is(n, "ol");
}

/* A list: an item for each <li>, for each list right inside it, and for
 * each run of other children (each child once: an item once took a child
 * and all its following siblings, so that a list of unclosed lists and
 * rules copied itself three times a level). Past EXTRACT_MAX_NESTING the
 * items are blocks of `container`. */
static void md_list(md_state *st, cmark_node *container, xmlNode *list)
{
	cmark_node *l = NULL;
	xmlNode *c, *next;
	int flat = st->nest >= EXTRACT_MAX_NESTING;
	if (!flat) {
		const char *start = extract_attr(list, "start");
		int ordered = extract_name_is(list, "ol");
		l = cmark_node_new(CMARK_NODE_LIST);
		cmark_node_set_list_type(l, ordered ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
		if (ordered) {
			long v = 1;
			if (start && stance_parse_int(&v, start, 0, 999999999) < 0)
				v = 1;
			cmark_node_set_list_start(l, (int)v);
			cmark_node_set_list_delim(l, CMARK_PERIOD_DELIM);
		}
		cmark_node_set_list_tight(l, 1);
		if (!cmark_node_append_child(container, l)) {
			cmark_node_free(l);
			return;
		}
	}
	st->nest++;
	for (c = list->children; c; c = next) {
		cmark_node *item = container;
		next = c->next;
		if (c->type == XML_TEXT_NODE) {
			const char *p = (const char *)c->content;
			while (*p && extract_is_space((unsigned char)*p))
				p++;
			if (!*p)
				continue;
		} else if (c->type != XML_ELEMENT_NODE || extract_name_in(c, skip_tags))
			continue;
		if (!extract_name_is(c, "li") && !extract_is_list(c))
			while (next && !extract_name_is(next, "li") && !extract_is_list(next))
				next = next->next;
		if (!flat) {
			item = cmark_node_new(CMARK_NODE_ITEM);
			cmark_node_append_child(l, item);
		}
		if (extract_name_is(c, "li"))
			md_blocks(st, item, c->children);
		else if (extract_is_list(c))
			md_list(st, item, c);
		else
			md_nodes(st, item, c, next);
		if (!flat && !cmark_node_first_child(item))
			cmark_node_free(item);
	}
	st->nest--;
	if (!flat && !cmark_node_first_child(l))
		cmark_node_free(l);
}

typedef struct {
	cmark_node *para;
} open_para;

static void flush_para(open_para *op)
{
	if (op->para) {
		finish_inline_block(op->para);
		op->para = NULL;
	}
}

/* The nodes from `n` up to `end` (not included; NULL: all its siblings) as
 * blocks of `container`. */
static void md_nodes(md_state *st, cmark_node *container, xmlNode *n, const xmlNode *end)
{
	open_para op = { NULL };
	if (++st->depth > 200) {
		st->depth--;
		return;
	}
	for (; n && n != end; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *p = (const char *)n->content;
			while (*p && extract_is_space((unsigned char)*p))
				p++;
			if (!*p && !op.para)
				continue;
		} else if (n->type != XML_ELEMENT_NODE || extract_name_in(n, skip_tags))
			continue;
		if (n->type != XML_ELEMENT_NODE || extract_name_in(n, inline_tags)) {
			if (!op.para) {
				op.para = cmark_node_new(CMARK_NODE_PARAGRAPH);
				if (!cmark_node_append_child(container, op.para)) {
					cmark_node_free(op.para);
					op.para = NULL;
					continue;
				}
				st->last_space = 1;
			}
			md_inline(st, op.para, n);
			continue;
		}
		flush_para(&op);
		if (NAME(n)[0] == 'h' && NAME(n)[1] >= '1' && NAME(n)[1] <= '6' && !NAME(n)[2]) {
			cmark_node *h = cmark_node_new(CMARK_NODE_HEADING);
			cmark_node_set_heading_level(h, NAME(n)[1] - '0');
			if (!cmark_node_append_child(container, h)) {
				cmark_node_free(h);
				continue;
			}
			st->last_space = 1;
			st->in_heading = 1;
			md_inline_children(st, h, n->children);
			st->in_heading = 0;
			finish_inline_block(h);
		} else if (extract_name_is(n, "p")) {
			cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
			if (!cmark_node_append_child(container, p)) {
				cmark_node_free(p);
				continue;
			}
			st->last_space = 1;
			/* A <p> holding blocks (invalid, but seen) is read as blocks. */
			if (extract_has_child_block(n)) {
				cmark_node_free(p);
				md_blocks(st, container, n->children);
			} else {
				md_inline_children(st, p, n->children);
				finish_inline_block(p);
			}
		} else if (extract_name_is(n, "blockquote") && st->nest >= EXTRACT_MAX_NESTING) {
			md_blocks(st, container, n->children);
		} else if (extract_name_is(n, "blockquote")) {
			cmark_node *q = cmark_node_new(CMARK_NODE_BLOCK_QUOTE);
			if (!cmark_node_append_child(container, q)) {
				cmark_node_free(q);
				continue;
			}
			st->nest++;
			md_blocks(st, q, n->children);
			st->nest--;
			if (!cmark_node_first_child(q))
				cmark_node_free(q);
		} else if (extract_is_list(n)) {
			md_list(st, container, n);
		} else if (extract_name_is(n, "pre")) {
			xmlChar *content = xmlNodeGetContent(n);
			if (content && *content) {
				stance_buf b = STANCE_BUF_INIT;
				cmark_node *cb = cmark_node_new(CMARK_NODE_CODE_BLOCK);
				stance_buf_puts(&b, (const char *)content);
				while (b.size && (b.ptr[b.size - 1] == '\n' || b.ptr[b.size - 1] == ' '))
					b.ptr[--b.size] = '\0';
				stance_buf_putc(&b, '\n');
				cmark_node_set_literal(cb, b.ptr);
				if (!cmark_node_append_child(container, cb))
					cmark_node_free(cb);
				stance_buf_dispose(&b);
			}
			xmlFree(content);
		} else if (extract_name_is(n, "hr")) {
			cmark_node *hr = cmark_node_new(CMARK_NODE_THEMATIC_BREAK);
			if (!cmark_node_append_child(container, hr))
				cmark_node_free(hr);
		} else if (extract_name_is(n, "table")) {
			md_table(st, container, n);
		} else {
			md_blocks(st, container, n->children);
		}
	}
	flush_para(&op);
	st->depth--;
}

static void md_blocks(md_state *st, cmark_node *container, xmlNode *n)
{
	md_nodes(st, container, n, NULL);
}

/* Renders the content element, from a page of `html_len` bytes, as Markdown
 * into `out`; refuses Markdown past the bound of EXTRACT_MAX_GROWTH. */
int extract_content_markdown(stance_buf *out, xmlNode *content, const char *base, size_t html_len,
	const char *url)
{
	md_state st = { base, 1, 0, 0, 0, 0, 0 };
	cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT);
	char *text;
	size_t len, limit;
	int error;
	if (!doc)
		return stance_error_oom();
	md_blocks(&st, doc, content->children);
	text = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
	cmark_node_free(doc);
	if (!text)
		return stance_error_oom();
	len = strlen(text);
	limit = html_len < SIZE_MAX / (2 * EXTRACT_MAX_GROWTH) ?
		EXTRACT_MAX_GROWTH * html_len + st.link_bytes + EXTRACT_GROWTH_SLACK : SIZE_MAX;
	if (len > limit)
		error = stance_error_set(STANCE_EPARSE, "%s%sthe page's %zu bytes make %zu bytes of Markdown, more than "
			"%d times as many; it is not read", url ? url : "", url ? ": " : "", html_len, len,
			EXTRACT_MAX_GROWTH);
	else
		error = stance_buf_put(out, text, len);
	free(text);
	return error;
}
