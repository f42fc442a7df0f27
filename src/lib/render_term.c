/*
 * render_term.c: the diff for a terminal: the new text with deletions and
 * insertions in colour, or as [-old-]{+new+} without colour; moves marked
 * with where they came from; unchanged blocks far from any change elided;
 * a summary line (alone when nothing changed). Also the --positions view.
 */
#include "render_internal.h"
#include "stance/diff.h"
#include "stance/positions.h"
#include "stance/render.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* Marks, per colour mode. */
typedef struct {
	const char *del_open, *del_close, *ins_open, *ins_close;
	const char *note_open, *note_close, *head_open, *head_close;
} marks;

static const marks plain = { "[-", "-]", "{+", "+}", "{>", "<}", "", "" };
static const marks ansi = { RED "\033[9m", RESET, GREEN, RESET, CYAN, RESET, BOLD, RESET };

/* Writes text with the marks around its content and its surrounding
 * whitespace outside them: "have {+langt+} mere", not "have {+langt +}mere". */
static int put_marked(stance_buf *out, const char *open, const char *close, const char *s, size_t len)
{
	size_t a = 0, b = len;
	int error;
	while (a < b && (s[a] == ' ' || s[a] == '\n'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\n'))
		b--;
	if (a == b)
		return stance_buf_put(out, s, len);
	if ((error = stance_buf_put(out, s, a)) < 0 || (error = stance_buf_puts(out, open)) < 0 ||
	    (error = stance_buf_put(out, s + a, b - a)) < 0 || (error = stance_buf_puts(out, close)) < 0)
		return error;
	return stance_buf_put(out, s + b, len - b);
}

/* Which new blocks are shown: those with a change and `context` around. */
static int visible_blocks(uint8_t **out, const stance_diff *d, const piece_list *pl, size_t context)
{
	size_t nb = stance_diff_block_count(d, 1), i, cur = 0;
	uint8_t *changed = calloc(nb + 1, 1), *vis = calloc(nb + 1, 1);
	if (!changed || !vis) {
		free(changed);
		free(vis);
		return stance_error_oom();
	}
	for (i = 0; i < pl->count; i++) {
		const piece *p = &pl->items[i];
		if (p->kind == PIECE_EQUAL || p->kind == PIECE_INSERT || p->kind == PIECE_MOVE_BEGIN)
			cur = p->new_block;
		else if (p->kind == PIECE_DELETE || p->kind == PIECE_MOVED_AWAY)
			cur = p->new_block < nb ? p->new_block : (nb ? nb - 1 : 0);
		if (p->kind != PIECE_EQUAL && cur <= nb)
			changed[cur < nb ? cur : nb] = 1;
	}
	for (i = 0; i <= nb; i++) {
		size_t k, lo, hi;
		if (!changed[i])
			continue;
		lo = i > context ? i - context : 0;
		hi = i + context < nb ? i + context : nb;
		for (k = lo; k <= hi; k++)
			vis[k] = 1;
	}
	free(changed);
	*out = vis;
	return 0;
}

int stance_render_term(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	const marks *m = opts && opts->color ? &ansi : &plain;
	size_t context = opts && opts->context ? opts->context : 0, i, nf = stance_diff_field_count(d);
	size_t nb = stance_diff_block_count(d, 1), line = 1, line_pos = 0;
	const char *ntext = stance_diff_new_text(d, NULL);
	piece_list pl;
	uint8_t *vis = NULL;
	int error = -1, skipping = 0;
	STANCE_CHECK_OPTIONS(opts, STANCE_RENDER_OPTIONS_VERSION, "stance_render_options");

	if (opts && opts->positions_only)
		return stance_render_positions(out, d, opts);
	/* nothing changed: the summary alone, not the whole document again */
	if (!stance_diff_has_changes(d))
		return stance_buf_printf(out, "%sno changes%s\n", m->head_open, m->head_close);
	if (render_pieces(&pl, d) < 0)
		return -1;
	if (context && visible_blocks(&vis, d, &pl, context - 1) < 0)
		goto done;
	if (opts && (opts->old_label || opts->new_label) &&
	    stance_buf_printf(out, "%s--- %s%s\n%s+++ %s%s\n", m->head_open,
		opts->old_label ? opts->old_label : "/dev/null", m->head_close, m->head_open,
		opts->new_label ? opts->new_label : "/dev/null", m->head_close) < 0)
		goto done;
	for (i = 0; i < nf; i++) {
		stance_diff_field f;
		stance_diff_field_at(&f, d, i);
		if (stance_buf_printf(out, "%s%s:%s ", m->head_open, f.name, m->head_close) < 0 ||
		    (f.old_value && stance_buf_printf(out, "%s%s%s", m->del_open, f.old_value, m->del_close) < 0) ||
		    (f.new_value && stance_buf_printf(out, "%s%s%s", m->ins_open, f.new_value, m->ins_close) < 0) ||
		    stance_buf_putc(out, '\n') < 0)
			goto done;
	}
	if (nf && stance_buf_putc(out, '\n') < 0)
		goto done;
	for (i = 0; i < pl.count; i++) {
		const piece *p = &pl.items[i];
		size_t b = p->new_block < nb ? p->new_block : (nb ? nb - 1 : 0);
		if (vis && p->kind == PIECE_EQUAL && !vis[b]) {
			skipping = 1;
			continue;
		}
		if (skipping && vis) {
			const stance_diff_block *bk = stance_diff_block_at(d, 1, b);
			size_t at = bk ? bk->start : 0;
			line = render_line_at(ntext, at, line_pos, line);
			line_pos = at;
			if (stance_buf_printf(out, "%s@@ ¶%zu, line %zu @@%s\n", m == &ansi ? CYAN : "", b + 1, line,
				m == &ansi ? RESET : "") < 0)
				goto done;
			skipping = 0;
		}
		switch (p->kind) {
		case PIECE_EQUAL:
			error = stance_buf_put(out, p->text, p->len);
			break;
		case PIECE_INSERT:
			error = put_marked(out, m->ins_open, m->ins_close, p->text, p->len);
			break;
		case PIECE_DELETE: {
			size_t len = p->len;
			/* a replacement reads "[-old-]{+new+}": the insertion brings
			 * its own trailing space or line break */
			if (i + 1 < pl.count && pl.items[i + 1].kind == PIECE_INSERT)
				while (len > 0 && (p->text[len - 1] == ' ' || p->text[len - 1] == '\n'))
					len--;
			error = put_marked(out, m->del_open, m->del_close, p->text, len);
			break;
		}
		case PIECE_MOVE_BEGIN:
			error = stance_buf_printf(out, "%smoved from ¶%zu:%s ", m->note_open, p->old_block + 1, m->note_close);
			break;
		case PIECE_MOVE_END:
			error = 0;
			break;
		case PIECE_MOVED_AWAY:
			error = p->block_start ? stance_buf_printf(out, "%s¶%zu moved to ¶%zu%s\n\n", m->note_open,
				p->old_block + 1, p->new_block + 1, m->note_close) : 0;
			break;
		}
		if (error < 0)
			goto done;
	}
	if (out->size && out->ptr[out->size - 1] != '\n' && stance_buf_putc(out, '\n') < 0)
		goto done;
	if (stance_diff_fallback(d) &&
	    stance_buf_printf(out, "%snote: %s%s\n", m->note_open, stance_diff_fallback(d), m->note_close) < 0)
		goto done;
	if (stance_buf_puts(out, m->head_open) < 0 || render_summary(out, d) < 0 ||
	    stance_buf_puts(out, m->head_close) < 0 || stance_buf_putc(out, '\n') < 0)
		goto done;
	error = 0;
done:
	free(pl.items);
	free(vis);
	return error;
}

/* "  amount changed: 50 → 80 millioner; negated" under a rewording */
static int put_callouts(stance_buf *out, const stance_position_callout_list *cl)
{
	size_t i;
	for (i = 0; i < cl->count; i++) {
		const stance_position_callout *c = &cl->items[i];
		if (stance_buf_puts(out, i ? "; " : "  ") < 0 ||
		    stance_buf_puts(out, stance_position_callout_name(c->kind)) < 0 ||
		    (c->old_value && stance_buf_printf(out, ": %s \xE2\x86\x92 %s", c->old_value, c->new_value) < 0))
			return -1;
	}
	return cl->count ? stance_buf_puts(out, "\n") : 0;
}

int stance_render_positions(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	const marks *m = opts && opts->color ? &ansi : &plain;
	const stance_position_change_list *ch = stance_diff_position_changes(d);
	const stance_position_list *ol = stance_diff_positions(d, 0), *nl = stance_diff_positions(d, 1);
	static const char *const kinds[] = { "added", "removed", "reworded" };
	size_t i;
	STANCE_CHECK_OPTIONS(opts, STANCE_RENDER_OPTIONS_VERSION, "stance_render_options");

	for (i = 0; i < ch->count; i++) {
		const stance_position_change *c = &ch->items[i];
		const stance_position *o = c->old_index >= 0 ? &ol->items[c->old_index] : NULL;
		const stance_position *n = c->new_index >= 0 ? &nl->items[c->new_index] : NULL;
		const char *section = n ? n->section : o->section;
		if (stance_buf_printf(out, "%s%s%s", m->head_open, kinds[c->kind], m->head_close) < 0 ||
		    (*section && stance_buf_printf(out, " (§ %s)", section) < 0) ||
		    (c->kind == STANCE_POSITION_REWORDED &&
		     stance_buf_printf(out, " %.0f%% alike", c->similarity * 100) < 0) ||
		    stance_buf_puts(out, ":\n") < 0)
			return -1;
		if (o && stance_buf_printf(out, "  %s%s%s\n", m->del_open, o->text, m->del_close) < 0)
			return -1;
		if (n && stance_buf_printf(out, "  %s%s%s\n", m->ins_open, n->text, m->ins_close) < 0)
			return -1;
		if (put_callouts(out, stance_diff_position_callouts(d, i)) < 0)
			return -1;
	}
	if (stance_buf_printf(out, "%zu position statement%s added, %zu removed, %zu reworded\n",
		stance_diff_get_stats(d)->positions_added, stance_diff_get_stats(d)->positions_added == 1 ? "" : "s",
		stance_diff_get_stats(d)->positions_removed, stance_diff_get_stats(d)->positions_reworded) < 0)
		return -1;
	return 0;
}
