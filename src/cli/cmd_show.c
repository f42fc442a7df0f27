/*
 * cmd_show.c: `stance show DOC[@REV]`: a document as of a revision.
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_show_entry;

/* One object (docs/commands/show.md). */
static int print_json(cli_context *ctx, const stance_document *doc, const stance_revision *rev)
{
	static const char *const fields[] = { "id", "title", "kind", "organization", "publication",
		"published", "language", "source" };
	json_t *o = json_object(), *authors = json_array(), *extra = NULL;
	size_t i;
	int error = !o || !authors ? -1 : 0;

	for (i = 0; !error && i < STANCE_ARRAY_SIZE(fields); i++)
		error = json_object_set_new(o, fields[i], cli_json_str(stance_document_get(doc, fields[i])));
	for (i = 0; !error && i < stance_document_author_count(doc); i++)
		error = json_array_append_new(authors, cli_json_str(stance_document_author(doc, i)));
	if (!error) {
		error = json_object_set_new(o, "authors", authors);
		authors = NULL;
	}
	/* the fields stance does not know, when there are any */
	if (!error && stance_document_extra_count(doc)) {
		error = !(extra = json_object()) ? -1 : 0;
		for (i = 0; !error && i < stance_document_extra_count(doc); i++) {
			const char *name, *value;
			stance_document_extra(doc, i, &name, &value);
			error = json_object_set_new(extra, name, cli_json_str(value));
		}
		if (!error)
			error = json_object_set_new(o, "extra", extra);
		else
			json_decref(extra);
	}
	if (!error)
		error = json_object_set_new(o, "revision", json_pack("{s:o, s:o}", "commit", cli_json_str(rev->commit),
			"date", cli_json_time(rev->time, rev->tz_minutes)));
	if (!error)
		error = json_object_set_new(o, "body", cli_json_str(stance_document_body(doc)));
	json_decref(authors);
	if (error) {
		json_decref(o);
		return cli_error("out of memory");
	}
	if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0)
		return cli_error("out of memory");
	fputc('\n', ctx->out);
	return CLI_OK;
}

/* On a terminal, which revision this is, as `git show` heads a commit:
 * its commit, author and date, then its subject, then the text. */
static void print_header(cli_context *ctx, const stance_revision *rev)
{
	stance_buf date = STANCE_BUF_INIT;
	stance_date d;
	size_t sublen = rev->message ? strcspn(rev->message, "\n") : 0;
	stance_date_from_time(&d, rev->time, rev->tz_minutes);
	d.precision = STANCE_DATE_MINUTE;
	stance_date_format(&date, &d);
	fprintf(ctx->out, "%scommit %s%s\n", cli_color(ctx, "\033[33m"), rev->commit, cli_color(ctx, "\033[0m"));
	fprintf(ctx->out, "Author: %s <%s>\n", rev->author_name ? rev->author_name : "",
		rev->author_email ? rev->author_email : "");
	fprintf(ctx->out, "Date:   %s\n", stance_buf_cstr(&date));
	if (sublen)
		fprintf(ctx->out, "\n    %.*s\n", (int)sublen, rev->message);
	fputc('\n', ctx->out);
	stance_buf_dispose(&date);
}

static const cli_option show_options[] = {
	{ 'r', "raw", 0, CLI_ARG_NONE, NULL, "the file as stored: front matter and body", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_show(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_revision rev;
	stance_document *doc = NULL;
	stance_buf raw = STANCE_BUF_INIT;
	cli_opt_parser p;
	int c, error, raw_mode = 0, json = 0, rc = CLI_OK;
	/* asked before the pager takes standard output */
	int terminal = isatty(STDOUT_FILENO);

	cli_opt_init(&p, &cmd_show_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'r': raw_mode = 1; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest != 1)
		return cli_usage_error(&cmd_show_entry, "name one document, e.g. kl/naerhedsreform@2020-12-04");
	if ((error = stance_history_resolve(&rev, &doc, repo, p.rest[0])) < 0)
		return cli_fail(error);
	cli_pager_start(ctx);
	if (json) {
		rc = print_json(ctx, doc, &rev);
	} else if (raw_mode) {
		if ((error = stance_history_read_raw(&raw, repo, rev.id, rev.commit)) < 0)
			rc = cli_fail(error);
		else
			fwrite(raw.ptr, 1, raw.size, ctx->out);
	} else {
		if (terminal)
			print_header(ctx, &rev);
		fputs(stance_document_body(doc), ctx->out);
	}
	stance_buf_dispose(&raw);
	stance_document_free(doc);
	stance_revision_clear(&rev);
	return rc;
}

const cli_command cmd_show_entry = {
	.name = "show",
	.usage = "DOC[@REV]",
	.summary = "Show a document as of a revision: @COMMIT, @{N} (N revisions back) or @DATE.",
	.options = show_options,
	.needs_repo = 1,
	.run = run_show,
};
