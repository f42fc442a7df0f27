/*
 * site.c: `stance site`'s build: the documents and revisions of HEAD read
 * through history, each changed document's pages written (site_pages.c,
 * site_feeds.c), then the collection's indexes and feeds. What a build
 * learnt of each document is kept in OUT/.stance-site.json, so the next
 * build writes again only the documents with a new revision.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <jansson.h>

#include "site_internal.h"
#include "canonical.h"
#include "embedded.h"
#include "stance/diff.h"
#include "stance/history.h"
#include "stance/render.h"
#include "stance/store.h"

#define CACHE_NAME ".stance-site.json"
/* Bumped when the pages' markup changes, so an old site is rebuilt whole. */
#define SITE_FORMAT 11

/* ---- small helpers the page files share ---- */

int site_esc(stance_buf *out, const char *s)
{
	const char *run;
	int error = 0;
	if (!s)
		return 0;
	for (run = s; *s && !error; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				rep = " ";
		}
		if (rep) {
			if ((error = stance_buf_put(out, run, (size_t)(s - run))) == 0)
				error = stance_buf_puts(out, rep);
			run = s + 1;
		}
	}
	return error ? error : stance_buf_put(out, run, (size_t)(s - run));
}

int site_root(stance_buf *out, const char *id)
{
	int error = stance_buf_puts(out, "../");
	for (; *id && !error; id++)
		if (*id == '/')
			error = stance_buf_puts(out, "../");
	return error;
}

void site_day(char out[11], int64_t t, int tz_minutes)
{
	time_t s = (time_t)(t + (int64_t)tz_minutes * 60);
	struct tm tm;
	char tmp[64];
	gmtime_r(&s, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

void site_rfc3339(char out[32], int64_t t, int tz_minutes)
{
	time_t s = (time_t)(t + (int64_t)tz_minutes * 60);
	struct tm tm;
	int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	char tmp[96];
	gmtime_r(&s, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (tm.tm_year + 1900) % 10000,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tz_minutes < 0 ? '-' : '+',
		(off / 60) % 100, off % 60);
	tmp[31] = '\0';
	memcpy(out, tmp, 32);
}

void site_rfc1123(char out[40], int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec" };
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
		months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int site_org_feed(stance_buf *out, const char *organization)
{
	stance_buf slug = STANCE_BUF_INIT;
	int error = stance_slugify(&slug, organization);
	if (!error)
		error = stance_buf_printf(out, "feeds/%s.atom", slug.size ? slug.ptr : "unnamed");
	stance_buf_dispose(&slug);
	return error;
}

size_t site_doc_position_changes(const site_doc *d)
{
	size_t i, n = 0;
	for (i = 0; i < d->nrevs; i++)
		n += d->revs[i].pos_added + d->revs[i].pos_removed + d->revs[i].pos_reworded;
	return n;
}

int site_write(site_build *b, const char *relpath, const char *data, size_t len)
{
	stance_buf path = STANCE_BUF_INIT, old = STANCE_BUF_INIT;
	struct stat st;
	int error;
	if ((error = stance_buf_printf(&path, "%s%s", b->out, relpath)) < 0)
		return error;
	/* the same bytes: the file (and its time) stays, which is what a static
	 * host's upload and a browser's cache go by */
	if (stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len &&
	    stance_file_read(&old, path.ptr) == 0 && old.size == len && (!len || !memcmp(old.ptr, data, len))) {
		stance_buf_dispose(&old);
		stance_buf_dispose(&path);
		return 0;
	}
	stance_buf_dispose(&old);
	error = stance_mkdirs_for(path.ptr);
	if (!error)
		error = stance_file_write_replace(path.ptr, data, len, 0);
	if (!error)
		b->files_written++;
	stance_buf_dispose(&path);
	return error;
}

/* ---- the documents ---- */

static void rev_clear(site_rev *r)
{
	free(r->author);
	free(r->message);
	free(r->source);
	free(r->fetched_at);
	free(r->snapshot_ext);
	free(r->pos_summary);
	memset(r, 0, sizeof(*r));
}

static void doc_clear(site_doc *d)
{
	size_t i;
	for (i = 0; i < d->nrevs; i++)
		rev_clear(&d->revs[i]);
	free(d->revs);
	free(d->id);
	free(d->title);
	free(d->kind);
	free(d->organization);
	free(d->publication);
	free(d->published);
	free(d->language);
	free(d->source);
	free(d->authors);
	memset(d, 0, sizeof(*d));
}

static char *dup_or_null(const char *s)
{
	return s && *s ? stance_strdup(s) : NULL;
}

/* The value of trailer `key` ("Source") in a commit message, or NULL. */
static char *trailer(const char *message, const char *key)
{
	size_t klen = strlen(key);
	const char *p = message;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > klen + 1 && !strncmp(p, key, klen) && p[klen] == ':' && p[klen + 1] == ' ')
			return stance_strndup(p + klen + 2, len - klen - 2);
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static char *first_line(const char *message)
{
	size_t len = strcspn(message ? message : "", "\n");
	return stance_strndup(message ? message : "", len);
}

/* The body as HTML, through cmark-gfm in safe mode (raw HTML dropped). */
static int body_html(stance_buf *out, const char *body)
{
	static const char *const ext[] = { "table", "strikethrough", "autolink" };
	cmark_parser *parser = stance_cmark_parser_new(CMARK_OPT_DEFAULT, ext, STANCE_ARRAY_SIZE(ext));
	cmark_node *doc;
	char *html;
	int error;
	if (!parser)
		return stance_error_oom();
	if (!(doc = stance_cmark_parse(parser, body, strlen(body)))) {
		cmark_parser_free(parser);
		return stance_error_oom();
	}
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
	error = html ? stance_buf_puts(out, html) : stance_error_oom();
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return error;
}

/* Appends the rewording from old_text to new_text as HTML: the words struck
 * in <del>, the words put in <ins>, the rest escaped. The marks are control
 * bytes, which no statement holds (the lens collapses whitespace). */
static int site_redline(stance_buf *out, const char *old_text, const char *new_text)
{
	static const char *const marks[4] = { "\x01", "\x02", "\x03", "\x04" };
	static const char *const tags[5] = { "", "<del>", "</del>", "<ins>", "</ins>" };
	stance_buf raw = STANCE_BUF_INIT;
	char *p, *seg;
	int error = stance_position_redline(&raw, old_text, new_text, marks);
	if (error || !raw.ptr)
		return error;
	for (p = seg = raw.ptr;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == 0 || (c >= 1 && c <= 4)) {
			*p = '\0';
			if ((error = site_esc(out, seg)) < 0 || (c && (error = stance_buf_puts(out, tags[c])) < 0) || !c)
				break;
			seg = p + 1;
		}
	}
	stance_buf_dispose(&raw);
	return error;
}

/* The language a version's statements are read in, as `stance positions`
 * reads them: its front matter's, else the one its body is written in,
 * else the repository's. */
static const char *version_language(const stance_document *doc, const char *repo_lang)
{
	const char *l = stance_document_get(doc, "language");
	const char *body = stance_document_body(doc);
	if (!l && body)
		l = stance_positions_detect_language(body, strlen(body));
	return l ? l : repo_lang;
}

/*
 * Each position's life through the versions (oldest first; NULL for a
 * revision that removed the document): the one place the site reads the
 * position lens's history, through the tracker `stance positions --history`
 * uses (stance_position_tracker_step(), positions_track.c), so that both
 * follow a position by its content the same way. Each event is an HTML list
 * item: appeared, reworded (with its callouts and the two wordings), removed.
 */
static int site_position_history(site_position_life **out, size_t *nout, const site_doc *d,
	stance_document *const *versions, const stance_positions *markers, const char *repo_lang)
{
	stance_position_tracker *tracker = NULL;
	site_position_life *t = NULL;
	size_t nt = 0, k, i, e;
	int error;

	*out = NULL;
	*nout = 0;
	if ((error = stance_position_tracker_new(&tracker)) < 0)
		return error;
	for (k = 0; k < d->nrevs && !error; k++) {
		stance_position_list cur = { 0 };
		if (versions[k]) {
			const char *body = stance_document_body(versions[k]);
			error = stance_positions_extract(&cur, markers, version_language(versions[k], repo_lang),
				body, strlen(body));
		}
		if (!error)
			error = stance_position_tracker_step(tracker, &cur, k);
		stance_position_list_free(&cur);
	}
	nt = error ? 0 : stance_position_tracker_count(tracker);
	if (nt && !(t = calloc(nt, sizeof(*t))))
		error = stance_error_oom();
	for (i = 0; i < nt && !error; i++) {
		const stance_position_life *l = stance_position_tracker_life(tracker, i);
		const stance_position_event *last = &l->events[l->count - 1];
		site_position_life *tr = &t[i];
		tr->gone = !l->current;
		if (!(tr->text = stance_strdup(last->new_text ? last->new_text : last->old_text)))
			error = stance_error_oom();
		for (e = 0; e < l->count && !error; e++) {
			const stance_position_event *ev = &l->events[e];
			const site_rev *r = &d->revs[ev->revision];
			stance_buf why = STANCE_BUF_INIT;
			stance_buf_printf(&tr->events, "<li><a href=\"%s.html\">%.10s</a> <strong>%s</strong>", r->slug,
				r->slug, ev->kind == STANCE_POSITION_ADDED ? "appeared" :
				ev->kind == STANCE_POSITION_REWORDED ? "reworded" : "removed");
			if (ev->kind == STANCE_POSITION_REWORDED) {
				if ((error = stance_position_callouts_describe(&why, ev->old_text, ev->new_text)) == 0 && why.size) {
					stance_buf_puts(&tr->events, " <span class=\"callouts\">(");
					site_esc(&tr->events, why.ptr);
					stance_buf_puts(&tr->events, ")</span>");
				}
				stance_buf_puts(&tr->events, ": <span class=\"wording\">");
				if (!error)
					error = site_redline(&tr->events, ev->old_text, ev->new_text);
				stance_buf_puts(&tr->events, "</span>");
			} else if (ev->kind == STANCE_POSITION_ADDED) {
				stance_buf_puts(&tr->events, ": <span class=\"wording\">");
				site_esc(&tr->events, ev->new_text);
				stance_buf_puts(&tr->events, "</span>");
			} else {
				stance_buf_puts(&tr->events, ": <span class=\"wording\"><del>");
				site_esc(&tr->events, ev->old_text);
				stance_buf_puts(&tr->events, "</del></span>");
			}
			if (stance_buf_puts(&tr->events, "</li>") < 0 && !error)
				error = stance_error_oom();
			stance_buf_dispose(&why);
		}
	}
	stance_position_tracker_free(tracker);
	if (error) {
		for (i = 0; i < nt && t; i++) {
			free(t[i].text);
			stance_buf_dispose(&t[i].events);
		}
		free(t);
		return error;
	}
	*out = t;
	*nout = nt;
	return 0;
}

static void lives_free(site_position_life *t, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(t[i].text);
		stance_buf_dispose(&t[i].events);
	}
	free(t);
}

/* "added: TEXT" lines of a diff's position changes, for a feed entry's
 * summary: the first few, each cut short, so that the build's cache of
 * every revision stays small. */
#define SUMMARY_STATEMENTS 5
#define SUMMARY_STATEMENT_MAX 240

static char *position_summary(const stance_diff *diff)
{
	static const char *const kinds[] = { "added", "removed", "reworded" };
	const stance_position_change_list *ch = stance_diff_position_changes(diff);
	const stance_position_list *ol = stance_diff_positions(diff, 0), *nl = stance_diff_positions(diff, 1);
	stance_buf s = STANCE_BUF_INIT;
	size_t i;
	for (i = 0; i < ch->count && i < SUMMARY_STATEMENTS; i++) {
		const stance_position_change *c = &ch->items[i];
		const stance_position *p = c->new_index >= 0 ? &nl->items[c->new_index] : &ol->items[c->old_index];
		size_t len = strlen(p->text);
		if (len > SUMMARY_STATEMENT_MAX) {
			len = SUMMARY_STATEMENT_MAX;
			while (len > 0 && ((unsigned char)p->text[len] & 0xC0) == 0x80)
				len--;  /* not inside a UTF-8 character */
		}
		stance_buf_printf(&s, "%s: %.*s%s\n", kinds[c->kind], (int)len, p->text, len < strlen(p->text) ? "…" : "");
	}
	if (ch->count > SUMMARY_STATEMENTS)
		stance_buf_printf(&s, "and %zu more\n", ch->count - SUMMARY_STATEMENTS);
	return s.ptr ? stance_buf_detach(&s) : NULL;
}

static int load_markers(stance_positions **out, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error = stance_buf_printf(&path, "%s.stance/positions", stance_repo_workdir(repo));
	if (!error)
		error = stance_positions_load(out, path.ptr);
	stance_buf_dispose(&path);
	return error;
}

/* The raw bytes of revision `r`'s snapshot (the Snapshot: trailer's commit). */
static int copy_snapshot(site_build *b, stance_repo *repo, const site_doc *d, site_rev *r,
	const char *snapshot_commit)
{
	static const char *const exts[] = { "html", "xhtml", "htm", "xml", "txt" };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(exts); i++) {
		stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT, rel = STANCE_BUF_INIT;
		int error;
		stance_buf_printf(&path, "%s.%s", d->id, exts[i]);
		error = stance_store_read_file(&data, repo, snapshot_commit, path.ptr);
		if (error == 0) {
			stance_buf_printf(&rel, "%s/raw/%s.%s", d->id, r->slug, exts[i]);
			error = site_write(b, rel.ptr, data.ptr ? data.ptr : "", data.size);
			if (!error && !(r->snapshot_ext = stance_strdup(exts[i])))
				error = stance_error_oom();
		}
		stance_buf_dispose(&path);
		stance_buf_dispose(&data);
		stance_buf_dispose(&rel);
		if (error != STANCE_ENOTFOUND) {
			stance_error_clear();
			return error;
		}
	}
	stance_error_clear();
	return 0;
}

/* Diffs `a` (NULL: nothing) to `c` and renders the redline. */
static int redline(stance_buf *html, stance_diff **diff, const stance_document *a, const stance_document *c,
	const stance_positions *markers, const char *old_label, const char *new_label,
	const site_rev *ra, const site_rev *rc)
{
	stance_buf oa = STANCE_BUF_INIT, ob = STANCE_BUF_INIT;
	char day[11];
	stance_diff_options dopts = STANCE_DIFF_OPTIONS_INIT;
	stance_render_options ropts = STANCE_RENDER_OPTIONS_INIT;
	int error;
	dopts.positions = markers;
	if ((error = stance_diff_documents(diff, a, c, &dopts)) < 0)
		return error;
	ropts.old_label = old_label;
	ropts.new_label = new_label;
	/* the header's "Recorded": each revision's day and author */
	if (ra) {
		site_day(day, ra->time, ra->tz_minutes);
		stance_buf_printf(&oa, "%s, %s", day, ra->author);
		ropts.old_revision = oa.ptr;
	}
	site_day(day, rc->time, rc->tz_minutes);
	stance_buf_printf(&ob, "%s, %s", day, rc->author);
	ropts.new_revision = ob.ptr;
	error = stance_render_html(html, *diff, &ropts);
	stance_buf_dispose(&oa);
	stance_buf_dispose(&ob);
	return error;
}

/* Writes every page of document `d`, whose revisions are filled but for the
 * figures, which the diffs give. */
static int build_document(site_build *b, stance_repo *repo, site_doc *d, const stance_revision *const *hrevs,
	const stance_positions *markers, const site_blame_revs *brevs)
{
	size_t at = (size_t)(d - b->docs);
	stance_document **versions = calloc(d->nrevs ? d->nrevs : 1, sizeof(*versions));
	site_position_life *lives = NULL;
	size_t nlives = 0, i, last = SIZE_MAX;
	stance_buf html = STANCE_BUF_INIT, path = STANCE_BUF_INIT, raw = STANCE_BUF_INIT;
	stance_buf ol = STANCE_BUF_INIT, nl = STANCE_BUF_INIT;
	const stance_document *latest = NULL;
	int error = 0;

	if (!versions)
		return stance_error_oom();
	for (i = 0; i < d->nrevs && !error; i++) {
		site_rev *r = &d->revs[i];
		stance_diff *diff = NULL;
		char *snap;
		if (hrevs[i]->removed)
			continue;
		if ((error = stance_history_read(&versions[i], repo, d->id, r->commit)) < 0)
			break;
		stance_buf_clear(&ol);
		stance_buf_clear(&nl);
		stance_buf_printf(&ol, "%s@%s", d->id, last == SIZE_MAX ? "(none)" : d->revs[last].slug);
		stance_buf_printf(&nl, "%s@%s", d->id, r->slug);
		stance_buf_clear(&html);
		error = redline(&html, &diff, last == SIZE_MAX ? NULL : versions[last], versions[i], markers,
			ol.ptr, nl.ptr, last == SIZE_MAX ? NULL : &d->revs[last], r);
		if (!error) {
			const stance_diff_stats *st = stance_diff_get_stats(diff);
			r->added = st->words_added;
			r->removed = st->words_removed;
			r->moved = st->words_moved;
			r->pos_added = st->positions_added;
			r->pos_removed = st->positions_removed;
			r->pos_reworded = st->positions_reworded;
			free(r->pos_summary);
			r->pos_summary = position_summary(diff);
			stance_buf_clear(&path);
			stance_buf_printf(&path, "%s.html", r->slug);
			error = site_write_revision_page(b, d, i, last, html.ptr, path.ptr);
		}
		stance_diff_free(diff);
		/* the document's text as of the revision, and the page it was read from */
		stance_buf_clear(&raw);
		stance_buf_clear(&path);
		if (!error && (error = stance_history_read_raw(&raw, repo, d->id, r->commit)) == 0 &&
		    (error = stance_buf_printf(&path, "%s/raw/%s.md", d->id, r->slug)) == 0)
			error = site_write(b, path.ptr, raw.ptr ? raw.ptr : "", raw.size);
		if (!error && (snap = trailer(hrevs[i]->message, "Snapshot")) != NULL) {
			error = copy_snapshot(b, repo, d, r, snap);
			free(snap);
		}
		last = i;
	}
	if (!error && last != SIZE_MAX) {
		latest = versions[last];
		/* the pair "first <-> latest", when it is not a consecutive one */
		for (i = 0; i < d->nrevs && !versions[i]; i++)
			;
		if (i < last) {
			size_t prev = last;
			while (prev-- > i && !versions[prev])
				;
			if (prev != i) {
				stance_diff *diff = NULL;
				stance_buf_clear(&html);
				stance_buf_clear(&ol);
				stance_buf_clear(&nl);
				stance_buf_printf(&ol, "%s@%s", d->id, d->revs[i].slug);
				stance_buf_printf(&nl, "%s@%s", d->id, d->revs[last].slug);
				error = redline(&html, &diff, versions[i], latest, markers, ol.ptr, nl.ptr,
					&d->revs[i], &d->revs[last]);
				if (!error)
					error = site_write_revision_page(b, d, last, i, html.ptr, "compare.html");
				stance_diff_free(diff);
			}
		}
	}
	if (!error)
		error = site_position_history(&lives, &nlives, d, versions, markers, b->language);
	if (!error && latest) {
		/* each sentence's origin: blamed here, so only for a document built again */
		stance_buf_clear(&html);
		stance_buf_clear(&raw);
		if ((error = body_html(&html, stance_document_body(latest))) == 0 &&
		    (error = site_origins_html(&raw, repo, d, brevs->of[at], brevs->count[at])) == 0)
			error = site_write_document_page(b, d, html.ptr ? html.ptr : "", raw.ptr ? raw.ptr : "",
				lives, nlives);
	}
	if (!error)
		error = site_write_positions_page(b, d, lives, nlives);
	if (!error)
		error = site_write_document_feed(b, d);
	if (!error)
		error = site_write_timemap(b, d);
	if (error)
		stance_error_prefix(error, "%s", d->id);
	lives_free(lives, nlives);
	for (i = 0; i < d->nrevs; i++)
		stance_document_free(versions[i]);
	free(versions);
	stance_buf_dispose(&html);
	stance_buf_dispose(&path);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&ol);
	stance_buf_dispose(&nl);
	d->built = 1;
	return error;
}

/* ---- the cache of what the last build knew ---- */

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static size_t jnum(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v < 0 ? 0 : (size_t)v;
}

/* Fills `d`'s figures from the cached entry when it has the same revisions. */
static int from_cache(site_doc *d, json_t *c)
{
	json_t *revs = json_object_get(c, "revisions");
	size_t i;
	if (!json_is_array(revs) || json_array_size(revs) != d->nrevs)
		return 0;
	for (i = 0; i < d->nrevs; i++) {
		json_t *r = json_array_get(revs, i);
		if (!jstr(r, "commit") || strcmp(jstr(r, "commit"), d->revs[i].commit))
			return 0;
	}
	for (i = 0; i < d->nrevs; i++) {
		json_t *r = json_array_get(revs, i);
		site_rev *x = &d->revs[i];
		x->added = jnum(r, "added");
		x->removed = jnum(r, "removed");
		x->moved = jnum(r, "moved");
		x->pos_added = jnum(r, "pos_added");
		x->pos_removed = jnum(r, "pos_removed");
		x->pos_reworded = jnum(r, "pos_reworded");
		x->pos_summary = dup_or_null(jstr(r, "pos_summary"));
		x->snapshot_ext = dup_or_null(jstr(r, "snapshot"));
	}
	d->title = dup_or_null(jstr(c, "title"));
	d->kind = dup_or_null(jstr(c, "kind"));
	d->organization = dup_or_null(jstr(c, "organization"));
	d->publication = dup_or_null(jstr(c, "publication"));
	d->published = dup_or_null(jstr(c, "published"));
	d->language = dup_or_null(jstr(c, "language"));
	d->source = dup_or_null(jstr(c, "source"));
	d->authors = dup_or_null(jstr(c, "authors"));
	return 1;
}

static json_t *jsn(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int save_cache(site_build *b, const char *stamp)
{
	json_t *root = json_object(), *docs = json_object();
	char *text;
	size_t i, k;
	int error;
	json_object_set_new(root, "stamp", json_string(stamp));
	for (i = 0; i < b->ndocs; i++) {
		const site_doc *d = &b->docs[i];
		json_t *revs = json_array();
		for (k = 0; k < d->nrevs; k++) {
			const site_rev *r = &d->revs[k];
			json_array_append_new(revs, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
				"commit", r->commit, "added", (json_int_t)r->added, "removed", (json_int_t)r->removed,
				"moved", (json_int_t)r->moved, "pos_added", (json_int_t)r->pos_added,
				"pos_removed", (json_int_t)r->pos_removed, "pos_reworded", (json_int_t)r->pos_reworded,
				"pos_summary", jsn(r->in_feed ? r->pos_summary : NULL), "snapshot", jsn(r->snapshot_ext)));
		}
		json_object_set_new(docs, d->id, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			"revisions", revs, "title", jsn(d->title),
			"kind", jsn(d->kind), "organization", jsn(d->organization), "publication", jsn(d->publication),
			"published", jsn(d->published), "language", jsn(d->language), "source", jsn(d->source),
			"authors", jsn(d->authors)));
	}
	json_object_set_new(root, "documents", docs);
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!text)
		return stance_error_oom();
	error = site_write(b, CACHE_NAME, text, strlen(text));
	free(text);
	return error;
}

/* ---- the build ---- */

static int add_id(const char *id, void *payload)
{
	site_build *b = payload;
	site_doc *d;
	size_t cap = b->ndocs;
	if (stance_array_grow(&b->docs, &cap, b->ndocs + 1, sizeof(*b->docs)) < 0)
		return -1;
	d = &b->docs[b->ndocs++];
	memset(d, 0, sizeof(*d));
	return (d->id = stance_strdup(id)) ? 0 : stance_error_oom();
}

static int find_doc(const void *key, const void *elem)
{
	return strcmp(key, ((const site_doc *)elem)->id);
}

/* 1 when `path` is a folder with nothing in it (or not there at all). */
static int folder_empty(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	int empty = 1;
	if (!dir)
		return errno == ENOENT;
	while (empty && (e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(dir);
	return empty;
}

static int write_assets(site_build *b)
{
	static const char *const assets[] = { "site.css", "site.js" };
	size_t i;
	int error = 0;
	for (i = 0; i < STANCE_ARRAY_SIZE(assets) && !error; i++) {
		stance_buf name = STANCE_BUF_INIT;
		const stance_embedded_file *f;
		stance_buf_printf(&name, "data/site/%s", assets[i]);
		f = stance_embedded_find(name.ptr);
		stance_buf_dispose(&name);
		if (!f)
			return stance_error_set(STANCE_ERROR, "the site's %s is not compiled in", assets[i]);
		error = site_write(b, assets[i], (const char *)f->data, f->len);
	}
	return error;
}

/* What the pages depend on besides the documents: a change rebuilds them all. */
static int make_stamp(stance_buf *out, const stance_site_options *opts)
{
	const stance_embedded_file *css = stance_embedded_find("data/site/site.css");
	const stance_embedded_file *js = stance_embedded_find("data/site/site.js");
	return stance_buf_printf(out, "%s/%d/%016llx/%016llx/%s/%s/%lld", STANCE_VERSION, SITE_FORMAT,
		css ? (unsigned long long)stance_fnv64(css->data, css->len) : 0ULL,
		js ? (unsigned long long)stance_fnv64(js->data, js->len) : 0ULL,
		opts->base_url ? opts->base_url : "", opts->title ? opts->title : "", (long long)opts->since);
}

static int check_options(const stance_site_options *opts)
{
	const char *u = opts ? opts->base_url : NULL;
	if (!opts || !opts->out || !*opts->out)
		return stance_error_set(STANCE_EINVALID, "stance_site_build: name the folder to write the site to");
	if (u && strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
		return stance_error_set(STANCE_EINVALID, "base URL '%s' is not an http or https URL", u);
	if (u && strpbrk(u, " \"<>\\^`{|}\r\n\t"))
		return stance_error_set(STANCE_EINVALID, "base URL '%s' holds a character a URL cannot", u);
	if (opts->title && stance_utf8_validate(opts->title, strlen(opts->title), "the site's title") < 0)
		return STANCE_EINVALID;
	return 0;
}

static int fill_revision(site_rev *r, const stance_revision *h, site_doc *d)
{
	char day[11];
	size_t k;
	memcpy(r->commit, h->commit, sizeof(r->commit));
	r->time = h->time;
	r->tz_minutes = h->tz_minutes;
	site_day(day, h->time, h->tz_minutes);
	/* the day is the page's name; a second revision that day adds its commit */
	snprintf(r->slug, sizeof(r->slug), "%s", day);
	for (k = 0; k + 1 < d->nrevs; k++)
		if (!strcmp(d->revs[k].slug, day)) {
			snprintf(r->slug, sizeof(r->slug), "%s-%.7s", day, h->commit);
			break;
		}
	r->author = stance_strdup(h->author_name ? h->author_name : "");
	r->message = first_line(h->message);
	r->source = trailer(h->message, "Source");
	r->fetched_at = trailer(h->message, "Fetched-At");
	return r->author && r->message ? 0 : stance_error_oom();
}

/* The document's fields, from its latest version. */
static int fill_fields(site_doc *d, stance_repo *repo)
{
	stance_document *doc = NULL;
	int error = stance_store_load(&doc, repo, d->id, NULL);
	size_t i;
	stance_buf authors = STANCE_BUF_INIT;
	if (error < 0)
		return error;
	d->title = dup_or_null(stance_document_get(doc, "title"));
	d->kind = dup_or_null(stance_document_get(doc, "kind"));
	d->organization = dup_or_null(stance_document_get(doc, "organization"));
	d->publication = dup_or_null(stance_document_get(doc, "publication"));
	d->published = dup_or_null(stance_document_get(doc, "published"));
	d->language = dup_or_null(stance_document_get(doc, "language"));
	d->source = dup_or_null(stance_document_get(doc, "source"));
	for (i = 0; i < stance_document_author_count(doc); i++)
		stance_buf_printf(&authors, "%s%s", i ? ", " : "", stance_document_author(doc, i));
	d->authors = authors.ptr ? stance_buf_detach(&authors) : NULL;
	stance_document_free(doc);
	return error;
}

int stance_site_build(stance_site_report *report, stance_repo *repo, const stance_site_options *opts)
{
	site_build b;
	stance_revision_list all = { 0 };
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_positions *markers = NULL;
	stance_buf cache_path = STANCE_BUF_INIT, cache_text = STANCE_BUF_INIT, stamp = STANCE_BUF_INIT;
	const stance_revision ***hrevs = NULL;
	site_blame_revs brevs;
	json_t *cache = NULL, *cached_docs = NULL;
	size_t i, k, built = 0, nrevs = 0;
	int error;

	STANCE_CHECK_OPTIONS(opts, STANCE_SITE_OPTIONS_VERSION, "stance_site_options");
	if ((error = check_options(opts)) < 0)
		return error;
	memset(&b, 0, sizeof(b));
	memset(&brevs, 0, sizeof(brevs));
	b.opts = opts;
	b.title = opts->title && *opts->title ? opts->title : "Policy documents";
	b.language = stance_repo_language(repo);
	{
		stance_buf o = STANCE_BUF_INIT;
		size_t len = strlen(opts->out);
		stance_buf_printf(&o, "%s%s", opts->out, len && opts->out[len - 1] == '/' ? "" : "/");
		b.out = stance_buf_detach(&o);
	}
	if (!b.out)
		return stance_error_oom();
	if ((error = make_stamp(&stamp, opts)) < 0)
		goto done;

	/* a site of an earlier build, or an empty folder: never someone's other files */
	stance_buf_printf(&cache_path, "%s%s", b.out, CACHE_NAME);
	if (stance_file_read(&cache_text, cache_path.ptr) == 0) {
		json_error_t je;
		cache = json_loadb(cache_text.ptr ? cache_text.ptr : "", cache_text.size, 0, &je);
		if (cache && (!jstr(cache, "stamp") || strcmp(jstr(cache, "stamp"), stamp.ptr))) {
			json_decref(cache);  /* built otherwise: everything again */
			cache = NULL;
		}
		cached_docs = cache ? json_object_get(cache, "documents") : NULL;
	} else if (!folder_empty(opts->out)) {
		error = stance_error_set(STANCE_EEXISTS, "%s is not empty and holds no site of stance; "
			"name a new or an empty folder", opts->out);
		goto done;
	}
	stance_error_clear();

	if ((error = stance_store_foreach(repo, NULL, add_id, &b)) < 0 ||
	    (error = stance_history_list(&all, repo, &hopts)) < 0 ||
	    (error = load_markers(&markers, repo)) < 0)
		goto done;
	if (!(hrevs = calloc(b.ndocs ? b.ndocs : 1, sizeof(*hrevs)))) {
		error = stance_error_oom();
		goto done;
	}
	/* the revisions, oldest first, onto their documents */
	for (k = all.count; k-- > 0;) {
		const stance_revision *h = &all.items[k];
		site_doc *d = bsearch(h->id, b.docs, b.ndocs, sizeof(*b.docs), find_doc);
		size_t at;
		if (!d)
			continue;  /* a document no longer in HEAD */
		at = (size_t)(d - b.docs);
		if (stance_array_grow(&d->revs, &d->revs_cap, d->nrevs + 1, sizeof(*d->revs)) < 0 ||
		    !(hrevs[at] = realloc(hrevs[at], (d->nrevs + 1) * sizeof(**hrevs)))) {
			error = stance_error_oom();
			goto done;
		}
		memset(&d->revs[d->nrevs], 0, sizeof(*d->revs));
		hrevs[at][d->nrevs++] = h;
		if ((error = fill_revision(&d->revs[d->nrevs - 1], h, d)) < 0)
			goto done;
	}
	for (i = 0; i < b.ndocs; i++) {
		site_doc *d = &b.docs[i];
		json_t *c = cached_docs ? json_object_get(cached_docs, d->id) : NULL;
		int fresh = c && from_cache(d, c);
		nrevs += d->nrevs;
		if (!fresh) {
			if ((!brevs.loaded && (error = site_blame_revs_load(&brevs, repo, &b)) < 0) ||
			    (error = fill_fields(d, repo)) < 0 ||
			    (error = build_document(&b, repo, d, hrevs[i], markers, &brevs)) < 0)
				goto done;
			built++;
		}
	}
	if ((error = write_assets(&b)) < 0 || (error = site_write_index(&b)) < 0 ||
	    (error = site_write_search_index(&b, repo)) < 0 ||
	    (error = site_write_changes(&b)) < 0 || (error = site_write_collection_feeds(&b)) < 0)
		goto done;
	/* last: a build stopped half-way leaves no cache that claims it finished;
	 * nothing built, the cache read is still true */
	if (built || !cache || json_object_size(cached_docs) != b.ndocs)
		error = save_cache(&b, stamp.ptr);
done:
	if (report) {
		report->documents = b.ndocs;
		report->revisions = nrevs;
		report->documents_built = built;
		report->files_written = b.files_written;
	}
	json_decref(cache);
	for (i = 0; i < b.ndocs; i++) {
		if (hrevs)
			free(hrevs[i]);
		doc_clear(&b.docs[i]);
	}
	free(hrevs);
	site_blame_revs_free(&brevs);
	free(b.docs);
	free(b.out);
	stance_positions_free(markers);
	stance_revision_list_free(&all);
	stance_buf_dispose(&cache_path);
	stance_buf_dispose(&cache_text);
	stance_buf_dispose(&stamp);
	return error;
}
