/*
 * cmd_log.c: `stance log [DOC]`: revisions, newest first, with the words
 * each one added and removed.
 */
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_log_entry;

static void format_time(stance_buf *out, int64_t t, int tz)
{
	stance_date d;
	stance_date_from_time(&d, t, tz);
	d.precision = STANCE_DATE_MINUTE;
	stance_date_format(out, &d);
}

/* Words added/removed by a revision: its text against the previous one,
 * the bodies only (a title or an author is not words of the text). */
static int word_delta(stance_repo *repo, const stance_revision *r, size_t *added, size_t *removed)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	int error = 0;
	if (r->prev_blob[0])
		error = stance_history_read_blob(&a, repo, r->prev_blob);
	if (!error && r->blob[0])
		error = stance_history_read_blob(&b, repo, r->blob);
	if (!error)
		error = stance_words_delta(added, removed,
			stance_buf_cstr(&a) + stance_document_body_offset(stance_buf_cstr(&a), a.size),
			stance_buf_cstr(&b) + stance_document_body_offset(stance_buf_cstr(&b), b.size));
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	return error;
}

static int run_log(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	static const struct option options[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "max-count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		CLI_HELP_OPTION,
		{ 0, 0, 0, 0 }
	};
	stance_history_options opts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_buf id = STANCE_BUF_INIT, line = STANCE_BUF_INIT;
	stance_date d;
	long n;
	size_t i;
	int c, error, json = 0, rc = CLI_OK;

	while ((c = getopt_long(argc, argv, "n:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((rc = cli_parse_date(&cmd_log_entry, "--since", optarg, &d)) != 0)
				return rc;
			opts.since = stance_date_start(&d);
			break;
		case 'u':
			if ((rc = cli_parse_date(&cmd_log_entry, "--until", optarg, &d)) != 0)
				return rc;
			opts.until = stance_date_end(&d);
			break;
		case 'n':
			if (stance_parse_int(&n, optarg, 1, 1L << 30) < 0)
				return cli_usage_error(&cmd_log_entry, "-n takes a positive number, not '%s'", optarg);
			opts.max_count = (size_t)n;
			break;
		case 'j': json = 1; break;
		case 'a': opts.include_reextract = 1; break;
		case 'h': return cli_help(&cmd_log_entry);
		default: return cli_usage_error(&cmd_log_entry, "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(&cmd_log_entry, "name at most one document");
	if (optind < argc) {
		if ((error = stance_store_resolve_id(&id, repo, argv[optind])) < 0)
			return cli_fail(error);
		opts.id = id.ptr;
	}
	if ((error = stance_history_list(&list, repo, &opts)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	cli_pager_start(ctx);
	if (json)
		fputs("[", ctx->out);
	for (i = 0; i < list.count; i++) {
		const stance_revision *r = &list.items[i];
		size_t added = 0, removed = 0, sublen = strcspn(r->message, "\n");
		if ((error = word_delta(repo, r, &added, &removed)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		stance_buf_clear(&line);
		format_time(&line, r->time, r->tz_minutes);
		if (json) {
			stance_buf date = line;
			line = (stance_buf)STANCE_BUF_INIT;
			stance_buf_puts(&line, i ? ",\n  " : "\n  ");
			error = cli_json_append(&line, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:b}",
				"commit", cli_json_str(r->commit), "id", cli_json_str(r->id),
				"date", cli_json_str(stance_buf_cstr(&date)), "author", cli_json_str(r->author_name),
				"email", cli_json_str(r->author_email), "message", cli_json_str(r->message),
				"words_added", (json_int_t)added, "words_removed", (json_int_t)removed,
				"removed", r->removed), CLI_JSON_SPACED);
			stance_buf_dispose(&date);
			if (error < 0) {
				rc = cli_error("out of memory");
				goto done;
			}
			fputs(line.ptr, ctx->out);
			continue;
		}
		fprintf(ctx->out, "%s%.7s%s %s  %s%*s %.*s  %s+%zu%s %s-%zu%s\n",
			cli_color(ctx, "\033[33m"), r->commit, cli_color(ctx, "\033[0m"),
			line.ptr, r->author_name, cli_pad(r->author_name, 24), "", (int)sublen, r->message,
			cli_color(ctx, "\033[32m"), added, cli_color(ctx, "\033[0m"),
			cli_color(ctx, "\033[31m"), removed, cli_color(ctx, "\033[0m"));
	}
	if (json)
		fputs(list.count ? "\n]\n" : "]\n", ctx->out);
done:
	stance_revision_list_free(&list);
	stance_buf_dispose(&id);
	stance_buf_dispose(&line);
	return rc;
}

const cli_command cmd_log_entry = {
	.name = "log",
	.usage = "[DOC] [-n N] [--since DATE] [--until DATE] [--all] [--json]",
	.summary = "List revisions, newest first, with date, author, message and words added/removed.",
	.needs_repo = 1,
	.run = run_log,
};
