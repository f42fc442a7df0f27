/*
 * render.c: the entry point of the renderers: format names and dispatch.
 * Each format lives in its own file (render_term.c, render_porcelain.c,
 * render_critic.c, render_html.c, render_json.c).
 */
#include "render_internal.h"
#include "stance/diff.h"
#include "stance/render.h"

int stance_render(stance_buf *out, stance_render_format format, const stance_diff *d,
	const stance_render_options *opts)
{
	stance_render_options defaults = STANCE_RENDER_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	switch (format) {
	case STANCE_RENDER_TERM: return stance_render_term(out, d, opts);
	case STANCE_RENDER_PORCELAIN: return stance_render_porcelain(out, d, opts);
	case STANCE_RENDER_CRITIC: return stance_render_critic(out, d, opts);
	case STANCE_RENDER_HTML: return stance_render_html(out, d, opts);
	case STANCE_RENDER_JSON: return stance_render_json(out, d, opts);
	}
	return stance_error_set(STANCE_EINVALID, "unknown output format %d", (int)format);
}

int stance_render_format_parse(stance_render_format *out, const char *name)
{
	static const char *const names[] = { "term", "porcelain", "critic", "html", "json", NULL };
	size_t i;
	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], name)) {
			*out = (stance_render_format)i;
			return 0;
		}
	return stance_error_set(STANCE_EINVALID,
		"'%s' is not an output format (term, porcelain, critic, html or json)", name);
}

/* ---------------------------------------------------------------- pieces */

static int push_piece(piece_list *l, const piece *p)
{
	if (stance_array_grow(&l->items, &l->alloc, l->count + 1, sizeof(*l->items)) < 0)
		return STANCE_ERROR;
	l->items[l->count++] = *p;
	return 0;
}

/* Index of the block of `side` containing byte `pos` (binary search). */
static size_t block_of(const stance_diff *d, int side, size_t pos)
{
	size_t lo = 0, hi = stance_diff_block_count(d, side);
	if (hi == 0)
		return 0;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (stance_diff_block_at(d, side, mid)->start <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Pushes text[start,end) of `side`, cut at block boundaries. */
static int push_text(piece_list *l, const stance_diff *d, piece_kind kind, stance_diff_unit unit,
	int side, size_t start, size_t end, size_t other_block, int in_move)
{
	const char *text = side ? stance_diff_new_text(d, NULL) : stance_diff_old_text(d, NULL);
	size_t b = block_of(d, side, start);
	while (start < end) {
		const stance_diff_block *bk = stance_diff_block_at(d, side, b);
		size_t stop = bk && bk->end < end ? bk->end : end;
		piece p;
		memset(&p, 0, sizeof(p));
		p.kind = kind;
		p.unit = unit;
		p.text = text + start;
		p.len = stop - start;
		p.pos = start;
		p.in_move = in_move;
		p.block_start = bk && bk->start == start;
		if (side) {
			p.new_block = b;
			p.old_block = other_block;
		} else {
			p.old_block = b;
			p.new_block = other_block;
		}
		if (push_piece(l, &p) < 0)
			return -1;
		start = stop;
		b++;
	}
	return 0;
}

/* The moved-away passages between old offsets [from, to): every MOVE whose
 * old range lies there. */
static int push_moved_away(piece_list *l, const stance_diff *d, size_t from, size_t to)
{
	size_t i, n = stance_diff_op_count(d);
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (o->op == STANCE_DIFF_MOVE) {
			if (o->old_start >= from && o->old_end <= to &&
			    push_text(l, d, PIECE_MOVED_AWAY, STANCE_DIFF_BLOCK, 0, o->old_start, o->old_end,
				    o->new_block, 0) < 0)
				return -1;
			i += o->children;
		}
	}
	return 0;
}

int render_pieces(piece_list *out, const stance_diff *d)
{
	size_t i, n = stance_diff_op_count(d), ocur = 0, olen;
	int has_moves = 0;
	stance_diff_get_stats(d);
	stance_diff_old_text(d, &olen);
	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
		if (stance_diff_op_at(d, i)->op == STANCE_DIFF_MOVE)
			has_moves = 1;
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		piece p;
		size_t c;
		if (has_moves && o->op != STANCE_DIFF_INSERT && o->op != STANCE_DIFF_MOVE) {
			if (o->old_start > ocur && push_moved_away(out, d, ocur, o->old_start) < 0)
				goto fail;
			if (o->old_end > ocur)
				ocur = o->old_end;
		}
		switch (o->op) {
		case STANCE_DIFF_EQUAL:
			if (push_text(out, d, PIECE_EQUAL, o->unit, 1, o->new_start, o->new_end, o->old_block, 0) < 0)
				goto fail;
			break;
		case STANCE_DIFF_INSERT:
			if (push_text(out, d, PIECE_INSERT, o->unit, 1, o->new_start, o->new_end, o->old_block, 0) < 0)
				goto fail;
			break;
		case STANCE_DIFF_DELETE:
			if (push_text(out, d, PIECE_DELETE, o->unit, 0, o->old_start, o->old_end, o->new_block, 0) < 0)
				goto fail;
			break;
		case STANCE_DIFF_MOVE:
			memset(&p, 0, sizeof(p));
			p.kind = PIECE_MOVE_BEGIN;
			p.old_block = o->old_block;
			p.new_block = o->new_block;
			p.pos = o->new_start;
			p.block_start = 1;
			if (push_piece(out, &p) < 0)
				goto fail;
			for (c = 1; c <= o->children; c++) {
				const stance_diff_op *k = stance_diff_op_at(d, i + c);
				int r = 0;
				if (k->op == STANCE_DIFF_DELETE)
					r = push_text(out, d, PIECE_DELETE, k->unit, 0, k->old_start, k->old_end, k->new_block, 1);
				else
					r = push_text(out, d, k->op == STANCE_DIFF_EQUAL ? PIECE_EQUAL : PIECE_INSERT,
						k->unit, 1, k->new_start, k->new_end, k->old_block, 1);
				if (r < 0)
					goto fail;
			}
			p.kind = PIECE_MOVE_END;
			p.pos = o->new_end;
			p.block_start = 0;
			if (push_piece(out, &p) < 0)
				goto fail;
			i += o->children;
			break;
		}
	}
	if (has_moves && ocur < olen && push_moved_away(out, d, ocur, olen) < 0)
		goto fail;
	return 0;
fail:
	free(out->items);
	memset(out, 0, sizeof(*out));
	return -1;
}

size_t render_line_at(const char *text, size_t pos, size_t from, size_t line)
{
	size_t i;
	for (i = from; i < pos; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int render_summary(stance_buf *out, const stance_diff *d)
{
	const stance_diff_stats *st = stance_diff_get_stats(d);
	size_t pc = st->positions_added + st->positions_removed + st->positions_reworded;
	int error;
	if (!stance_diff_has_changes(d))
		return stance_buf_puts(out, "no changes");
	if ((error = stance_buf_printf(out, "%zu word%s added, %zu removed, %zu moved",
		st->words_added, st->words_added == 1 ? "" : "s", st->words_removed, st->words_moved)) < 0)
		return error;
	if (st->blocks_moved &&
	    (error = stance_buf_printf(out, " (%zu passage%s)", st->blocks_moved, st->blocks_moved == 1 ? "" : "s")) < 0)
		return error;
	if (st->fields_changed &&
	    (error = stance_buf_printf(out, "; %zu field%s changed", st->fields_changed,
		st->fields_changed == 1 ? "" : "s")) < 0)
		return error;
	/* positions skipped (the term view reads none): no count rather than
	 * a wrong 0 */
	if (!stance_diff_positions_read(d))
		return 0;
	if ((error = stance_buf_printf(out, "; %zu position statement%s changed", pc, pc == 1 ? "" : "s")) < 0)
		return error;
	if (pc && (error = stance_buf_printf(out, " (%zu added, %zu removed, %zu reworded)",
		st->positions_added, st->positions_removed, st->positions_reworded)) < 0)
		return error;
	return 0;
}

int render_html_escape(stance_buf *out, const char *s, size_t len)
{
	size_t i, from = 0;
	int error;
	for (i = 0; i < len; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((error = stance_buf_put(out, s + from, i - from)) < 0 || (error = stance_buf_puts(out, rep)) < 0)
			return error;
		from = i + 1;
	}
	return stance_buf_put(out, s + from, len - from);
}
