/*
 * cmd_grep.c: `stance grep PATTERN [DOC...]`: the sentences of the current
 * documents (or of every revision) that match a regular expression or a
 * literal string, with git grep's -i, -w, -l and -c.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

extern const cli_command cmd_grep_entry;

enum { OPT_ALL_REVISIONS = 256 };

static const cli_option grep_options[] = {
	{ 'i', "ignore-case", 'i', CLI_ARG_NONE, NULL, "match in any case", 0, 0 },
	{ 'w', "word-regexp", 'w', CLI_ARG_NONE, NULL, "match only whole words", 0, 0 },
	{ 'F', "fixed-strings", 'F', CLI_ARG_NONE, NULL, "PATTERN is a literal string, not a regular expression", 0, 0 },
	{ 'l', "files-with-matches", 'l', CLI_ARG_NONE, NULL, "print only the documents that match", 0, 0 },
	{ 'c', "count", 'c', CLI_ARG_NONE, NULL, "print each document's number of matching sentences", 0, 0 },
	{ OPT_ALL_REVISIONS, "all-revisions", 0, CLI_ARG_NONE, NULL, "look in every revision, not only the current text", 0, 0 },
	CLI_OPTION_SINCE("look in the revisions"),
	CLI_OPTIONS_END
};

typedef struct {
	cli_context *ctx;
	stance_repo *repo;
	const stance_pickaxe *pk;
	int list_only, count_only;
	char **ids;       /* the documents named; NULL: all */
	int nids;
	size_t matched;   /* documents (or revisions) with a match */
} grep_run;

static int wanted(const grep_run *g, const char *id)
{
	int i;
	if (!g->ids)
		return 1;
	for (i = 0; i < g->nids; i++)
		if (!strcmp(g->ids[i], id))
			return 1;
	return 0;
}

/* Greps one body, printing its matches under `name`. */
static int grep_body(grep_run *g, const char *name, const stance_buf *raw)
{
	stance_pickaxe_hit_list hits;
	size_t off = stance_document_body_offset(stance_buf_cstr(raw), raw->size), i;
	int error = stance_pickaxe_body(&hits, g->pk, stance_buf_cstr(raw) + off, raw->size - off);
	if (error < 0)
		return error;
	if (hits.count)
		g->matched++;
	if (g->count_only)
		fprintf(g->ctx->out, "%s:%zu\n", name, hits.count);
	else if (g->list_only && hits.count)
		fprintf(g->ctx->out, "%s\n", name);
	else if (!g->list_only)
		for (i = 0; i < hits.count; i++)
			fprintf(g->ctx->out, "%s%s%s:%s\n", cli_color(g->ctx, "\033[35m"), name,
				cli_color(g->ctx, "\033[0m"), hits.items[i].text);
	stance_pickaxe_hit_list_free(&hits);
	return 0;
}

static int grep_current(const char *id, void *payload)
{
	grep_run *g = payload;
	stance_buf raw = STANCE_BUF_INIT;
	int error;
	if (!wanted(g, id))
		return 0;
	if ((error = stance_history_read_raw(&raw, g->repo, id, "HEAD")) >= 0)
		error = grep_body(g, id, &raw);
	stance_buf_dispose(&raw);
	return error;
}

static int grep_revisions(grep_run *g, int64_t since)
{
	stance_history_options opts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_buf raw = STANCE_BUF_INIT, name = STANCE_BUF_INIT;
	size_t i;
	int error;
	opts.since = since;
	if (g->nids == 1)
		opts.id = g->ids[0];
	if ((error = stance_history_list(&list, g->repo, &opts)) < 0)
		return error;
	for (i = 0; i < list.count && error >= 0; i++) {
		const stance_revision *r = &list.items[i];
		if (r->removed || !r->blob[0] || !wanted(g, r->id))
			continue;
		stance_buf_clear(&raw);
		stance_buf_clear(&name);
		if ((error = stance_history_read_blob(&raw, g->repo, r->blob)) >= 0 &&
		    (error = stance_buf_printf(&name, "%s@%.7s", r->id, r->commit)) >= 0)
			error = grep_body(g, name.ptr, &raw);
	}
	stance_revision_list_free(&list);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&name);
	return error;
}

static int run_grep(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	grep_run g;
	stance_pickaxe *pk = NULL;
	cli_opt_parser p;
	int c, i, error = 0, flags = 0, all = 0, rc = CLI_OK;
	int64_t since = 0;
	stance_pickaxe_kind kind = STANCE_PICKAXE_REGEX;

	memset(&g, 0, sizeof(g));
	cli_opt_init(&p, &cmd_grep_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'i': flags |= STANCE_PICKAXE_ICASE; break;
		case 'w': flags |= STANCE_PICKAXE_WHOLE_WORD; break;
		case 'F': kind = STANCE_PICKAXE_FIXED; break;
		case 'l': g.list_only = 1; break;
		case 'c': g.count_only = 1; break;
		case OPT_ALL_REVISIONS: all = 1; break;
		case CLI_OPT_SINCE: since = stance_date_start(&p.date); all = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest < 1)
		return cli_usage_error(&cmd_grep_entry, "give a pattern");
	if ((error = stance_pickaxe_new(&pk, kind, p.rest[0], flags, NULL)) < 0)
		return cli_fail(error);
	g.ctx = ctx;
	g.repo = repo;
	g.pk = pk;
	if (p.nrest > 1) {
		g.nids = p.nrest - 1;
		if (!(g.ids = calloc((size_t)g.nids, sizeof(char *)))) {
			rc = cli_error("out of memory");
			goto done;
		}
		for (i = 0; i < g.nids; i++) {
			stance_buf id = STANCE_BUF_INIT;
			if ((error = stance_store_resolve_id(&id, repo, p.rest[i + 1])) < 0) {
				rc = cli_fail(error);
				goto done;
			}
			g.ids[i] = stance_buf_detach(&id);
		}
	}
	cli_pager_start(ctx);
	error = all ? grep_revisions(&g, since) : stance_store_foreach(repo, NULL, grep_current, &g);
	if (error < 0)
		rc = cli_fail(error);
	else if (!g.matched)
		rc = CLI_ERROR; /* as git grep: 1 when nothing matched */
done:
	if (g.ids)
		for (i = 0; i < g.nids; i++)
			free(g.ids[i]);
	free(g.ids);
	stance_pickaxe_free(pk);
	return rc;
}

const cli_command cmd_grep_entry = {
	.name = "grep",
	.usage = "PATTERN [DOC...]",
	.summary = "Print the sentences of the documents (or of every revision) that match a pattern.",
	.options = grep_options,
	.needs_repo = 1,
	.run = run_grep,
};
