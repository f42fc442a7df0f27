/*
 * cmd_pull.c: `stance pull [REMOTE]`: fetch main and snapshots from a remote and merge them in.
 */
#include "cli.h"
#include "sync_ui.h"

/* Parses the options, takes the lock, pulls and reports. */
static int run_pull(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	extern const cli_command cmd_pull_entry;
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' }, CLI_HELP_OPTION, { 0, 0, 0, 0 }
	};
	stance_sync_options opts = STANCE_SYNC_OPTIONS_INIT;
	stance_sync_result result = STANCE_SYNC_RESULT_INIT;
	sync_ui_progress bar;
	int c, json = 0, error, rc;

	while ((c = getopt_long(argc, argv, "hj", options, NULL)) != -1) {
		if (c == 'h')
			return cli_help(&cmd_pull_entry);
		if (c == 'j')
			json = 1;
		else
			return cli_usage_error(&cmd_pull_entry, "unknown option");
	}
	if (argc - optind > 1)
		return cli_usage_error(&cmd_pull_entry, "give at most one remote");
	if ((rc = sync_ui_lock(repo)) != 0)
		return rc;
	sync_ui_progress_init(&bar, json);
	opts.progress = sync_ui_progress_cb;
	opts.payload = &bar;
	error = stance_sync_pull(&result, repo, optind < argc ? argv[optind] : NULL, &opts);
	sync_ui_progress_end(&bar);
	rc = sync_ui_report(ctx, "pull", &result, json, error);
	stance_sync_result_clear(&result);
	return rc;
}

const cli_command cmd_pull_entry = {
	.name = "pull",
	.usage = "[--json] [REMOTE]",
	.summary = "Fetch from a remote and merge its main and snapshots branches.",
	.needs_repo = 1,
	.run = run_pull,
};
