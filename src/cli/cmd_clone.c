/*
 * cmd_clone.c: `stance clone URL [DIR]`: copy a stance repository, with its
 * main and snapshots branches, from a remote.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sync_ui.h"

/* The folder a clone of `url` goes to by default: its last path segment
 * without ".git" ("https://h/team/policies.git" gives "policies"). */
static int default_dir(stance_buf *out, const char *url)
{
	size_t len = strlen(url), start;
	while (len > 0 && url[len - 1] == '/')
		len--;
	if (len > 4 && !strncmp(url + len - 4, ".git", 4))
		len -= 4;
	while (len > 0 && url[len - 1] == '/')
		len--;
	start = len;
	while (start > 0 && url[start - 1] != '/' && url[start - 1] != ':')
		start--;
	if (start == len)
		return -1;
	return stance_buf_put(out, url + start, len - start);
}

static const cli_option clone_options[] = {
	CLI_OPTION_JSON,
	CLI_OPTION_NO_PROGRESS,
	CLI_OPTIONS_END
};

/* Parses the options, clones, and records where this stance binary is. */
static int run_clone(cli_context *ctx, stance_repo *unused, int argc, char **argv)
{
	extern const cli_command cmd_clone_entry;
	stance_sync_options opts = STANCE_SYNC_OPTIONS_INIT;
	stance_sync_result result = STANCE_SYNC_RESULT_INIT;
	stance_repo *repo = NULL;
	stance_buf dir = STANCE_BUF_INIT, name = STANCE_BUF_INIT, url = STANCE_BUF_INIT;
	sync_ui_progress bar;
	sync_ui_credentials creds;
	char self[PATH_MAX];
	ssize_t n;
	const char *src;
	cli_opt_parser p;
	int c, json = 0, no_progress = 0, error, rc;

	(void)unused;
	cli_opt_init(&p, &cmd_clone_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		if (c == CLI_OPT_JSON)
			json = 1;
		else if (c == CLI_OPT_NO_PROGRESS)
			no_progress = 1;
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest < 1)
		return cli_usage_error(&cmd_clone_entry, "which repository? give its URL");
	if (p.nrest > 2)
		return cli_usage_error(&cmd_clone_entry, "give a URL and at most one folder");
	src = p.rest[0];
	if (p.nrest == 2)
		stance_buf_puts(&name, p.rest[1]);
	else if (default_dir(&name, src) < 0) {
		rc = cli_usage_error(&cmd_clone_entry, "cannot tell a folder name from '%s'; give one", src);
		goto done;
	}
	if (name.ptr[0] == '/')
		stance_buf_puts(&dir, name.ptr);
	else
		stance_buf_printf(&dir, "%s/%s", ctx->cwd, name.ptr);
	/* a relative local path is relative to -C, as every other argument */
	if (!strstr(src, "://") && src[0] != '/' && !(strchr(src, ':') && !strchr(src, '/')) &&
	    !(strchr(src, ':') && strchr(src, ':') < strchr(src, '/')) && strcmp(ctx->cwd, "."))
		stance_buf_printf(&url, "%s/%s", ctx->cwd, src);
	else
		stance_buf_puts(&url, src);

	sync_ui_progress_init(&bar, json || no_progress);
	opts.progress = sync_ui_progress_cb;
	opts.payload = &bar;
	sync_ui_credentials_init(&creds, &opts);
	error = stance_sync_clone(&repo, &result, url.ptr, dir.ptr, &opts);
	sync_ui_credentials_dispose(&creds);
	sync_ui_progress_end(&bar);
	if (!error && (n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		/* hooks and git's diff driver call back into the stance program:
		 * clone runs in stance-web, which sits beside it in a build
		 * folder and at STANCE_BIN_RELPATH from it once installed */
		char beside[PATH_MAX + 16], installed[PATH_MAX + 64], real[PATH_MAX], *slash;
		self[n] = '\0';
		if ((slash = strrchr(self, '/')))
			*slash = '\0';
		snprintf(beside, sizeof(beside), "%s/stance", self);
		snprintf(installed, sizeof(installed), "%s/%s", self, STANCE_BIN_RELPATH);
		if (slash)
			*slash = '/';
		error = stance_repo_set_program(repo, access(beside, X_OK) == 0 ? beside :
			access(installed, X_OK) == 0 && realpath(installed, real) ? real : self);
	}
	if (!error && !json)
	{
		if (result.objects_in)
			fprintf(ctx->out, "Cloned %s into %s: %s at %.12s (%zu objects received).\n", result.url,
				stance_repo_workdir(repo), result.branch ? result.branch : "main", result.head,
				result.objects_in);
		else
			fprintf(ctx->out, "Cloned %s into %s: %s at %.12s.\n", result.url,
				stance_repo_workdir(repo), result.branch ? result.branch : "main", result.head);
	}
	if (json || error < 0)
		rc = sync_ui_report(ctx, "clone", &result, json, error);
	else
		rc = CLI_OK;
done:
	stance_repo_free(repo);
	stance_sync_result_clear(&result);
	stance_buf_dispose(&dir);
	stance_buf_dispose(&name);
	stance_buf_dispose(&url);
	return rc;
}

const cli_command cmd_clone_entry = {
	.name = "clone",
	.usage = "URL [DIR]",
	.options = clone_options,
	.summary = "Copy a stance repository (main and snapshots) from a remote.",
	.needs_repo = 0,
	.run = run_clone,
};
