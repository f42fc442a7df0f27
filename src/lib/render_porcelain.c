/*
 * render_porcelain.c: the shape of git's --word-diff=porcelain, for scripts
 * used to it: lines starting with ' ' (common), '-' (removed), '+' (added),
 * and '~' for a newline of the text. A moved passage is shown as git would
 * see it: removed where it stood, added where it now is.
 */
#include "render_internal.h"
#include "stance/diff.h"
#include "stance/render.h"

/*
 * The output is made a line of the text (a "row": its segments and the '~'
 * that ends it) at a time. Without hunks a row goes straight to the output.
 * With hunks, as git's emitter: up to `context` unchanged rows are held
 * back in case a change follows; a hunk collects its rows until more than
 * 2 * context unchanged rows have followed its last change, and is then
 * written under its header, with `context` of them. Memory stays that of a
 * hunk, not of the text.
 */
typedef struct {
	stance_buf text;
	size_t old_line, new_line; /* lines of each side before the row */
} held_row;

typedef struct {
	size_t at;                 /* where the row starts in the hunk's text */
	size_t old_line, new_line;
} trailing_row;

typedef struct {
	stance_buf *out;
	stance_buf row;            /* the row being made */
	int changed;               /* it shows a change */
	size_t old_line, new_line; /* lines of each side before it */
	int hunks;
	size_t context;
	held_row *held;            /* the last unchanged rows outside a hunk, a ring */
	size_t nheld, held_first;
	stance_buf hunk;
	int in_hunk;
	size_t hunk_old, hunk_new;
	trailing_row *trailing;    /* unchanged rows since the hunk's last change */
	size_t ntrailing;
} emitter;

/* Writes the hunk with its first `keep` trailing rows. */
static int write_hunk(emitter *e, size_t keep)
{
	size_t end = keep < e->ntrailing ? e->trailing[keep].at : e->hunk.size;
	size_t old_end = keep < e->ntrailing ? e->trailing[keep].old_line : e->old_line;
	size_t new_end = keep < e->ntrailing ? e->trailing[keep].new_line : e->new_line;
	if (stance_buf_printf(e->out, "@@ -%zu,%zu +%zu,%zu @@\n", e->hunk_old + 1, old_end - e->hunk_old,
		e->hunk_new + 1, new_end - e->hunk_new) < 0 ||
	    stance_buf_put(e->out, e->hunk.ptr, end) < 0)
		return -1;
	return 0;
}

static int hold(emitter *e, const char *text, size_t len, size_t old_line, size_t new_line)
{
	held_row *h;
	if (!e->context)
		return 0;
	if (e->nheld < e->context) {
		h = &e->held[(e->held_first + e->nheld++) % e->context];
	} else {
		h = &e->held[e->held_first];
		e->held_first = (e->held_first + 1) % e->context;
	}
	stance_buf_clear(&h->text);
	h->old_line = old_line;
	h->new_line = new_line;
	return stance_buf_put(&h->text, text, len);
}

/* The row just made is complete; `old_side`, `new_side`: its line break
 * counts as a line of that side. */
static int row_done(emitter *e, int old_side, int new_side)
{
	size_t old_line = e->old_line, new_line = e->new_line;
	int error = 0;
	e->old_line += (size_t)old_side;
	e->new_line += (size_t)new_side;
	if (!e->hunks) {
		error = stance_buf_put(e->out, e->row.ptr, e->row.size);
	} else if (e->changed) {
		if (!e->in_hunk) {
			/* a new hunk: the held rows first */
			size_t k;
			stance_buf_clear(&e->hunk);
			e->in_hunk = 1;
			e->hunk_old = e->nheld ? e->held[e->held_first].old_line : old_line;
			e->hunk_new = e->nheld ? e->held[e->held_first].new_line : new_line;
			for (k = 0; k < e->nheld && !error; k++) {
				const held_row *h = &e->held[(e->held_first + k) % e->context];
				error = stance_buf_put(&e->hunk, h->text.ptr, h->text.size);
			}
			e->nheld = e->held_first = 0;
		}
		e->ntrailing = 0;
		if (!error)
			error = stance_buf_put(&e->hunk, e->row.ptr, e->row.size);
	} else if (e->in_hunk) {
		trailing_row *t = &e->trailing[e->ntrailing++];
		t->at = e->hunk.size;
		t->old_line = old_line;
		t->new_line = new_line;
		error = stance_buf_put(&e->hunk, e->row.ptr, e->row.size);
		if (!error && e->ntrailing > 2 * e->context) {
			/* too far from the next change, if any: the hunk ends
			 * `context` rows after its last change; the last `context`
			 * rows are held for the next */
			size_t k;
			if ((error = write_hunk(e, e->context)) == 0)
				for (k = e->context + 1; k < e->ntrailing && !error; k++) {
					size_t end = k + 1 < e->ntrailing ? e->trailing[k + 1].at : e->hunk.size;
					error = hold(e, e->hunk.ptr + e->trailing[k].at, end - e->trailing[k].at,
						e->trailing[k].old_line, e->trailing[k].new_line);
				}
			e->in_hunk = 0;
			e->ntrailing = 0;
		}
	} else {
		error = hold(e, e->row.ptr, e->row.size, old_line, new_line);
	}
	stance_buf_clear(&e->row);
	e->changed = 0;
	return error;
}

/* Writes text with `prefix` lines, a '~' line for every newline; a newline
 * counts as a line of the old text, the new text or both. */
static int put_lines(emitter *e, char prefix, int old_side, int new_side, const char *s, size_t len)
{
	stance_buf *out = &e->row;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
		char *w;
		/* one growth check a line, then the bytes written in place:
		 * prefix, text, line feed, and "~" and a line feed at most */
		if (stance_buf_grow(out, n + 4) < 0)
			return -1;
		w = out->ptr + out->size;
		if (n) {
			*w++ = prefix;
			memcpy(w, s + i, n);
			w += n;
			*w++ = '\n';
		}
		i += n;
		/* a row changed when it shows removed or added words, or a line
		 * break only one side has */
		if (prefix != ' ' && (n || nl))
			e->changed = 1;
		if (nl) {
			*w++ = '~';
			*w++ = '\n';
			i++;
		}
		out->size = (size_t)(w - out->ptr);
		out->ptr[out->size] = '\0';
		if (nl && row_done(e, old_side, new_side) < 0)
			return -1;
	}
	return 0;
}

/*
 * With a context (opts->context, lines + 1), git's shape: hunks of the
 * lines that changed and `context - 1` lines around them, each under an
 * "@@ -start,count +start,count @@" header; without, the whole text as one
 * hunk.
 */
int stance_render_porcelain(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	emitter e;
	piece_list pl;
	size_t i;
	int error = -1;
	STANCE_CHECK_OPTIONS(opts, STANCE_RENDER_OPTIONS_VERSION, "stance_render_options");

	/* as git diff: no change, no output at all (not even the headers) */
	if (!stance_diff_has_changes(d))
		return 0;
	memset(&e, 0, sizeof(e));
	e.out = out;
	e.hunks = opts && opts->context;
	e.context = e.hunks ? opts->context - 1 : 0;
	if (render_pieces(&pl, d) < 0)
		return -1;
	if ((e.context && (!(e.held = calloc(e.context, sizeof(*e.held))) ||
	     !(e.trailing = calloc(2 * e.context + 2, sizeof(*e.trailing))))) ||
	    (!e.context && e.hunks && !(e.trailing = calloc(2, sizeof(*e.trailing))))) {
		stance_error_oom();
		goto done;
	}
	if (stance_buf_printf(out, "--- a/%s\n+++ b/%s\n%s",
		opts && opts->old_label ? opts->old_label : "old",
		opts && opts->new_label ? opts->new_label : "new", e.hunks ? "" : "@@ -1 +1 @@\n") < 0)
		goto done;
	for (i = 0; i < pl.count; i++) {
		const piece *p = &pl.items[i];
		int r = 0;
		switch (p->kind) {
		case PIECE_EQUAL:
			/* a moved passage is added where it now is (its old place
			 * was given as removed) */
			r = p->in_move ? put_lines(&e, '+', 0, 1, p->text, p->len) :
				put_lines(&e, ' ', 1, 1, p->text, p->len);
			break;
		case PIECE_INSERT:
			r = put_lines(&e, '+', 0, 1, p->text, p->len);
			break;
		case PIECE_DELETE:
			/* inside a move the old text was already given where it stood */
			r = p->in_move ? 0 : put_lines(&e, '-', 1, 0, p->text, p->len);
			break;
		case PIECE_MOVED_AWAY:
			r = put_lines(&e, '-', 1, 0, p->text, p->len);
			break;
		default:
			break;
		}
		if (r < 0)
			goto done;
	}
	/* a last line without a line break counts on both sides */
	if (e.row.size && row_done(&e, 1, 1) < 0)
		goto done;
	if (e.in_hunk) {
		if (write_hunk(&e, e.context) < 0)
			goto done;
	}
	error = 0;
done:
	for (i = 0; e.held && i < e.context; i++)
		stance_buf_dispose(&e.held[i].text);
	free(e.held);
	free(e.trailing);
	stance_buf_dispose(&e.row);
	stance_buf_dispose(&e.hunk);
	free(pl.items);
	return error;
}
