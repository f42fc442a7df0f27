/*
 * cmd_remote.c: `stance remote [list] | add NAME URL | remove NAME`: the
 * remotes a repository syncs with.
 */
#include <string.h>

#include "cli.h"

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
		if (json)
			fputc('[', ctx->out);
		for (i = 0; i < list.count; i++) {
			if (json) {
				fprintf(ctx->out, "%s{\"name\":", i ? "," : "");
				cli_put_json(ctx->out, list.items[i].name);
				fprintf(ctx->out, ",\"url\":");
				cli_put_json(ctx->out, list.items[i].url);
				fputc('}', ctx->out);
			} else {
				fprintf(ctx->out, "%s\t%s\n", list.items[i].name, list.items[i].url);
			}
		}
		if (json)
			fputs("]\n", ctx->out);
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
