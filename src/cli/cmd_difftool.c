/*
 * cmd_difftool.c: `stance difftool`: git's external diff driver, so that
 * `git diff` (and `git log -p --ext-diff`) in a stance repository show the
 * prose diff. git runs it as GIT_EXTERNAL_DIFF with seven arguments:
 *   path old-file old-hex old-mode new-file new-hex new-mode
 * (old-file or new-file is /dev/null for an added or removed file). A file
 * that is not a valid document is compared as plain text.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

extern const cli_command cmd_difftool_entry;

/* Reads a side; /dev/null is the empty text. A side that is not text (a
 * NUL byte, invalid UTF-8) is refused with the name git knows it by,
 * `label` ("a/PATH" or "b/PATH"), not that of git's temporary file; so is
 * one that cannot be read. Returns 0 or the CLI's exit code. */
static int read_side(stance_buf *out, const char *path, const char *label)
{
	if (!strcmp(path, "/dev/null"))
		return 0;
	if (stance_file_read_max(out, path, STANCE_DOCUMENT_MAX_SIZE) < 0)
		return cli_error("%s: %s", label, stance_error_last());
	if (stance_utf8_validate(out->ptr ? out->ptr : "", out->size, label) < 0)
		return cli_error("%s", stance_error_last());
	return 0;
}

static int run_difftool(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	stance_document *da = NULL, *db = NULL;
	stance_diff_options dopts = STANCE_DIFF_OPTIONS_INIT;
	stance_render_options ropts = STANCE_RENDER_OPTIONS_INIT;
	stance_diff *d = NULL;
	const char *pager = getenv("GIT_PAGER_IN_USE"), *nc = getenv("NO_COLOR");
	int error, rc = CLI_OK;

	(void)repo;
	if (argc == 2) {
		/* an unmerged path: git gives only its name */
		fprintf(ctx->out, "* Unmerged path %s\n", argv[1]);
		return CLI_OK;
	}
	if (argc != 8)
		return cli_usage_error(&cmd_difftool_entry,
			"git runs this with: path old-file old-hex old-mode new-file new-hex new-mode");
	stance_buf_printf(&out, "a/%s", argv[1]);
	if ((rc = read_side(&a, argv[2], stance_buf_cstr(&out))) != 0)
		goto done;
	stance_buf_clear(&out);
	stance_buf_printf(&out, "b/%s", argv[1]);
	if ((rc = read_side(&b, argv[5], stance_buf_cstr(&out))) != 0)
		goto done;
	stance_buf_clear(&out);
	/* git's view shows the prose diff, not position statements: they are
	 * not read, and no repository needs opening */
	dopts.skip_positions = 1;
	stance_error_clear();
	/* documents when both sides parse; plain text otherwise */
	if ((!a.size || stance_document_parse(&da, a.ptr, a.size, argv[1]) == 0) &&
	    (!b.size || stance_document_parse(&db, b.ptr, b.size, argv[1]) == 0) &&
	    (db || stance_document_new(&db) == 0)) {
		error = stance_diff_documents(&d, da, db, &dopts);
	} else {
		stance_error_clear();
		error = stance_diff_texts(&d, a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size, &dopts);
	}
	if (error < 0) {
		rc = cli_fail(error);
		goto done;
	}
	ropts.color = ctx->color_mode == 1 ||
		(ctx->color_mode == -1 && (ctx->color || (pager && !strcmp(pager, "true"))) && !(nc && *nc));
	ropts.context = 3;
	{
		stance_buf ol = STANCE_BUF_INIT, nl = STANCE_BUF_INIT;
		stance_buf_printf(&ol, "a/%s", argv[1]);
		stance_buf_printf(&nl, "b/%s", argv[1]);
		ropts.old_label = strcmp(argv[2], "/dev/null") ? stance_buf_cstr(&ol) : "/dev/null";
		ropts.new_label = strcmp(argv[5], "/dev/null") ? stance_buf_cstr(&nl) : "/dev/null";
		fprintf(ctx->out, "%sdiff --stance a/%s b/%s%s\n", ropts.color ? "\033[1m" : "", argv[1], argv[1],
			ropts.color ? "\033[0m" : "");
		error = stance_render_term(&out, d, &ropts);
		stance_buf_dispose(&ol);
		stance_buf_dispose(&nl);
	}
	if (error < 0) {
		rc = cli_fail(error);
		goto done;
	}
	fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
done:
	stance_diff_free(d);
	stance_document_free(da);
	stance_document_free(db);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	stance_buf_dispose(&out);
	/* git stops the whole diff when the driver fails: report, but go on */
	return rc == CLI_USAGE ? rc : CLI_OK;
}

const cli_command cmd_difftool_entry = {
	.name = "difftool",
	.usage = "PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE",
	.summary = "git's external diff driver: the prose diff in 'git diff' and 'git log -p --ext-diff'.",
	.needs_repo = 0,
	.raw_args = 1,
	.run = run_difftool,
};
