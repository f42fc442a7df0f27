/*
 * render_porcelain.c: the shape of git's --word-diff=porcelain, for scripts
 * used to it: lines starting with ' ' (common), '-' (removed), '+' (added),
 * and '~' for a newline of the text. A moved passage is shown as git would
 * see it: removed where it stood, added where it now is.
 */
#include "render_internal.h"

/* One line of the text as the output shows it: its segments and the '~'
 * that ends it, where it lies in the full output, whether it holds a
 * change, and how many old and new lines come before it. */
typedef struct {
	size_t start, end;
	size_t old_line, new_line;
	int changed;
} row;

typedef struct {
	stance_buf *out;
	row *rows;
	size_t nrows, cap;
	size_t row_start, old_line, new_line;
	int changed;
} rows_state;

static int close_row(rows_state *st)
{
	if (st->nrows == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		row *v = realloc(st->rows, cap * sizeof(*v));
		if (!v)
			return stance_error_oom();
		st->rows = v;
		st->cap = cap;
	}
	st->rows[st->nrows].start = st->row_start;
	st->rows[st->nrows].end = st->out->size;
	st->rows[st->nrows].changed = st->changed;
	st->rows[st->nrows].old_line = st->old_line;
	st->rows[st->nrows].new_line = st->new_line;
	st->nrows++;
	st->row_start = st->out->size;
	st->changed = 0;
	return 0;
}

/* Writes text with `prefix` lines, a '~' line for every newline; a newline
 * counts as a line of the old text, the new text or both. */
static int put_lines(rows_state *st, char prefix, int old_side, int new_side, const char *s, size_t len)
{
	stance_buf *out = st->out;
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
			st->changed = 1;
		if (nl) {
			*w++ = '~';
			*w++ = '\n';
			i++;
		}
		out->size = (size_t)(w - out->ptr);
		out->ptr[out->size] = '\0';
		if (nl) {
			if (close_row(st) < 0)
				return -1;
			st->old_line += (size_t)old_side;
			st->new_line += (size_t)new_side;
		}
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
	size_t context = opts && opts->context ? opts->context - 1 : 0;
	int hunks = opts && opts->context;
	stance_buf all = STANCE_BUF_INIT;
	rows_state st;
	piece_list pl;
	size_t i;
	int error = -1;

	memset(&st, 0, sizeof(st));
	st.out = &all;
	if (render_pieces(&pl, d) < 0)
		return -1;
	if (stance_buf_printf(out, "--- a/%s\n+++ b/%s\n",
		opts && opts->old_label ? opts->old_label : "old",
		opts && opts->new_label ? opts->new_label : "new") < 0)
		goto done;
	for (i = 0; i < pl.count; i++) {
		const piece *p = &pl.items[i];
		int r = 0;
		switch (p->kind) {
		case PIECE_EQUAL:
			/* a moved passage is added where it now is (its old place
			 * was given as removed) */
			r = p->in_move ? put_lines(&st, '+', 0, 1, p->text, p->len) :
				put_lines(&st, ' ', 1, 1, p->text, p->len);
			break;
		case PIECE_INSERT:
			r = put_lines(&st, '+', 0, 1, p->text, p->len);
			break;
		case PIECE_DELETE:
			/* inside a move the old text was already given where it stood */
			r = p->in_move ? 0 : put_lines(&st, '-', 1, 0, p->text, p->len);
			break;
		case PIECE_MOVED_AWAY:
			r = put_lines(&st, '-', 1, 0, p->text, p->len);
			break;
		default:
			break;
		}
		if (r < 0)
			goto done;
	}
	if (all.size > st.row_start && close_row(&st) < 0) /* a last line without a newline */
		goto done;
	if (!hunks) {
		if (stance_buf_puts(out, "@@ -1 +1 @@\n") < 0 || stance_buf_put(out, all.ptr, all.size) < 0)
			goto done;
	} else {
		size_t a = 0, shown = 0; /* rows before `shown` are printed */
		while (a < st.nrows) {
			size_t first, last, k;
			size_t old_end, new_end;
			if (!st.rows[a].changed) {
				a++;
				continue;
			}
			/* a hunk: from `context` rows before this change to
			 * `context` rows after the last change that is no more
			 * than 2 * context rows further on */
			first = a > context ? a - context : 0;
			if (first < shown)
				first = shown;
			last = a;
			for (k = a + 1; k < st.nrows && k <= last + 2 * context + 1; k++)
				if (st.rows[k].changed)
					last = k;
			last = last + context < st.nrows - 1 ? last + context : st.nrows - 1;
			old_end = last + 1 < st.nrows ? st.rows[last + 1].old_line : st.old_line + (all.size > 0 &&
				all.ptr[all.size - 1] != '\n');
			new_end = last + 1 < st.nrows ? st.rows[last + 1].new_line : st.new_line + (all.size > 0 &&
				all.ptr[all.size - 1] != '\n');
			if (stance_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n",
				st.rows[first].old_line + 1, old_end - st.rows[first].old_line,
				st.rows[first].new_line + 1, new_end - st.rows[first].new_line) < 0 ||
			    stance_buf_put(out, all.ptr + st.rows[first].start,
				st.rows[last].end - st.rows[first].start) < 0)
				goto done;
			a = shown = last + 1;
		}
	}
	error = 0;
done:
	free(st.rows);
	stance_buf_dispose(&all);
	free(pl.items);
	return error;
}
