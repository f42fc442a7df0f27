/*
 * cmd_remote.c: `stance remote [list] | add NAME URL | remove NAME`: the
 * remotes a repository syncs with.
 */
#include <string.h>

#include "cli.h"
#include "web_commands.h"
#include "json_out.h"

/* list (the default), add or remove. */
static int run_remote(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	extern const cli_command cmd_remote_entry;
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' }, CLI_HELP_OPTION, { 0, 0, 0, 0 }
	};
	const char *sub;
	int c, json = 0, error, rc;

	while ((c = getopt_long(argc, argv, "+hj", options, NULL)) != -1) {
		if (c == 'h')
			return cli_help(&cmd_remote_entry);
		if (c == 'j')
			json = 1;
		else
			return cli_usage_error(&cmd_remote_entry, "unknown option");
	}
	sub = optind < argc ? argv[optind++] : "list";
	if (!strcmp(sub, "list")) {
		stance_remote_array list = { NULL, 0 };
		size_t i;
		if (optind < argc)
			return cli_usage_error(&cmd_remote_entry, "list takes no arguments");
		if ((error = stance_remote_list(&list, repo)) < 0)
			return cli_fail(error);
		if (json) {
			/* one array on one line (docs/commands/remote.md) */
			json_t *a = json_array();
			for (i = 0; a && i < list.count; i++)
				if (json_array_append_new(a, json_pack("{s:o, s:o}", "name", cli_json_str(list.items[i].name),
					"url", cli_json_str(list.items[i].url))) < 0) {
					json_decref(a);
					a = NULL;
				}
			stance_remote_array_free(&list);
			if (cli_json_write(ctx->out, a, CLI_JSON_COMPACT) < 0)
				return cli_error("out of memory");
			fputc('\n', ctx->out);
			return CLI_OK;
		}
		for (i = 0; i < list.count; i++)
			fprintf(ctx->out, "%s\t%s\n", list.items[i].name, list.items[i].url);
		stance_remote_array_free(&list);
		return CLI_OK;
	}
	if (!strcmp(sub, "add")) {
		if (argc - optind != 2)
			return cli_usage_error(&cmd_remote_entry, "add takes a NAME and a URL");
		if ((rc = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
			return cli_fail(rc);
		if ((error = stance_remote_add(repo, argv[optind], argv[optind + 1])) < 0)
			return cli_fail(error);
		return CLI_OK;
	}
	if (!strcmp(sub, "remove") || !strcmp(sub, "rm")) {
		if (argc - optind != 1)
			return cli_usage_error(&cmd_remote_entry, "remove takes a NAME");
		if ((rc = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
			return cli_fail(rc);
		if ((error = stance_remote_remove(repo, argv[optind])) < 0)
			return cli_fail(error);
		return CLI_OK;
	}
	return cli_usage_error(&cmd_remote_entry, "'%s' is not list, add or remove", sub);
}

const cli_command cmd_remote_entry = {
	.name = "remote",
	.usage = CLI_REMOTE_USAGE,
	.summary = CLI_REMOTE_SUMMARY,
	.needs_repo = 1,
	.run = run_remote,
};
