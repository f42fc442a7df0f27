/*
 * site_origins.c: where each sentence of a document comes from, on its page
 * in the reading room: the revision that gave the sentence its wording and
 * the one where it first appeared, from the library's blame (blame.h), in a
 * column beside each sentence and in the sentence's tooltip, each revision
 * linked to its redline page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site_internal.h"
#include "stance/blame.h"
#include "stance/history.h"

static int cmp_rev_commit(const void *a, const void *b)
{
	const site_rev *const *x = a, *const *y = b;
	return strcmp((*x)->commit, (*y)->commit);
}

static int find_rev_commit(const void *key, const void *elem)
{
	const site_rev *const *r = elem;
	return strcmp(key, (*r)->commit);
}

/* "2020-03-01 (aa1c390)", the revision as the tooltip names it. */
static void name_revision(stance_buf *out, const stance_revision *r)
{
	char day[11];
	site_day(day, r->time, r->tz_minutes);
	stance_buf_printf(out, "%s (%.7s)", day, r->commit);
}

/* A cell naming revision r: its day, linked to its page when the site has
 * one (a re-extraction has none), and its short commit. */
static void put_revision_cell(stance_buf *out, const stance_revision *r, const site_rev *page,
	const char *before)
{
	char day[11];
	site_day(day, r->time, r->tz_minutes);
	stance_buf_puts(out, "<td>");
	stance_buf_puts(out, before);
	if (page)
		stance_buf_printf(out, "<a href=\"%s.html\"><time datetime=\"%s\">%s</time></a>", page->slug, day, day);
	else
		stance_buf_printf(out, "<time datetime=\"%s\">%s</time>", day, day);
	stance_buf_printf(out, " <code>%.7s</code></td>", r->commit);
}

static int find_doc_id(const void *key, const void *elem)
{
	return strcmp(key, ((const site_doc *)elem)->id);
}

int site_blame_revs_load(site_blame_revs *out, stance_repo *repo, const site_build *b)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	size_t k;
	int error;
	memset(out, 0, sizeof(*out));
	hopts.include_reextract = 1;
	if ((error = stance_history_list(&out->all, repo, &hopts)) < 0)
		return error;
	out->ndocs = b->ndocs;
	out->of = calloc(b->ndocs + 1, sizeof(*out->of));
	out->count = calloc(b->ndocs + 1, sizeof(*out->count));
	out->cap = calloc(b->ndocs + 1, sizeof(*out->cap));
	if (!out->of || !out->count || !out->cap) {
		site_blame_revs_free(out);
		return stance_error_oom();
	}
	/* newest first, as the history lists them */
	for (k = 0; k < out->all.count; k++) {
		const stance_revision *h = &out->all.items[k];
		const site_doc *d = bsearch(h->id, b->docs, b->ndocs, sizeof(*b->docs), find_doc_id);
		size_t at;
		if (!d)
			continue;
		at = (size_t)(d - b->docs);
		if (stance_array_grow(&out->of[at], &out->cap[at], out->count[at] + 1, sizeof(*out->of[at])) < 0) {
			site_blame_revs_free(out);
			return -1;
		}
		out->of[at][out->count[at]++] = h;
	}
	out->loaded = 1;
	return 0;
}

void site_blame_revs_free(site_blame_revs *r)
{
	size_t i;
	for (i = 0; r->of && i < r->ndocs; i++)
		free(r->of[i]);
	free(r->of);
	free(r->count);
	free(r->cap);
	stance_revision_list_free(&r->all);
	memset(r, 0, sizeof(*r));
}

int site_origins_html(stance_buf *out, stance_repo *repo, const site_doc *d,
	const stance_revision *const *revs, size_t nrevs)
{
	stance_blame bl;
	const site_rev **by_commit = NULL, **page = NULL;
	stance_buf tip = STANCE_BUF_INIT;
	size_t i;
	int error;

	if ((error = stance_blame_revisions(&bl, repo, revs, nrevs)) < 0)
		return error;
	by_commit = calloc(d->nrevs + 1, sizeof(*by_commit));
	page = calloc(bl.revisions.count + 1, sizeof(*page));
	if (!by_commit || !page) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < d->nrevs; i++)
		by_commit[i] = &d->revs[i];
	qsort(by_commit, d->nrevs, sizeof(*by_commit), cmp_rev_commit);
	for (i = 0; i < bl.revisions.count; i++) {
		const site_rev **hit = bsearch(bl.revisions.items[i].commit, by_commit, d->nrevs,
			sizeof(*by_commit), find_rev_commit);
		page[i] = hit ? *hit : NULL;
	}

	stance_buf_puts(out, "<section id=\"origins\" aria-labelledby=\"origins-h\">"
		"<h2 id=\"origins-h\">Where each sentence comes from</h2>\n"
		"<p class=\"note\">Each sentence as it reads now, beside the revision that gave it its wording "
		"and the one where it first appeared in any wording (as <code>stance blame</code> tells them; "
		"a re-wrapped or moved sentence keeps its revisions). Hover a sentence for both.</p>\n"
		"<table class=\"origins\"><thead><tr><th scope=\"col\">Sentence</th><th scope=\"col\">Worded</th>"
		"<th scope=\"col\">First appeared</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < bl.count; i++) {
		const stance_blame_sentence *s = &bl.sentences[i];
		const stance_revision *w = &bl.revisions.items[s->wording], *o = &bl.revisions.items[s->origin];
		int reworded = s->wording != s->origin;
		stance_buf_clear(&tip);
		stance_buf_puts(&tip, "Worded ");
		name_revision(&tip, w);
		if (reworded) {
			stance_buf_puts(&tip, s->restored ? ", brought back after it was removed; first appeared " :
				", reworded since it first appeared ");
			name_revision(&tip, o);
		}
		stance_buf_printf(out, "<tr data-wording=\"%.12s\" data-origin=\"%.12s\"><td><span class=\"sentence\" title=\"",
			w->commit, o->commit);
		site_esc(out, tip.ptr);
		stance_buf_puts(out, "\">");
		site_esc(out, s->text);
		stance_buf_puts(out, "</span></td>");
		put_revision_cell(out, w, page[s->wording], "");
		if (reworded)
			put_revision_cell(out, o, page[s->origin], s->restored ?
				"<span class=\"mark\" title=\"removed once, then brought back\">restored</span> " :
				"<span class=\"mark\" title=\"reworded since\">reworded</span> ");
		else
			stance_buf_puts(out, "<td class=\"same\">the same revision</td>");
		stance_buf_puts(out, "</tr>\n");
	}
	stance_buf_puts(out, "</tbody></table></section>\n");
	if (!out->ptr)
		error = stance_error_oom();
done:
	stance_buf_dispose(&tip);
	free(by_commit);
	free(page);
	stance_blame_free(&bl);
	return error;
}
