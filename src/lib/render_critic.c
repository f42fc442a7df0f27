/*
 * render_critic.c: the diff as Markdown with CriticMarkup: {++added++},
 * {--removed--}, {~~old~>new~~}, and {>>moved from ¶N<<} comments. The
 * result keeps the new document's block structure: the new text is written
 * as it is, marks open after a block's own marker ("## ", "- ", "| ") and
 * close before its trailing line breaks, and removed text is flattened onto
 * one line and attached to the block it stood before.
 */
#include "render_internal.h"

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
			j += render_block_prefix(s + j, len - j);
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
	stance_buf pending;   /* removals and notes waiting for the next block text */
	const char *ins_after_del; /* unused marker */
} critic;

/* Writes new text `s` (which starts a block when block_start), opening
 * `open` and closing `close` around its content when not NULL, with pending
 * removals placed after the block marker. */
static int put_new(critic *c, const char *s, size_t len, int block_start, const char *open,
	const char *close, const char *pending_open)
{
	size_t pre = block_start ? render_block_prefix(s, len) : 0, lead, tail;
	const char *body = s + pre;
	size_t blen = len - pre;
	int error;

	if ((error = stance_buf_put(c->out, s, pre)) < 0)
		return error;
	trim(&body, &blen, &lead, &tail);
	if ((error = stance_buf_put(c->out, body, lead)) < 0)
		return error;
	if (c->pending.size) {
		if (pending_open) {
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
		    (error = stance_buf_puts(c->out, "--}")) < 0)
			return error;
		if (blen - lead - tail && (error = stance_buf_putc(c->out, ' ')) < 0)
			return error;
		stance_buf_clear(&c->pending);
	}
	if (blen - lead - tail == 0)
		return stance_buf_put(c->out, body + lead, blen - lead);
	if (open) {
		if ((error = stance_buf_puts(c->out, open)) < 0 ||
		    (error = put_flat(c->out, body + lead, blen - lead - tail)) < 0 ||
		    (error = stance_buf_puts(c->out, close)) < 0)
			return error;
	} else if ((error = stance_buf_put(c->out, body + lead, blen - lead - tail)) < 0) {
		return error;
	}
	return stance_buf_put(c->out, body + blen - tail, tail);
}

int stance_render_critic(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	critic c;
	piece_list pl;
	stance_buf notes = STANCE_BUF_INIT;
	size_t i;
	int error = -1;

	(void)opts;
	memset(&c, 0, sizeof(c));
	c.out = out;
	if (render_pieces(&pl, d) < 0)
		return -1;
	for (i = 0; i < pl.count; i++) {
		const piece *p = &pl.items[i];
		const char *s;
		size_t len, lead, tail;
		int r = 0;
		switch (p->kind) {
		case PIECE_DELETE:
			s = p->text;
			len = p->len;
			trim(&s, &len, &lead, &tail);
			if (len == 0)
				break;
			if (c.pending.size)
				r = stance_buf_putc(&c.pending, ' ');
			if (r == 0)
				r = put_flat(&c.pending, s, len);
			break;
		case PIECE_EQUAL:
		case PIECE_INSERT:
			if (notes.size && p->block_start) {
				/* a note goes right after the block marker */
				size_t pre = render_block_prefix(p->text, p->len);
				if ((r = stance_buf_put(out, p->text, pre)) == 0 &&
				    (r = stance_buf_put(out, notes.ptr, notes.size)) == 0) {
					stance_buf_clear(&notes);
					r = p->kind == PIECE_INSERT ?
						put_new(&c, p->text + pre, p->len - pre, 0, "{++", "++}", "") :
						put_new(&c, p->text + pre, p->len - pre, 0, NULL, NULL, NULL);
				}
				break;
			}
			r = p->kind == PIECE_INSERT ?
				put_new(&c, p->text, p->len, p->block_start, "{++", "++}", "") :
				put_new(&c, p->text, p->len, p->block_start, NULL, NULL, NULL);
			break;
		case PIECE_MOVE_BEGIN:
			r = stance_buf_printf(&notes, "{>>moved from ¶%zu<<} ", p->old_block + 1);
			break;
		default:
			break;
		}
		if (r < 0)
			goto done;
	}
	if (c.pending.size) {
		/* removals at the very end join the last block */
		size_t end = out->size;
		stance_buf tailbuf = STANCE_BUF_INIT;
		while (end > 0 && (out->ptr[end - 1] == '\n' || out->ptr[end - 1] == ' '))
			end--;
		if (stance_buf_put(&tailbuf, out->ptr + end, out->size - end) < 0)
			goto done;
		out->size = end;
		if (end)
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
	stance_buf_dispose(&notes);
	return error ? -1 : 0;
}
