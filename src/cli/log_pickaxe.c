/*
 * log_pickaxe.c: the pickaxe of `stance log` (log_pickaxe.h), on the
 * library's pickaxe.h.
 */
#include <stdlib.h>
#include <string.h>

#include "log_pickaxe.h"
#include "json_out.h"

void log_pickaxe_option(log_pickaxe *lp, int id, const char *value)
{
	if (id == 'S')
		lp->words = value;
	else if (id == 'G')
		lp->regex = value;
	else
		lp->positions = 1;
}

static long count_block(const char *text, size_t len, void *payload)
{
	return stance_pickaxe_count(payload, text, len);
}

int log_pickaxe_start(log_pickaxe *lp, const cli_command *cmd, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	if (lp->words && lp->regex)
		return cli_usage_error(cmd, "-S and -G cannot be combined");
	if (!lp->words && !lp->regex) {
		if (lp->positions)
			return cli_usage_error(cmd, "--positions needs -S or -G");
		return CLI_OK;
	}
	if (lp->positions) {
		if ((error = stance_buf_printf(&path, "%s.stance/positions", stance_repo_workdir(repo))) < 0 ||
		    (error = stance_positions_load(&lp->markers, path.ptr)) < 0) {
			stance_buf_dispose(&path);
			return cli_fail(error);
		}
		stance_buf_dispose(&path);
	}
	error = lp->words
		? stance_pickaxe_new(&lp->pk, STANCE_PICKAXE_WORDS, lp->words, 0, lp->markers)
		: stance_pickaxe_new(&lp->pk, STANCE_PICKAXE_REGEX, lp->regex, 0, lp->markers);
	/* -S: the search index says which texts hold TEXT how often (built
	 * when missing), so only the revisions whose count changed are read */
	if (!error && lp->words && !lp->positions) {
		/* an index that cannot be made (a read-only .git): every text scanned */
		if (stance_search_phrase_counts(&lp->counts, repo, lp->words, count_block, lp->pk) == 0)
			stance_history_walk_begin(&lp->walk);
		else
			lp->counts = NULL;
	}
	return error < 0 ? cli_fail(error) : CLI_OK;
}

int log_pickaxe_documents(log_pickaxe *lp, stance_repo *repo, int n, char **names)
{
	int i, error;
	if (!(lp->ids = calloc((size_t)n, sizeof(char *))))
		return cli_error("out of memory");
	for (i = 0; i < n; i++) {
		stance_buf id = STANCE_BUF_INIT;
		if ((error = stance_store_resolve_id(&id, repo, names[i])) < 0)
			return cli_fail(error);
		lp->ids[lp->nids++] = stance_buf_detach(&id);
	}
	return CLI_OK;
}

int log_pickaxe_words(size_t *added, size_t *removed, const char *old_blob, const char *new_blob, void *payload)
{
	log_pickaxe *lp = payload;
	int error;
	if (!lp->counts)
		return 0;
	error = stance_search_counts_words(added, removed, lp->counts, old_blob, new_blob);
	return error == STANCE_ENOTFOUND ? 0 : error < 0 ? error : 1;
}

/* The matches of each paragraph of text `blob`, in order, into *parts:
 * each distinct paragraph is read from the index and cut once a run (the
 * pickaxe remembers it), however many texts hold it. */
static int text_parts(log_pickaxe *lp, const char *blob, const stance_pickaxe_hit_list ***parts,
	size_t *alloc, size_t *count)
{
	size_t i, n;
	int error;
	*count = 0;
	if ((error = stance_search_counts_paragraphs(&lp->para_ids, &lp->para_alloc, &n, lp->counts, blob)) < 0)
		return error;
	if (n && stance_array_grow(parts, alloc, n, sizeof(**parts)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const stance_pickaxe_hit_list *h = stance_pickaxe_paragraph_seen(lp->pk, lp->para_ids[i]);
		const char *text;
		size_t len;
		if (!h && ((error = stance_search_counts_paragraph(&text, &len, lp->counts, lp->para_ids[i])) < 0 ||
			   (error = stance_pickaxe_paragraph(&h, lp->pk, lp->para_ids[i], text, len)) < 0))
			return error;
		(*parts)[(*count)++] = h;
	}
	return 0;
}

int log_pickaxe_match(log_pickaxe *lp, stance_repo *repo, const stance_revision *r)
{
	size_t i;
	int error;
	if (!lp->pk)
		return 1;
	if (lp->nids) {
		for (i = 0; i < lp->nids && strcmp(lp->ids[i], r->id); i++)
			;
		if (i == lp->nids)
			return 0;
	}
	stance_pickaxe_change_free(&lp->last);
	if (lp->counts) {
		if (stance_search_counts_get(lp->counts, r->prev_blob) ==
		    stance_search_counts_get(lp->counts, r->removed ? "" : r->blob))
			return 0;
		/* the sentences from the index's paragraphs, which cut alone as
		 * inside their bodies; the blobs only for a text it does not hold
		 * whole or that has a code fence */
		error = text_parts(lp, r->prev_blob, &lp->old_parts, &lp->old_alloc, &lp->nold);
		if (!error)
			error = text_parts(lp, r->removed ? "" : r->blob, &lp->new_parts, &lp->new_alloc, &lp->nnew);
		if (!error)
			error = stance_pickaxe_paragraphs_change(&lp->last, lp->old_parts, lp->nold, lp->new_parts, lp->nnew);
		else if (error == STANCE_ENOTFOUND)
			error = stance_pickaxe_revision_sentences(&lp->last, lp->pk, repo, r);
		return error < 0 ? error : 1;
	}
	if ((error = stance_pickaxe_revision(&lp->last, lp->pk, repo, r)) < 0)
		return error;
	return lp->last.changed;
}

static void print_hits(cli_context *ctx, const stance_pickaxe_hit_list *l, const char *sign, const char *color)
{
	size_t i;
	for (i = 0; i < l->count; i++)
		fprintf(ctx->out, "    %s%s %s%s\n", cli_color(ctx, color), sign, l->items[i].text,
			cli_color(ctx, "\033[0m"));
}

void log_pickaxe_print(const log_pickaxe *lp, cli_context *ctx)
{
	if (!lp->pk)
		return;
	print_hits(ctx, &lp->last.before, "-", "\033[31m");
	print_hits(ctx, &lp->last.after, "+", "\033[32m");
}

static json_t *hits_json(const stance_pickaxe_hit_list *l)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < l->count; i++)
		json_array_append_new(a, cli_json_str(l->items[i].text));
	return a;
}

json_t *log_pickaxe_json(const log_pickaxe *lp, json_t *o)
{
	if (!lp->pk || !o)
		return o;
	json_object_set_new(o, "before", hits_json(&lp->last.before));
	json_object_set_new(o, "after", hits_json(&lp->last.after));
	return o;
}

void log_pickaxe_dispose(log_pickaxe *lp)
{
	size_t i;
	stance_pickaxe_change_free(&lp->last);
	stance_pickaxe_free(lp->pk);
	if (lp->counts)
		stance_history_walk_end(&lp->walk);
	stance_search_counts_free(lp->counts);
	lp->counts = NULL;
	free(lp->para_ids);
	free(lp->old_parts);
	free(lp->new_parts);
	lp->para_ids = NULL;
	lp->old_parts = lp->new_parts = NULL;
	lp->para_alloc = lp->old_alloc = lp->new_alloc = lp->nold = lp->nnew = 0;
	stance_positions_free(lp->markers);
	for (i = 0; i < lp->nids; i++)
		free(lp->ids[i]);
	free(lp->ids);
	lp->pk = NULL;
	lp->markers = NULL;
	lp->ids = NULL;
	lp->nids = 0;
}
