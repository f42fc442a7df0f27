/*
 * site_feeds.c: the Atom feeds (RFC 4287) of the changes, for the collection
 * (feed.atom), each organization (feeds/<organization>.atom) and each
 * document (<id>/feed.atom), one entry a revision; and each document's
 * Memento time map (RFC 7089, <id>/timemap.link) in link format (RFC 6690).
 * With a base URL the links are absolute; without one they are relative
 * to the file, which RFC 4287 and RFC 6690 both allow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site_internal.h"

#define P(s) stance_buf_puts(out, s)
#define E(s) site_esc(out, s)

/* The newest entries a collection or organization feed holds. */
#define FEED_ENTRIES 50

/* A link from a file `up` below the top ("../") to `rel`. */
static void put_url(stance_buf *out, site_build *b, const char *up, const char *rel)
{
	const char *base = b->opts->base_url;
	if (base) {
		E(base);
		if (*base && base[strlen(base) - 1] != '/')
			P("/");
	} else {
		P(up);
	}
	E(rel);
}

/* The permanent id of a thing of the site: under the base URL when there is
 * one, else a URN of the path. */
static void put_id(stance_buf *out, site_build *b, const char *rel)
{
	if (b->opts->base_url) {
		put_url(out, b, "", rel);
	} else {
		P("urn:stance-site:");
		E(rel);
	}
}

static void put_entry(stance_buf *out, site_build *b, const char *up, const site_change *c)
{
	char when[32];
	stance_buf rel = STANCE_BUF_INIT, title = STANCE_BUF_INIT;
	const site_rev *r = c->r;
	size_t npos = r->pos_added + r->pos_removed + r->pos_reworded;

	site_rfc3339(when, r->time, r->tz_minutes);
	stance_buf_printf(&rel, "%s/%s.html", c->d->id, r->slug);
	P("<entry>\n<id>");
	put_id(out, b, rel.ptr);
	P("</id>\n<title>");
	stance_buf_printf(&title, "%s: %s", c->d->title ? c->d->title : c->d->id, r->message);
	E(title.ptr);
	stance_buf_printf(out, "</title>\n<updated>%s</updated>\n<author><name>", when);
	E(*r->author ? r->author : "stance");
	P("</name></author>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_url(out, b, up, rel.ptr);
	P("\"/>\n");
	if (c->d->organization) {
		P("<category term=\"");
		E(c->d->organization);
		P("\"/>\n");
	}
	stance_buf_printf(out, "<summary type=\"text\">%zu position statement%s changed (%zu added, %zu removed, "
		"%zu reworded); %zu words added, %zu removed, %zu moved.", npos, npos == 1 ? "" : "s", r->pos_added,
		r->pos_removed, r->pos_reworded, r->added, r->removed, r->moved);
	if (r->pos_summary) {
		P("\n");
		E(r->pos_summary);
	}
	P("</summary>\n</entry>\n");
	stance_buf_dispose(&rel);
	stance_buf_dispose(&title);
}

/* A feed of `n` changes at `relpath`, `up` leading from it to the top;
 * `collection`: the collection's or an organization's, whose entries the
 * next build writes again from the cache. */
static int write_feed(site_build *b, const char *relpath, const char *up, const char *title,
	const site_change *c, size_t n, const char *html_rel, int collection)
{
	stance_buf out_ = STANCE_BUF_INIT, *out = &out_;
	char when[32];
	size_t i;
	int error;

	/* a feed's updated is its newest entry's, so an unchanged feed keeps its bytes */
	if (n)
		site_rfc3339(when, c[0].r->time, c[0].r->tz_minutes);
	else
		snprintf(when, sizeof(when), "%s", "1970-01-01T00:00:00+00:00");
	P("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>");
	put_id(out, b, relpath);
	P("</id>\n<title>");
	E(title);
	stance_buf_printf(out, "</title>\n<updated>%s</updated>\n<author><name>", when);
	E(b->title);
	P("</name></author>\n<generator version=\"" STANCE_VERSION "\">stance</generator>\n<link rel=\"self\" "
		"type=\"application/atom+xml\" href=\"");
	put_url(out, b, up, relpath);
	P("\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	put_url(out, b, up, html_rel);
	P("\"/>\n");
	for (i = 0; i < n; i++) {
		put_entry(out, b, up, &c[i]);
		/* the build owns its revisions; the changes lists only lend them */
		if (collection)
			((site_rev *)c[i].r)->in_feed = 1;
	}
	P("</feed>\n");
	error = out->ptr ? site_write(b, relpath, out->ptr, out->size) : stance_error_oom();
	stance_buf_dispose(out);
	return error;
}

int site_write_document_feed(site_build *b, const site_doc *d)
{
	site_change *c = malloc((d->nrevs + 1) * sizeof(*c));
	stance_buf rel = STANCE_BUF_INIT, up = STANCE_BUF_INIT, html = STANCE_BUF_INIT, title = STANCE_BUF_INIT;
	size_t i, n = 0;
	int error;
	if (!c)
		return stance_error_oom();
	for (i = d->nrevs; i-- > 0;)
		if (d->revs[i].time >= b->opts->since) {
			c[n].d = d;
			c[n++].r = &d->revs[i];
		}
	stance_buf_printf(&rel, "%s/feed.atom", d->id);
	stance_buf_printf(&html, "%s/index.html", d->id);
	stance_buf_printf(&title, "Changes of %s", d->title ? d->title : d->id);
	site_root(&up, d->id);
	error = write_feed(b, rel.ptr, up.ptr, title.ptr, c, n, html.ptr, 0);
	free(c);
	stance_buf_dispose(&rel);
	stance_buf_dispose(&up);
	stance_buf_dispose(&html);
	stance_buf_dispose(&title);
	return error;
}

int site_write_collection_feeds(site_build *b)
{
	site_change *c = NULL, *mine = NULL;
	size_t n, i, j, k;
	int error;
	stance_buf title = STANCE_BUF_INIT;

	if ((error = site_changes(&c, &n, b)) < 0)
		return error;
	stance_buf_printf(&title, "Changes in %s", b->title);
	error = write_feed(b, "feed.atom", "", title.ptr, c, n < FEED_ENTRIES ? n : FEED_ENTRIES, "changes.html", 1);
	if (!error && !(mine = malloc((n + 1) * sizeof(*mine))))
		error = stance_error_oom();
	/* one feed an organization, each written once: at its first document */
	for (i = 0; i < b->ndocs && !error; i++) {
		const char *org = b->docs[i].organization;
		stance_buf rel = STANCE_BUF_INIT;
		if (!org)
			continue;
		for (j = 0; j < i; j++)
			if (b->docs[j].organization && !strcmp(b->docs[j].organization, org))
				break;
		if (j < i)
			continue;
		for (j = 0, k = 0; j < n && k < FEED_ENTRIES; j++)
			if (c[j].d->organization && !strcmp(c[j].d->organization, org))
				mine[k++] = c[j];
		stance_buf_clear(&title);
		stance_buf_printf(&title, "Changes of %s", org);
		site_org_feed(&rel, org);
		error = write_feed(b, rel.ptr, "../", title.ptr, mine, k, "index.html", 1);
		stance_buf_dispose(&rel);
	}
	free(mine);
	free(c);
	stance_buf_dispose(&title);
	return error;
}

int site_write_timemap(site_build *b, const site_doc *d)
{
	stance_buf out_ = STANCE_BUF_INIT, *out = &out_, rel = STANCE_BUF_INIT, up = STANCE_BUF_INIT;
	char when[40], until[40];
	size_t i;
	int error;

	site_root(&up, d->id);
	/* the original resource: the page the document was taken from, else its page here */
	P("<");
	if (d->source) {
		E(d->source);
	} else {
		stance_buf_printf(&rel, "%s/index.html", d->id);
		put_url(out, b, up.ptr, rel.ptr);
	}
	P(">;rel=\"original\",\n<");
	stance_buf_clear(&rel);
	stance_buf_printf(&rel, "%s/timemap.link", d->id);
	put_url(out, b, up.ptr, rel.ptr);
	P(">;rel=\"self\";type=\"application/link-format\"");
	if (d->nrevs) {
		site_rfc1123(when, d->revs[0].time);
		site_rfc1123(until, d->revs[d->nrevs - 1].time);
		stance_buf_printf(out, ";from=\"%s\";until=\"%s\"", when, until);
	}
	for (i = 0; i < d->nrevs; i++) {
		const char *rel_kind = d->nrevs == 1 ? "first last memento" : i == 0 ? "first memento" :
			i + 1 == d->nrevs ? "last memento" : "memento";
		site_rfc1123(when, d->revs[i].time);
		P(",\n<");
		stance_buf_clear(&rel);
		stance_buf_printf(&rel, "%s/raw/%s.md", d->id, d->revs[i].slug);
		put_url(out, b, up.ptr, rel.ptr);
		stance_buf_printf(out, ">;rel=\"%s\";datetime=\"%s\";type=\"text/markdown\"", rel_kind, when);
	}
	P("\n");
	stance_buf_clear(&rel);
	stance_buf_printf(&rel, "%s/timemap.link", d->id);
	error = out->ptr ? site_write(b, rel.ptr, out->ptr, out->size) : stance_error_oom();
	stance_buf_dispose(out);
	stance_buf_dispose(&rel);
	stance_buf_dispose(&up);
	return error;
}
