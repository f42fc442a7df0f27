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
