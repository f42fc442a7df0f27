/*
 * cmd_reextract.c: `stance reextract [ID...]`: rebuilds documents from their
 * stored snapshots after the extraction rules changed.
 */
#include <string.h>

#include "cli.h"

extern const cli_command cmd_reextract_entry;

static int run_reextract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_source_report report;
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
	for (i = 0; i < report.count; i++) {
		const stance_source_result *r = &report.results[i];
		fprintf(ctx->out, "%-40s %-9s %s\n", r->id, stance_source_outcome_name(r->outcome),
			r->outcome == STANCE_SOURCE_FAILED ? r->reason : r->commit[0] ? r->commit : "");
	}
	if (report.failed)
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
