/*
 * cmd_push.c: `stance push [REMOTE]`: send main and snapshots to a remote.
 */
#include "cli.h"
#include "sync_ui.h"

extern const cli_command cmd_push_entry;

static int run_push(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	return sync_ui_run_transfer(ctx, repo, argc, argv, &cmd_push_entry, stance_sync_push);
}

const cli_command cmd_push_entry = {
	.name = "push",
	.usage = "[REMOTE]",
	.options = sync_ui_transfer_options,
	.summary = "Send main and snapshots to a remote.",
	.needs_repo = 1,
	.run = run_push,
};
