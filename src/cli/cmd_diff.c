/*
 * cmd_diff.c: `stance diff`: how a document changed between two revisions,
 * how two documents differ, how two files differ (--files, no repository
 * needed), or what changed in a period (--stat).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "table.h"
#include "json_out.h"

extern const cli_command cmd_diff_entry;

/* --exit-code's answers, as git diff's: changes, and an error (not 1) */
enum { CLI_DIFF_CHANGES = 1, CLI_DIFF_FAILED = 128 };

typedef struct {
	stance_render_format format;
	int format_set;
	int exit_code;
	int quiet;      /* --quiet: no output, only the exit code */
	int positions;
	int stat;
	int files;
	int full;
	int all;        /* --all: count "Re-extract" commits as revisions too */
	long context;
	int context_set;
	stance_diff_unit by;
	stance_date since, until;
	int has_since, has_until;
} diff_args;

/* One side to compare: a document and what to call it; for --files, the
 * file's bytes, whose body is compared as written. */
typedef struct {
	stance_document *doc;
	stance_buf label;
	stance_buf recorded;   /* "2020-11-16, Karen Winther": the HTML page's header */
	stance_buf raw;
	size_t body_start;
	int has_raw;
} side;

static void side_dispose(side *s)
{
	stance_document_free(s->doc);
	s->doc = NULL;
	stance_buf_dispose(&s->label);
	stance_buf_dispose(&s->recorded);
	stance_buf_dispose(&s->raw);
}

/* The repository's marker lists (.stance/positions), or the built-in ones. */
static int load_markers(stance_positions **out, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	if (!repo)
		return stance_positions_new_default(out);
	if ((error = stance_buf_printf(&path, "%s.stance/positions", stance_repo_workdir(repo))) < 0)
		return error;
	error = stance_positions_load(out, path.ptr);
	stance_buf_dispose(&path);
	return error;
}

/* For --files: the markers of the stance repository around `cwd`, if any
 * (found by looking for .stance/positions upwards, without opening git),
 * else the built-in ones. */
static int load_nearest_markers(stance_positions **out, const char *cwd)
{
	char dir[4096];
	stance_buf path = STANCE_BUF_INIT;
	int error = 0;
	if (!realpath(cwd, dir))
		return stance_positions_new_default(out);
	for (;;) {
		char *slash;
		stance_buf_clear(&path);
		if ((error = stance_buf_printf(&path, "%s/.stance/positions", strcmp(dir, "/") ? dir : "")) < 0)
			break;
		if (access(path.ptr, F_OK) == 0) {
			error = stance_positions_load(out, path.ptr);
			stance_buf_dispose(&path);
			return error;
		}
		if (!strcmp(dir, "/") || !(slash = strrchr(dir, '/')))
			break;
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	stance_buf_dispose(&path);
	return error < 0 ? error : stance_positions_new_default(out);
}

/* "id@1a2b3c4" for a revision. */
static int rev_label(stance_buf *out, const stance_revision *rev)
{
	return stance_buf_printf(out, "%s@%.7s", rev->id, rev->commit);
}

/* "2020-11-16, Karen Winther": when and by whom a revision was recorded. */
static int rev_recorded(stance_buf *out, const stance_revision *rev)
{
	stance_date d;
	int error;
	stance_date_from_time(&d, rev->time, rev->tz_minutes);
	d.precision = STANCE_DATE_DAY;
	if ((error = stance_date_format(out, &d)) < 0)
		return error;
	return rev->author_name && *rev->author_name ? stance_buf_printf(out, ", %s", rev->author_name) : 0;
}

/* A stored revision: as a file side, its body compared as stored. A stored
 * body is in canonical form already (add, import and fetch write it so;
 * `stance check` reports one that is not), so bringing it to canonical form
 * again, two cmark-gfm parses and renderings of each side, would change
 * nothing; only the front matter is parsed. */
static int read_stored_side(side *s, stance_repo *repo, const stance_revision *rev)
{
	stance_buf origin = STANCE_BUF_INIT;
	const char *raw;
	size_t front;
	int error;
	if ((error = rev->blob[0] ? stance_history_read_blob(&s->raw, repo, rev->blob)
	                          : stance_history_read_raw(&s->raw, repo, rev->id, rev->commit)) < 0)
		return error;
	raw = s->raw.ptr ? s->raw.ptr : "";
	s->body_start = stance_document_body_offset(raw, s->raw.size);
	/* no closed front matter: the whole file, for the parser's message */
	front = s->body_start ? s->body_start : s->raw.size > 4 && !memcmp(raw, "---\n", 4) ? s->raw.size : 0;
	/* the blank line the store writes between the front matter and the body */
	if (s->body_start && s->body_start < s->raw.size && raw[s->body_start] == '\n')
		s->body_start++;
	if ((error = stance_buf_printf(&origin, "%s@%.12s", rev->id, rev->commit)) == 0 &&
	    (error = stance_utf8_validate(raw, s->raw.size, origin.ptr)) == 0)
		error = stance_document_parse(&s->doc, raw, front, origin.ptr);
	stance_buf_dispose(&origin);
	s->has_raw = error == 0;
	return error;
}

static int resolve_side(side *s, stance_repo *repo, const char *spec)
{
	stance_revision rev;
	int error;
	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, NULL, repo, spec)) < 0)
		return error;
	if ((error = read_stored_side(s, repo, &rev)) < 0) {
		stance_revision_clear(&rev);
		return error;
	}
	error = rev_label(&s->label, &rev);
	if (!error)
		error = rev_recorded(&s->recorded, &rev);
	stance_revision_clear(&rev);
	return error;
}

/* DOC alone: the revision before the latest against the latest. Unless
 * `all`, a re-extraction is not "the revision before": the comparison goes
 * back to the last real observation. */
static int resolve_previous(side *old_side, side *new_side, stance_repo *repo, const char *spec, int all)
{
	stance_revision rev;
	stance_revision_list list = { 0 };
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	int error;

	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, NULL, repo, spec)) < 0)
		return error;
	if ((error = read_stored_side(new_side, repo, &rev)) < 0 ||
	    (error = rev_label(&new_side->label, &rev)) < 0 || (error = rev_recorded(&new_side->recorded, &rev)) < 0)
		goto done;
	hopts.id = rev.id;
	hopts.include_reextract = 1;
	if ((error = stance_history_list(&list, repo, &hopts)) < 0)
		goto done;
	{
		size_t i;
		/* the first revision older than the one shown */
		for (i = 0; i < list.count; i++)
			if (!strcmp(list.items[i].commit, rev.commit))
				break;
		while (!all && i + 1 < list.count && list.items[i + 1].reextract)
			i++;
		if (i + 1 < list.count && !list.items[i + 1].removed) {
			if ((error = read_stored_side(old_side, repo, &list.items[i + 1])) < 0 ||
			    (error = rev_label(&old_side->label, &list.items[i + 1])) < 0 ||
			    (error = rev_recorded(&old_side->recorded, &list.items[i + 1])) < 0)
				goto done;
		} else {
			error = stance_buf_puts(&old_side->label, "/dev/null");
		}
	}
done:
	stance_revision_list_free(&list);
	stance_revision_clear(&rev);
	return error;
}

/* A file outside the store: its front matter is read by the document parser,
 * its body is compared as written (so the JSON ranges point into the file
 * the user has, and nothing is rewritten before the diff). */
static int read_file_side(side *s, const char *path)
{
	int error;
	if ((error = stance_file_read_stream(&s->raw, path, STANCE_DOCUMENT_MAX_SIZE)) < 0)
		return error;
	if ((error = stance_utf8_validate(s->raw.ptr ? s->raw.ptr : "", s->raw.size, path)) < 0)
		return error;
	s->body_start = stance_document_body_offset(s->raw.ptr ? s->raw.ptr : "", s->raw.size);
	s->has_raw = 1;
	if ((error = stance_document_parse(&s->doc, s->raw.ptr ? s->raw.ptr : "",
		s->body_start ? s->body_start : s->raw.size > 4 && !memcmp(s->raw.ptr, "---\n", 4) ? s->raw.size : 0,
		path)) < 0)
		return error;
	return stance_buf_puts(&s->label, path);
}

static int render_and_print(cli_context *ctx, const diff_args *a, side *o, side *n,
	stance_positions *markers, int *changed)
{
	stance_diff_options dopts = STANCE_DIFF_OPTIONS_INIT;
	stance_render_options ropts = STANCE_RENDER_OPTIONS_INIT;
	stance_diff *d = NULL;
	stance_buf out = STANCE_BUF_INIT;
	int error;

	dopts.by = a->by;
	dopts.positions = markers;
	if (o->has_raw) {
		dopts.old_body = o->raw.ptr ? o->raw.ptr + o->body_start : "";
		dopts.old_body_len = o->raw.size - o->body_start;
	}
	if (n->has_raw) {
		dopts.new_body = n->raw.ptr ? n->raw.ptr + n->body_start : "";
		dopts.new_body_len = n->raw.size - n->body_start;
	}
	/* files' bodies are read where they are (no copies): the buffers are
	 * NUL-terminated and kept until the diff is freed */
	dopts.borrow_bodies = o->has_raw && n->has_raw;
	/* the terminal (but --positions), porcelain and CriticMarkup views
	 * show no position statements: they are not read for them */
	dopts.skip_positions = a->quiet ||
		(!a->positions && a->format != STANCE_RENDER_JSON && a->format != STANCE_RENDER_HTML);
	if ((error = stance_diff_documents(&d, o->doc, n->doc, &dopts)) < 0)
		return cli_fail(error);
	*changed = stance_diff_has_changes(d);
	if (a->quiet) {
		stance_diff_free(d);
		return CLI_OK;
	}
	ropts.color = a->format == STANCE_RENDER_TERM ? ctx->color : 0;
	ropts.positions_only = a->positions;
	ropts.old_label = stance_buf_cstr(&o->label);
	ropts.new_label = stance_buf_cstr(&n->label);
	ropts.old_revision = o->recorded.size ? o->recorded.ptr : NULL;
	ropts.new_revision = n->recorded.size ? n->recorded.ptr : NULL;
	/* a short document reads best whole, as a redline; a long one in hunks */
	ropts.context = a->full || (!a->context_set && stance_diff_block_count(d, 1) <= 40) ? 0 :
		(size_t)a->context + 1;
	/* porcelain is for scripts used to git's: hunks with three lines of
	 * context, however short the document */
	if (a->format == STANCE_RENDER_PORCELAIN)
		ropts.context = a->full ? 0 : (size_t)(a->context_set ? a->context : 3) + 1;
	if (a->positions && a->format != STANCE_RENDER_JSON)
		error = stance_render_positions(&out, d, &ropts);
	else
		error = stance_render(&out, a->format, d, &ropts);
	if (error < 0) {
		stance_diff_free(d);
		stance_buf_dispose(&out);
		return cli_fail(error);
	}
	if (a->format == STANCE_RENDER_TERM)
		cli_pager_start(ctx);
	fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
	stance_diff_free(d);
	stance_buf_dispose(&out);
	return CLI_OK;
}

/* --stat: every document changed in the period, with words added, removed
 * and moved between its state before the period and at its end. */
static int run_stat(cli_context *ctx, stance_repo *repo, const diff_args *a, stance_positions *markers,
	int *changed)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { 0 };
	size_t i, j, docs = 0, tot_add = 0, tot_rem = 0, tot_mov = 0;
	int error, rc = CLI_OK;
	char **seen = NULL;
	size_t nseen = 0;
	cli_table *table = NULL;
	/* --json (or --format json): the table as one object (docs/commands/diff.md#json) */
	json_t *rows = a->format_set && a->format == STANCE_RENDER_JSON ? json_array() : NULL;

	if (a->format_set && a->format == STANCE_RENDER_JSON && !rows)
		return cli_error("out of memory");
	hopts.include_reextract = a->all;
	if (a->has_since)
		hopts.since = stance_date_start(&a->since);
	if (a->has_until)
		hopts.until = stance_date_end(&a->until);
	if ((error = stance_history_list(&list, repo, &hopts)) < 0) {
		json_decref(rows);
		return cli_fail(error);
	}
	/* " id | +added -removed ~moved (new)", the id cut with "…" past 40 columns */
	if (!(seen = calloc(list.count + 1, sizeof(char *))) || !(table = cli_table_new(6, " ", " "))) {
		free(seen);
		stance_revision_list_free(&list);
		json_decref(rows);
		return cli_error("out of memory");
	}
	cli_table_limit(table, 0, 40);
	cli_table_align_right(table, 2);
	cli_table_align_right(table, 3);
	cli_table_align_right(table, 4);
	if (!a->quiet)
		cli_pager_start(ctx);
	/* --quiet: the first changed document answers the question */
	for (i = 0; i < list.count && rc == CLI_OK && !(a->quiet && *changed); i++) {
		const stance_revision *newest = &list.items[i];
		const stance_revision *oldest = newest;
		stance_revision_list all = { 0 };
		stance_history_options one = STANCE_HISTORY_OPTIONS_INIT;
		stance_document *od = NULL, *nd = NULL, *empty = NULL;
		stance_diff_options dopts = STANCE_DIFF_OPTIONS_INIT;
		stance_diff *d = NULL;
		for (j = 0; j < nseen; j++)
			if (!strcmp(seen[j], newest->id))
				break;
		if (j < nseen)
			continue;
		seen[nseen++] = newest->id;
		for (j = i + 1; j < list.count; j++)
			if (!strcmp(list.items[j].id, newest->id))
				oldest = &list.items[j];
		one.id = newest->id;
		one.include_reextract = a->all;
		if ((error = stance_history_list(&all, repo, &one)) < 0) {
			rc = cli_fail(error);
			break;
		}
		for (j = 0; j < all.count; j++)
			if (!strcmp(all.items[j].commit, oldest->commit))
				break;
		error = 0;
		if (j + 1 < all.count && !all.items[j + 1].removed)
			error = stance_history_read(&od, repo, newest->id, all.items[j + 1].commit);
		if (error == 0 && !newest->removed)
			error = stance_history_read(&nd, repo, newest->id, newest->commit);
		if (error == 0 && !nd)
			error = stance_document_new(&empty);
		dopts.by = a->by;
		dopts.positions = markers;
		dopts.skip_positions = 1; /* --stat counts words only */
		if (error == 0)
			error = stance_diff_documents(&d, od, nd ? nd : empty, &dopts);
		if (error < 0) {
			rc = cli_fail(error);
		} else if (stance_diff_has_changes(d)) {
			const stance_diff_stats *st = stance_diff_get_stats(d);
			size_t rem = st->words_removed;
			if (!nd && od)
				rem = st->words_removed; /* removed document: all its words */
			*changed = 1;
			docs++;
			if (a->quiet)
				goto next;
			tot_add += st->words_added;
			tot_rem += rem;
			tot_mov += st->words_moved;
			if (rows) {
				if (json_array_append_new(rows, json_pack("{s:o, s:s, s:I, s:I, s:I, s:o, s:o}",
				    "id", cli_json_str(newest->id),
				    "status", newest->removed ? "removed" : !od ? "new" : "changed",
				    "words_added", (json_int_t)st->words_added, "words_removed", (json_int_t)rem,
				    "words_moved", (json_int_t)st->words_moved, "commit", cli_json_str(newest->commit),
				    "date", cli_json_time(newest->time, newest->tz_minutes))) < 0)
					rc = cli_error("out of memory");
			} else if (cli_table_row(table) < 0 || cli_table_cell(table, newest->id, NULL) < 0 ||
			    cli_table_cell(table, "|", NULL) < 0 ||
			    cli_table_cellf(table, "\033[32m", "+%zu", st->words_added) < 0 ||
			    cli_table_cellf(table, "\033[31m", "-%zu", rem) < 0 ||
			    cli_table_cellf(table, NULL, "~%zu", st->words_moved) < 0 ||
			    cli_table_cell(table, newest->removed ? "(removed)" : !od ? "(new)" : "", NULL) < 0)
				rc = cli_error("out of memory");
		}
next:
		stance_diff_free(d);
		stance_document_free(od);
		stance_document_free(nd);
		stance_document_free(empty);
		stance_revision_list_free(&all);
	}
	if (rc == CLI_OK && rows) {
		json_t *o = json_pack("{s:o, s:o, s:O, s:{s:I, s:I, s:I, s:I}}",
			"since", a->has_since ? cli_json_time(stance_date_start(&a->since), 0) : json_null(),
			"until", a->has_until ? cli_json_time(stance_date_end(&a->until), 0) : json_null(),
			"documents", rows, "total", "documents", (json_int_t)docs, "words_added", (json_int_t)tot_add,
			"words_removed", (json_int_t)tot_rem, "words_moved", (json_int_t)tot_mov);
		if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0)
			rc = cli_error("out of memory");
		else
			fputc('\n', ctx->out);
	} else if (rc == CLI_OK && !a->quiet) {
		cli_table_print(table, ctx);
		fprintf(ctx->out, " %zu document%s changed, %zu words added, %zu removed, %zu moved\n",
			docs, docs == 1 ? "" : "s", tot_add, tot_rem, tot_mov);
	}
	cli_table_free(table);
	json_decref(rows);
	free(seen);
	stance_revision_list_free(&list);
	return rc;
}

static const cli_option diff_options[] = {
	{ 'f', "format", 0, CLI_ARG_STRING, "FORMAT", "term (the default), porcelain, critic, html or json", 0, 0 },
	{ 'b', "by", 0, CLI_ARG_STRING, "UNIT", "compare by word (the default), sentence, paragraph or char", 0, 0 },
	{ 'p', "positions", 0, CLI_ARG_NONE, NULL, "only the position statements that changed", 0, 0 },
	{ 'x', "exit-code", 0, CLI_ARG_NONE, NULL, "exit 1 when there are changes, 0 when there are none, 128 on an error", 0, 0 },
	CLI_OPTION_QUIET("print nothing; only the exit code says whether there are changes (implies --exit-code)"),
	{ 'c', "context", 0, CLI_ARG_NUMBER, "N", "N unchanged blocks around each change", 0, 1000000 },
	{ 'a', "full", 0, CLI_ARG_NONE, NULL, "the whole document, however long", 0, 0 },
	{ 'A', "all", 0, CLI_ARG_NONE, NULL, "count 'Re-extract' commits as revisions too", 0, 0 },
	{ 'F', "files", 0, CLI_ARG_NONE, NULL, "compare two files, OLD and NEW (no repository needed)", 0, 0 },
	{ 's', "stat", 0, CLI_ARG_NONE, NULL, "words added, removed and moved per document changed in a period", 0, 0 },
	CLI_OPTION_SINCE("with --stat: changes"),
	CLI_OPTION_UNTIL("with --stat: changes"),
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_diff(cli_context *ctx, stance_repo *repo_unused, int argc, char **argv)
{
	diff_args a;
	side o, n;
	stance_repo *repo = NULL;
	stance_positions *markers = NULL;
	cli_opt_parser p;
	int c, error, rc = CLI_OK, changed = 0;

	(void)repo_unused;
	memset(&a, 0, sizeof(a));
	memset(&o, 0, sizeof(o));
	memset(&n, 0, sizeof(n));
	a.by = STANCE_DIFF_WORD;
	a.context = 2;
	cli_opt_init(&p, &cmd_diff_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'f':
			if (stance_render_format_parse(&a.format, p.value) < 0)
				return cli_usage_error(&cmd_diff_entry, "--format: %s", stance_error_last());
			a.format_set = 1;
			break;
		case 'b':
			if (stance_diff_unit_parse(&a.by, p.value) < 0)
				return cli_usage_error(&cmd_diff_entry, "--by: %s", stance_error_last());
			break;
		case CLI_OPT_JSON:
			a.format = STANCE_RENDER_JSON; /* the same as --format json */
			a.format_set = 1;
			break;
		case 'x': a.exit_code = 1; break;
		case CLI_OPT_QUIET: a.quiet = a.exit_code = 1; break;
		case 'p': a.positions = 1; break;
		case 's': a.stat = 1; break;
		case 'F': a.files = 1; break;
		case 'a': a.full = 1; break;
		case 'A': a.all = 1; break;
		case 'c':
			a.context = p.number;
			a.context_set = 1;
			break;
		case CLI_OPT_SINCE:
			a.since = p.date;
			a.has_since = 1;
			break;
		case CLI_OPT_UNTIL:
			a.until = p.date;
			a.has_until = 1;
			break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	argc = p.nrest;
	argv = p.rest;
	if ((a.has_since || a.has_until) && !a.stat)
		return cli_usage_error(&cmd_diff_entry, "--since and --until go with --stat");
	if (a.files) {
		if (argc != 2)
			return cli_usage_error(&cmd_diff_entry, "--files takes two files, OLD and NEW");
		if ((error = load_nearest_markers(&markers, ctx->cwd)) < 0 ||
		    (error = read_file_side(&o, argv[0])) < 0 ||
		    (error = read_file_side(&n, argv[1])) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		rc = render_and_print(ctx, &a, &o, &n, markers, &changed);
		goto done;
	}
	if ((error = stance_repo_open(&repo, ctx->cwd)) < 0)
		return cli_fail(error);
	if ((error = load_markers(&markers, repo)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (a.stat) {
		if (argc != 0) {
			rc = cli_usage_error(&cmd_diff_entry, "--stat takes no documents, only --since and --until");
			goto done;
		}
		if (a.format_set && a.format != STANCE_RENDER_JSON && a.format != STANCE_RENDER_TERM) {
			rc = cli_usage_error(&cmd_diff_entry, "--stat prints a table, or JSON with --json; "
				"it takes no other --format");
			goto done;
		}
		rc = run_stat(ctx, repo, &a, markers, &changed);
		goto done;
	}
	if (argc < 1 || argc > 3) {
		rc = cli_usage_error(&cmd_diff_entry, "name a document, e.g. stance diff kl/naerhedsreform");
		goto done;
	}
	if (argc == 1) {
		error = resolve_previous(&o, &n, repo, argv[0], a.all);
	} else if (argc == 2 && strchr(argv[0], '@') && strchr(argv[1], '@')) {
		if ((error = resolve_side(&o, repo, argv[0])) == 0)
			error = resolve_side(&n, repo, argv[1]);
	} else {
		stance_buf spec = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
		/* DOC1 DOC2 when the second names a document; else DOC REV1 [REV2] */
		int two_docs = argc == 2 && !strchr(argv[1], '@') &&
			stance_store_resolve_id(&id, repo, argv[1]) == 0;
		stance_error_clear();
		if (two_docs) {
			if ((error = resolve_side(&o, repo, argv[0])) == 0)
				error = resolve_side(&n, repo, argv[1]);
		} else if (strchr(argv[0], '@')) {
			stance_buf_dispose(&id);
			rc = cli_usage_error(&cmd_diff_entry,
				"'%s': with revisions given apart, name the document without '@'", argv[0]);
			goto done;
		} else {
			/* REV as "2020-01-01", "1a2b3c", "{2}" or "@{2}" */
			if ((error = stance_buf_printf(&spec, "%s@%s", argv[0], argv[1] + (argv[1][0] == '@'))) == 0 &&
			    (error = resolve_side(&o, repo, spec.ptr)) == 0) {
				stance_buf_clear(&spec);
				if (argc == 3)
					error = stance_buf_printf(&spec, "%s@%s", argv[0], argv[2] + (argv[2][0] == '@'));
				else
					error = stance_buf_puts(&spec, argv[0]);
				if (error == 0)
					error = resolve_side(&n, repo, spec.ptr);
			}
		}
		stance_buf_dispose(&spec);
		stance_buf_dispose(&id);
	}
	if (error < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (!o.doc) {
		/* the document's first revision: everything is new */
		if ((error = stance_document_new(&o.doc)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
	}
	rc = render_and_print(ctx, &a, &o, &n, markers, &changed);
done:
	side_dispose(&o);
	side_dispose(&n);
	stance_positions_free(markers);
	stance_repo_free(repo);
	if (!a.exit_code)
		return rc;
	/* As git diff --exit-code: 1 says "there are changes", so an error
	 * cannot say 1 too; it is 128, as git's fatal errors (a usage error
	 * stays 2). The output is flushed here so that a failed write is an
	 * error, not "changes". */
	if (rc == CLI_OK && fflush(ctx->out) != 0 && errno != EPIPE)
		rc = cli_error("cannot write the output: %s", strerror(errno));
	if (rc == CLI_ERROR)
		return CLI_DIFF_FAILED;
	return rc == CLI_OK && changed ? CLI_DIFF_CHANGES : rc;
}

const cli_command cmd_diff_entry = {
	.name = "diff",
	.usage = "(DOC | DOC REV1 [REV2] | DOC@REV DOC@REV | DOC1 DOC2 | --files OLD NEW | --stat [--since D] [--until D])",
	.options = diff_options,
	.summary = "Show how a document's text and positions changed, as an editor would mark it.",
	.needs_repo = 0,
	.run = run_diff,
};
