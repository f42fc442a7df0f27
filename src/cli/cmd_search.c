/*
 * cmd_search.c: `stance search QUERY`: ranked full-text search over the
 * current documents, their state on a date, or every revision (search.h).
 */
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_search_entry;

enum { OPT_AS_OF = 256, OPT_HISTORY, OPT_ORGANIZATION, OPT_KIND, OPT_LOOSE };

static const cli_option search_options[] = {
	{ OPT_AS_OF, "as-of", 0, CLI_ARG_DATE, "DATE", "search the documents as they stood at the end of DATE", 0, 0 },
	{ OPT_HISTORY, "history", 0, CLI_ARG_NONE, NULL, "search every revision: which documents ever matched, first and last", 0, 0 },
	{ OPT_ORGANIZATION, "organization", 0, CLI_ARG_STRING, "O", "only documents of organization O", 0, 0 },
	{ OPT_KIND, "kind", 0, CLI_ARG_STRING, "K", "only documents of kind K", 0, 0 },
	{ OPT_LOOSE, "ignore-diacritics", 0, CLI_ARG_NONE, NULL, "match without diacritics: aa ~ å, ae ~ æ, e ~ é", 0, 0 },
	CLI_OPTION_MAX_COUNT("show at most N documents (default 20)"),
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static void day_of(stance_buf *out, int64_t t)
{
	stance_date d;
	stance_buf_clear(out);
	stance_date_from_time(&d, t, 0);
	d.precision = STANCE_DATE_DAY;
	stance_date_format(out, &d);
}

static int run_search(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_search_options opts = STANCE_SEARCH_OPTIONS_INIT;
	stance_search_results res;
	stance_buf query = STANCE_BUF_INIT, day = STANCE_BUF_INIT, first = STANCE_BUF_INIT;
	cli_opt_parser p;
	size_t i;
	int c, k, error, json = 0, as_of = 0, rc = CLI_OK;

	cli_opt_init(&p, &cmd_search_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case OPT_AS_OF: opts.as_of = stance_date_end(&p.date); as_of = 1; break;
		case OPT_HISTORY: opts.history = 1; break;
		case OPT_ORGANIZATION: opts.organization = p.value; break;
		case OPT_KIND: opts.kind = p.value; break;
		case OPT_LOOSE: opts.loose = 1; break;
		case CLI_OPT_MAX_COUNT: opts.limit = (size_t)p.number; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest < 1)
		return cli_usage_error(&cmd_search_entry, "give a query");
	if (as_of && opts.history)
		return cli_usage_error(&cmd_search_entry, "--as-of and --history cannot be combined");
	/* the operands are one query: `stance search frie kommuner` */
	for (k = 0; k < p.nrest; k++) {
		if (k)
			stance_buf_putc(&query, ' ');
		stance_buf_puts(&query, p.rest[k]);
	}
	error = stance_search(&res, repo, stance_buf_cstr(&query), &opts);
	stance_buf_dispose(&query);
	if (error < 0)
		return cli_fail(error);
	cli_pager_start(ctx);
	if (json) {
		json_t *list = json_array();
		for (i = 0; i < res.count; i++) {
			const stance_search_hit *h = &res.items[i];
			json_t *o;
			o = json_pack("{s:o, s:o, s:o, s:o, s:f}", "id", cli_json_str(h->id), "title", cli_json_str(h->title),
				"commit", cli_json_str(h->commit), "date", cli_json_time(h->time, 0), "score", -h->score);
			if (o && opts.history) {
				json_object_set_new(o, "first_commit", cli_json_str(h->first_commit));
				json_object_set_new(o, "first_date", cli_json_time(h->first_time, 0));
				json_object_set_new(o, "revisions", json_integer((json_int_t)h->revisions));
				json_object_set_new(o, "current", json_boolean(h->current));
			}
			json_array_append_new(list, o);
		}
		if (cli_json_write(ctx->out, list, CLI_JSON_SPACED) < 0)
			rc = cli_error("out of memory");
		else
			fputc('\n', ctx->out);
	} else {
		for (i = 0; i < res.count; i++) {
			const stance_search_hit *h = &res.items[i];
			day_of(&day, h->time);
			if (opts.history) {
				day_of(&first, h->first_time);
				fprintf(ctx->out, "%s%s%s  %s  %.7s %s .. %.7s %s  (%zu revisions%s)\n",
					cli_color(ctx, "\033[35m"), h->id, cli_color(ctx, "\033[0m"), h->title,
					h->first_commit, first.ptr, h->commit, day.ptr, h->revisions,
					h->current ? ", current" : ", no longer");
			} else {
				fprintf(ctx->out, "%s%s%s  %s  %s%.7s%s %s\n", cli_color(ctx, "\033[35m"), h->id,
					cli_color(ctx, "\033[0m"), h->title, cli_color(ctx, "\033[33m"), h->commit,
					cli_color(ctx, "\033[0m"), day.ptr);
			}
		}
		if (!res.count)
			rc = CLI_ERROR; /* as grep: 1 when nothing matched */
	}
	stance_search_results_free(&res);
	stance_buf_dispose(&day);
	stance_buf_dispose(&first);
	return rc;
}

const cli_command cmd_search_entry = {
	.name = "search",
	.usage = "QUERY...",
	.summary = "Search the documents, their state on a date or every revision; ranked, stemmed.",
	.options = search_options,
	.needs_repo = 1,
	.run = run_search,
};
