/*
 * cmd_fetch.c: `stance fetch` (being written; this placeholder says so).
 */
#include "cli.h"

static int run_fetch(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	(void)ctx; (void)repo; (void)argc; (void)argv;
	return cli_error("fetch is not available yet");
}

const cli_command cmd_fetch_entry = {
	.name = "fetch",
	.usage = "",
	.summary = "(not available yet)",
	.needs_repo = 1,
	.run = run_fetch,
};
