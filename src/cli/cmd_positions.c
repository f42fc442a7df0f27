/*
 * cmd_positions.c: `stance positions DOC[@REV] [--history] [--json]`: the
 * position statements of a document (sentences carrying a stance marker from
 * .stance/positions), or, with --history, when each appeared, was reworded
 * and disappeared.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_positions_entry;

static int load_markers(stance_positions **out, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	if ((error = stance_buf_printf(&path, "%s.stance/positions", stance_repo_workdir(repo))) < 0)
		return error;
	error = stance_positions_load(out, path.ptr);
	stance_buf_dispose(&path);
	return error;
}

/* The document's language: its front matter's, else the one its body is
 * written in, else the repository's stance.language. */
static const char *doc_language(const stance_document *doc, stance_repo *repo)
{
	const char *l = stance_document_get(doc, "language");
	const char *body = stance_document_body(doc);
	if (!l && body)
		l = stance_positions_detect_language(body, strlen(body));
	return l ? l : stance_repo_language(repo);
}

static void date_of(stance_buf *out, const stance_revision *rev)
{
	stance_date d;
	stance_date_from_time(&d, rev->time, rev->tz_minutes);
	d.precision = STANCE_DATE_DAY;
	stance_date_format(out, &d);
}

static int list_positions(cli_context *ctx, stance_repo *repo, const char *spec, int json,
	stance_positions *markers)
{
	stance_revision rev;
	stance_document *doc = NULL;
	stance_position_list list = { 0 };
	stance_buf out = STANCE_BUF_INIT;
	const char *body;
	size_t i;
	int error, rc = CLI_OK;

	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, &doc, repo, spec)) < 0)
		return cli_fail(error);
	body = stance_document_body(doc);
	if ((error = stance_positions_extract(&list, markers, doc_language(doc, repo), body, strlen(body))) < 0) {
		stance_document_free(doc);
		stance_revision_clear(&rev);
		return cli_fail(error);
	}
	if (json)
		stance_buf_puts(&out, "[");
	for (i = 0; i < list.count; i++) {
		const stance_position *p = &list.items[i];
		if (json) {
			stance_buf_puts(&out, i ? ",\n " : "\n ");
			if (cli_json_append(&out, json_pack("{s:o, s:o, s:[I, I]}", "section", cli_json_str(p->section),
				"text", cli_json_str(p->text), "range", (json_int_t)p->start, (json_int_t)p->end),
				CLI_JSON_SPACED) < 0) {
				rc = cli_error("out of memory");
				break;
			}
		} else {
			if (*p->section)
				stance_buf_printf(&out, "%s§ %s%s: ", cli_color(ctx, "\033[36m"), p->section,
					cli_color(ctx, "\033[0m"));
			stance_buf_printf(&out, "%s\n", p->text);
		}
	}
	if (json)
		stance_buf_puts(&out, "]\n");
	else
		stance_buf_printf(&out, "%zu position statement%s in %s@%.7s\n", list.count,
			list.count == 1 ? "" : "s", rev.id, rev.commit);
	if (rc == CLI_OK) {
		cli_pager_start(ctx);
		fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
	}
	stance_buf_dispose(&out);
	stance_position_list_free(&list);
	stance_document_free(doc);
	stance_revision_clear(&rev);
	return rc;
}

/* One position followed through the revisions. */
typedef struct {
	stance_buf events;   /* "2020-12-04 1a2b3c4 appeared: ..." lines */
	char *text;          /* its current wording; NULL once gone */
	int gone;
} tracked;

static int history(cli_context *ctx, stance_repo *repo, const char *spec, int json,
	stance_positions *markers)
{
	stance_revision rev;
	stance_revision_list revs = { 0 };
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_position_list prev = { 0 };
	tracked *t = NULL;
	size_t nt = 0, i, k;
	int *prev_track = NULL, error, rc = CLI_OK;
	stance_buf out = STANCE_BUF_INIT;

	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, NULL, repo, spec)) < 0)
		return cli_fail(error);
	hopts.id = rev.id;
	if ((error = stance_history_list(&revs, repo, &hopts)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	/* oldest first, up to the revision asked for */
	for (k = revs.count; k-- > 0;) {
		const stance_revision *r = &revs.items[k];
		stance_position_list cur = { 0 };
		stance_position_change_list ch = { 0 };
		stance_document *doc = NULL;
		int *cur_track = NULL;
		stance_buf date = STANCE_BUF_INIT;
		size_t c;

		if (!r->removed) {
			const char *body;
			if ((error = stance_history_read(&doc, repo, rev.id, r->commit)) < 0) {
				rc = cli_fail(error);
				goto done;
			}
			body = stance_document_body(doc);
			error = stance_positions_extract(&cur, markers, doc_language(doc, repo), body, strlen(body));
			stance_document_free(doc);
			if (error < 0) {
				rc = cli_fail(error);
				goto done;
			}
		}
		if ((error = stance_positions_compare(&ch, &prev, &cur)) < 0 ||
		    !(cur_track = malloc((cur.count + 1) * sizeof(int))) ||
		    !(t = realloc(t, (nt + cur.count + 1) * sizeof(*t)))) {
			free(cur_track);
			stance_position_list_free(&cur);
			rc = cli_error("cannot follow the positions: %s", stance_error_last());
			goto done;
		}
		date_of(&date, r);
		/* unchanged wording: carried over by identical text */
		for (i = 0; i < cur.count; i++) {
			cur_track[i] = -1;
			for (c = 0; c < prev.count; c++)
				if (prev_track[c] >= 0 && !strcmp(prev.items[c].text, cur.items[i].text)) {
					cur_track[i] = prev_track[c];
					prev_track[c] = -1;
					break;
				}
		}
		for (c = 0; c < ch.count; c++) {
			const stance_position_change *x = &ch.items[c];
			tracked *tr;
			if (x->kind == STANCE_POSITION_ADDED) {
				tr = &t[nt];
				memset(tr, 0, sizeof(*tr));
				cur_track[x->new_index] = (int)nt++;
				stance_buf_printf(&tr->events, "  %s %.7s appeared\n", date.ptr, r->commit);
				tr->text = strdup(cur.items[x->new_index].text);
			} else if (x->kind == STANCE_POSITION_REWORDED) {
				int id = prev_track[x->old_index];
				if (id < 0)
					continue;
				tr = &t[id];
				cur_track[x->new_index] = id;
				stance_buf_printf(&tr->events, "  %s %.7s reworded: %s\n", date.ptr, r->commit,
					cur.items[x->new_index].text);
				free(tr->text);
				tr->text = strdup(cur.items[x->new_index].text);
			} else {
				int id = prev_track[x->old_index];
				if (id < 0)
					continue;
				tr = &t[id];
				stance_buf_printf(&tr->events, "  %s %.7s disappeared\n", date.ptr, r->commit);
				tr->gone = 1;
			}
		}
		stance_buf_dispose(&date);
		stance_position_change_list_free(&ch);
		stance_position_list_free(&prev);
		free(prev_track);
		prev = cur;
		prev_track = cur_track;
		if (!strcmp(r->commit, rev.commit))
			break;
	}
	if (json)
		stance_buf_puts(&out, "[");
	for (i = 0; i < nt; i++) {
		if (json) {
			stance_buf_puts(&out, i ? ",\n " : "\n ");
			if (cli_json_append(&out, json_pack("{s:o, s:b, s:o}", "text", cli_json_str(t[i].text ? t[i].text : ""),
				"current", !t[i].gone, "history", cli_json_str(stance_buf_cstr(&t[i].events))),
				CLI_JSON_SPACED) < 0) {
				rc = cli_error("out of memory");
				goto done;
			}
		} else {
			stance_buf_printf(&out, "%s%s%s%s\n%s", cli_color(ctx, t[i].gone ? "\033[31m" : "\033[32m"),
				t[i].text ? t[i].text : "", cli_color(ctx, "\033[0m"), t[i].gone ? " (gone)" : "",
				stance_buf_cstr(&t[i].events));
		}
	}
	if (json)
		stance_buf_puts(&out, "]\n");
	cli_pager_start(ctx);
	fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
done:
	for (i = 0; i < nt; i++) {
		stance_buf_dispose(&t[i].events);
		free(t[i].text);
	}
	free(t);
	free(prev_track);
	stance_position_list_free(&prev);
	stance_revision_list_free(&revs);
	stance_revision_clear(&rev);
	stance_buf_dispose(&out);
	return rc;
}

static const cli_option positions_options[] = {
	{ 'H', "history", 0, CLI_ARG_NONE, NULL, "when each statement appeared, was reworded and went", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_positions(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_positions *markers = NULL;
	cli_opt_parser p;
	int c, hist = 0, json = 0, error, rc;

	cli_opt_init(&p, &cmd_positions_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'H': hist = 1; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest != 1)
		return cli_usage_error(&cmd_positions_entry, "name one document, e.g. kl/naerhedsreform@2020-12-04");
	if ((error = load_markers(&markers, repo)) < 0)
		return cli_fail(error);
	rc = hist ? history(ctx, repo, p.rest[0], json, markers) :
		list_positions(ctx, repo, p.rest[0], json, markers);
	stance_positions_free(markers);
	return rc;
}

const cli_command cmd_positions_entry = {
	.name = "positions",
	.usage = "DOC[@REV]",
	.options = positions_options,
	.summary = "List a document's position statements, or with --history how each appeared, changed and went.",
	.needs_repo = 1,
	.run = run_positions,
};
