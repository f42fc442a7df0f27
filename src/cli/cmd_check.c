/*
 * cmd_check.c: `stance check [--staged] [DOC...]`: validate documents. The
 * pre-commit hook runs it with --staged.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_check_entry;

static void report(const char *path, size_t line, const char *problem, void *payload)
{
	(void)payload;
	/* as compilers and git: FILE:LINE: message (FILE: message for the
	 * whole file: missing, or named as no id can be) */
	if (line)
		fprintf(stderr, "%s:%zu: %s\n", path, line, problem);
	else
		fprintf(stderr, "%s: %s\n", path, problem);
}

/* --json: each problem an object in the array `payload` (docs/commands/check.md#json). */
static void report_json(const char *path, size_t line, const char *problem, void *payload)
{
	json_t *problems = payload;
	/* a line the library wrote into the sentence ("line 4: …") goes to "line" */
	if (!line && !strncmp(problem, "line ", 5) && problem[5] >= '0' && problem[5] <= '9') {
		char *end;
		unsigned long n = strtoul(problem + 5, &end, 10);
		if (end[0] == ':' && end[1] == ' ') {
			line = (size_t)n;
			problem = end + 2;
		}
	}
	json_array_append_new(problems, json_pack("{s:o, s:o, s:o}", "file", cli_json_str(path),
		"line", line ? json_integer((json_int_t)line) : json_null(), "message", cli_json_message(problem)));
}

static const cli_option check_options[] = {
	{ 's', "staged", 0, CLI_ARG_NONE, NULL, "check what is staged for the next commit (the pre-commit hook)", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_check(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	const char **ids = NULL;
	stance_buf *resolved = NULL;
	size_t problems = 0, nids, i;
	cli_opt_parser p;
	int c, error, staged = 0, rc = CLI_OK, json = 0;
	json_t *found = NULL;

	cli_opt_init(&p, &cmd_check_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		if (c == 's')
			staged = 1;
		else if (c == CLI_OPT_JSON)
			json = 1;
	}
	if (c < 0)
		return cli_opt_exit(c);
	nids = (size_t)p.nrest;
	if (nids) {
		ids = calloc(nids, sizeof(*ids));
		resolved = calloc(nids, sizeof(*resolved));
		if (!ids || !resolved) {
			rc = cli_error("out of memory");
			goto done;
		}
		for (i = 0; i < nids; i++) {
			if ((error = stance_store_resolve_id(&resolved[i], repo, p.rest[i])) < 0) {
				rc = cli_fail(error);
				goto done;
			}
			ids[i] = resolved[i].ptr;
		}
	}
	if (json && !(found = json_array())) {
		rc = cli_error("out of memory");
		goto done;
	}
	if ((error = stance_store_check(&problems, repo, staged, ids, nids, json ? report_json : report,
	    found)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:b, s:I, s:O}", "valid", !problems, "count", (json_int_t)problems,
			"problems", found);
		if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0) {
			rc = cli_error("out of memory");
			goto done;
		}
		fputc('\n', ctx->out);
		rc = problems ? CLI_ERROR : CLI_OK;
	} else if (problems) {
		/* git runs its pre-commit hook with GIT_INDEX_FILE set; run by
		 * hand, --staged stops no commit and says none */
		const char *index = getenv("GIT_INDEX_FILE");
		fprintf(stderr, "stance check: %zu problem%s found%s\n", problems, problems == 1 ? "" : "s",
			!staged ? "" : index && *index ? "; the commit was stopped" : " in the staged files");
		rc = CLI_ERROR;
	} else {
		fprintf(ctx->out, "All documents are valid.\n");
	}
done:
	json_decref(found);
	for (i = 0; resolved && i < nids; i++)
		stance_buf_dispose(&resolved[i]);
	free(resolved);
	free(ids);
	return rc;
}

const cli_command cmd_check_entry = {
	.name = "check",
	.usage = "[DOC...]",
	.summary = "Validate documents: front matter, canonical form, UTF-8, ids, duplicates.",
	.options = check_options,
	.needs_repo = 1,
	.run = run_check,
};
