/*
 * render_porcelain.c: the shape of git's --word-diff=porcelain, for scripts
 * used to it: lines starting with ' ' (common), '-' (removed), '+' (added),
 * and '~' for a newline of the text. A moved passage is shown as git would
 * see it: removed where it stood, added where it now is.
 */
#include "render_internal.h"

/* Writes text with `prefix` lines, a '~' line for every newline. */
static int put_lines(stance_buf *out, char prefix, const char *s, size_t len)
{
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
		if (nl) {
			*w++ = '~';
			*w++ = '\n';
			i++;
		}
		out->size = (size_t)(w - out->ptr);
		out->ptr[out->size] = '\0';
	}
	return 0;
}

int stance_render_porcelain(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	piece_list pl;
	size_t i;
	int error = -1;
	const char *otext = stance_diff_old_text(d, NULL), *ntext = stance_diff_new_text(d, NULL);

	if (render_pieces(&pl, d) < 0)
		return -1;
	if (stance_buf_printf(out, "--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n",
		opts && opts->old_label ? opts->old_label : "old",
		opts && opts->new_label ? opts->new_label : "new") < 0)
		goto done;
	(void)otext;
	(void)ntext;
	for (i = 0; i < pl.count; i++) {
		const piece *p = &pl.items[i];
		int r = 0;
		switch (p->kind) {
		case PIECE_EQUAL:
			r = put_lines(out, p->in_move ? '+' : ' ', p->text, p->len);
			break;
		case PIECE_INSERT:
			r = put_lines(out, '+', p->text, p->len);
			break;
		case PIECE_DELETE:
			/* inside a move the old text was already given where it stood */
			r = p->in_move ? 0 : put_lines(out, '-', p->text, p->len);
			break;
		case PIECE_MOVED_AWAY:
			r = put_lines(out, '-', p->text, p->len);
			break;
		default:
			break;
		}
		if (r < 0)
			goto done;
	}
	error = 0;
done:
	free(pl.items);
	return error;
}
