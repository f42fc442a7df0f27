/*
 * cmd_source.c: `stance source add|list|remove`: the pages and feeds a
 * repository follows, kept in .stance/config.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "web_commands.h"

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

static int source_add(stance_repo *repo, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "select", required_argument, NULL, 's' },
		{ "remove", required_argument, NULL, 'r' },
		{ "noise", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "organization", required_argument, NULL, 'o' },
		{ "feed", no_argument, NULL, 'f' },
		CLI_HELP_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	stance_source src = STANCE_SOURCE_INIT;
	const char **sel = calloc((size_t)argc + 1, sizeof(*sel));
	const char **rem = calloc((size_t)argc + 1, sizeof(*rem));
	const char **noise = calloc((size_t)argc + 1, sizeof(*noise));
	int c, rc = CLI_OK, error;
	if (!sel || !rem || !noise) {
		rc = cli_error("out of memory");
		goto done;
	}
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': sel[src.select_count++] = optarg; break;
		case 'r': rem[src.remove_count++] = optarg; break;
		case 'n': noise[src.noise_count++] = optarg; break;
		case 'k': src.kind = optarg; break;
		case 'o': src.organization = optarg; break;
		case 'f': src.feed = 1; break;
		case 'h': rc = cli_help(&cmd_source_entry); goto done;
		default: rc = cli_usage_error(&cmd_source_entry, "unknown option to 'source add'"); goto done;
		}
	}
	if (argc - optind != 2) {
		rc = cli_usage_error(&cmd_source_entry, "'source add' needs an ID and a URL");
		goto done;
	}
	src.id = argv[optind];
	src.url = argv[optind + 1];
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
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		CLI_HELP_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	stance_source_list *l = NULL;
	size_t i, k;
	int c, json = 0, error;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help(&cmd_source_entry);
		default: return cli_usage_error(&cmd_source_entry, "unknown option to 'source list'");
		}
	}
	if (optind != argc)
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

static int run_source(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	int error;
	if (argc < 2)
		return cli_usage_error(&cmd_source_entry, "needs a subcommand: add, list or remove");
	if (!strcmp(argv[1], "add"))
		return source_add(repo, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return source_list(ctx, repo, argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove") || !strcmp(argv[1], "rm")) {
		if (argc != 3)
			return cli_usage_error(&cmd_source_entry, "'source remove' needs one ID");
		if ((error = stance_source_remove(repo, argv[2])) < 0)
			return cli_fail(error);
		return commit_config(repo, "Remove source", argv[2]);
	}
	return cli_usage_error(&cmd_source_entry, "'%s' is not a subcommand (add, list, remove)", argv[1]);
}

const cli_command cmd_source_entry = {
	.name = "source",
	.usage = CLI_SOURCE_USAGE,
	.summary = CLI_SOURCE_SUMMARY,
	.needs_repo = 1,
	.run = run_source,
};
