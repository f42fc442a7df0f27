/*
 * cmd_show.c: `stance show DOC[@REV]`: a document as of a revision.
 */
#include <string.h>

#include "cli.h"

extern const cli_command cmd_show_entry;

static int print_json(cli_context *ctx, const stance_document *doc, const stance_revision *rev)
{
	static const char *const fields[] = { "id", "title", "kind", "organization", "publication",
		"published", "language", "source" };
	stance_buf j = STANCE_BUF_INIT;
	size_t i;
	stance_buf_puts(&j, "{");
	for (i = 0; i < STANCE_ARRAY_SIZE(fields); i++) {
		const char *v = stance_document_get(doc, fields[i]);
		stance_buf_printf(&j, "%s\"%s\": ", i ? ", " : "", fields[i]);
		if (v)
			stance_buf_put_json_string(&j, v);
		else
			stance_buf_puts(&j, "null");
	}
	stance_buf_puts(&j, ", \"authors\": [");
	for (i = 0; i < stance_document_author_count(doc); i++) {
		if (i)
			stance_buf_puts(&j, ", ");
		stance_buf_put_json_string(&j, stance_document_author(doc, i));
	}
	stance_buf_puts(&j, "]");
	for (i = 0; i < stance_document_extra_count(doc); i++) {
		const char *name, *value;
		stance_document_extra(doc, i, &name, &value);
		if (i == 0)
			stance_buf_puts(&j, ", \"extra\": {");
		else
			stance_buf_puts(&j, ", ");
		stance_buf_put_json_string(&j, name);
		stance_buf_puts(&j, ": ");
		stance_buf_put_json_string(&j, value);
		if (i + 1 == stance_document_extra_count(doc))
			stance_buf_puts(&j, "}");
	}
	stance_buf_printf(&j, ", \"revision\": {\"commit\": \"%s\", \"date\": ", rev->commit);
	{
		stance_date d;
		stance_buf ds = STANCE_BUF_INIT;
		stance_date_from_time(&d, rev->time, rev->tz_minutes);
		stance_date_format(&ds, &d);
		stance_buf_put_json_string(&j, stance_buf_cstr(&ds));
		stance_buf_dispose(&ds);
	}
	stance_buf_puts(&j, "}, \"body\": ");
	stance_buf_put_json_string(&j, stance_document_body(doc));
	stance_buf_puts(&j, "}\n");
	fputs(stance_buf_cstr(&j), ctx->out);
	stance_buf_dispose(&j);
	return CLI_OK;
}

static int run_show(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	static const struct option options[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		CLI_HELP_OPTION,
		{ 0, 0, 0, 0 }
	};
	stance_revision rev;
	stance_document *doc = NULL;
	stance_buf raw = STANCE_BUF_INIT;
	int c, error, raw_mode = 0, json = 0, rc = CLI_OK;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r': raw_mode = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(&cmd_show_entry);
		default: return cli_usage_error(&cmd_show_entry, "unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_show_entry, "name one document, e.g. kl/naerhedsreform@2020-12-04");
	if ((error = stance_history_resolve(&rev, &doc, repo, argv[optind])) < 0)
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
		fputs(stance_document_body(doc), ctx->out);
	}
	stance_buf_dispose(&raw);
	stance_document_free(doc);
	stance_revision_clear(&rev);
	return rc;
}

const cli_command cmd_show_entry = {
	.name = "show",
	.usage = "DOC[@REV] [--raw] [--json]",
	.summary = "Show a document as of a revision: @COMMIT, @{N} (N revisions back) or @DATE.",
	.needs_repo = 1,
	.run = run_show,
};
