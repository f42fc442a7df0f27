/*
 * site_pages.c: the site's HTML pages: the collection's index (filters,
 * sorting and search in site.js over search-index.js), a document's page
 * with its provenance and timeline, a revision's redline with its
 * neighbours and the chooser, the positions' lives, and the changes by
 * month. Every page links only inside the site and works from file://.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "site_internal.h"

#define P(s) stance_buf_puts(out, s)
#define E(s) site_esc(out, s)

int site_page_begin(stance_buf *out, site_build *b, const char *root, const char *lang,
	const char *title, const char *extra_head)
{
	P("<!DOCTYPE html>\n<html lang=\"");
	E(lang ? lang : b->language);
	P("\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		/* no icon: a browser would otherwise ask the host for /favicon.ico */
		"<link rel=\"icon\" href=\"data:,\">\n<title>");
	E(title);
	P(" · ");
	E(b->title);
	stance_buf_printf(out, "</title>\n<link rel=\"stylesheet\" href=\"%ssite.css\">\n"
		"<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes\" href=\"%sfeed.atom\">\n",
		root, root);
	if (extra_head)
		P(extra_head);
	P("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the content</a>\n<header class=\"site\">");
	stance_buf_printf(out, "<a class=\"home\" href=\"%sindex.html\">", root);
	E(b->title);
	return stance_buf_printf(out, "</a>\n<nav aria-label=\"Site\"><a href=\"%sindex.html\">Documents</a> "
		"<a href=\"%schanges.html\">Changes</a> <a href=\"%sfeed.atom\">Feed</a></nav></header>\n"
		"<main id=\"main\">\n", root, root, root);
}

int site_page_end(stance_buf *out, const char *root, int search)
{
	P("</main>\n<footer class=\"site\">Built by stance " STANCE_VERSION
		" from the history of the documents.</footer>\n");
	if (search)
		stance_buf_printf(out, "<script src=\"%ssearch-index.js\"></script>\n", root);
	return stance_buf_printf(out, "<script src=\"%ssite.js\"></script>\n</body>\n</html>\n", root);
}

/* A link to a URL from a document (its source): only http(s) is a link,
 * anything else (a javascript: URL, say) is shown as text. */
static void put_source(stance_buf *out, const char *url)
{
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		E(url);
		return;
	}
	P("<a class=\"external\" rel=\"nofollow\" href=\"");
	E(url);
	P("\">");
	E(url);
	P("</a>");
}

static int finish(site_build *b, stance_buf *out, const char *relpath)
{
	int error = out->ptr ? site_write(b, relpath, out->ptr, out->size) : stance_error_oom();
	stance_buf_dispose(out);
	return error;
}

static const char *title_of(const site_doc *d)
{
	return d->title ? d->title : d->id;
}

/* "+12 −3 ↔40" of a revision. */
static void put_words(stance_buf *out, const site_rev *r)
{
	stance_buf_printf(out, "<span class=\"words\"><span class=\"w-add\" title=\"words added\">+%zu</span> "
		"<span class=\"w-del\" title=\"words removed\">−%zu</span> "
		"<span class=\"w-mov\" title=\"words moved\">↔%zu</span></span>", r->added, r->removed, r->moved);
}

static void put_positions(stance_buf *out, const site_rev *r)
{
	size_t n = r->pos_added + r->pos_removed + r->pos_reworded;
	if (!n) {
		P("<span class=\"pos none\">none</span>");
		return;
	}
	stance_buf_printf(out, "<span class=\"pos\">%zu", n);
	if (r->pos_added)
		stance_buf_printf(out, " <span class=\"p-add\">%zu added</span>", r->pos_added);
	if (r->pos_removed)
		stance_buf_printf(out, " <span class=\"p-del\">%zu removed</span>", r->pos_removed);
	if (r->pos_reworded)
		stance_buf_printf(out, " <span class=\"p-rew\">%zu reworded</span>", r->pos_reworded);
	P("</span>");
}

static void put_field(stance_buf *out, const char *name, const char *value)
{
	if (!value)
		return;
	P("<dt>");
	E(name);
	P("</dt><dd>");
	E(value);
	P("</dd>\n");
}

int site_write_document_page(site_build *b, const site_doc *d, const char *body_html,
	const char *origins_html, const site_position_life *lives, size_t nlives)
{
	stance_buf out_ = STANCE_BUF_INIT, *out = &out_, root = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	size_t i, current = 0;
	int error;
	char day[11];

	site_root(&root, d->id);
	for (i = 0; i < nlives; i++)
		current += !lives[i].gone;
	site_page_begin(out, b, root.ptr, d->language, title_of(d),
		"<link rel=\"alternate\" type=\"application/atom+xml\" title=\"This document's changes\" href=\"feed.atom\">\n"
		"<link rel=\"timemap\" type=\"application/link-format\" href=\"timemap.link\">\n");
	stance_buf_printf(out, "<nav class=\"crumbs\" aria-label=\"Breadcrumbs\"><a href=\"%sindex.html\">Documents</a> › ",
		root.ptr);
	E(d->id);
	P("</nav>\n<h1>");
	E(title_of(d));
	P("</h1>\n<dl class=\"meta\">\n");
	put_field(out, "Id", d->id);
	put_field(out, "Kind", d->kind);
	put_field(out, "Organization", d->organization);
	put_field(out, "Publication", d->publication);
	put_field(out, "Published", d->published);
	put_field(out, "Authors", d->authors);
	put_field(out, "Language", d->language);
	if (d->source) {
		P("<dt>Source</dt><dd>");
		put_source(out, d->source);
		P("</dd>\n");
	}
	stance_buf_printf(out, "</dl>\n<p class=\"links\"><a href=\"positions.html\">Positions (%zu current, %zu in all)</a> "
		"<a href=\"%s.html\">Latest change</a>%s <a href=\"feed.atom\">Feed of this document</a> "
		"<a href=\"timemap.link\">Time map</a></p>\n", current, nlives, d->nrevs ? d->revs[d->nrevs - 1].slug : "",
		d->nrevs > 2 ? " <a href=\"compare.html\">First ↔ latest</a>" : "");

	stance_buf_printf(out, "<section id=\"timeline\" aria-labelledby=\"timeline-h\"><h2 id=\"timeline-h\">Timeline</h2>\n"
		"<table class=\"timeline\"><caption>%zu revision%s, newest first</caption>\n<thead><tr><th scope=\"col\">Date</th>"
		"<th scope=\"col\">Author</th><th scope=\"col\">Message</th><th scope=\"col\">Words</th>"
		"<th scope=\"col\">Positions changed</th></tr></thead>\n<tbody>\n", d->nrevs, d->nrevs == 1 ? "" : "s");
	for (i = d->nrevs; i-- > 0;) {
		const site_rev *r = &d->revs[i];
		site_day(day, r->time, r->tz_minutes);
		stance_buf_printf(out, "<tr><td><a href=\"%s.html\"><time datetime=\"%s\">%s</time></a></td><td>", r->slug, day,
			day);
		E(r->author);
		P("</td><td>");
		E(r->message);
		P("</td><td>");
		put_words(out, r);
		P("</td><td>");
		put_positions(out, r);
		P("</td></tr>\n");
	}
	P("</tbody></table></section>\n");

	P("<section id=\"provenance\" aria-labelledby=\"prov-h\"><h2 id=\"prov-h\">Provenance</h2>\n<ul class=\"provenance\">\n");
	for (i = d->nrevs; i-- > 0;) {
		const site_rev *r = &d->revs[i];
		site_day(day, r->time, r->tz_minutes);
		stance_buf_printf(out, "<li><strong>%s</strong> (commit <code>%.12s</code>): <a href=\"raw/%s.md\">the text as stored</a>",
			day, r->commit, r->slug);
		if (r->snapshot_ext)
			stance_buf_printf(out, ", <a href=\"raw/%s.%s\">the page as fetched</a>", r->slug, r->snapshot_ext);
		if (r->source) {
			P(", from ");
			put_source(out, r->source);
		}
		if (r->fetched_at) {
			P(", fetched at <time>");
			E(r->fetched_at);
			P("</time>");
		}
		P("</li>\n");
	}
	P("</ul></section>\n<section id=\"text\" aria-labelledby=\"text-h\"><h2 id=\"text-h\">The document as it reads now</h2>\n"
		"<article class=\"document\">\n");
	P(body_html);
	P("</article></section>\n");
	P(origins_html);
	site_page_end(out, root.ptr, 0);
	stance_buf_printf(&path, "%s/index.html", d->id);
	error = finish(b, out, path.ptr);
	stance_buf_dispose(&root);
	stance_buf_dispose(&path);
	return error;
}

/* The part of a rendered redline page between `open` and `close`. */
static int cut(stance_buf *out, const char *html, const char *open, const char *close)
{
	const char *a = strstr(html, open), *z;
	if (!a)
		return 0;
	a += strlen(open);
	z = strstr(a, close);
	return z ? stance_buf_put(out, a, (size_t)(z - a)) : 0;
}

int site_write_revision_page(site_build *b, const site_doc *d, size_t i, size_t from,
	const char *redline_html, const char *name)
{
	stance_buf out_ = STANCE_BUF_INIT, *out = &out_, root = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	stance_buf head = STANCE_BUF_INIT, title = STANCE_BUF_INIT;
	const site_rev *r = &d->revs[i];
	size_t k;
	int error;

	site_root(&root, d->id);
	stance_buf_puts(&head, "<style>");
	{
		/* the redline's styles, but for its page's body: the site's own holds */
		stance_buf st = STANCE_BUF_INIT;
		const char *css;
		cut(&st, redline_html, "<style>", "</style>");
		css = stance_buf_cstr(&st);
		if (!strncmp(css, "body{", 5) && strchr(css, '}'))
			css = strchr(css, '}') + 1;
		stance_buf_puts(&head, css);
		stance_buf_dispose(&st);
	}
	stance_buf_puts(&head, "</style>\n");
	if (from == SIZE_MAX)
		stance_buf_printf(&title, "%s, first revision %s", title_of(d), r->slug);
	else
		stance_buf_printf(&title, "%s: %s → %s", title_of(d), d->revs[from].slug, r->slug);
	site_page_begin(out, b, root.ptr, d->language, title.ptr, head.ptr);
	stance_buf_printf(out, "<nav class=\"crumbs\" aria-label=\"Breadcrumbs\"><a href=\"%sindex.html\">Documents</a> › "
		"<a href=\"index.html\">", root.ptr);
	E(title_of(d));
	stance_buf_printf(out, "</a> › %s</nav>\n<nav class=\"revnav\" aria-label=\"Revisions\">", r->slug);
	/* previous and next revision of this document */
	if (i > 0)
		stance_buf_printf(out, "<a rel=\"prev\" href=\"%s.html\">← Previous revision (%s)</a> ", d->revs[i - 1].slug,
			d->revs[i - 1].slug);
	stance_buf_printf(out, "<a href=\"index.html#timeline\">Timeline</a> <a href=\"positions.html\">Positions</a>");
	if (i + 1 < d->nrevs && !strcmp(name + strlen(name) - 5, ".html") && strcmp(name, "compare.html"))
		stance_buf_printf(out, " <a rel=\"next\" href=\"%s.html\">Next revision (%s) →</a>", d->revs[i + 1].slug,
			d->revs[i + 1].slug);
	P("</nav>\n");
	/* the chooser: the pre-rendered pairs are each revision against the one
	 * before and the first against the latest; site.js goes to the page of
	 * the pair chosen, and without a script the list of them serves */
	P("<form class=\"chooser\" id=\"chooser\" data-revs=\"");
	for (k = 0; k < d->nrevs; k++)
		stance_buf_printf(out, "%s%s", k ? " " : "", d->revs[k].slug);
	P("\"><fieldset><legend>Compare two revisions</legend><label>From <select name=\"from\">");
	for (k = 0; k < d->nrevs; k++)
		stance_buf_printf(out, "<option%s>%s</option>", from != SIZE_MAX && k == from ? " selected" : "",
			d->revs[k].slug);
	P("</select></label> <label>to <select name=\"to\">");
	for (k = 0; k < d->nrevs; k++)
		stance_buf_printf(out, "<option%s>%s</option>", k == i ? " selected" : "", d->revs[k].slug);
	P("</select></label> <button type=\"submit\">Compare</button> <span class=\"chooser-note\" role=\"status\"></span>"
		"</fieldset><details><summary>Every comparison on this site</summary><ul>");
	for (k = 0; k < d->nrevs; k++)
		if (k)
			stance_buf_printf(out, "<li><a href=\"%s.html\">%s → %s</a></li>", d->revs[k].slug, d->revs[k - 1].slug,
				d->revs[k].slug);
		else
			stance_buf_printf(out, "<li><a href=\"%s.html\">%s (first)</a></li>", d->revs[k].slug, d->revs[k].slug);
	if (d->nrevs > 2)
		stance_buf_printf(out, "<li><a href=\"compare.html\">%s → %s (first ↔ latest)</a></li>", d->revs[0].slug,
			d->revs[d->nrevs - 1].slug);
	P("</ul></details></form>\n<div class=\"redline\">\n");
	cut(out, redline_html, "<body>\n", "</body>");
	P("</div>\n");
	site_page_end(out, root.ptr, 0);
	stance_buf_printf(&path, "%s/%s", d->id, name);
	error = finish(b, out, path.ptr);
	stance_buf_dispose(&root);
	stance_buf_dispose(&path);
	stance_buf_dispose(&head);
	stance_buf_dispose(&title);
	return error;
}

int site_write_positions_page(site_build *b, const site_doc *d, const site_position_life *lives, size_t nlives)
{
	stance_buf out_ = STANCE_BUF_INIT, *out = &out_, root = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	stance_buf title = STANCE_BUF_INIT;
	size_t i;
	int error;

	site_root(&root, d->id);
	stance_buf_printf(&title, "Positions of %s", title_of(d));
	site_page_begin(out, b, root.ptr, d->language, title.ptr, NULL);
	stance_buf_printf(out, "<nav class=\"crumbs\" aria-label=\"Breadcrumbs\"><a href=\"%sindex.html\">Documents</a> › "
		"<a href=\"index.html\">", root.ptr);
	E(title_of(d));
	P("</a> › Positions</nav>\n<h1>");
	E(title.ptr);
	stance_buf_printf(out, "</h1>\n<p>Each position statement (a sentence that takes a stance) and its life: when it "
		"appeared, each rewording, and when it was removed. %zu in all.</p>\n<ol class=\"lives\">\n", nlives);
	for (i = 0; i < nlives; i++) {
		stance_buf_printf(out, "<li class=\"%s\"><p class=\"statement\">", lives[i].gone ? "gone" : "current");
		E(lives[i].text);
		stance_buf_printf(out, " <span class=\"state\">(%s)</span></p><ol class=\"events\">", lives[i].gone ?
			"removed" : "current");
		P(stance_buf_cstr(&lives[i].events));
		P("</ol></li>\n");
	}
	P("</ol>\n");
	site_page_end(out, root.ptr, 0);
	stance_buf_printf(&path, "%s/positions.html", d->id);
	error = finish(b, out, path.ptr);
	stance_buf_dispose(&root);
	stance_buf_dispose(&path);
	stance_buf_dispose(&title);
	return error;
}

static int cmp_str(const void *a, const void *c)
{
	return strcmp(*(char *const *)a, *(char *const *)c);
}

/* The distinct values of a field over the documents, sorted, as <option>s. */
static void options_of(stance_buf *out, site_build *b, size_t offset)
{
	char **v = malloc((b->ndocs + 1) * sizeof(*v));
	size_t i, n = 0;
	if (!v)
		return;
	for (i = 0; i < b->ndocs; i++) {
		char *s = *(char **)((char *)&b->docs[i] + offset);
		if (s)
			v[n++] = s;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1])) {
			P("<option>");
			E(v[i]);
			P("</option>");
		}
	free(v);
}

int site_write_index(site_build *b)
{
	stance_buf out_ = STANCE_BUF_INIT, *out = &out_;
	size_t i;
	int error, first_year = 9999, last_year = 0, y;
	char day[11];

	for (i = 0; i < b->ndocs; i++) {
		const site_doc *d = &b->docs[i];
		if (!d->nrevs)
			continue;
		site_day(day, d->revs[d->nrevs - 1].time, d->revs[d->nrevs - 1].tz_minutes);
		y = (int)strtol(day, NULL, 10);
		first_year = y < first_year ? y : first_year;
		last_year = y > last_year ? y : last_year;
	}
	site_page_begin(out, b, "", "en", "Documents", NULL);
	P("<h1>");
	E(b->title);
	stance_buf_printf(out, "</h1>\n<form class=\"filters\" id=\"filters\" role=\"search\">\n"
		"<label>Search <input type=\"search\" id=\"q\" name=\"q\" placeholder=\"words of the title or the text\"></label>\n"
		"<label>Kind <select id=\"f-kind\"><option value=\"\">any</option>");
	options_of(out, b, offsetof(site_doc, kind));
	P("</select></label>\n<label>Organization <select id=\"f-org\"><option value=\"\">any</option>");
	options_of(out, b, offsetof(site_doc, organization));
	P("</select></label>\n<label>Changed from <select id=\"f-from\"><option value=\"\">any year</option>");
	for (y = first_year; y <= last_year; y++)
		stance_buf_printf(out, "<option>%d</option>", y);
	P("</select></label>\n<label>to <select id=\"f-to\"><option value=\"\">any year</option>");
	for (y = first_year; y <= last_year; y++)
		stance_buf_printf(out, "<option>%d</option>", y);
	stance_buf_printf(out, "</select></label>\n</form>\n<p id=\"count\" role=\"status\" aria-live=\"polite\">%zu documents</p>\n"
		"<table class=\"docs\" id=\"docs\">\n<thead><tr>"
		"<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-sort=\"title\">Document</button></th>"
		"<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-sort=\"kind\">Kind</button></th>"
		"<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-sort=\"org\">Organization</button></th>"
		"<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-sort=\"pub\">Publication</button></th>"
		"<th scope=\"col\" aria-sort=\"descending\"><button type=\"button\" data-sort=\"date\">Latest revision</button></th>"
		"<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-sort=\"revs\" data-num=\"1\">Revisions</button></th>"
		"<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" data-sort=\"pos\" data-num=\"1\">Position changes</button></th>"
		"</tr></thead>\n<tbody>\n", b->ndocs);
	/* newest first */
	{
		size_t *order = malloc((b->ndocs + 1) * sizeof(*order)), a, c;
		if (!order) {
			stance_buf_dispose(out);
			return stance_error_oom();
		}
		for (a = 0; a < b->ndocs; a++)
			order[a] = a;
		for (a = 1; a < b->ndocs; a++) /* insertion sort on the latest time, stable */
			for (c = a; c > 0; c--) {
				const site_doc *x = &b->docs[order[c - 1]], *z = &b->docs[order[c]];
				int64_t tx = x->nrevs ? x->revs[x->nrevs - 1].time : 0, tz = z->nrevs ? z->revs[z->nrevs - 1].time : 0;
				size_t t;
				if (tx >= tz)
					break;
				t = order[c - 1];
				order[c - 1] = order[c];
				order[c] = t;
			}
		for (a = 0; a < b->ndocs; a++) {
			const site_doc *d = &b->docs[order[a]];
			const site_rev *r = d->nrevs ? &d->revs[d->nrevs - 1] : NULL;
			size_t pc = site_doc_position_changes(d);
			if (r)
				site_day(day, r->time, r->tz_minutes);
			else
				snprintf(day, sizeof(day), "%s", "");
			/* a row is kept small (the script reads the cells): a collection of
			 * 1,000 documents stays under 200 KB */
			P("<tr><td><a href=\"");
			E(d->id);
			P("/index.html\">");
			E(title_of(d));
			P("</a></td><td>");
			E(d->kind);
			P("</td><td>");
			E(d->organization);
			P("</td><td>");
			E(d->publication);
			stance_buf_printf(out, "</td><td>%s</td><td>%zu</td><td>%zu</td></tr>\n", day, d->nrevs, pc);
		}
		free(order);
	}
	P("</tbody></table>\n");
	site_page_end(out, "", 1);
	error = finish(b, out, "index.html");
	return error;
}

static int change_newest_first(const void *a, const void *c)
{
	const site_change *x = a, *z = c;
	if (x->r->time != z->r->time)
		return x->r->time < z->r->time ? 1 : -1;
	return strcmp(x->d->id, z->d->id);
}

static void put_change(stance_buf *out, const site_change *c)
{
	char day[11];
	site_day(day, c->r->time, c->r->tz_minutes);
	stance_buf_printf(out, "<li><time datetime=\"%s\">%s</time> <a href=\"", day, day);
	E(c->d->id);
	stance_buf_printf(out, "/%s.html\">", c->r->slug);
	E(title_of(c->d));
	P("</a>");
	if (c->d->organization) {
		P(" <span class=\"org\">(");
		E(c->d->organization);
		P(")</span>");
	}
	P(": ");
	E(c->r->message);
	P(" ");
	put_words(out, c->r);
	P(" positions: ");
	put_positions(out, c->r);
	P("</li>\n");
}

int site_changes(site_change **out, size_t *nout, site_build *b)
{
	size_t i, k, n = 0;
	site_change *c;
	for (i = 0; i < b->ndocs; i++)
		n += b->docs[i].nrevs;
	if (!(c = malloc((n + 1) * sizeof(*c))))
		return stance_error_oom();
	n = 0;
	for (i = 0; i < b->ndocs; i++)
		for (k = 0; k < b->docs[i].nrevs; k++)
			if (b->docs[i].revs[k].time >= b->opts->since) {
				c[n].d = &b->docs[i];
				c[n++].r = &b->docs[i].revs[k];
			}
	qsort(c, n, sizeof(*c), change_newest_first);
	*out = c;
	*nout = n;
	return 0;
}

int site_write_changes(site_build *b)
{
	site_change *c = NULL;
	size_t n, i, j, m, nmonths = 0;
	char (*months)[8] = NULL;
	int error;

	if ((error = site_changes(&c, &n, b)) < 0)
		return error;
	if (!(months = malloc((n + 1) * sizeof(*months)))) {
		free(c);
		return stance_error_oom();
	}
	for (i = 0; i < n; i++) {
		char day[11];
		site_day(day, c[i].r->time, c[i].r->tz_minutes);
		if (!nmonths || strncmp(months[nmonths - 1], day, 7))
			snprintf(months[nmonths++], 8, "%.7s", day);
	}
	/* changes.html is the newest month; changes-YYYY-MM.html each month */
	for (m = 0, i = 0; (m < nmonths || (m == 0 && nmonths == 0)) && !error; m++) {
		stance_buf out_ = STANCE_BUF_INIT, *out = &out_, name = STANCE_BUF_INIT, title = STANCE_BUF_INIT;
		if (nmonths)
			stance_buf_printf(&title, "Changes in %s", months[m]);
		else
			stance_buf_puts(&title, "Changes");
		site_page_begin(out, b, "", "en", title.ptr, NULL);
		P("<h1>");
		E(title.ptr);
		P("</h1>\n<nav class=\"months\" aria-label=\"Months\"><ul>");
		for (j = 0; j < nmonths; j++)
			if (j == m)
				stance_buf_printf(out, "<li><strong aria-current=\"page\">%s</strong></li>", months[j]);
			else
				stance_buf_printf(out, "<li><a href=\"changes-%s.html\">%s</a></li>", months[j], months[j]);
		P("</ul></nav>\n<ol class=\"changes\">\n");
		for (; i < n; i++) {
			char day[11];
			site_day(day, c[i].r->time, c[i].r->tz_minutes);
			if (strncmp(day, months[m], 7))
				break;
			put_change(out, &c[i]);
		}
		P("</ol>\n<nav class=\"revnav\" aria-label=\"Pages\">");
		if (m + 1 < nmonths)
			stance_buf_printf(out, "<a rel=\"next\" href=\"changes-%s.html\">Older: %s</a> ", months[m + 1], months[m + 1]);
		if (m > 0)
			stance_buf_printf(out, "<a rel=\"prev\" href=\"changes-%s.html\">Newer: %s</a>", months[m - 1], months[m - 1]);
		P("</nav>\n");
		site_page_end(out, "", 0);
		if (m == 0 && out->ptr)
			error = site_write(b, "changes.html", out->ptr, out->size);
		if (!error && nmonths) {
			stance_buf_printf(&name, "changes-%s.html", months[m]);
			error = finish(b, out, name.ptr);
		} else {
			stance_buf_dispose(out);
		}
		stance_buf_dispose(&name);
		stance_buf_dispose(&title);
		if (!nmonths)
			break;
	}
	free(months);
	free(c);
	return error;
}
