/*
 * cmd_export.c: `stance export --warc OUT.warc.gz [DOC...] [--since DATE]`:
 * the stored snapshots written out as a WARC file, for web-archive tools
 * (docs/commands/export.md).
 */
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_export_entry;

static const cli_option export_options[] = {
	{ 'W', "warc", 0, CLI_ARG_STRING, "OUT.warc.gz", "write the snapshots as a gzip-per-record WARC file", 0, 0 },
	CLI_OPTION_SINCE("only the snapshots fetched"),
	CLI_OPTION_QUIET("no report"),
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_export(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_warc_export_options eo = STANCE_WARC_EXPORT_OPTIONS_INIT;
	stance_warc_export_report report;
	const char *out = NULL;
	stance_buf *ids = NULL;
	const char **names = NULL;
	cli_opt_parser p;
	int c, error, rc = CLI_OK, json = 0, quiet = 0;
	size_t i;

	cli_opt_init(&p, &cmd_export_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'W': out = p.value; break;
		case CLI_OPT_SINCE: eo.since = stance_date_start(&p.date); break;
		case CLI_OPT_QUIET: quiet = 1; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (!out)
		return cli_usage_error(&cmd_export_entry, "name the file to write with --warc OUT.warc.gz");
	if (p.nrest && (!(ids = calloc((size_t)p.nrest, sizeof(*ids))) ||
	    !(names = calloc((size_t)p.nrest, sizeof(*names))))) {
		rc = cli_error("out of memory");
		goto done;
	}
	for (i = 0; i < (size_t)p.nrest; i++) {
		if ((error = stance_history_resolve_id(&ids[i], repo, p.rest[i])) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		names[i] = ids[i].ptr;
	}
	eo.ids = names;
	eo.nids = (size_t)p.nrest;
	if ((error = stance_source_export_warc(&report, repo, out, &eo)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "warc", cli_json_str(out),
			"records", (json_int_t)report.records, "documents", (json_int_t)report.documents,
			"synthesised", (json_int_t)report.synthesised);
		if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0) {
			rc = cli_error("out of memory");
			goto done;
		}
		fputc('\n', ctx->out);
	} else if (!quiet) {
		fprintf(ctx->out, "Wrote %zu snapshot%s of %zu document%s to %s", report.records,
			report.records == 1 ? "" : "s", report.documents, report.documents == 1 ? "" : "s", out);
		if (report.synthesised)
			fprintf(ctx->out, " (%zu stored without their HTTP headers: given HTTP/1.1 200 OK and a Content-Type)",
				report.synthesised);
		fputc('\n', ctx->out);
	}
done:
	for (i = 0; ids && i < (size_t)p.nrest; i++)
		stance_buf_dispose(&ids[i]);
	free(ids);
	free(names);
	return rc;
}

const cli_command cmd_export_entry = {
	.name = "export",
	.usage = "--warc OUT.warc.gz [DOC...] [--since DATE]",
	.summary = NULL, /* commands.h */
	.options = export_options,
	.needs_repo = 1,
	.run = run_export,
};
