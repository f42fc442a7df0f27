/*
 * cmd_pull.c: `stance pull [REMOTE]`: fetch main and snapshots from a remote and merge them in.
 */
#include "cli.h"
#include "sync_ui.h"

extern const cli_command cmd_pull_entry;

static int run_pull(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	return sync_ui_run_transfer(ctx, repo, argc, argv, &cmd_pull_entry, stance_sync_pull);
}

const cli_command cmd_pull_entry = {
	.name = "pull",
	.usage = "[REMOTE]",
	.options = sync_ui_transfer_options,
	.summary = "Fetch from a remote and merge its main and snapshots branches.",
	.needs_repo = 1,
	.run = run_pull,
};
