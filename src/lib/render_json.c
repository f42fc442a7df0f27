/*
 * render_json.c: the edit script as JSON, for scripts. The shape is
 * documented in docs/diff-json.md.
 */
#include "internal.h"
#include "stance/diff.h"
#include "stance/positions.h"
#include "stance/render.h"

#include <stdio.h>

static int put_side(stance_buf *out, const stance_diff *d, int side)
{
	static const char *const fields[] = { "id", "title", "published", "language", NULL };
	size_t len, i;
	const char *text = side ? stance_diff_new_text(d, &len) : stance_diff_old_text(d, &len);
	const char *label;
	int error;
	(void)text;
	if ((error = stance_buf_puts(out, "{")) < 0)
		return error;
	for (i = 0; fields[i]; i++) {
		label = stance_diff_meta(d, side, fields[i]);
		if (!label)
			continue;
		if ((error = stance_buf_printf(out, "\"%s\": ", fields[i])) < 0 ||
		    (error = stance_buf_put_json_string(out, label)) < 0 ||
		    (error = stance_buf_puts(out, ", ")) < 0)
			return error;
	}
	if ((error = stance_buf_printf(out, "\"length\": %zu, \"blocks\": %zu}", len,
		stance_diff_block_count(d, side))) < 0)
		return error;
	return 0;
}

/* Appends s[0, len) as a JSON string. */
static int put_json_slice(stance_buf *out, const char *s, size_t len)
{
	size_t i, from = 0;
	int error;
	if ((error = stance_buf_putc(out, '"')) < 0)
		return error;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		if ((error = stance_buf_put(out, s + from, i - from)) < 0)
			return error;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c == '\n') {
			memcpy(esc, "\\n", 3);
		} else if (c == '\t') {
			memcpy(esc, "\\t", 3);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		}
		if ((error = stance_buf_puts(out, esc)) < 0)
			return error;
		from = i + 1;
	}
	if ((error = stance_buf_put(out, s + from, len - from)) < 0)
		return error;
	return stance_buf_putc(out, '"');
}

/*
 * One op. Inserts carry their new "text", deletes their old "text", moves
 * both ("old_text", "text"); an equal op whose two sides differ in
 * whitespace carries both too, so either side can be rebuilt exactly.
 */
static int put_op(stance_buf *out, const stance_diff *d, const stance_diff_op *o)
{
	const char *ot = stance_diff_old_text(d, NULL), *nt = stance_diff_new_text(d, NULL);
	size_t ol = o->old_end - o->old_start, nl = o->new_end - o->new_start;
	int error;
	if ((error = stance_buf_printf(out,
		"{\"op\": \"%s\", \"unit\": \"%s\", \"old_range\": [%zu, %zu], \"new_range\": [%zu, %zu], "
		"\"old_block\": %zu, \"new_block\": %zu",
		stance_diff_op_name(o->op), stance_diff_unit_name(o->unit),
		o->old_start, o->old_end, o->new_start, o->new_end, o->old_block, o->new_block)) < 0)
		return error;
	switch (o->op) {
	case STANCE_DIFF_INSERT:
		if ((error = stance_buf_puts(out, ", \"text\": ")) < 0)
			return error;
		return put_json_slice(out, nt + o->new_start, nl);
	case STANCE_DIFF_DELETE:
		if ((error = stance_buf_puts(out, ", \"text\": ")) < 0)
			return error;
		return put_json_slice(out, ot + o->old_start, ol);
	case STANCE_DIFF_EQUAL:
		if (ol == nl && !memcmp(ot + o->old_start, nt + o->new_start, ol))
			return 0;
		/* the same words, other whitespace */
		__attribute__((fallthrough));
	case STANCE_DIFF_MOVE:
		if ((error = stance_buf_puts(out, ", \"old_text\": ")) < 0 ||
		    (error = put_json_slice(out, ot + o->old_start, ol)) < 0 ||
		    (error = stance_buf_puts(out, ", \"text\": ")) < 0)
			return error;
		return put_json_slice(out, nt + o->new_start, nl);
	}
	return 0;
}

static int put_position(stance_buf *out, const stance_position *p)
{
	int error;
	if (!p)
		return stance_buf_puts(out, "null");
	if ((error = stance_buf_puts(out, "{\"text\": ")) < 0 ||
	    (error = stance_buf_put_json_string(out, p->text)) < 0 ||
	    (error = stance_buf_puts(out, ", \"section\": ")) < 0 ||
	    (error = stance_buf_put_json_string(out, p->section)) < 0 ||
	    (error = stance_buf_printf(out, ", \"range\": [%zu, %zu]}", p->start, p->end)) < 0)
		return error;
	return 0;
}

/* ", "callouts": [{"kind": "amount", "old": "50", "new": "80 millioner"}, {"kind": "negated"}]" */
static int put_callouts(stance_buf *out, const stance_position_callout_list *cl)
{
	size_t i;
	int error;
	if ((error = stance_buf_puts(out, ", \"callouts\": [")) < 0)
		return error;
	for (i = 0; i < cl->count; i++) {
		const stance_position_callout *c = &cl->items[i];
		if ((error = stance_buf_printf(out, "%s{\"kind\": \"%s\"", i ? ", " : "",
			stance_position_callout_key(c->kind))) < 0)
			return error;
		if (c->old_value && ((error = stance_buf_puts(out, ", \"old\": ")) < 0 ||
		    (error = stance_buf_put_json_string(out, c->old_value)) < 0 ||
		    (error = stance_buf_puts(out, ", \"new\": ")) < 0 ||
		    (error = stance_buf_put_json_string(out, c->new_value)) < 0))
			return error;
		if ((error = stance_buf_puts(out, "}")) < 0)
			return error;
	}
	return stance_buf_puts(out, "]");
}

int stance_render_json(stance_buf *out, const stance_diff *d, const stance_render_options *opts)
{
	const stance_diff_stats *st = stance_diff_get_stats(d);
	const stance_position_change_list *ch = stance_diff_position_changes(d);
	const stance_position_list *ol = stance_diff_positions(d, 0), *nl = stance_diff_positions(d, 1);
	size_t i, n = stance_diff_op_count(d), nf = stance_diff_field_count(d);
	const char *fb = stance_diff_fallback(d);
	int error;
	STANCE_CHECK_OPTIONS(opts, STANCE_RENDER_OPTIONS_VERSION, "stance_render_options");

	(void)opts;
	if ((error = stance_buf_puts(out, "{\"old\": ")) < 0 || (error = put_side(out, d, 0)) < 0 ||
	    (error = stance_buf_puts(out, ",\n \"new\": ")) < 0 || (error = put_side(out, d, 1)) < 0 ||
	    (error = stance_buf_puts(out, ",\n \"fields\": [")) < 0)
		return error;
	for (i = 0; i < nf; i++) {
		stance_diff_field f;
		stance_diff_field_at(&f, d, i);
		if ((error = stance_buf_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ")) < 0 ||
		    (error = stance_buf_put_json_string(out, f.name)) < 0 ||
		    (error = stance_buf_puts(out, ", \"old\": ")) < 0 ||
		    (error = f.old_value ? stance_buf_put_json_string(out, f.old_value) : stance_buf_puts(out, "null")) < 0 ||
		    (error = stance_buf_puts(out, ", \"new\": ")) < 0 ||
		    (error = f.new_value ? stance_buf_put_json_string(out, f.new_value) : stance_buf_puts(out, "null")) < 0 ||
		    (error = stance_buf_puts(out, "}")) < 0)
			return error;
	}
	if ((error = stance_buf_puts(out, "],\n \"ops\": [")) < 0)
		return error;
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		size_t c;
		if ((error = stance_buf_puts(out, i ? ",\n  " : "\n  ")) < 0 || (error = put_op(out, d, o)) < 0)
			return error;
		if (o->op == STANCE_DIFF_MOVE) {
			if ((error = stance_buf_puts(out, ", \"ops\": [")) < 0)
				return error;
			for (c = 0; c < o->children; c++)
				if ((error = stance_buf_puts(out, c ? ",\n    " : "\n    ")) < 0 ||
				    (error = put_op(out, d, stance_diff_op_at(d, i + 1 + c))) < 0 ||
				    (error = stance_buf_puts(out, "}")) < 0)
					return error;
			if ((error = stance_buf_puts(out, "]")) < 0)
				return error;
			i += o->children;
		}
		if ((error = stance_buf_puts(out, "}")) < 0)
			return error;
	}
	if ((error = stance_buf_printf(out, "],\n \"stats\": {\"words_added\": %zu, \"words_removed\": %zu, "
		"\"words_moved\": %zu, \"blocks_moved\": %zu, \"fields_changed\": %zu, "
		"\"positions_added\": %zu, \"positions_removed\": %zu, \"positions_reworded\": %zu, "
		"\"changed\": %s, \"fallback\": ",
		st->words_added, st->words_removed, st->words_moved, st->blocks_moved, st->fields_changed,
		st->positions_added, st->positions_removed, st->positions_reworded,
		stance_diff_has_changes(d) ? "true" : "false")) < 0 ||
	    (error = fb ? stance_buf_put_json_string(out, fb) : stance_buf_puts(out, "null")) < 0 ||
	    (error = stance_buf_puts(out, "},\n \"positions\": [")) < 0)
		return error;
	for (i = 0; i < ch->count; i++) {
		const stance_position_change *c = &ch->items[i];
		static const char *const kinds[] = { "added", "removed", "reworded" };
		if ((error = stance_buf_printf(out, "%s{\"change\": \"%s\", \"old\": ", i ? ",\n  " : "\n  ",
			kinds[c->kind])) < 0 ||
		    (error = put_position(out, c->old_index >= 0 ? &ol->items[c->old_index] : NULL)) < 0 ||
		    (error = stance_buf_puts(out, ", \"new\": ")) < 0 ||
		    (error = put_position(out, c->new_index >= 0 ? &nl->items[c->new_index] : NULL)) < 0 ||
		    (error = stance_buf_printf(out, ", \"similarity\": %.2f", c->similarity)) < 0 ||
		    (error = put_callouts(out, stance_diff_position_callouts(d, i))) < 0 ||
		    (error = stance_buf_puts(out, "}")) < 0)
			return error;
	}
	return stance_buf_puts(out, "]}\n");
}
