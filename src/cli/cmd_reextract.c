/*
 * cmd_reextract.c: `stance reextract [ID...]`: rebuilds documents from their
 * stored snapshots after the extraction rules changed.
 */
#include <string.h>

#include "cli.h"
#include "table.h"

extern const cli_command cmd_reextract_entry;

static int run_reextract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_source_report report;
	cli_table *table;
	cli_opt_parser p;
	size_t i;
	int c, error, rc = CLI_OK;
	cli_opt_init(&p, &cmd_reextract_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0)
		;
	if (c < 0)
		return cli_opt_exit(c);
	if ((error = stance_source_reextract(&report, repo, (const char *const *)p.rest, (size_t)p.nrest)) < 0)
		return cli_fail(error);
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
	.needs_repo = 1,
	.run = run_reextract,
};
