/*
 * cmd_reextract.c: `stance reextract [ID...]`: rebuilds documents from their
 * stored snapshots after the extraction rules changed.
 */
#include <string.h>

#include "cli.h"
#include "web_commands.h"

extern const cli_command cmd_reextract_entry;

static int run_reextract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	static const struct option longopts[] = { CLI_HELP_OPTION, { NULL, 0, NULL, 0 } };
	stance_source_report report;
	size_t i;
	int c, error, rc = CLI_OK;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(&cmd_reextract_entry);
		return cli_usage_error(&cmd_reextract_entry, "unknown option");
	}
	if ((error = stance_source_reextract(&report, repo, (const char *const *)argv + optind,
		(size_t)(argc - optind))) < 0)
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
	.usage = CLI_REEXTRACT_USAGE,
	.summary = CLI_REEXTRACT_SUMMARY,
	.needs_repo = 1,
	.run = run_reextract,
};
