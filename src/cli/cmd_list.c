/*
 * cmd_list.c: `stance list`: the documents, with kind, date, title and the
 * number of revisions.
 */
#include <string.h>

#include "cli.h"
#include "fold.h"
#include "json_out.h"
#include "table.h"

extern const cli_command cmd_list_entry;

typedef struct {
	cli_context *ctx;
	stance_repo *repo;
	const char *kind, *organization;
	int64_t since, until;
	int json;
	size_t shown;
	const stance_revision_list *history;
	cli_table *table;     /* the text output, printed at the end */
	int error;
} list_state;

/* Revisions of `id` in the whole-repository history, and the earliest time. */
static size_t count_revisions(const stance_revision_list *h, const char *id, int64_t *first)
{
	size_t i, n = 0;
	*first = 0;
	for (i = 0; i < h->count; i++)
		if (!strcmp(h->items[i].id, id)) {
			n++;
			*first = h->items[i].time;
		}
	return n;
}

/* One line (or object) for document `id` as `doc` says; `gone`, the day a
 * removed document went, or NULL. */
static int show_document(list_state *st, const char *id, stance_document *doc, const char *gone,
	const stance_history_document *counted)
{
	stance_buf date = STANCE_BUF_INIT, line = STANCE_BUF_INIT;
	const stance_date *pub;
	const char *kind, *org, *title;
	int64_t first, when;
	size_t revs;
	int error = 0;

	kind = stance_document_get(doc, "kind");
	org = stance_document_get(doc, "organization");
	title = stance_document_get(doc, "title");
	pub = stance_document_published(doc);
	if (counted) {
		revs = counted->revisions;
		first = counted->first;
	} else
		revs = count_revisions(st->history, id, &first);
	/* The date shown and filtered on: when it was published, else first seen. */
	when = pub->precision ? stance_date_start(pub) : first;
	/* text filters compare case-folded, for all of Unicode (fold.h) */
	if ((st->kind && !cli_fold_equal(kind, st->kind)) ||
	    (st->organization && !cli_fold_equal(org, st->organization)) ||
	    (st->since && when < st->since) || (st->until && when >= st->until))
		goto done;
	if (pub->precision) {
		stance_date_format(&date, pub);
	} else if (first) {
		stance_date d;
		stance_date_from_time(&d, first, 0);
		d.precision = STANCE_DATE_DAY;
		stance_date_format(&date, &d);
	}
	if (st->json) {
		stance_buf_puts(&line, st->shown ? ",\n  " : "\n  ");
		json_t *obj = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "id", cli_json_str(id),
			"kind", cli_json_str(kind), "date", cli_json_str(date.size ? date.ptr : NULL),
			"title", cli_json_str(title), "organization", cli_json_str(org),
			"revisions", (json_int_t)revs);
		if (obj && gone)
			json_object_set_new(obj, "removed", cli_json_str(gone));
		if (cli_json_append(&line, obj, CLI_JSON_SPACED) < 0) {
			cli_error("out of memory");
			error = STANCE_ERROR;
			goto done;
		}
	} else {
		/* the date column is a date: a moment shows as its day */
		stance_date day = { 0 };
		stance_buf_clear(&date);
		if (pub->precision) {
			day = *pub;
		} else if (first) {
			stance_date_from_time(&day, first, 0);
		}
		if (pub->precision || first) {
			if (day.precision > STANCE_DATE_DAY)
				day.precision = STANCE_DATE_DAY;
			stance_date_format(&date, &day);
		}
		if (cli_table_row(st->table) < 0 || cli_table_cell(st->table, id, NULL) < 0 ||
		    cli_table_cell(st->table, kind ? kind : "-", NULL) < 0 ||
		    cli_table_cell(st->table, date.size ? date.ptr : "-", NULL) < 0 ||
		    cli_table_cellf(st->table, NULL, "%zu", revs) < 0 ||
		    (gone ? cli_table_cellf(st->table, NULL, "%s  (removed %s)", title ? title : "", gone)
			  : cli_table_cell(st->table, title ? title : "", NULL)) < 0) {
			cli_error("out of memory");
			error = STANCE_ERROR;
			goto done;
		}
	}
	fputs(stance_buf_cstr(&line), st->ctx->out);
	st->shown++;
done:
	stance_buf_dispose(&date);
	stance_buf_dispose(&line);
	return error < 0 ? error : 0;
}

/* The documents at HEAD: counted by the revision table, each shown as its
 * front matter says, which the cache keeps per blob (.git/stance-cache/front),
 * so no document's body is read twice. */
static int list_head(list_state *st)
{
	stance_history_document_list docs = { NULL, 0 };
	stance_revcache *cache = NULL;
	stance_buf front = STANCE_BUF_INIT, origin = STANCE_BUF_INIT;
	size_t i;
	int error;
	if ((error = stance_history_documents(&docs, st->repo)) < 0 ||
	    (error = stance_revcache_open(&cache, st->repo, NULL)) < 0)
		goto done;
	for (i = 0; i < docs.count && !error; i++) {
		const stance_history_document *d = &docs.items[i];
		stance_document *doc = NULL;
		stance_buf_clear(&front);
		stance_buf_clear(&origin);
		if ((error = stance_buf_printf(&origin, "%s@HEAD", d->id)) < 0 ||
		    (error = stance_revcache_front(&front, cache, d->blob, origin.ptr)) < 0 ||
		    (error = stance_document_parse(&doc, stance_buf_cstr(&front), front.size, origin.ptr)) < 0)
			break;
		error = show_document(st, d->id, doc, NULL, d);
		stance_document_free(doc);
	}
done:
	stance_revcache_close(cache);
	stance_history_document_list_free(&docs);
	stance_buf_dispose(&front);
	stance_buf_dispose(&origin);
	return error;
}

/* --all: the documents removed from HEAD, as their last text says, with
 * the day they went. */
static int list_removed(list_state *st)
{
	stance_revision_list removed = { NULL, 0 };
	size_t i;
	int error;
	if ((error = stance_history_removed(&removed, st->repo)) < 0)
		return error;
	for (i = 0; i < removed.count && !error; i++) {
		const stance_revision *r = &removed.items[i];
		stance_buf raw = STANCE_BUF_INIT, day = STANCE_BUF_INIT;
		stance_document *doc = NULL;
		stance_date d;
		stance_date_from_time(&d, r->time, r->tz_minutes);
		d.precision = STANCE_DATE_DAY;
		stance_date_format(&day, &d);
		if (r->prev_blob[0] && (error = stance_history_read_blob(&raw, st->repo, r->prev_blob)) == 0)
			error = stance_document_parse(&doc, stance_buf_cstr(&raw), raw.size, r->id);
		if (!error && !doc)
			error = stance_document_parse(&doc, "", 0, r->id);
		if (!error)
			error = show_document(st, r->id, doc, day.ptr, NULL);
		stance_document_free(doc);
		stance_buf_dispose(&raw);
		stance_buf_dispose(&day);
	}
	stance_revision_list_free(&removed);
	return error;
}

static const cli_option list_options[] = {
	{ 'k', "kind", 0, CLI_ARG_STRING, "KIND", "only documents of this kind (article, debate, editorial, blog, theme, other)", 0, 0 },
	{ 'o', "organization", 0, CLI_ARG_STRING, "ORG", "only documents of this organization (any case)", 0, 0 },
	CLI_OPTION_SINCE("documents published (else first seen)"),
	CLI_OPTION_UNTIL("documents published (else first seen)"),
	{ 'A', "all", 0, CLI_ARG_NONE, NULL, "also the documents removed from HEAD, with the day they went", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_list(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_revision_list history = { NULL, 0 };
	list_state st;
	cli_opt_parser p;
	int c, error, rc = CLI_OK, all = 0;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.repo = repo;
	st.history = &history;
	cli_opt_init(&p, &cmd_list_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'k': st.kind = p.value; break;
		case 'o': st.organization = p.value; break;
		case CLI_OPT_SINCE: st.since = stance_date_start(&p.date); break;
		case CLI_OPT_UNTIL: st.until = stance_date_end(&p.date); break;
		case CLI_OPT_JSON: st.json = 1; break;
		case 'A': all = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest > 0)
		return cli_usage_error(&cmd_list_entry, "unexpected argument '%s'", p.rest[0]);
	if (st.kind) {
		size_t i;
		for (i = 0; stance_document_kinds[i] && !cli_fold_equal(stance_document_kinds[i], st.kind); i++)
			;
		if (!stance_document_kinds[i])
			return cli_usage_error(&cmd_list_entry, "--kind: '%s' is not a kind (article, debate, "
				"editorial, blog, theme or other)", st.kind);
	}
	/* id and kind cut with "…" past their width; the title, last, is whole */
	if (!(st.table = cli_table_new(5, "  ", NULL)))
		return cli_error("out of memory");
	cli_table_limit(st.table, 0, 40);
	cli_table_limit(st.table, 1, 9);
	cli_table_align_right(st.table, 3);
	/* --all: one walk of the history counts the revisions of removed documents */
	if (all && (error = stance_history_list(&history, repo, NULL)) < 0) {
		cli_table_free(st.table);
		return cli_fail(error);
	}
	cli_pager_start(ctx);
	if (st.json)
		fputs("[", ctx->out);
	if ((error = list_head(&st)) < 0 ||
	    (all && (error = list_removed(&st)) < 0))
		rc = cli_fail(error);
	if (st.json)
		fputs(st.shown ? "\n]\n" : "]\n", ctx->out);
	else if (rc == CLI_OK)
		cli_table_print(st.table, ctx);
	cli_table_free(st.table);
	stance_revision_list_free(&history);
	return rc;
}

const cli_command cmd_list_entry = {
	.name = "list",
	.usage = "",
	.summary = "List the documents: id, kind, date, revisions and title.",
	.options = list_options,
	.needs_repo = 1,
	.run = run_list,
};
