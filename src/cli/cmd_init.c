/*
 * cmd_init.c: `stance init [DIR]`: create a stance repository.
 */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static int run_init(cli_context *ctx, stance_repo *unused, int argc, char **argv)
{
	extern const cli_command cmd_init_entry;
	stance_repo *repo = NULL;
	stance_buf dir = STANCE_BUF_INIT;
	char self[PATH_MAX];
	ssize_t n;
	cli_opt_parser p;
	int c, error, rc = CLI_OK;

	(void)unused;
	cli_opt_init(&p, &cmd_init_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0)
		;
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest > 1)
		return cli_usage_error(&cmd_init_entry, "give at most one folder");
	if (p.nrest == 1 && p.rest[0][0] == '/')
		stance_buf_puts(&dir, p.rest[0]);
	else
		stance_buf_printf(&dir, "%s/%s", ctx->cwd, p.nrest ? p.rest[0] : ".");
	if ((error = stance_repo_init(&repo, dir.ptr)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	/* Hooks and git's diff driver call back into this very program. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((error = stance_repo_set_program(repo, self)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
	}
	fprintf(ctx->out, "Initialized stance repository in %s\n", stance_repo_workdir(repo));
done:
	stance_repo_free(repo);
	stance_buf_dispose(&dir);
	return rc;
}

const cli_command cmd_init_entry = {
	.name = "init",
	.usage = "[DIR]",
	.summary = "Create a stance repository (or add stance to an existing git repository).",
	.needs_repo = 0,
	.run = run_init,
};
