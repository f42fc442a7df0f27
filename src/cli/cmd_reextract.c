/*
 * cmd_reextract.c: `stance reextract [ID...]`: rebuilds documents from their
 * stored snapshots after the extraction rules changed.
 */
#include <string.h>

#include "cli.h"
#include "table.h"
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
	cli_table *table;
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
	if (json) {
		rc = print_json(ctx, &report);
		if (rc == CLI_OK && report.failed)
			rc = 3;
		stance_source_report_dispose(&report);
		return rc;
	}
	/* id (cut with "…" past 40 columns), outcome, the commit or the reason */
	if (!(table = cli_table_new(3, "  ", NULL))) {
		stance_source_report_dispose(&report);
		return cli_error("out of memory");
	}
	cli_table_limit(table, 0, 40);
	cli_table_min(table, 1, 9); /* "unchanged" */
	for (i = 0; i < report.count && rc == CLI_OK; i++) {
		const stance_source_result *r = &report.results[i];
		if (cli_table_row(table) < 0 || cli_table_cell(table, r->id, NULL) < 0 ||
		    cli_table_cell(table, stance_source_outcome_name(r->outcome), NULL) < 0 ||
		    cli_table_cell(table, r->outcome == STANCE_SOURCE_FAILED ? r->reason : r->commit, NULL) < 0)
			rc = cli_error("out of memory");
	}
	if (rc == CLI_OK)
		cli_table_print(table, ctx);
	cli_table_free(table);
	if (rc == CLI_OK && report.failed)
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
