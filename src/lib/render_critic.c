/*
 * render_critic.c: the diff as Markdown with CriticMarkup: {++added++},
 * {--removed--}, {~~old~>new~~}, and {>>moved from ¶N<<} comments. The
 * result keeps the new document's block structure: the new text is written
 * as it is, marks open after a block's own marker ("## ", "- ", "| ") and
 * close before its trailing line breaks, and removed text is flattened onto
 * one line and attached to the block it stood before; a paragraph or
 * heading removed whole stays a paragraph of its own ({--Removed.--}).
 */
#include "render_internal.h"
#include "stance/diff.h"
#include "stance/render.h"
#include "segment.h"

/* Appends s[0,len) flattened for use inside a mark: line breaks (and the
 * indentation or markers after them) become one space, and '|' is escaped
 * so a mark inside a table row adds no cell. */
static int put_flat(stance_buf *out, const char *s, size_t len)
{
	size_t i = 0;
	int error;
	while (i < len) {
		char c = s[i];
		if (c == '\n') {
			size_t j = i + 1;
			while (j < len && (s[j] == ' ' || s[j] == '\n'))
				j++;
			j += seg_block_marker(s + j, len - j, NULL, NULL);
			if ((error = stance_buf_putc(out, ' ')) < 0)
				return error;
			i = j;
			continue;
		}
		if (c == '|' && (error = stance_buf_putc(out, '\\')) < 0)
			return error;
		/* keep the marks' own syntax from closing early */
		if ((c == '+' || c == '-' || c == '~') && i + 2 < len && s[i + 1] == c && s[i + 2] == '}') {
			if ((error = stance_buf_putc(out, '\\')) < 0)
				return error;
		}
		if ((error = stance_buf_putc(out, c)) < 0)
			return error;
		i++;
	}
	return 0;
}

/* Trims whitespace off both ends of [*s, *s + *len) and reports what was cut. */
static void trim(const char **s, size_t *len, size_t *lead, size_t *tail)
{
	*lead = 0;
	*tail = 0;
	while (*lead < *len && ((*s)[*lead] == ' ' || (*s)[*lead] == '\n'))
		(*lead)++;
	while (*tail < *len - *lead && ((*s)[*len - 1 - *tail] == ' ' || (*s)[*len - 1 - *tail] == '\n'))
		(*tail)++;
}

typedef struct {
	stance_buf *out;
	stance_buf pending;   /* removed text waiting for the next new text */
	stance_buf notes;     /* move comments waiting for the next block's content */
	int pending_whole;    /* pending holds only paragraphs and headings removed whole */
	int in_table;         /* the current new block is a table row */
	int in_delim;         /* a block written as it is: code, HTML, | --- | */
} critic;

/* Marks `s` (no line breaks left after flattening) as one span, or, in a
 * table row, each cell on its own so the row keeps its cells. */
static int put_span(critic *c, const char *open, const char *close, const char *s, size_t len)
{
	size_t i = 0;
	int error;
	if (!c->in_table) {
		if ((error = stance_buf_puts(c->out, open)) < 0 || (error = put_flat(c->out, s, len)) < 0)
			return error;
		return stance_buf_puts(c->out, close);
	}
	while (i < len) {
		size_t j = i, a, b;
		while (j < len && !(s[j] == '|' && (j == 0 || s[j - 1] != '\\')))
			j++;
		a = i;
		b = j;
		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		if ((error = stance_buf_put(c->out, s + i, a - i)) < 0)
			return error;
		if (b > a && ((error = stance_buf_puts(c->out, open)) < 0 ||
			      (error = put_flat(c->out, s + a, b - a)) < 0 ||
			      (error = stance_buf_puts(c->out, close)) < 0))
			return error;
		if ((error = stance_buf_put(c->out, s + b, j - b)) < 0)
			return error;
		if (j < len && (error = stance_buf_putc(c->out, '|')) < 0)
			return error;
		i = j + 1;
	}
	return 0;
}

/* Writes new text `s` (block markers already written), marked as inserted
 * when `inserted`; pending removals go first, as a substitution when this
 * text is inserted. */
static int put_new(critic *c, const char *s, size_t len, int inserted)
{
	const char *body = s;
	size_t blen = len, lead, tail;
	int error;

	if (c->in_delim) /* a mark there would undo the table: written as it is */
		return stance_buf_put(c->out, s, len);
	trim(&body, &blen, &lead, &tail);
	if ((error = stance_buf_put(c->out, body, lead)) < 0)
		return error;
	if (c->notes.size && blen - lead - tail) {
		if ((error = stance_buf_put(c->out, c->notes.ptr, c->notes.size)) < 0)
			return error;
		stance_buf_clear(&c->notes);
	}
	if (c->pending.size && blen - lead - tail) {
		if (inserted && !c->in_table) {
			/* a removal right before an insertion: one substitution */
			if ((error = stance_buf_puts(c->out, "{~~")) < 0 ||
			    (error = stance_buf_put(c->out, c->pending.ptr, c->pending.size)) < 0 ||
			    (error = stance_buf_puts(c->out, "~>")) < 0 ||
			    (error = put_flat(c->out, body + lead, blen - lead - tail)) < 0 ||
			    (error = stance_buf_puts(c->out, "~~}")) < 0)
				return error;
			stance_buf_clear(&c->pending);
			return stance_buf_put(c->out, body + blen - tail, tail);
		}
		if ((error = stance_buf_puts(c->out, "{--")) < 0 ||
		    (error = stance_buf_put(c->out, c->pending.ptr, c->pending.size)) < 0 ||
		    (error = stance_buf_puts(c->out, "--} ")) < 0)
			return error;
		stance_buf_clear(&c->pending);
	}
	if (blen - lead - tail == 0)
		return stance_buf_put(c->out, body + lead, blen - lead);
	if (inserted) {
		if ((error = put_span(c, "{++", "++}", body + lead, blen - lead - tail)) < 0)
			return error;
	} else if ((error = stance_buf_put(c->out, body + lead, blen - lead - tail)) < 0) {
		return error;
	}
	return stance_buf_put(c->out, body + blen - tail, tail);
}

/* 1 when the removed piece `p` is a whole paragraph or heading of the old
 * side: it is then shown as a block of its own. */
static int removes_whole_block(const stance_diff *d, const piece *p)
{
	const stance_diff_block *b = stance_diff_block_at(d, 0, p->old_block);
	const char *text = stance_diff_old_text(d, NULL);
	size_t end;
	if (!b || !p->block_start || (b->kind != STANCE_BLOCK_PARAGRAPH && b->kind != STANCE_BLOCK_HEADING))
		return 0;
	end = b->end;
	while (end > b->start && (text[end - 1] == '\n' || text[end - 1] == ' '))
		end--;
	return p->pos + p->len >= end;
}

/* Writes the pending removals as a paragraph of their own, a blank line
 * before and after. */
static int put_removed_block(critic *c)
{
	stance_buf *out = c->out;
	int error = 0;
	if (out->size && out->ptr[out->size - 1] != '\n')
		error = stance_buf_putc(out, '\n');
	if (!error && out->size >= 1 && (out->size < 2 || out->ptr[out->size - 2] != '\n'))
		error = stance_buf_putc(out, '\n');
	if (!error && ((error = stance_buf_puts(out, "{--")) < 0 ||
	    (error = stance_buf_put(out, c->pending.ptr, c->pending.size)) < 0 ||
	    (error = stance_buf_puts(out, "--}\n")) < 0))
		return error;
	stance_buf_clear(&c->pending);
	c->pending_whole = 0;
	return error;
}

/* A table's delimiter row: only '|', '-', ':' and spaces. */
static int delimiter_row(const char *s, size_t len)
{
	size_t i;
	int dash = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '-')
			dash = 1;
		else if (s[i] != '|' && s[i] != ':' && s[i] != ' ' && s[i] != '\n')
			return 0;
	}
	return dash;
}

/* End of a block's Markdown marker ("## ", "- ", "1. ", "| ") in `side`. */
static size_t prefix_end(const stance_diff *d, int side, size_t block)
{
	const stance_diff_block *b = stance_diff_block_at(d, side, block);
	const char *text = side ? stance_diff_new_text(d, NULL) : stance_diff_old_text(d, NULL);
	if (!b || b->kind == STANCE_BLOCK_PARAGRAPH || b->kind == STANCE_BLOCK_CODE)
		return b ? b->start : 0;
	/* past the blank lines a body's first block may begin with */
	return seg_block_text_start(text, b);
}

int stance_render_critic(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	critic c;
	piece_list pl;
	size_t i;
	int error = -1;
	STANCE_CHECK_OPTIONS(opts, STANCE_RENDER_OPTIONS_VERSION, "stance_render_options");

	(void)opts;
	memset(&c, 0, sizeof(c));
	c.out = out;
	if (render_pieces(&pl, d) < 0)
		return -1;
	for (i = 0; i < pl.count; i++) {
		const piece *p = &pl.items[i];
		const char *s = p->text;
		size_t len = p->len, lead, tail, pe;
		const stance_diff_block *bk;
		int r = 0;
		switch (p->kind) {
		case PIECE_DELETE:
			/* an old list number or marker is not content */
			pe = prefix_end(d, 0, p->old_block);
			if (p->pos < pe) {
				size_t cut = pe - p->pos < len ? pe - p->pos : len;
				s += cut;
				len -= cut;
			}
			trim(&s, &len, &lead, &tail);
			s += lead;
			len -= lead + tail;
			if (len == 0)
				break;
			c.pending_whole = (c.pending.size ? c.pending_whole : 1) && removes_whole_block(d, p);
			if (c.pending.size)
				r = stance_buf_putc(&c.pending, ' ');
			if (r == 0)
				r = put_flat(&c.pending, s, len);
			break;
		case PIECE_EQUAL:
		case PIECE_INSERT:
			bk = stance_diff_block_at(d, 1, p->new_block);
			/* paragraphs removed whole, before a block that stands on its
			 * own (not an item or row of a list or table that goes on) */
			if (c.pending.size && c.pending_whole && p->block_start && bk &&
			    (bk->kind == STANCE_BLOCK_PARAGRAPH || bk->kind == STANCE_BLOCK_HEADING ||
			     bk->kind == STANCE_BLOCK_CODE) &&
			    ((r = put_removed_block(&c)) < 0 || (r = stance_buf_putc(out, '\n')) < 0))
				break;
			c.in_table = bk && bk->kind == STANCE_BLOCK_TABLE_ROW;
			/* code, HTML blocks and a table's delimiter row are written as
			 * they are: a mark there would change what they are */
			c.in_delim = (bk && (bk->kind == STANCE_BLOCK_CODE || bk->kind == STANCE_BLOCK_OTHER)) ||
				(c.in_table && delimiter_row(stance_diff_new_text(d, NULL) + bk->start,
					bk->end - bk->start));
			pe = prefix_end(d, 1, p->new_block);
			if (p->pos < pe) {
				/* the block's marker is written as it is, never marked */
				size_t cut = pe - p->pos < len ? pe - p->pos : len;
				if ((r = stance_buf_put(out, s, cut)) < 0)
					break;
				s += cut;
				len -= cut;
			}
			if (len)
				r = put_new(&c, s, len, p->kind == PIECE_INSERT);
			break;
		case PIECE_MOVE_BEGIN:
			r = stance_buf_printf(&c.notes, "{>>moved from ¶%zu<<} ", p->old_block + 1);
			break;
		default:
			break;
		}
		if (r < 0)
			goto done;
	}
	if (c.pending.size && c.pending_whole) {
		if (put_removed_block(&c) < 0)
			goto done;
	} else if (c.pending.size) {
		/* removals at the very end join the last block (inside a table
		 * row's last cell, so the row keeps its cells) */
		size_t end = out->size;
		stance_buf tailbuf = STANCE_BUF_INIT;
		while (end > 0 && (out->ptr[end - 1] == '\n' || out->ptr[end - 1] == ' '))
			end--;
		if (end > 0 && out->ptr[end - 1] == '|' && c.in_table) {
			end--;
			while (end > 0 && out->ptr[end - 1] == ' ')
				end--;
		}
		if (stance_buf_put(&tailbuf, out->ptr + end, out->size - end) < 0)
			goto done;
		out->size = end;
		if (out->ptr)
			out->ptr[end] = '\0';
		error = (end && stance_buf_putc(out, ' ') < 0) ||
			stance_buf_puts(out, "{--") < 0 || stance_buf_put(out, c.pending.ptr, c.pending.size) < 0 ||
			stance_buf_puts(out, "--}") < 0 ||
			stance_buf_put(out, tailbuf.size ? tailbuf.ptr : "\n", tailbuf.size ? tailbuf.size : 1) < 0;
		stance_buf_dispose(&tailbuf);
		if (error)
			goto done;
	}
	error = 0;
done:
	free(pl.items);
	stance_buf_dispose(&c.pending);
	stance_buf_dispose(&c.notes);
	return error ? -1 : 0;
}
