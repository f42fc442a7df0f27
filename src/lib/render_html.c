/*
 * render_html.c: the diff as one standalone HTML page to send to a
 * colleague: a summary, the new document rendered through cmark-gfm with
 * <ins>/<del> marks (inline view), and the two versions side by side, with
 * moved passages linked to where they came from. No scripts, no external
 * assets; everything from the documents is escaped (cmark-gfm's safe mode
 * drops raw HTML). The markup is also well-formed XML.
 */
#include "render_internal.h"
#include "segment.h"

#include "canonical.h"
#include "stance/diff.h"
#include "stance/positions.h"
#include "stance/render.h"

static const char style[] =
	"body{font-family:Georgia,serif;max-width:72em;margin:2em auto;padding:0 1em;line-height:1.5;color:#222}"
	"h1.title{font-size:1.4em}.summary{background:#f4f4f0;padding:.6em 1em;border-left:4px solid #888}"
	"ins{background:#d4f7d4;text-decoration:underline}del{background:#f9d6d6;text-decoration:line-through}"
	"ins::before{content:'+';font-size:.7em;vertical-align:super;color:#070}"
	"del::before{content:'\\2212';font-size:.7em;vertical-align:super;color:#900}"
	"del.away{background:#e6eefa}.moved{border-left:4px solid #36c;padding-left:.6em}.note{font-size:.85em;color:#36c}"
	".blockdel{background:#fbeaea}.li::before{content:'\\2022  '}.tr{font-family:monospace}"
	"table.sbs{border-collapse:collapse;width:100%}table.sbs td{vertical-align:top;width:50%;padding:.3em .6em;border-top:1px solid #ddd}"
	"table.doc{border-collapse:collapse;margin:.6em 0}table.doc td,table.doc th{border:1px solid #ccc;padding:.2em .6em}"
	"nav a{margin-right:1em}section{margin-top:2em}"
	"table.revs{border-collapse:collapse;margin:.4em 0 1em}table.revs th,table.revs td{text-align:left;padding:.15em .8em .15em 0;vertical-align:top}"
	".legend{font-size:.9em;border:1px solid #ccc;padding:.2em 1em;margin:1em 0}.legend ul{margin:.3em 0;padding-left:1.2em}"
	".callout{font-size:.8em;font-weight:bold;border:1px solid currentColor;padding:0 .3em;margin-left:.4em;color:#7a4b00}"
	".pno{color:#777;font-size:.75em;margin-right:.5em;user-select:none}"
	"a:focus{outline:3px solid #f0a500;outline-offset:2px}"
	/* printed: the inline view only, marks legible without colour */
	"@media print{nav,#side{display:none}body{max-width:none;margin:0;font-size:11pt;color:#000}"
	"ins{background:none;text-decoration:underline;text-decoration-thickness:2px}"
	"del{background:none;text-decoration:line-through;text-decoration-thickness:2px}"
	"del.away{background:none;text-decoration-style:dotted}.moved{border-left:3px double #000}"
	".summary{background:none;border-left:2px solid #000}a{color:#000;text-decoration:none}}";

/* Renders Markdown inline text through cmark-gfm (safe mode) without the
 * paragraph around it; falls back to escaped text when the piece is not a
 * single paragraph. */
static int put_markdown_inline(stance_buf *out, const char *s, size_t len)
{
	static const char *const inline_extensions[] = { "strikethrough", "autolink" };
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL, *para;
	char *html = NULL;
	size_t lead = 0, tail = 0, hl, i;
	stance_buf text = STANCE_BUF_INIT;
	int error = 0, trailing;

	while (lead < len && (s[lead] == ' ' || s[lead] == '\n'))
		lead++;
	while (tail < len - lead && (s[len - 1 - tail] == ' ' || s[len - 1 - tail] == '\n'))
		tail++;
	if (lead && (error = stance_buf_putc(out, ' ')) < 0)
		return error;
	if (len - lead - tail == 0)
		return 0;
	/* a quote's lines after its first start with "> ": markers of the
	 * block, not text (canonical Markdown escapes a ">" that is text) */
	for (i = lead; i < len - tail && error == 0; i++) {
		if (s[i] == '>' && i > 0 && s[i - 1] == '\n') {
			if (i + 1 < len - tail && s[i + 1] == ' ')
				i++;
			continue;
		}
		error = stance_buf_putc(&text, s[i]);
	}
	trailing = tail > 0;
	if (error < 0 || !text.size) {
		stance_buf_dispose(&text);
		return error;
	}
	s = text.ptr;
	len = text.size;
	lead = tail = 0;
	if (!(parser = stance_cmark_parser_new(CMARK_OPT_DEFAULT, inline_extensions,
		STANCE_ARRAY_SIZE(inline_extensions)))) {
		stance_buf_dispose(&text);
		return stance_error_oom();
	}
	doc = stance_cmark_parse(parser, s + lead, len - lead - tail);
	para = doc ? cmark_node_first_child(doc) : NULL;
	if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH && !cmark_node_next(para) &&
	    (html = cmark_render_html(para, CMARK_OPT_DEFAULT, NULL)) != NULL &&
	    (hl = strlen(html)) >= 8 && !strncmp(html, "<p>", 3)) {
		while (hl > 0 && html[hl - 1] == '\n')
			hl--;
		if (hl >= 7 && !strncmp(html + hl - 4, "</p>", 4))
			error = stance_buf_put(out, html + 3, hl - 7);
		else
			error = render_html_escape(out, s + lead, len - lead - tail);
	} else {
		error = render_html_escape(out, s + lead, len - lead - tail);
	}
	if (error == 0 && trailing)
		error = stance_buf_putc(out, ' ');
	free(html);
	if (doc)
		cmark_node_free(doc);
	cmark_parser_free(parser);
	stance_buf_dispose(&text);
	return error;
}

/* The element a block of `kind` is shown in. */
static const char *block_tag(const stance_diff_block *b, char *buf, size_t n)
{
	if (!b)
		return "p";
	switch (b->kind) {
	case STANCE_BLOCK_HEADING:
		snprintf(buf, n, "h%d", b->level >= 1 && b->level <= 6 ? b->level + 1 > 6 ? 6 : b->level + 1 : 2);
		return buf;
	case STANCE_BLOCK_QUOTE: return "blockquote";
	case STANCE_BLOCK_CODE: return "pre";
	default: return "p";
	}
}

static const char *block_class(const stance_diff_block *b)
{
	if (!b)
		return "p";
	switch (b->kind) {
	case STANCE_BLOCK_LIST_ITEM: return "li";
	case STANCE_BLOCK_TABLE_ROW: return "tr";
	default: return "p";
	}
}

/*
 * The number a reader gives block `i` of one side: paragraphs (and items,
 * rows, quotes) counted, headings not; a heading takes the number of the
 * paragraph that follows it.
 */
/* The numbers of each side's blocks while stance_render_html() runs on this
 * thread, so that a row's number is not counted again from the top. */
static _Thread_local const size_t *para_numbers[2];

static size_t *para_numbers_new(const stance_diff *d, int side)
{
	size_t k, n = 0, count = stance_diff_block_count(d, side);
	size_t *v = malloc((count + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (k = 0; k < count; k++) {
		int heading = stance_diff_block_at(d, side, k)->kind == STANCE_BLOCK_HEADING;
		n += !heading;
		v[k] = heading ? n + 1 : n;
	}
	return v;
}

static size_t para_no(const stance_diff *d, int side, size_t i)
{
	size_t k, n = 0, count = stance_diff_block_count(d, side);
	if (para_numbers[side] && i < count)
		return para_numbers[side][i] ? para_numbers[side][i] : 1;
	for (k = 0; k <= i && k < count; k++)
		if (stance_diff_block_at(d, side, k)->kind != STANCE_BLOCK_HEADING)
			n++;
	if (i < count && stance_diff_block_at(d, side, i)->kind == STANCE_BLOCK_HEADING)
		n++;
	return n ? n : 1;
}

/* One piece's content: the block marker dropped, wrapped as it changed. */
static int put_piece(stance_buf *out, const piece *p, int show_del, int show_ins)
{
	size_t pre = p->block_start ? seg_block_marker(p->text, p->len, NULL, NULL) : 0;
	/* a move's begin and end markers have no text (p->text is NULL) */
	const char *s = p->len ? p->text + pre : "";
	size_t len = p->len - pre;
	int error = 0;
	if (p->kind == PIECE_DELETE || p->kind == PIECE_MOVED_AWAY) {
		if (!show_del)
			return 0;
		if ((error = stance_buf_puts(out, p->kind == PIECE_MOVED_AWAY ?
			"<del class=\"away\" title=\"moved\">" : "<del>")) < 0 ||
		    (error = put_markdown_inline(out, s, len)) < 0)
			return error;
		return stance_buf_puts(out, "</del>");
	}
	if (p->kind == PIECE_INSERT) {
		if (!show_ins)
			return 0;
		if ((error = stance_buf_puts(out, "<ins>")) < 0 || (error = put_markdown_inline(out, s, len)) < 0)
			return error;
		return stance_buf_puts(out, "</ins>");
	}
	if (p->kind == PIECE_EQUAL && p->in_move && !show_ins)
		return 0;
	return put_markdown_inline(out, s, len);
}

/* Rows: a row starts at a piece that starts a block, at a moved block and
 * at a block that moved away; a sentence moved inside a paragraph stays in
 * its paragraph's row. */
static int row_starts(const piece_list *pl, size_t i)
{
	const piece *p = &pl->items[i], *prev;
	if (i == 0)
		return 1;
	if (p->kind == PIECE_MOVE_BEGIN)
		return i + 1 < pl->count && pl->items[i + 1].block_start;
	if (p->kind == PIECE_MOVED_AWAY)
		return p->block_start;
	prev = &pl->items[i - 1];
	if (prev->kind == PIECE_MOVE_BEGIN || p->kind == PIECE_MOVE_END)
		return 0;
	if (prev->kind == PIECE_MOVED_AWAY && prev->block_start)
		return 1;
	if (p->block_start && p->kind != PIECE_DELETE)
		return 1;
	return p->block_start && p->kind == PIECE_DELETE && p->unit == STANCE_DIFF_BLOCK;
}

/* Writes one row of the inline view: pieces [a, b). */
static int inline_row(stance_buf *out, const stance_diff *d, const piece_list *pl, size_t a, size_t b)
{
	const piece *first = &pl->items[a];
	const stance_diff_block *bk;
	char tagbuf[8];
	const char *tag, *cls;
	size_t i, from = 0;
	int moved = first->kind == PIECE_MOVE_BEGIN, error;

	if (first->kind == PIECE_MOVED_AWAY)
		return stance_buf_printf(out, "<p class=\"note\" id=\"away-%zu\">¶%zu moved to "
			"<a href=\"#new-%zu\">¶%zu</a></p>\n", first->old_block + 1, para_no(d, 0, first->old_block),
			first->new_block + 1, para_no(d, 1, first->new_block));
	if (first->kind == PIECE_DELETE && first->unit == STANCE_DIFF_BLOCK) {
		bk = stance_diff_block_at(d, 0, first->old_block);
		tag = block_tag(bk, tagbuf, sizeof(tagbuf));
		if ((error = stance_buf_printf(out, "<%s class=\"%s blockdel\">", tag, block_class(bk))) < 0)
			return error;
		for (i = a; i < b; i++)
			if ((error = put_piece(out, &pl->items[i], 1, 1)) < 0)
				return error;
		return stance_buf_printf(out, "</%s>\n", tag);
	}
	for (i = a; i < b && (pl->items[i].kind == PIECE_MOVE_BEGIN || pl->items[i].kind == PIECE_DELETE); i++)
		;
	bk = stance_diff_block_at(d, 1, i < b ? pl->items[i].new_block : first->new_block);
	tag = block_tag(bk, tagbuf, sizeof(tagbuf));
	cls = block_class(bk);
	if ((error = stance_buf_printf(out, "<%s class=\"%s%s\" id=\"new-%zu\">", tag, cls, moved ? " moved" : "",
		(i < b ? pl->items[i].new_block : first->new_block) + 1)) < 0)
		return error;
	if (bk && bk->kind != STANCE_BLOCK_HEADING &&
	    (error = stance_buf_printf(out, "<span class=\"pno\" aria-hidden=\"true\">¶%zu</span>",
		para_no(d, 1, i < b ? pl->items[i].new_block : first->new_block))) < 0)
		return error;
	if (moved && (error = stance_buf_printf(out, "<a class=\"note\" href=\"#away-%zu\">moved from ¶%zu</a> ",
		first->old_block + 1, para_no(d, 0, first->old_block))) < 0)
		return error;
	for (from = a; from < b; from++) {
		const piece *p = &pl->items[from];
		if (p->kind == PIECE_MOVE_BEGIN && from > a)
			error = stance_buf_printf(out, "<span class=\"note\">(moved from ¶%zu)</span> ",
				para_no(d, 0, p->old_block));
		else
			error = put_piece(out, p, 1, 1);
		if (error < 0)
			return error;
	}
	return stance_buf_printf(out, "</%s>\n", tag);
}

/* Is the row [a, b) a table row (of the new text, or one removed whole)? */
static int is_table_row(const stance_diff *d, const piece_list *pl, size_t a, size_t b)
{
	size_t i;
	for (i = a; i < b; i++) {
		const piece *p = &pl->items[i];
		const stance_diff_block *bk;
		if (p->kind == PIECE_EQUAL || p->kind == PIECE_INSERT)
			bk = stance_diff_block_at(d, 1, p->new_block);
		else if (p->kind == PIECE_DELETE && p->unit == STANCE_DIFF_BLOCK && i == a)
			bk = stance_diff_block_at(d, 0, p->old_block);
		else
			continue;
		return bk && bk->kind == STANCE_BLOCK_TABLE_ROW;
	}
	return 0;
}

typedef struct {
	piece_kind kind;
	const char *s;
	size_t len;
	size_t cell;
} fragment;

/*
 * A table row of the inline view: the row's pieces cut at the cell pipes,
 * each cell's fragments marked as they changed. The delimiter row is not
 * shown; rows above it are header cells. *in_table: 1 once the table is
 * open, 2 after its delimiter row.
 */
static int table_row(stance_buf *out, const piece_list *pl, size_t a, size_t b, int *in_table)
{
	fragment *fr = NULL;
	size_t nfr = 0, i, ncells = 0, c;
	int error = -1, removed = pl->items[a].kind == PIECE_DELETE, delim = 1;
	const char *cell_tag;

	if (!(fr = malloc(sizeof(*fr) * 64 * (b - a + 1))))
		return stance_error_oom();
	for (i = a; i < b; i++) {
		const piece *p = &pl->items[i];
		size_t k = 0, from = 0;
		if (!p->text || p->kind == PIECE_MOVED_AWAY)
			continue;
		for (k = 0; k <= p->len; k++) {
			if (k < p->len && !(p->text[k] == '|' && (k == 0 || p->text[k - 1] != '\\')))
				continue;
			if (k > from && ncells > 0 && nfr < 64 * (b - a + 1)) {
				fr[nfr].kind = p->kind;
				fr[nfr].s = p->text + from;
				fr[nfr].len = k - from;
				fr[nfr].cell = ncells - 1;
				nfr++;
			}
			if (k < p->len)
				ncells++;
			from = k + 1;
		}
	}
	/* the part after the last pipe is the line's end, not a cell */
	while (nfr > 0 && fr[nfr - 1].cell + 1 == ncells) {
		size_t k;
		int blank = 1;
		for (k = 0; k < fr[nfr - 1].len; k++)
			if (fr[nfr - 1].s[k] != ' ' && fr[nfr - 1].s[k] != '\n')
				blank = 0;
		if (!blank)
			break;
		nfr--;
	}
	if (ncells > 0)
		ncells--;
	for (i = 0; i < nfr; i++) {
		size_t k;
		for (k = 0; k < fr[i].len; k++)
			if (fr[i].s[k] != '-' && fr[i].s[k] != ':' && fr[i].s[k] != ' ' && fr[i].s[k] != '\n')
				delim = 0;
	}
	if (!*in_table)
		*in_table = 1;
	if (delim && nfr > 0 && !removed) {
		*in_table = 2;
		error = 0;
		goto done;
	}
	cell_tag = *in_table == 1 ? "th" : "td";
	if (stance_buf_puts(out, removed ? "<tr class=\"blockdel\">" : "<tr>") < 0)
		goto done;
	for (c = 0; c < (ncells ? ncells : 1); c++) {
		if (stance_buf_printf(out, "<%s>", cell_tag) < 0)
			goto done;
		for (i = 0; i < nfr; i++) {
			piece tmp;
			if (fr[i].cell != c)
				continue;
			memset(&tmp, 0, sizeof(tmp));
			tmp.kind = fr[i].kind;
			tmp.text = fr[i].s;
			tmp.len = fr[i].len;
			if (put_piece(out, &tmp, 1, 1) < 0)
				goto done;
		}
		if (stance_buf_printf(out, "</%s>", cell_tag) < 0)
			goto done;
	}
	if (stance_buf_puts(out, "</tr>\n") < 0)
		goto done;
	error = 0;
done:
	free(fr);
	return error;
}

/* One row of the side-by-side view. */
static int side_row(stance_buf *out, const stance_diff *d, const piece_list *pl, size_t a, size_t b)
{
	const piece *first = &pl->items[a];
	size_t i;
	int error;
	if ((error = stance_buf_puts(out, "<tr><td class=\"old\">")) < 0)
		return error;
	if (first->kind == PIECE_MOVED_AWAY) {
		if ((error = stance_buf_printf(out, "<span class=\"note\">¶%zu moved to "
			"<a href=\"#new-%zu\">¶%zu</a>:</span> ", para_no(d, 0, first->old_block),
			first->new_block + 1, para_no(d, 1, first->new_block))) < 0)
			return error;
		for (i = a; i < b; i++)
			if ((error = put_piece(out, &pl->items[i], 1, 0)) < 0)
				return error;
		return stance_buf_puts(out, "</td><td class=\"new\"></td></tr>\n");
	}
	if (first->kind != PIECE_MOVE_BEGIN)
		for (i = a; i < b; i++)
			if (pl->items[i].kind == PIECE_EQUAL || pl->items[i].kind == PIECE_DELETE)
				if ((error = put_piece(out, &pl->items[i], 1, 0)) < 0)
					return error;
	if ((error = stance_buf_puts(out, "</td><td class=\"new\">")) < 0)
		return error;
	if (first->kind == PIECE_MOVE_BEGIN &&
	    (error = stance_buf_printf(out, "<span class=\"note\">moved from ¶%zu:</span> ",
		para_no(d, 0, first->old_block))) < 0)
		return error;
	for (i = a; i < b; i++)
		if (pl->items[i].kind == PIECE_EQUAL || pl->items[i].kind == PIECE_INSERT)
			if ((error = put_piece(out, &pl->items[i], 0, 1)) < 0)
				return error;
	return stance_buf_puts(out, "</td></tr>\n");
}

static int put_label(stance_buf *out, const char *label)
{
	return render_html_escape(out, label ? label : "", label ? strlen(label) : 0);
}

/* A reworded statement word by word: what stayed, <del> and <ins> inside it. */
static int put_word_redline(stance_buf *out, const char *a, const char *b)
{
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_diff *wd = NULL;
	const char *ot, *nt;
	size_t ol, nl, i, n;
	int error = 0;

	o.skip_positions = 1;
	if (stance_diff_texts(&wd, a, strlen(a), b, strlen(b), &o) < 0) {
		stance_error_clear();
		if (stance_buf_puts(out, "<del>") < 0 || put_label(out, a) < 0 || stance_buf_puts(out, "</del> <ins>") < 0 ||
		    put_label(out, b) < 0)
			return -1;
		return stance_buf_puts(out, "</ins>");
	}
	ot = stance_diff_old_text(wd, &ol);
	nt = stance_diff_new_text(wd, &nl);
	n = stance_diff_op_count(wd);
	for (i = 0; i < n && !error; i++) {
		const stance_diff_op *op = stance_diff_op_at(wd, i);
		switch (op->op) {
		case STANCE_DIFF_INSERT:
			if ((error = stance_buf_puts(out, "<ins>")) == 0 &&
			    (error = render_html_escape(out, nt + op->new_start, op->new_end - op->new_start)) == 0)
				error = stance_buf_puts(out, "</ins>");
			break;
		case STANCE_DIFF_DELETE:
			if ((error = stance_buf_puts(out, "<del>")) == 0 &&
			    (error = render_html_escape(out, ot + op->old_start, op->old_end - op->old_start)) == 0)
				error = stance_buf_puts(out, "</del>");
			break;
		case STANCE_DIFF_MOVE:
			error = render_html_escape(out, nt + op->new_start, op->new_end - op->new_start);
			i += op->children;
			break;
		default:
			error = render_html_escape(out, nt + op->new_start, op->new_end - op->new_start);
		}
	}
	stance_diff_free(wd);
	return error;
}

/* The position lens's callouts of a reworded statement, one mark each:
 * " <span class="callout">amount changed: 50 → 80 millioner</span>" */
static int put_callouts(stance_buf *out, const stance_position_callout_list *cl)
{
	size_t i;
	for (i = 0; cl && i < cl->count; i++) {
		const stance_position_callout *c = &cl->items[i];
		if (stance_buf_puts(out, " <span class=\"callout\">") < 0 ||
		    put_label(out, stance_position_callout_name(c->kind)) < 0 ||
		    (c->old_value && (stance_buf_puts(out, ": ") < 0 || put_label(out, c->old_value) < 0 ||
			stance_buf_puts(out, " \xE2\x86\x92 ") < 0 || put_label(out, c->new_value) < 0)) ||
		    stance_buf_puts(out, "</span>") < 0)
			return -1;
	}
	return 0;
}

/* A row of the header's table: one field of both sides, when either has it. */
static int head_row(stance_buf *out, const char *name, const char *a, const char *b)
{
	if (!a && !b)
		return 0;
	if (stance_buf_printf(out, "<tr><th scope=\"row\">%s</th><td>", name) < 0 || put_label(out, a ? a : "–") < 0 ||
	    stance_buf_puts(out, "</td><td>") < 0 || put_label(out, b ? b : "–") < 0)
		return -1;
	return stance_buf_puts(out, "</td></tr>\n");
}

static const char legend[] =
	"<aside class=\"legend\" aria-label=\"How to read the marks\"><p><strong>How to read the marks</strong></p><ul>\n"
	"<li><ins>inserted text</ins>: underlined, with a raised +</li>\n"
	"<li><del>deleted text</del>: struck through, with a raised −</li>\n"
	"<li><span class=\"moved\">a moved passage</span>: a bar at its left and “moved from ¶N”; "
	"<del class=\"away\">text that moved away</del> where it stood, with a link to where it went</li>\n"
	"<li>¶N: the number of a paragraph (or item, row, quote), headings not counted</li>\n"
	"<li><span class=\"callout\">amount changed</span>, <span class=\"callout\">date changed</span>, "
	"<span class=\"callout\">negated</span>: what the rewording of a position statement did</li>\n</ul></aside>\n";

int stance_render_html(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	piece_list pl;
	const char *title = stance_diff_meta(d, 1, "title");
	const stance_position_change_list *ch = stance_diff_position_changes(d);
	const stance_position_list *ol = stance_diff_positions(d, 0), *nl = stance_diff_positions(d, 1);
	static const char *const kinds[] = { "added", "removed", "reworded" };
	size_t i, a, nf = stance_diff_field_count(d), *pnums[2] = { NULL, NULL };
	int error = -1, in_table = 0;
	STANCE_CHECK_OPTIONS(opts, STANCE_RENDER_OPTIONS_VERSION, "stance_render_options");

	if (render_pieces(&pl, d) < 0)
		return -1;
	if (!(pnums[0] = para_numbers_new(d, 0)) || !(pnums[1] = para_numbers_new(d, 1))) {
		free(pnums[0]);
		free(pl.items);
		return stance_error_oom();
	}
	para_numbers[0] = pnums[0];
	para_numbers[1] = pnums[1];
	if (stance_buf_puts(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"") < 0 ||
	    put_label(out, stance_diff_meta(d, 1, "language") ? stance_diff_meta(d, 1, "language") : "en") < 0 ||
	    stance_buf_puts(out, "\">\n<head>\n<meta charset=\"utf-8\" />\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\" />\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>Changes: ") < 0 ||
	    put_label(out, title ? title : (opts && opts->new_label ? opts->new_label : "document")) < 0 ||
	    stance_buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1 class=\"title\">", style) < 0 ||
	    put_label(out, title ? title : "Changes") < 0 ||
	    stance_buf_puts(out, "</h1>\n<table class=\"revs\"><thead><tr><td></td><th scope=\"col\">Before</th>"
		"<th scope=\"col\">After</th></tr></thead>\n<tbody>\n") < 0 ||
	    head_row(out, "Revision", opts && opts->old_label ? opts->old_label : "old",
		opts && opts->new_label ? opts->new_label : "new") < 0 ||
	    head_row(out, "Recorded", opts ? opts->old_revision : NULL, opts ? opts->new_revision : NULL) < 0 ||
	    head_row(out, "Organization", stance_diff_meta(d, 0, "organization"), stance_diff_meta(d, 1, "organization")) < 0 ||
	    head_row(out, "Publication", stance_diff_meta(d, 0, "publication"), stance_diff_meta(d, 1, "publication")) < 0 ||
	    head_row(out, "Published", stance_diff_meta(d, 0, "published"), stance_diff_meta(d, 1, "published")) < 0 ||
	    stance_buf_puts(out, "</tbody></table></header>\n<div class=\"summary\" id=\"summary\"><p><strong>") < 0)
		goto done;
	{
		stance_buf s = STANCE_BUF_INIT;
		if (render_summary(&s, d) < 0 || render_html_escape(out, s.ptr ? s.ptr : "", s.size) < 0) {
			stance_buf_dispose(&s);
			goto done;
		}
		stance_buf_dispose(&s);
	}
	if (stance_buf_puts(out, "</strong></p>\n") < 0)
		goto done;
	if (stance_diff_fallback(d) && (stance_buf_puts(out, "<p class=\"note\">") < 0 ||
		put_label(out, stance_diff_fallback(d)) < 0 || stance_buf_puts(out, "</p>\n") < 0))
		goto done;
	if (nf) {
		if (stance_buf_puts(out, "<ul class=\"fields\">\n") < 0)
			goto done;
		for (i = 0; i < nf; i++) {
			stance_diff_field f;
			stance_diff_field_at(&f, d, i);
			if (stance_buf_puts(out, "<li><strong>") < 0 || put_label(out, f.name) < 0 ||
			    stance_buf_puts(out, "</strong>: ") < 0 ||
			    (f.old_value && (stance_buf_puts(out, "<del>") < 0 || put_label(out, f.old_value) < 0 ||
				stance_buf_puts(out, "</del> ") < 0)) ||
			    (f.new_value && (stance_buf_puts(out, "<ins>") < 0 || put_label(out, f.new_value) < 0 ||
				stance_buf_puts(out, "</ins>") < 0)) ||
			    stance_buf_puts(out, "</li>\n") < 0)
				goto done;
		}
		if (stance_buf_puts(out, "</ul>\n") < 0)
			goto done;
	}
	if (ch->count) {
		if (stance_buf_puts(out, "<h2>Position statements</h2>\n<ul class=\"positions\">\n") < 0)
			goto done;
		for (i = 0; i < ch->count; i++) {
			const stance_position_change *c = &ch->items[i];
			const stance_position *o = c->old_index >= 0 ? &ol->items[c->old_index] : NULL;
			const stance_position *n = c->new_index >= 0 ? &nl->items[c->new_index] : NULL;
			const char *sec = n ? n->section : o->section;
			if (stance_buf_printf(out, "<li><strong>%s</strong>", kinds[c->kind]) < 0 ||
			    (*sec && (stance_buf_puts(out, " (§ ") < 0 || put_label(out, sec) < 0 ||
				stance_buf_puts(out, ")") < 0)) ||
			    stance_buf_puts(out, ": ") < 0)
				goto done;
			if (o && n) {
				/* reworded: word by word, with the lens's callouts */
				if (put_word_redline(out, o->text, n->text) < 0 || put_callouts(out, stance_diff_position_callouts(d, i)) < 0)
					goto done;
			} else if ((o && (stance_buf_puts(out, "<del>") < 0 || put_label(out, o->text) < 0 ||
				stance_buf_puts(out, "</del> ") < 0)) ||
			    (n && (stance_buf_puts(out, "<ins>") < 0 || put_label(out, n->text) < 0 ||
				stance_buf_puts(out, "</ins>") < 0)))
				goto done;
			if (stance_buf_puts(out, "</li>\n") < 0)
				goto done;
		}
		if (stance_buf_puts(out, "</ul>\n") < 0)
			goto done;
	}
	if (stance_buf_puts(out, "</div>\n") < 0 || stance_buf_puts(out, legend) < 0 ||
	    stance_buf_puts(out, "<nav aria-label=\"Views\"><a href=\"#inline\">Inline</a><a href=\"#side\">Side by side</a></nav>\n"
		"<section id=\"inline\"><h2>Inline</h2>\n") < 0)
		goto done;
	for (a = 0; a < pl.count;) {
		size_t b = a + 1;
		int r;
		while (b < pl.count && !row_starts(&pl, b))
			b++;
		if (is_table_row(d, &pl, a, b)) {
			if (!in_table && stance_buf_puts(out, "<table class=\"doc\">\n") < 0)
				goto done;
			r = table_row(out, &pl, a, b, &in_table);
		} else {
			if (in_table && stance_buf_puts(out, "</table>\n") < 0)
				goto done;
			in_table = 0;
			r = pl.items[a].kind == PIECE_MOVE_END ? 0 : inline_row(out, d, &pl, a, b);
		}
		if (r < 0)
			goto done;
		a = b;
	}
	if (in_table && stance_buf_puts(out, "</table>\n") < 0)
		goto done;
	if (stance_buf_puts(out, "</section>\n<section id=\"side\"><h2>Side by side</h2>\n"
		"<table class=\"sbs\"><thead><tr><th>") < 0 ||
	    put_label(out, opts && opts->old_label ? opts->old_label : "old") < 0 ||
	    stance_buf_puts(out, "</th><th>") < 0 ||
	    put_label(out, opts && opts->new_label ? opts->new_label : "new") < 0 ||
	    stance_buf_puts(out, "</th></tr></thead>\n<tbody>\n") < 0)
		goto done;
	for (a = 0; a < pl.count;) {
		size_t b = a + 1;
		while (b < pl.count && !row_starts(&pl, b))
			b++;
		if (!(pl.items[a].kind == PIECE_MOVE_END) && side_row(out, d, &pl, a, b) < 0)
			goto done;
		a = b;
	}
	if (stance_buf_puts(out, "</tbody></table>\n</section>\n</body>\n</html>\n") < 0)
		goto done;
	error = 0;
done:
	para_numbers[0] = para_numbers[1] = NULL;
	free(pnums[0]);
	free(pnums[1]);
	free(pl.items);
	return error;
}
