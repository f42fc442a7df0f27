/*
 * cmd_source.c: `stance source add|list|set|remove`: the pages and feeds a
 * repository follows, kept in .stance/config.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

extern const cli_command cmd_source_entry;

/* The sources are part of the repository's record: each change is a commit,
 * so teammates get it with the documents and its history is kept. */
static int commit_config(stance_repo *repo, const char *what, const char *id)
{
	stance_save_result result;
	stance_buf msg = STANCE_BUF_INIT;
	int error;
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) == 0) {
		stance_buf_printf(&msg, "%s %s\n", what, id);
		error = stance_store_commit_file(&result, repo, ".stance/config", msg.ptr);
		stance_repo_unlock(repo);
	}
	stance_buf_dispose(&msg);
	return error < 0 ? cli_fail(error) : CLI_OK;
}

/* One table for the three subcommands: add takes all but --json, list
 * only --json. */
static const cli_option source_options[] = {
	{ 'f', "feed", 0, CLI_ARG_NONE, NULL, "add: URL is a feed (RSS, Atom, sitemap); follow its items", 0, 0 },
	{ 's', "select", 0, CLI_ARG_STRING, "XPATH", "add, set: the main content is what this matches (repeatable)", 0, 0 },
	{ 'r', "remove", 0, CLI_ARG_STRING, "XPATH", "add, set: leave out what this matches (repeatable)", 0, 0 },
	{ 'n', "noise", 0, CLI_ARG_STRING, "REGEX", "add, set: lines matching this are not a change (repeatable)", 0, 0 },
	{ 'k', "kind", 0, CLI_ARG_STRING, "KIND", "add, set: the kind of its documents", 0, 0 },
	{ 'o', "organization", 0, CLI_ARG_STRING, "ORG", "add, set: the organization of its documents", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int source_add(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_source src = STANCE_SOURCE_INIT;
	cli_opt_parser p;
	const char **sel = calloc((size_t)argc + 1, sizeof(*sel));
	const char **rem = calloc((size_t)argc + 1, sizeof(*rem));
	const char **noise = calloc((size_t)argc + 1, sizeof(*noise));
	int c, rc = CLI_OK, error;
	if (!sel || !rem || !noise) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_opt_init(&p, &cmd_source_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 's': sel[src.select_count++] = p.value; break;
		case 'r': rem[src.remove_count++] = p.value; break;
		case 'n': noise[src.noise_count++] = p.value; break;
		case 'k': src.kind = p.value; break;
		case 'o': src.organization = p.value; break;
		case 'f': src.feed = 1; break;
		default:
			rc = cli_usage_error(&cmd_source_entry, "'source add' takes no %s", p.spelled);
			goto done;
		}
	}
	if (c < 0) {
		rc = cli_opt_exit(c);
		goto done;
	}
	if (p.nrest != 2) {
		rc = cli_usage_error(&cmd_source_entry, "'source add' needs an ID and a URL");
		goto done;
	}
	src.id = p.rest[0];
	src.url = p.rest[1];
	src.select = sel;
	src.remove = rem;
	src.noise = noise;
	if ((error = stance_source_add(repo, &src)) < 0)
		rc = cli_fail(error);
	else
		rc = commit_config(repo, "Add source", src.id);
done:
	free(sel);
	free(rem);
	free(noise);
	return rc;
}

/* `source set ID --select … --remove … --noise … --kind … --organization …`:
 * the rules given replace the source's, in one commit. A rule list given
 * as '' alone is emptied. */
static int source_set(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_source ch = STANCE_SOURCE_INIT;
	stance_buf what = STANCE_BUF_INIT;
	cli_opt_parser p;
	const char **sel = calloc((size_t)argc + 1, sizeof(*sel));
	const char **rem = calloc((size_t)argc + 1, sizeof(*rem));
	const char **noise = calloc((size_t)argc + 1, sizeof(*noise));
	int c, rc = CLI_OK, error, given = 0;
	if (!sel || !rem || !noise) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_opt_init(&p, &cmd_source_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 's': ch.select = sel; if (*p.value) sel[ch.select_count++] = p.value; break;
		case 'r': ch.remove = rem; if (*p.value) rem[ch.remove_count++] = p.value; break;
		case 'n': ch.noise = noise; if (*p.value) noise[ch.noise_count++] = p.value; break;
		case 'k': ch.kind = p.value; break;
		case 'o': ch.organization = p.value; break;
		default:
			rc = cli_usage_error(&cmd_source_entry, "'source set' takes no %s", p.spelled);
			goto done;
		}
		given = 1;
	}
	if (c < 0) {
		rc = cli_opt_exit(c);
		goto done;
	}
	if (p.nrest != 1) {
		rc = cli_usage_error(&cmd_source_entry, "'source set' needs one ID");
		goto done;
	}
	if (!given) {
		rc = cli_usage_error(&cmd_source_entry, "'source set %s': nothing to change; give --select, --remove, "
			"--noise, --kind or --organization", p.rest[0]);
		goto done;
	}
	ch.id = p.rest[0];
	if ((error = stance_source_set(repo, &ch)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	/* the commit's subject says what changed: "Change source ID (select, noise)" */
	stance_buf_printf(&what, "%s (%s%s%s%s%s)", ch.id, ch.select ? "select, " : "", ch.remove ? "remove, " : "",
		ch.noise ? "noise, " : "", ch.kind ? "kind, " : "", ch.organization ? "organization, " : "");
	if (what.size > 3 && !strcmp(what.ptr + what.size - 3, ", )")) {
		what.size -= 3;
		what.ptr[what.size] = '\0';
		stance_buf_putc(&what, ')');
	}
	rc = commit_config(repo, "Change source", what.ptr);
done:
	stance_buf_dispose(&what);
	free(sel);
	free(rem);
	free(noise);
	return rc;
}

/* One source as JSON, a line of `source list --json` (docs/commands/source.md). */
static int put_json(FILE *out, const stance_source *s)
{
	return cli_json_write(out, json_pack("{s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}",
		"id", cli_json_str(s->id), "url", cli_json_str(s->url), "feed", s->feed,
		"from", cli_json_str(s->from), "kind", cli_json_str(s->kind),
		"organization", cli_json_str(s->organization),
		"select", cli_json_strings(s->select, s->select_count),
		"remove", cli_json_strings(s->remove, s->remove_count),
		"noise", cli_json_strings(s->noise, s->noise_count)), CLI_JSON_SPACED);
}

static int source_list(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_source_list *l = NULL;
	cli_opt_parser p;
	size_t i, k;
	int c, json = 0, error;
	cli_opt_init(&p, &cmd_source_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		if (c != CLI_OPT_JSON)
			return cli_usage_error(&cmd_source_entry, "'source list' takes no %s", p.spelled);
		json = 1;
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest != 0)
		return cli_usage_error(&cmd_source_entry, "'source list' takes no arguments");
	if ((error = stance_source_list_load(&l, repo)) < 0)
		return cli_fail(error);
	cli_pager_start(ctx);
	if (json)
		fputs("[", ctx->out);
	for (i = 0; i < stance_source_list_count(l); i++) {
		const stance_source *s = stance_source_list_get(l, i);
		if (json) {
			fputs(i ? ",\n " : "\n ", ctx->out);
			if (put_json(ctx->out, s) < 0) {
				error = cli_error("out of memory");
				break;
			}
			continue;
		}
		fprintf(ctx->out, "%s%s%s  %s%s\n", cli_color(ctx, "\033[1m"), s->id, cli_color(ctx, "\033[0m"),
			s->url, s->feed ? "  (feed)" : "");
		for (k = 0; k < s->select_count; k++)
			fprintf(ctx->out, "    select %s\n", s->select[k]);
		for (k = 0; k < s->remove_count; k++)
			fprintf(ctx->out, "    remove %s\n", s->remove[k]);
		for (k = 0; k < s->noise_count; k++)
			fprintf(ctx->out, "    noise  %s\n", s->noise[k]);
		if (s->from)
			fprintf(ctx->out, "    from feed %s\n", s->from);
	}
	if (json && error != CLI_ERROR)
		fputs(stance_source_list_count(l) ? "\n]\n" : "]\n", ctx->out);
	stance_source_list_free(l);
	return error == CLI_ERROR ? CLI_ERROR : CLI_OK;
}

/* A missing subcommand is a usage error, inside a repository or not:
 * checked before the repository is opened. */
static int check_subcommand(int argc, char **argv)
{
	(void)argv;
	if (argc < 2)
		return cli_usage_error(&cmd_source_entry, "needs a subcommand: add, list or remove");
	return CLI_OK;
}

static int run_source(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	int error;
	if (argc < 2)
		return cli_usage_error(&cmd_source_entry, "needs a subcommand: add, list, set or remove");
	if (!strcmp(argv[1], "add"))
		return source_add(ctx, repo, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return source_list(ctx, repo, argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return source_set(ctx, repo, argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove") || !strcmp(argv[1], "rm")) {
		if (argc != 3)
			return cli_usage_error(&cmd_source_entry, "'source remove' needs one ID");
		if ((error = stance_source_remove(repo, argv[2])) < 0)
			return cli_fail(error);
		return commit_config(repo, "Remove source", argv[2]);
	}
	return cli_usage_error(&cmd_source_entry, "'%s' is not a subcommand (add, list, set, remove)", argv[1]);
}

const cli_command cmd_source_entry = {
	.name = "source",
	.usage = "add ID URL | list | set ID | remove ID",
	.summary = NULL, /* commands.h */
	.options = source_options,
	.needs_repo = 1,
	.check_operands = check_subcommand,
	.run = run_source,
};
