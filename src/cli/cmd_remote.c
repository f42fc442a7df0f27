/*
 * cmd_remote.c: `stance remote [list] | add NAME URL | remove NAME`: the
 * remotes a repository syncs with.
 */
#include <string.h>

#include "cli.h"
#include "json_out.h"

static const cli_option remote_options[] = {
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

/* list (the default), add or remove. */
static int run_remote(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	extern const cli_command cmd_remote_entry;
	const char *sub;
	cli_opt_parser p;
	int c, at, json = 0, error, rc;

	cli_opt_init(&p, &cmd_remote_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0)
		if (c == CLI_OPT_JSON)
			json = 1;
	if (c < 0)
		return cli_opt_exit(c);
	/* the operands, from the subcommand on */
	argc = p.nrest;
	argv = p.rest;
	at = 0;
	sub = at < argc ? argv[at++] : "list";
	if (!strcmp(sub, "list")) {
		stance_remote_array list = { NULL, 0 };
		size_t i;
		if (at < argc)
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
		if (argc - at != 2)
			return cli_usage_error(&cmd_remote_entry, "add takes a NAME and a URL");
		if ((rc = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
			return cli_fail(rc);
		if ((error = stance_remote_add(repo, argv[at], argv[at + 1])) < 0)
			return cli_fail(error);
		return CLI_OK;
	}
	if (!strcmp(sub, "remove") || !strcmp(sub, "rm")) {
		if (argc - at != 1)
			return cli_usage_error(&cmd_remote_entry, "remove takes a NAME");
		if ((rc = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
			return cli_fail(rc);
		if ((error = stance_remote_remove(repo, argv[at])) < 0)
			return cli_fail(error);
		return CLI_OK;
	}
	return cli_usage_error(&cmd_remote_entry, "'%s' is not list, add or remove", sub);
}

const cli_command cmd_remote_entry = {
	.name = "remote",
	.usage = "[list] | add NAME URL | remove NAME",
	.options = remote_options,
	.options_first = 1,
	.summary = "List, add or remove the remotes a repository syncs with.",
	.needs_repo = 1,
	.run = run_remote,
};
