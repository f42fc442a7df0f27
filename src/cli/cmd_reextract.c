/*
 * cmd_reextract.c: `stance reextract [ID...]`: rebuilds documents from their
 * stored snapshots after the extraction rules changed.
 */
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_reextract_entry;

static const cli_option reextract_options[] = {
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

/* --json: one object a document (docs/commands/reextract.md#json). */
static int print_json(cli_context *ctx, const stance_source_report *report)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < report->count; i++) {
		const stance_source_result *r = &report->results[i];
		if (json_array_append_new(a, json_pack("{s:o, s:s, s:o, s:o}", "id", cli_json_str(r->id),
		    "outcome", stance_source_outcome_name(r->outcome),
		    "commit", cli_json_str(r->commit[0] ? r->commit : NULL),
		    "reason", cli_json_message(r->outcome == STANCE_SOURCE_FAILED ? r->reason : NULL))) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	if (cli_json_write(ctx->out, a, CLI_JSON_SPACED) < 0)
		return cli_error("out of memory");
	fputc('\n', ctx->out);
	return CLI_OK;
}

static int run_reextract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_source_report report;
	cli_opt_parser p;
	size_t i;
	int c, error, rc = CLI_OK, json = 0;
	cli_opt_init(&p, &cmd_reextract_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0)
		if (c == CLI_OPT_JSON)
			json = 1;
	if (c < 0)
		return cli_opt_exit(c);
	if ((error = stance_source_reextract(&report, repo, (const char *const *)p.rest, (size_t)p.nrest)) < 0)
		return cli_fail(error);
	if (json)
		rc = print_json(ctx, &report);
	for (i = 0; !json && i < report.count; i++) {
		const stance_source_result *r = &report.results[i];
		fprintf(ctx->out, "%-40s %-9s %s\n", r->id, stance_source_outcome_name(r->outcome),
			r->outcome == STANCE_SOURCE_FAILED ? r->reason : r->commit[0] ? r->commit : "");
	}
	if (report.failed && rc == CLI_OK)
		rc = 3;
	stance_source_report_dispose(&report);
	return rc;
}

const cli_command cmd_reextract_entry = {
	.name = "reextract",
	.usage = "[ID...]",
	.summary = NULL, /* commands.h */
	.options = reextract_options,
	.needs_repo = 1,
	.run = run_reextract,
};
