/*
 * cmd_blame.c: `stance blame DOC[@REV]`: each sentence with the revision
 * that gave it its wording and the one where it first appeared.
 */
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_blame_entry;

enum { OPT_POSITIONS = 256 };

/* The width the sentence text is wrapped to, after the left column. */
#define BLAME_TEXT_WIDTH 64

static const cli_option blame_options[] = {
	{ OPT_POSITIONS, "positions", 0, CLI_ARG_NONE, NULL, "show only position statements", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static void day_of(stance_buf *out, const stance_revision *r)
{
	stance_date d;
	stance_buf_clear(out);
	stance_date_from_time(&d, r->time, r->tz_minutes);
	d.precision = STANCE_DATE_DAY;
	stance_date_format(out, &d);
}

static json_t *revision_json(const stance_revision *r)
{
	/* as every JSON of stance: RFC 3339 with seconds and zone, the message
	 * without its trailing newline (docs/commands/help.md#json-output) */
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "commit", cli_json_str(r->commit),
		"date", cli_json_time(r->time, r->tz_minutes), "author", cli_json_str(r->author_name),
		"email", cli_json_str(r->author_email), "message", cli_json_message(r->message));
}

/* Prints `text` wrapped at BLAME_TEXT_WIDTH columns (counted in bytes of
 * UTF-8 lead characters), each line after the first under `indent`. */
static void print_wrapped(FILE *out, const char *text, const char *left, size_t indent)
{
	const char *p = text;
	int first = 1;
	while (*p) {
		const char *end = p, *cut = NULL;
		size_t cols = 0;
		while (*end && cols < BLAME_TEXT_WIDTH) {
			if (*end == ' ')
				cut = end;
			if (((unsigned char)*end & 0xC0) != 0x80)
				cols++;
			end++;
		}
		if (*end && cut && cut > p)
			end = cut;
		if (first)
			fprintf(out, "%s", left);
		else
			fprintf(out, "%*s", (int)indent, "");
		fprintf(out, "%.*s\n", (int)(end - p), p);
		first = 0;
		p = end;
		while (*p == ' ')
			p++;
	}
}

static int run_blame(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_blame b;
	stance_positions *markers = NULL;
	stance_buf path = STANCE_BUF_INIT, left = STANCE_BUF_INIT, day = STANCE_BUF_INIT,
		day2 = STANCE_BUF_INIT;
	cli_opt_parser p;
	size_t i;
	int c, error, json = 0, only_positions = 0, rc = CLI_OK;

	cli_opt_init(&p, &cmd_blame_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case OPT_POSITIONS: only_positions = 1; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest != 1)
		return cli_usage_error(&cmd_blame_entry, "name one document");
	if ((error = stance_buf_printf(&path, "%s.stance/positions", stance_repo_workdir(repo))) < 0 ||
	    (error = stance_positions_load(&markers, path.ptr)) < 0) {
		stance_buf_dispose(&path);
		return cli_fail(error);
	}
	stance_buf_dispose(&path);
	if ((error = stance_blame_document(&b, repo, p.rest[0], markers)) < 0) {
		stance_positions_free(markers);
		return cli_fail(error);
	}
	cli_pager_start(ctx);
	if (json) {
		json_t *list = json_array(), *top;
		for (i = 0; i < b.count; i++) {
			const stance_blame_sentence *s = &b.sentences[i];
			if (only_positions && !s->position)
				continue;
			json_array_append_new(list, json_pack("{s:[I, I], s:o, s:b, s:o, s:o, s:b}",
				"range", (json_int_t)s->start, (json_int_t)s->end, "text", cli_json_str(s->text),
				"position", s->position,
				"wording", revision_json(&b.revisions.items[s->wording]),
				"first_appearance", revision_json(&b.revisions.items[s->origin]),
				"restored", s->restored));
		}
		top = json_pack("{s:o, s:o, s:o}", "id", cli_json_str(b.revisions.items[b.at].id),
			"revision", revision_json(&b.revisions.items[b.at]), "sentences", list);
		if (!top || cli_json_write(ctx->out, top, CLI_JSON_SPACED) < 0)
			rc = cli_error("out of memory");
		else
			fputc('\n', ctx->out);
		goto done;
	}
	for (i = 0; i < b.count; i++) {
		const stance_blame_sentence *s = &b.sentences[i];
		const stance_revision *w = &b.revisions.items[s->wording], *o = &b.revisions.items[s->origin];
		char mark = s->restored ? 'r' : s->origin != s->wording ? '~' : ' ';
		if (only_positions && !s->position)
			continue;
		day_of(&day, w);
		day_of(&day2, o);
		stance_buf_clear(&left);
		stance_buf_printf(&left, "%s%.7s%s %s %-12.12s %c%s%.7s %s%s  ",
			cli_color(ctx, "\033[33m"), w->commit, cli_color(ctx, "\033[0m"), day.ptr,
			w->author_name ? w->author_name : "", mark,
			cli_color(ctx, "\033[2m"), o->commit, day2.ptr, cli_color(ctx, "\033[0m"));
		/* 7+1+10+1+12+1+1+7+1+10+2 columns before the text */
		print_wrapped(ctx->out, s->text, left.ptr, 53);
	}
done:
	stance_blame_free(&b);
	stance_positions_free(markers);
	stance_buf_dispose(&left);
	stance_buf_dispose(&day);
	stance_buf_dispose(&day2);
	return rc;
}

const cli_command cmd_blame_entry = {
	.name = "blame",
	.usage = "DOC[@REV]",
	.summary = "Show each sentence's revision of its wording and of its first appearance.",
	.options = blame_options,
	.needs_repo = 1,
	.run = run_blame,
};
