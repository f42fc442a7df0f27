/*
 * cmd_source.c: `stance source` (being written; this placeholder says so).
 */
#include "cli.h"

static int run_source(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	(void)ctx; (void)repo; (void)argc; (void)argv;
	return cli_error("source is not available yet");
}

const cli_command cmd_source_entry = {
	.name = "source",
	.usage = "",
	.summary = "(not available yet)",
	.needs_repo = 1,
	.run = run_source,
};
