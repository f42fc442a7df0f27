/*
 * canonical.c: the canonical Markdown form of a document's body, and the
 * library's one way into cmark-gfm's parser.
 *
 * The canonical form is cmark-gfm's CommonMark rendering of the body, with
 * fixed options and the table, strikethrough and autolink extensions, where
 * that rendering reads as the body does. The renderer does not round-trip
 * every construct: it writes a link whose first child is an image of the
 * link's own address, or whose first words are its address, as an autolink
 * (losing the image, or the words after a hard break), and it turns
 * `**_a_**_:_` into emphasis the input did not have. So every rendering is
 * checked: what a reader sees of it (cmark-gfm's HTML, raw HTML as written,
 * and its plain text) must be what a reader sees of the input, and where it
 * is not, the block is kept as written. See docs/format.md.
 */
#define _GNU_SOURCE /* memmem */
#include "canonical.h"
#include "stance/document.h"

#include <cmark-gfm-core-extensions.h>
#include <pthread.h>

/*
 * Passes of the whole procedure before it gives up looking for a fixed
 * point and keeps the body as written. A pass changes a body only to what
 * reads the same; on almost every body the first pass gives the fixed point
 * and the second confirms it, and the renderer's escapes settle by the third.
 */
#define CANON_MAX_PASSES 6

/* Renderings of one block, each of the previous one, before a block that
 * keeps changing is kept as written. */
#define CANON_BLOCK_ROUNDS 4

static const char *const canon_extensions[] = { "table", "strikethrough", "autolink" };

/* The HTML comment the CommonMark renderer writes between two lists, or a
 * list and an indented code block, to keep them apart. A reader does not
 * see it, so what is seen leaves it out. */
static const char end_list_marker[] = "<!-- end list -->\n";

/* ---- cmark-gfm's parser, one parse at a time ---- */

static pthread_once_t register_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

cmark_parser *stance_cmark_parser_new(int options, const char *const *extensions, size_t count)
{
	cmark_parser *parser;
	size_t i;

	/* registration writes the process-wide list of extensions: once */
	pthread_once(&register_once, register_extensions);
	pthread_mutex_lock(&parse_lock);
	parser = cmark_parser_new(options);
	pthread_mutex_unlock(&parse_lock);
	for (i = 0; parser && i < count; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	return parser;
}

cmark_node *stance_cmark_parse(cmark_parser *parser, const char *markdown, size_t len)
{
	cmark_node *root;
	/* the table extension parses a row's inlines while the blocks are fed,
	 * so feeding takes the lock as finishing does */
	pthread_mutex_lock(&parse_lock);
	cmark_parser_feed(parser, markdown, len);
	root = cmark_parser_finish(parser);
	pthread_mutex_unlock(&parse_lock);
	return root;
}

/* ---- trees and what a reader sees of them ---- */

typedef struct {
	cmark_parser *parser;
	cmark_node *root;
} md_tree;

static void tree_dispose(md_tree *t)
{
	if (t->root)
		cmark_node_free(t->root);
	if (t->parser)
		cmark_parser_free(t->parser);
	t->root = NULL;
	t->parser = NULL;
}

static int tree_parse(md_tree *t, const char *text, size_t len)
{
	tree_dispose(t);
	if (!(t->parser = stance_cmark_parser_new(CMARK_OPT_DEFAULT, canon_extensions,
		STANCE_ARRAY_SIZE(canon_extensions))))
		return stance_error_oom();
	if (!(t->root = stance_cmark_parse(t->parser, text, len)))
		return stance_error_oom();
	return 0;
}

/* Appends a rendering cmark-gfm allocated, and frees it. */
static int put_rendered(stance_buf *out, char *text)
{
	int error;
	if (!text)
		return stance_error_oom();
	error = stance_buf_puts(out, text);
	free(text);
	return error;
}

static int buf_eq(const stance_buf *a, const char *b, size_t len)
{
	return a->size == len && (!len || !memcmp(a->ptr, b, len));
}

/* A body whose first line starts with U+FEFF loses it when read: the
 * parser takes it for a byte order mark, which it skips at the very start
 * only. A body that would start so (its text had blank lines before the
 * character) keeps one blank line before it, and the character stays. */
static int guard_leading_bom(stance_buf *b)
{
	stance_buf g = STANCE_BUF_INIT, tmp;
	if (b->size < 3 || memcmp(b->ptr, "\xEF\xBB\xBF", 3))
		return 0;
	if (stance_buf_putc(&g, '\n') < 0 || stance_buf_put(&g, b->ptr, b->size) < 0) {
		stance_buf_dispose(&g);
		return STANCE_ERROR;
	}
	tmp = *b;
	*b = g;
	stance_buf_dispose(&tmp);
	return 0;
}

static int is_end_list_marker(cmark_node *node)
{
	const char *lit;
	return cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK &&
		(lit = cmark_node_get_literal(node)) != NULL && !strcmp(lit, end_list_marker);
}

/* What a reader sees of a top-level block: its HTML and its plain text. */
typedef struct {
	stance_buf html, plain;
} seen_text;

#define SEEN_TEXT_INIT { STANCE_BUF_INIT, STANCE_BUF_INIT }

static void seen_dispose(seen_text *s)
{
	stance_buf_dispose(&s->html);
	stance_buf_dispose(&s->plain);
}

static int seen_eq(const seen_text *a, const seen_text *b)
{
	return buf_eq(&a->html, stance_buf_cstr(&b->html), b->html.size) &&
		buf_eq(&a->plain, stance_buf_cstr(&b->plain), b->plain.size);
}

static int seen_block(seen_text *s, cmark_node *block, cmark_llist *extensions)
{
	int error;
	if (is_end_list_marker(block))
		return 0;
	/* raw HTML as written (not the safe mode's placeholder), so that a
	 * change to it shows */
	if ((error = put_rendered(&s->html, cmark_render_html(block, CMARK_OPT_UNSAFE, extensions))) < 0)
		return error;
	return put_rendered(&s->plain, cmark_render_plaintext(block, CMARK_OPT_DEFAULT, 0));
}

/*
 * Whether the HTML from `from` on leaves a comment open, given whether one
 * was open before it. A browser hides everything from "<!--" to the next
 * "-->", so after raw HTML that opens a comment and never closes it, the
 * renderer's own "<!-- end list -->" is not invisible: it ends that comment.
 */
static int comment_open_after(const stance_buf *html, size_t from, int open)
{
	const char *p = html->ptr ? html->ptr + from : "", *end = html->ptr ? html->ptr + html->size : p;
	while (p < end) {
		const char *hit = open ? memmem(p, (size_t)(end - p), "-->", 3) : memmem(p, (size_t)(end - p), "<!--", 4);
		if (!hit)
			break;
		p = hit + (open ? 3 : 4);
		open = !open;
	}
	return open;
}

static int seen_tree(seen_text *s, const md_tree *t)
{
	cmark_llist *extensions = cmark_parser_get_syntax_extensions(t->parser);
	cmark_node *n;
	int error = 0, open = 0;
	for (n = cmark_node_first_child(t->root); n && !error; n = cmark_node_next(n)) {
		size_t from = s->html.size;
		if (open && is_end_list_marker(n))
			error = put_rendered(&s->html, cmark_render_html(n, CMARK_OPT_UNSAFE, extensions));
		else
			error = seen_block(s, n, extensions);
		open = comment_open_after(&s->html, from, open);
	}
	return error;
}

/* ---- block by block ---- */

/* The source lines of the body, as cmark-gfm counts them (a line ends at
 * "\n", "\r\n" or "\r"); line k is [start[k-1], end[k-1]). */
typedef struct {
	size_t *start, *end;
	size_t n;
} line_table;

static int lines_index(line_table *lt, const char *text, size_t len)
{
	size_t p = 0, cap = 0, e;
	lt->start = lt->end = NULL;
	lt->n = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		p = 3; /* cmark-gfm skips a byte order mark */
	while (p < len) {
		if (lt->n == cap) {
			/* two arrays of one capacity: each grows from the same to the same */
			size_t cap_start = cap, cap_end = cap;
			if (stance_array_grow(&lt->start, &cap_start, lt->n + 1, sizeof(*lt->start)) < 0 ||
			    stance_array_grow(&lt->end, &cap_end, lt->n + 1, sizeof(*lt->end)) < 0)
				return STANCE_ERROR;
			cap = cap_end;
		}
		for (e = p; e < len && text[e] != '\n' && text[e] != '\r'; e++)
			;
		lt->start[lt->n] = p;
		lt->end[lt->n] = e;
		lt->n++;
		p = e < len && text[e] == '\r' && e + 1 < len && text[e + 1] == '\n' ? e + 2 : e + 1;
	}
	return 0;
}

static void lines_dispose(line_table *lt)
{
	free(lt->start);
	free(lt->end);
}

static int line_blank(const line_table *lt, const char *text, size_t k)
{
	size_t i;
	for (i = lt->start[k - 1]; i < lt->end[k - 1]; i++)
		if (text[i] != ' ' && text[i] != '\t')
			return 0;
	return 1;
}

/* Lines first..last (1-based) as written, each ending in "\n", without the
 * blank lines at the end. */
static int put_lines(stance_buf *out, const line_table *lt, const char *text, size_t first, size_t last)
{
	size_t k;
	int error = 0;
	while (last >= first && last > 0 && line_blank(lt, text, last))
		last--;
	for (k = first; k <= last && !error; k++)
		if (!(error = stance_buf_put(out, text + lt->start[k - 1], lt->end[k - 1] - lt->start[k - 1])))
			error = stance_buf_putc(out, '\n');
	return error;
}

/*
 * Renders the top-level block `block` (into `first`), then renders the
 * result again until it stops changing, into `out`. *same is 1 when that
 * rendering reads as the block does; when it does not (or never settles)
 * nothing is appended to `out`.
 */
static int render_block(stance_buf *out, stance_buf *first, int *same, cmark_node *block,
	cmark_llist *extensions)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	seen_text was = SEEN_TEXT_INIT, now = SEEN_TEXT_INIT;
	md_tree t = { NULL, NULL };
	int error, round, settled = 0;

	*same = 0;
	if ((error = put_rendered(&a, cmark_render_commonmark(block, CMARK_OPT_DEFAULT, 0))) < 0 ||
	    (error = stance_buf_put(first, stance_buf_cstr(&a), a.size)) < 0)
		goto done;
	for (round = 0; round < CANON_BLOCK_ROUNDS && !settled; round++) {
		stance_buf tmp;
		if ((error = tree_parse(&t, stance_buf_cstr(&a), a.size)) < 0)
			goto done;
		stance_buf_clear(&b);
		if ((error = put_rendered(&b, cmark_render_commonmark(t.root, CMARK_OPT_DEFAULT, 0))) < 0)
			goto done;
		if (buf_eq(&a, stance_buf_cstr(&b), b.size)) {
			settled = 1;
			break;
		}
		tmp = a;
		a = b;
		b = tmp;
	}
	if (!settled)
		goto done;
	if ((error = seen_block(&was, block, extensions)) < 0 || (error = seen_tree(&now, &t)) < 0)
		goto done;
	if ((*same = seen_eq(&was, &now)))
		error = stance_buf_put(out, stance_buf_cstr(&a), a.size);
done:
	tree_dispose(&t);
	seen_dispose(&was);
	seen_dispose(&now);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	return error;
}

/*
 * Top-level blocks whose source lines are known and do not overlap: a
 * block cmark-gfm gives no position (a paragraph whose last line became a
 * table's header row) goes with the block after it, whose lines hold it.
 */
typedef struct {
	cmark_node *first, *last;
	size_t start, end;  /* source lines, inclusive; start 0: not known */
	int keep;           /* kept as written */
	size_t sep;         /* line ends before it when it follows a rendering */
	stance_buf text;    /* the rendering, when not kept */
} block_unit;

/* The length of the blank lines (nothing but spaces and tabs, ended by
 * "\n", "\r\n" or "\r") before the body's first line with something on it. */
static size_t leading_blank_lines(const char *text, size_t len)
{
	size_t p = 0, q;
	for (q = 0; q < len; q++) {
		if (text[q] == '\n' || text[q] == '\r')
			p = q + 1;
		else if (text[q] != ' ' && text[q] != '\t')
			break;
	}
	return p;
}

/* The body as written, without the blank lines before its first line and
 * with a line end after its last: what a body that cannot be made canonical
 * is stored as. Neither change is one a reader sees. */
static int keep_as_written(stance_buf *out, const char *text, size_t len)
{
	size_t p = leading_blank_lines(text, len), q;
	for (q = p; q < len && (text[q] == ' ' || text[q] == '\t'); q++)
		;
	if (q == len)
		return 0;
	if (stance_buf_put(out, text + p, len - p) < 0)
		return STANCE_ERROR;
	return text[len - 1] == '\n' || text[len - 1] == '\r' ? 0 : stance_buf_putc(out, '\n');
}

/* Appends a piece after `sep` line ends (a blank line: 1) when it is not
 * the first. */
static int put_piece_sep(stance_buf *out, const char *piece, size_t len, size_t sep)
{
	if (!len)
		return 0;
	for (; out->size && sep; sep--)
		if (stance_buf_putc(out, '\n') < 0)
			return STANCE_ERROR;
	return stance_buf_put(out, piece, len);
}

static int put_piece(stance_buf *out, const char *piece, size_t len)
{
	return put_piece_sep(out, piece, len, 1);
}

/* The line ends the whole body's rendering `whole` has at *at before the
 * rendering `piece` of a block, moving *at past it; a blank line (1) when
 * `piece` is not found there. */
static size_t separator_in(const stance_buf *whole, size_t *at, const stance_buf *piece)
{
	size_t k = *at, nl = 0;
	while (k < whole->size && whole->ptr[k] == '\n') {
		k++;
		nl++;
	}
	if (!piece->size || k + piece->size > whole->size || memcmp(whole->ptr + k, piece->ptr, piece->size))
		return 1;
	*at = k + piece->size;
	return nl;
}

/* A run of lines between blocks is kept with a block kept as written when
 * it is nothing but link reference definitions (which the block may use),
 * not what cmark-gfm left out of a block's lines. */
static int put_definitions(stance_buf *out, const stance_buf *run)
{
	md_tree t = { NULL, NULL };
	int error;
	if (!run->size)
		return 0;
	if ((error = tree_parse(&t, run->ptr, run->size)) == 0 && !cmark_node_first_child(t.root))
		error = put_piece(out, run->ptr, run->size);
	tree_dispose(&t);
	return error;
}

/* The runs of non-blank lines from..to that are definitions, as pieces. */
static int put_between(stance_buf *out, const line_table *lt, const char *text, size_t from, size_t to)
{
	stance_buf run = STANCE_BUF_INIT;
	size_t k;
	int error = 0;
	if (to > lt->n)
		to = lt->n;
	for (k = from; k <= to && !error; k++) {
		if (!line_blank(lt, text, k)) {
			error = put_lines(&run, lt, text, k, k);
		} else {
			error = put_definitions(out, &run);
			stance_buf_clear(&run);
		}
	}
	if (!error)
		error = put_definitions(out, &run);
	stance_buf_dispose(&run);
	return error;
}

/*
 * The slow way, for a body whose rendering as a whole does not read as it
 * does: each top-level block is rendered on its own and kept as written
 * where its rendering reads differently. `seen0` is what a reader sees of
 * the body `t0` was parsed from. When the result as a whole still does not
 * read as the body, the body is kept as written.
 */
static int canon_blocks(stance_buf *out, const char *text, size_t len, md_tree *t0,
	const stance_buf *whole, const seen_text *seen0, stance_canonical_stats *st)
{
	cmark_llist *extensions = cmark_parser_get_syntax_extensions(t0->parser);
	line_table lt = { NULL, NULL, 0 };
	block_unit *units = NULL;
	size_t nunits = 0, nblocks = 0, i, prev_end = 0, at = 0;
	cmark_node *n, *pending = NULL;
	seen_text seen = SEEN_TEXT_INIT;
	md_tree t = { NULL, NULL };
	stance_buf body = STANCE_BUF_INIT;
	int error, any_kept = 0, fail = 0, prev_rendered = 0;

	if ((error = lines_index(&lt, text, len)) < 0)
		goto done;
	for (n = cmark_node_first_child(t0->root); n; n = cmark_node_next(n))
		nblocks++;
	if (nblocks && !(units = calloc(nblocks, sizeof(*units)))) {
		error = stance_error_oom();
		goto done;
	}
	for (n = cmark_node_first_child(t0->root); n; n = cmark_node_next(n)) {
		int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
		size_t s, e;
		if (sl <= 0 || (size_t)sl > lt.n) {
			if (!pending)
				pending = n;
			continue;
		}
		s = (size_t)sl;
		e = el < sl ? s : (size_t)el > lt.n ? lt.n : (size_t)el;
		if (nunits && units[nunits - 1].start && s <= units[nunits - 1].end) {
			units[nunits - 1].last = n;
			if (e > units[nunits - 1].end)
				units[nunits - 1].end = e;
		} else {
			units[nunits].first = pending ? pending : n;
			units[nunits].last = n;
			units[nunits].start = s;
			units[nunits].end = e;
			nunits++;
		}
		pending = NULL;
	}
	if (pending) {
		units[nunits].first = pending;
		units[nunits].last = cmark_node_last_child(t0->root);
		nunits++;
	}

	for (i = 0; i < nunits; i++) {
		block_unit *u = &units[i];
		/* every block is rendered, so that the place in the whole rendering
		 * keeps up with them */
		for (n = u->first; ; n = cmark_node_next(n)) {
			stance_buf one = STANCE_BUF_INIT, first = STANCE_BUF_INIT;
			size_t sep;
			int same;
			error = render_block(&one, &first, &same, n, extensions);
			/* renderings follow each other as in the whole rendering */
			sep = separator_in(whole, &at, &first);
			if (n == u->first)
				u->sep = sep;
			if (!error && same && !u->keep)
				error = put_piece_sep(&u->text, stance_buf_cstr(&one), one.size, sep);
			stance_buf_dispose(&one);
			stance_buf_dispose(&first);
			if (error < 0)
				goto done;
			if (!same)
				u->keep = 1;
			if (n == u->last)
				break;
		}
		if (u->keep) {
			/* a block whose lines are not known cannot be kept as written */
			if (!u->start)
				fail = 1;
			any_kept = 1;
			for (n = u->first; ; n = cmark_node_next(n)) {
				st->kept++;
				if (n == u->last)
					break;
			}
		}
	}

	/* cmark-gfm ends an HTML block at its first blank line, and a block
	 * kept as written takes what follows it up to the next block: the
	 * lines as they were, in the order they were */
	for (i = 0; i < nunits; i++)
		if (units[i].keep && units[i].start)
			units[i].end = i + 1 < nunits && units[i + 1].start ? units[i + 1].start - 1 : lt.n;

	for (i = 0; i < nunits && !fail; i++) {
		block_unit *u = &units[i];
		size_t was = body.size;
		if (any_kept && u->start && (error = put_between(&body, &lt, text, prev_end + 1, u->start - 1)) < 0)
			goto done;
		if (body.size != was)
			prev_rendered = 0;
		if (u->keep) {
			stance_buf piece = STANCE_BUF_INIT;
			cmark_node *next = cmark_node_next(u->last);
			if (!(error = put_lines(&piece, &lt, text, u->start, u->end)))
				error = put_piece(&body, stance_buf_cstr(&piece), piece.size);
			/* the rendering of what follows may be a list or indented
			 * code that would join a list kept as written */
			if (!error && next && cmark_node_get_type(u->last) == CMARK_NODE_LIST &&
			    (cmark_node_get_type(next) == CMARK_NODE_LIST ||
			     cmark_node_get_type(next) == CMARK_NODE_CODE_BLOCK))
				error = put_piece(&body, end_list_marker, sizeof(end_list_marker) - 1);
			stance_buf_dispose(&piece);
		} else {
			error = put_piece_sep(&body, stance_buf_cstr(&u->text), u->text.size,
				prev_rendered ? u->sep : 1);
		}
		prev_rendered = !u->keep;
		if (error < 0)
			goto done;
		if (u->end > prev_end)
			prev_end = u->end;
	}
	if (!fail && any_kept && (error = put_between(&body, &lt, text, prev_end + 1, lt.n)) < 0)
		goto done;

	/* the whole must read as the body did, block boundaries included */
	if (!fail) {
		if ((error = tree_parse(&t, stance_buf_cstr(&body), body.size)) < 0 ||
		    (error = seen_tree(&seen, &t)) < 0)
			goto done;
		fail = !seen_eq(&seen, seen0);
	}
	if (fail) {
		st->whole = 1;
		st->kept = st->blocks;
		error = keep_as_written(out, text, len);
	} else {
		error = stance_buf_put(out, stance_buf_cstr(&body), body.size);
	}
done:
	for (i = 0; i < nunits; i++)
		stance_buf_dispose(&units[i].text);
	free(units);
	lines_dispose(&lt);
	tree_dispose(&t);
	seen_dispose(&seen);
	stance_buf_dispose(&body);
	return error;
}

/*
 * Whether the body is blank lines followed by `r`, its rendering. cmark-gfm
 * parses nothing from blank lines before the first block, so the body's
 * tree is the tree of `r` (but for its line numbers, which no rendering
 * uses). A rendering that starts with a byte order mark is not taken: only
 * at the very start would the parser skip it.
 */
static int renders_to_rest(const stance_buf *r, const char *text, size_t len)
{
	size_t skip = leading_blank_lines(text, len);
	if (!skip || (r->size >= 3 && !memcmp(r->ptr, "\xEF\xBB\xBF", 3)))
		return 0;
	return buf_eq(r, text + skip, len - skip);
}

/*
 * One pass: the body's rendering when it reads as the body does (the body
 * itself when it renders to itself), else the block-by-block result.
 * *fixed is set when the result is known to render to itself, so that a
 * pass over it would change nothing.
 */
static int canon_pass(stance_buf *out, int *fixed, const char *text, size_t len,
	stance_canonical_stats *st)
{
	md_tree t0 = { NULL, NULL }, tr = { NULL, NULL };
	stance_buf r = STANCE_BUF_INIT, r2 = STANCE_BUF_INIT;
	seen_text seen0 = SEEN_TEXT_INIT, seenr = SEEN_TEXT_INIT;
	cmark_node *n;
	int error;

	memset(st, 0, sizeof(*st));
	*fixed = 0;
	if ((error = tree_parse(&t0, text, len)) < 0)
		goto done;
	for (n = cmark_node_first_child(t0.root); n; n = cmark_node_next(n))
		st->blocks++;
	if ((error = put_rendered(&r, cmark_render_commonmark(t0.root, CMARK_OPT_DEFAULT, 0))) < 0 ||
	    (error = guard_leading_bom(&r)) < 0)
		goto done;
	if (buf_eq(&r, text, len)) {
		*fixed = 1;
		error = stance_buf_put(out, text, len);
		goto done;
	}
	if (renders_to_rest(&r, text, len)) {
		/* the body is its rendering after blank lines (a file's body
		 * after its front matter): the same tree, so the rendering reads
		 * as the body does and renders to itself */
		*fixed = 1;
		error = stance_buf_put(out, stance_buf_cstr(&r), r.size);
		goto done;
	}
	if ((error = tree_parse(&tr, stance_buf_cstr(&r), r.size)) < 0 ||
	    (error = seen_tree(&seen0, &t0)) < 0 || (error = seen_tree(&seenr, &tr)) < 0)
		goto done;
	if (seen_eq(&seen0, &seenr)) {
		/* the next pass's first step, on the tree at hand */
		if ((error = put_rendered(&r2, cmark_render_commonmark(tr.root, CMARK_OPT_DEFAULT, 0))) < 0 ||
		    (error = guard_leading_bom(&r2)) < 0)
			goto done;
		*fixed = buf_eq(&r2, stance_buf_cstr(&r), r.size);
		error = stance_buf_put(out, stance_buf_cstr(&r), r.size);
	} else if ((error = canon_blocks(out, text, len, &t0, &r, &seen0, st)) == 0)
		error = guard_leading_bom(out);
done:
	tree_dispose(&t0);
	tree_dispose(&tr);
	seen_dispose(&seen0);
	seen_dispose(&seenr);
	stance_buf_dispose(&r);
	stance_buf_dispose(&r2);
	return error;
}

int stance_markdown_canonicalize_stats(stance_buf *out, const char *markdown, size_t len,
	stance_canonical_stats *stats)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	stance_canonical_stats st;
	const char *text = markdown;
	size_t tlen = len;
	int error = 0, pass, fixed;

	/* Passes until one changes nothing: the result is a fixed point, so the
	 * canonical form of a canonical body is itself. Each pass changes the
	 * body only to what reads the same. */
	for (pass = 0; pass < CANON_MAX_PASSES; pass++) {
		stance_buf tmp;
		stance_buf_clear(&b);
		if ((error = canon_pass(&b, &fixed, text, tlen, &st)) < 0)
			goto done;
		if (fixed || buf_eq(&b, text, tlen)) {
			error = stance_buf_put(out, stance_buf_cstr(&b), b.size);
			goto done;
		}
		tmp = a;
		a = b;
		b = tmp;
		text = stance_buf_cstr(&a);
		tlen = a.size;
	}
	/* no fixed point: the body as written, which is one (a pass over it
	 * goes the same way as over the input, and ends here again) */
	st.whole = 1;
	st.kept = st.blocks;
	stance_buf_clear(&b);
	if ((error = keep_as_written(&b, markdown, len)) == 0 && (error = guard_leading_bom(&b)) == 0)
		error = stance_buf_put(out, stance_buf_cstr(&b), b.size);
done:
	if (stats && error == 0)
		*stats = st;
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	return error;
}

int stance_markdown_canonicalize(stance_buf *out, const char *markdown, size_t len)
{
	return stance_markdown_canonicalize_stats(out, markdown, len, NULL);
}
