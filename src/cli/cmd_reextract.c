/*
 * cmd_reextract.c: `stance reextract` (being written; this placeholder says so).
 */
#include "cli.h"

static int run_reextract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	(void)ctx; (void)repo; (void)argc; (void)argv;
	return cli_error("reextract is not available yet");
}

const cli_command cmd_reextract_entry = {
	.name = "reextract",
	.usage = "",
	.summary = "(not available yet)",
	.needs_repo = 1,
	.run = run_reextract,
};
