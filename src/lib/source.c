/*
 * source.c: the fetch run over the sources a repository follows (kept by
 * source_config.c, with their HTTP state in source_state.c). The run:
 * feeds first (their new items become sources, added to .stance/config by
 * the run's first commits), then every page through
 * stance_fetch_run; as each answer comes in, a second thread extracts it,
 * cleans it of noise and adds it with its snapshot to one batch (batch.h),
 * which is written under the repository lock at the end: one pack, each
 * branch moved once. A feed's items inherit its class: those of a feed
 * whose address is public may not be at private addresses (server-side
 * request forgery; see listed_by()).
 */
#include "source_internal.h"
#include "stance/extract.h"
#include "stance/store.h"
#include "stance/batch.h"
#include "fetch_internal.h"
#include "url.h"
#include "stance/document.h"
#include "stance/fetch.h"
#include "stance/history.h"
#include "stance/repo.h"
#include "stance/source.h"

#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <time.h>

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the report ---- */

const char *stance_source_outcome_name(stance_source_outcome outcome)
{
	switch (outcome) {
	case STANCE_SOURCE_NEW: return "new";
	case STANCE_SOURCE_UPDATED: return "updated";
	case STANCE_SOURCE_UNCHANGED: return "unchanged";
	case STANCE_SOURCE_GONE: return "gone";
	default: return "failed";
	}
}

void stance_source_report_dispose(stance_source_report *report)
{
	size_t i;
	if (!report)
		return;
	for (i = 0; i < report->count; i++) {
		free(report->results[i].id);
		free(report->results[i].url);
		free(report->results[i].reason);
	}
	free(report->results);
	memset(report, 0, sizeof(*report));
}

/* A new row at the end of the report; borrowed from it (valid until the
 * next report_add). NULL when out of memory. */
static stance_source_result *report_add(stance_source_report *r, const char *id, const char *url)
{
	stance_source_result *nv = realloc(r->results, (r->count + 1) * sizeof(*nv)), *row;
	stance_buf clean = STANCE_BUF_INIT;
	if (!nv)
		return NULL;
	r->results = nv;
	row = &nv[r->count++];
	memset(row, 0, sizeof(*row));
	row->id = stance_strdup(id);
	if (url)
		stance_url_strip_credentials(&clean, url);
	row->url = url ? stance_buf_detach(&clean) : NULL;
	row->outcome = STANCE_SOURCE_UNCHANGED;
	return row;
}

static void row_fail(stance_source_report *r, stance_source_result *row, const char *reason)
{
	row->outcome = STANCE_SOURCE_FAILED;
	free(row->reason);
	row->reason = stance_strdup(reason && *reason ? reason : "failed");
	r->failed++;
}

/* ---- one document from fetched bytes ---- */

/* Removes every match of the source's noise rules from the body. */
static int apply_noise(stance_document *doc, const stance_source *s)
{
	stance_buf body = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	size_t i;
	int error = 0;
	if (!s->noise_count)
		return 0;
	stance_buf_puts(&body, stance_document_body(doc));
	for (i = 0; i < s->noise_count; i++) {
		regex_t re;
		regmatch_t m;
		const char *p = stance_buf_cstr(&body);
		if (regcomp(&re, s->noise[i], REG_EXTENDED | REG_NEWLINE)) {
			error = stance_source_check_regex(s->noise[i], s->id);
			goto done;
		}
		stance_buf_clear(&out);
		while (*p && regexec(&re, p, 1, &m, p == body.ptr ? 0 : REG_NOTBOL) == 0) {
			stance_buf_put(&out, p, (size_t)m.rm_so);
			if (m.rm_eo == 0) {
				/* An empty match: step over one byte. */
				stance_buf_putc(&out, *p);
				p++;
				continue;
			}
			p += m.rm_eo;
		}
		stance_buf_puts(&out, p);
		regfree(&re);
		stance_buf_clear(&body);
		stance_buf_put(&body, stance_buf_cstr(&out), out.size);
	}
	error = stance_document_set_body(doc, stance_buf_cstr(&body), body.size);
done:
	stance_buf_dispose(&body);
	stance_buf_dispose(&out);
	return error;
}

/* The rules that apply to `s`: its own, else its feed's. */
static const stance_source *rules_of(const stance_source *s, stance_source_list *l)
{
	source_entry *parent;
	if (s->select_count || s->remove_count || s->noise_count || !s->from)
		return s;
	parent = stance_source_list_find(l, s->from);
	return parent ? &parent->pub : s;
}

/* Whether `text` holds nothing but white space. */
static int blank(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return !*text;
}

/* Extracts a document for source `s` from the page bytes and fills in its
 * id and fields (from the source; for a feed's item without a date of its
 * own, the date its feed gave it, `feed_date`, may be NULL; then from the
 * stored version when the page does not say). The caller frees *out. */
int stance_source_build_document(stance_document **out, stance_repo *repo, const stance_source *s,
	stance_source_list *l, const char *data, size_t len, const char *content_type, const char *final_url,
	const char *feed_date)
{
	const stance_source *rules = rules_of(s, l);
	stance_extract_options eo = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc = NULL, *old = NULL;
	stance_buf url = STANCE_BUF_INIT;
	const char *kind = s->kind, *org = s->organization;
	static const char *const keep[] = { "title", "published", "language", "publication", "kind", "organization" };
	size_t i;
	int error;
	*out = NULL;
	stance_url_strip_credentials(&url, final_url ? final_url : s->url);
	eo.url = url.ptr;
	eo.content_type = content_type;
	eo.select = rules->select;
	eo.select_count = rules->select_count;
	eo.remove = rules->remove;
	eo.remove_count = rules->remove_count;
	if ((error = stance_extract_html(&doc, data, len, &eo)) < 0)
		goto done;
	if ((error = apply_noise(doc, rules)) < 0)
		goto done;
	if (blank(stance_document_body(doc))) {
		/* a title alone (a page cut short in its head) is no document */
		error = stance_error_set(STANCE_ENOTFOUND, "%s: extraction found nothing", url.ptr);
		goto done;
	}
	if (!kind && s->from) {
		source_entry *p = stance_source_list_find(l, s->from);
		kind = p ? p->kind : NULL;
		if (!org)
			org = p ? p->organization : NULL;
	}
	if ((error = stance_document_set(doc, "id", s->id)) < 0)
		goto done;
	if (kind && (error = stance_document_set(doc, "kind", kind)) < 0)
		goto done;
	if (org && (error = stance_document_set(doc, "organization", org)) < 0)
		goto done;
	/* The source is the address the user gave, cleaned. */
	stance_buf_clear(&url);
	stance_url_clean(&url, s->url);
	if ((error = stance_document_set(doc, "source", url.ptr)) < 0)
		goto done;
	/* the page says nothing of its date: its feed did */
	if (feed_date && !stance_document_published(doc)->precision &&
	    stance_document_set(doc, "published", feed_date) < 0)
		stance_error_clear(); /* a date that is none is no date */
	if (stance_store_load(&old, repo, s->id, NULL) == 0) {
		for (i = 0; i < STANCE_ARRAY_SIZE(keep); i++)
			if (!stance_document_get(doc, keep[i]) && stance_document_get(old, keep[i]))
				stance_document_set(doc, keep[i], stance_document_get(old, keep[i]));
		if (!stance_document_author_count(doc))
			for (i = 0; i < stance_document_author_count(old); i++)
				stance_document_add_author(doc, stance_document_author(old, i));
	}
	stance_error_clear();
	*out = doc;
	doc = NULL;
done:
	stance_document_free(doc);
	stance_document_free(old);
	stance_buf_dispose(&url);
	return error;
}

/* The snapshot's file extension for a Content-Type; a static string. */
const char *stance_source_snapshot_ext(const char *content_type)
{
	if (!content_type)
		return "html";
	if (strstr(content_type, "xhtml"))
		return "xhtml";
	if (strstr(content_type, "html"))
		return "html";
	if (strstr(content_type, "xml"))
		return "xml";
	if (strstr(content_type, "text/plain"))
		return "txt";
	if (strstr(content_type, "pdf"))
		return "pdf";
	return "html";
}

static void now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- feeds ---- */

/* What on_item() needs while a feed is read. The list grows under it (and
 * may move), so the feed is known by its id, never by a pointer into it. */
typedef struct {
	stance_repo *repo;
	stance_source_list *list;
	const char *feed_id;  /* the feed's own copy */
	const char *feed_url; /* … and its URL, without credentials */
	const char *address;  /* the address the feed answered from, or NULL */
	int feed_public;      /* … which is not in the private ranges (or unknown) */
	const char *const *ranges; /* the run's private ranges */
	stance_buf *text;     /* new sections for .stance/config */
	size_t added;
	size_t skipped;       /* items at private addresses of a public feed */
	stance_buf *skip_note; /* why the first of them was skipped */
	int error;
} feed_ctx;

static int on_item(const stance_feed_item *item, void *payload)
{
	const char *url = item->url, *title = item->title;
	feed_ctx *c = payload;
	stance_buf slug = STANCE_BUF_INIT, id = STANCE_BUF_INIT, clean = STANCE_BUF_INIT, normal = STANCE_BUF_INIT;
	stance_source s = STANCE_SOURCE_INIT;
	stance_url parts = STANCE_URL_INIT;
	size_t i, n;
	int error = 0;
	stance_url_clean(&clean, url);
	/* in normal form, as `source add` writes a URL; one that does not
	 * parse is kept as it is, and fails when fetched */
	if (stance_url_parse(&parts, stance_buf_cstr(&clean), 0) == 0)
		stance_buf_puts(&normal, parts.url);
	else
		stance_buf_puts(&normal, stance_buf_cstr(&clean));
	stance_error_clear();
	for (i = 0; i < c->list->n; i++)
		if (c->list->v[i].url && (!strcmp(c->list->v[i].url, normal.ptr) ||
		    !strcmp(c->list->v[i].url, stance_buf_cstr(&clean)))) {
			/* tracked already (the second: as older versions wrote it);
			 * an item tracked before its feed's date was kept gets it for
			 * this run */
			source_entry *known = &c->list->v[i];
			if (!known->published && item->published && !(known->published = stance_strdup(item->published)))
				error = STANCE_ERROR;
			goto done;
		}
	if (c->feed_public) {
		/* A public feed may not name a private address: such an item
		 * becomes no source. (One named by a host name is refused when
		 * fetched, should the name resolve to a private address.) */
		char addr[64];
		int priv = stance_url_private_address(addr, sizeof(addr), normal.ptr, c->ranges);
		stance_error_clear(); /* a URL that does not parse fails when fetched */
		if (priv == 1) {
			if (!c->skipped++)
				stance_buf_printf(c->skip_note, "%s is at %s, a private address, and was listed by the feed %s, "
					"whose address %s%s%s", normal.ptr, addr, c->feed_url, c->address ? "(" : "",
					c->address ? c->address : "", c->address ? ") is public" : "is not known (taken as public)");
			goto done;
		}
	}
	if (title && *title)
		stance_slugify(&slug, title);
	if (!slug.size && parts.path) {
		/* The last path segment of the URL. */
		const char *end = parts.path + strlen(parts.path), *p = end;
		stance_buf seg = STANCE_BUF_INIT;
		while (p > parts.path && p[-1] == '/')
			p--;
		end = p;
		while (p > parts.path && p[-1] != '/')
			p--;
		stance_buf_put(&seg, p, (size_t)(end - p));
		if (seg.size && strchr(seg.ptr, '.'))
			seg.ptr[strchr(seg.ptr, '.') - seg.ptr] = '\0';
		stance_buf_clear(&slug);
		stance_slugify(&slug, stance_buf_cstr(&seg));
		stance_buf_dispose(&seg);
	}
	stance_error_clear();
	if (!slug.size)
		stance_buf_puts(&slug, "item");
	if (slug.size > 80) {
		slug.size = 80;
		slug.ptr[80] = '\0';
		while (slug.size && slug.ptr[slug.size - 1] == '-')
			slug.ptr[--slug.size] = '\0';
	}
	for (n = 1;; n++) {
		stance_buf_clear(&id);
		if (n == 1)
			stance_buf_printf(&id, "%s/%s", c->feed_id, slug.ptr);
		else
			stance_buf_printf(&id, "%s/%s-%zu", c->feed_id, slug.ptr, n);
		if (!stance_source_list_find(c->list, id.ptr))
			break;
	}
	if (stance_id_validate(id.ptr) < 0) {
		stance_error_clear();
		goto done;
	}
	s.id = id.ptr;
	s.url = normal.ptr;
	s.from = c->feed_id;
	stance_source_text(c->text, &s, c->address, item->published);
	/* Into the list too, so the run fetches it. */
	{
		source_entry *nv;
		if ((error = stance_array_grow(&c->list->v, &c->list->cap, c->list->n + 1, sizeof(*c->list->v))) < 0)
			goto done;
		nv = &c->list->v[c->list->n];
		memset(nv, 0, sizeof(*nv));
		nv->id = stance_buf_detach(&id);
		nv->url = stance_buf_detach(&normal);
		nv->from = stance_strdup(c->feed_id);
		nv->from_address = c->address ? stance_strdup(c->address) : NULL;
		nv->published = item->published ? stance_strdup(item->published) : NULL;
		stance_source_entry_sync(nv);
		c->list->n++;
	}
	c->added++;
done:
	stance_buf_dispose(&slug);
	stance_buf_dispose(&id);
	stance_buf_dispose(&clean);
	stance_buf_dispose(&normal);
	stance_url_dispose(&parts);
	c->error = error;
	return error;
}

/* ---- the run ---- */

static int wanted(const source_entry *e, const char *const *ids, size_t nids)
{
	size_t i;
	if (!nids)
		return 1;
	for (i = 0; i < nids; i++)
		if (!strcmp(e->id, ids[i]) || (e->from && !strcmp(e->from, ids[i])))
			return 1;
	return 0;
}

/*
 * The URL of the feed that listed item `e` when that feed's address is
 * public, else NULL (not an item, or one of a feed at a private address,
 * which the user chose: it may be anywhere). A public feed's item may not
 * be at a private address: it is fetched under that rule
 * (stance_fetch_run_listed). The feed's address is the one recorded when
 * it listed the item (from-address), classed with this run's ranges; for
 * an item recorded before addresses were, the one the feed answered from
 * in this run; when neither is known, public.
 */
static const char *listed_by(stance_source_list *l, const source_entry *e, const char *const *ranges)
{
	const source_entry *feed;
	const char *address;
	if (!e->from)
		return NULL;
	feed = stance_source_list_find(l, e->from);
	address = e->from_address ? e->from_address : feed ? feed->address : NULL;
	if (address && stance_address_is_private(address, ranges) == 1)
		return NULL;
	stance_error_clear(); /* an address that does not parse is no private one */
	return feed ? feed->url : e->from;
}

/* The batch could not be written: the rows whose versions it held (report
 * rows offset + rows[i]) fail with its error instead. */
static void fail_unwritten(stance_source_report *report, const size_t *rows, size_t n, size_t offset)
{
	stance_buf why = STANCE_BUF_INIT;
	size_t i;
	stance_buf_puts(&why, stance_error_last());
	for (i = 0; i < n; i++) {
		stance_source_result *row = &report->results[offset + rows[i]];
		row->commit[0] = '\0';
		row->outcome = STANCE_SOURCE_UNCHANGED;
		row_fail(report, row, why.ptr);
	}
	stance_buf_dispose(&why);
}

/* What store_page() needs while a fetch runs. */
typedef struct {
	stance_repo *repo;
	stance_source_list *list;
	const size_t *which;           /* request -> source */
	stance_source_report *report;
	size_t row0;                   /* report row of request 0 */
	fetch_state *state;
	stance_batch *batch;           /* made at the first page to store */
	int locked;                    /* the write lock is held (to write the batch) */
	size_t *pending;               /* requests whose versions wait in the batch */
	size_t npending;
	size_t unflushed;              /* versions added since the batch was last packed */
	const unsigned *gone_after;    /* request -> fetches in a row a page is gone before that is recorded */
	size_t *gone;                  /* requests whose page is to be recorded as gone */
	size_t ngone;
	size_t *feed_rows;             /* report rows of the feeds whose new sources wait in the batch */
	size_t nfeed_rows;
	int error;                     /* < 0: storing stopped (no lock, disk full); nothing is stored */
	char *error_message;           /* its message, for the thread that reports it */
	/* answers waiting for the storing thread, in the order they came */
	stance_fetch_response *responses;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t *queue, qhead, qtail;
	int closing;
} store_ctx;

/* Storing cannot go on: the run fails with this error. */
static void stop_storing(store_ctx *c, int error)
{
	c->error = error;
	free(c->error_message);
	c->error_message = stance_strdup(stance_error_last());
}

/*
 * Stores one page's answer, on the storing thread (store_pages): extracts
 * the document and adds it, with its snapshot, to the run's batch while
 * other pages are still on their way. The batch is built without the write
 * lock, which is taken only to write it: a writer that commits meanwhile is
 * not kept waiting, and the batch's commits are then made on top of its
 * commit (stance_batch_finish).
 */
static void store_page(store_ctx *c, size_t i, stance_fetch_response *r)
{
	const source_entry *s = &c->list->v[c->which[i]];
	stance_source_result *row = &c->report->results[c->row0 + i];
	stance_document *doc = NULL;
	stance_save_options so = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result saved;
	stance_buf trailers = STANCE_BUF_INIT;
	char when[32];

	row->status = r->status;
	if (c->error < 0)
		return;
	if (r->outcome == STANCE_FETCH_FAILED && (r->status == 404 || r->status == 410)) {
		unsigned misses = stance_fetch_state_miss(c->state, s->id, 1), after = c->gone_after[i];
		if (misses >= after) {
			c->gone[c->ngone++] = i; /* recorded once the batch is written */
			return;
		}
		{
			stance_buf why = STANCE_BUF_INIT;
			stance_buf_printf(&why, "%s (gone %u of the %u fetches in a row after which it is recorded as gone)",
				r->reason && *r->reason ? r->reason : "gone", misses, after);
			row_fail(c->report, row, stance_buf_cstr(&why));
			stance_buf_dispose(&why);
		}
		return;
	}
	if (r->outcome == STANCE_FETCH_FAILED) {
		row_fail(c->report, row, r->reason);
		return;
	}
	stance_fetch_state_miss(c->state, s->id, 0); /* it answered: not gone */
	if (r->outcome == STANCE_FETCH_NOT_MODIFIED) {
		row->not_modified = 1;
		return;
	}
	if (!c->batch) {
		int error;
		if ((error = stance_batch_new(&c->batch, c->repo)) < 0) {
			stop_storing(c, error);
			return;
		}
		/* about one version a document: deltas are for a later repack */
		stance_batch_skip_deltas(c->batch);
	}
	if (stance_source_build_document(&doc, c->repo, &s->pub, c->list, r->body.ptr ? r->body.ptr : "", r->body.size,
		r->content_type, r->final_url, s->published) < 0) {
		row_fail(c->report, row, stance_error_last());
		goto done;
	}
	now_iso(when, sizeof(when));
	stance_store_trailer(&trailers, "Source", r->final_url ? r->final_url : row->url);
	stance_store_trailer(&trailers, "Fetched-At", when);
	if (r->etag && !strpbrk(r->etag, "\r\n"))
		stance_store_trailer(&trailers, "ETag", r->etag);
	if (r->last_modified && !strpbrk(r->last_modified, "\r\n"))
		stance_store_trailer(&trailers, "Last-Modified", r->last_modified);
	stance_source_http_trailers(&trailers, r->head.ptr ? r->head.ptr : "", r->head.size);
	so.trailers = trailers.ptr;
	so.snapshot_ext = stance_source_snapshot_ext(r->content_type);
	so.snapshot_data = r->body.ptr ? r->body.ptr : "";
	so.snapshot_len = r->body.size;
	if (stance_batch_save(&saved, c->batch, doc, &so) < 0) {
		row_fail(c->report, row, stance_error_last());
	} else if (saved.changed) {
		row->outcome = saved.created ? STANCE_SOURCE_NEW : STANCE_SOURCE_UPDATED;
		memcpy(row->commit, saved.commit, sizeof(row->commit));
		c->pending[c->npending++] = i;
		c->unflushed++;
	} else {
		stance_fetch_state_set(c->state, s->id, r->etag, r->last_modified);
	}
done:
	/* the batch holds the bytes now */
	stance_buf_dispose(&r->body);
	stance_document_free(doc);
	stance_buf_dispose(&trailers);
}

/* The source setting gone-after (fetches in a row a page must answer 404 or
 * 410 before it is recorded as gone): 3 when unset. */
static int gone_after_of(unsigned *out, stance_repo *repo, const char *id)
{
	stance_buf key = STANCE_BUF_INIT, value = STANCE_BUF_INIT;
	long n = 3;
	int error;
	stance_buf_printf(&key, "source.%s.gone-after", id);
	error = stance_repo_config_get(&value, repo, key.ptr);
	if (error == STANCE_ENOTFOUND) {
		stance_error_clear();
		error = 0;
	} else if (!error && stance_parse_int(&n, value.ptr, 1, 1000) < 0) {
		error = stance_error_set(STANCE_EINVALID, ".stance/config: source '%s': gone-after '%s' is not a number "
			"of fetches from 1 to 1000", id, value.ptr);
	}
	*out = (unsigned)n;
	stance_buf_dispose(&key);
	stance_buf_dispose(&value);
	return error;
}

/* Records the page of request `i` as gone: its document's removal, in a
 * commit of its own that says why (the caller holds the lock). */
static void record_gone(store_ctx *c, size_t i, const stance_fetch_response *r)
{
	const source_entry *s = &c->list->v[c->which[i]];
	stance_source_result *row = &c->report->results[c->row0 + i];
	stance_buf msg = STANCE_BUF_INIT, why = STANCE_BUF_INIT;
	stance_save_result saved;
	unsigned after = c->gone_after[i];
	stance_buf_printf(&msg, "Gone %s\n\n%s answered HTTP %ld on %u fetch%s in a row; the document is\n"
		"removed from the branch and its history stays (stance log %s).\n\n", s->id, row->url, r->status,
		after, after == 1 ? "" : "es", s->id);
	stance_store_trailer(&msg, "Source", row->url);
	stance_buf_printf(&msg, "Gone-Status: %ld\n", r->status);
	if (stance_store_remove(&saved, c->repo, s->id, msg.ptr) < 0) {
		row_fail(c->report, row, stance_error_last());
	} else {
		row->outcome = STANCE_SOURCE_GONE;
		if (saved.changed) {
			memcpy(row->commit, saved.commit, sizeof(row->commit));
			stance_buf_printf(&why, "HTTP %ld on %u fetch%s in a row: recorded as gone, the document removed "
				"in a commit of its own", r->status, after, after == 1 ? "" : "es");
		} else {
			stance_buf_printf(&why, "HTTP %ld: still gone, no document at HEAD ('stance source remove %s' "
				"stops fetching it)", r->status, s->id);
		}
		free(row->reason);
		row->reason = stance_buf_detach(&why);
	}
	stance_buf_dispose(&msg);
	stance_buf_dispose(&why);
}

/*
 * The sections `text` a feed added (`n` sources) go into .stance/config in
 * the run's batch, as a commit of their own before the pages' versions:
 * written with them, under the lock, or not at all, so the working folder
 * and HEAD agree after the run and the sources travel with the documents.
 */
static int add_feed_items(store_ctx *c, const char *feed_id, const char *text, size_t n)
{
	stance_buf msg = STANCE_BUF_INIT;
	int error;
	if (!c->batch) {
		if ((error = stance_batch_new(&c->batch, c->repo)) < 0)
			return error;
		stance_batch_skip_deltas(c->batch);
	}
	stance_buf_printf(&msg, "Add %zu source%s from feed %s", n, n == 1 ? "" : "s", feed_id);
	error = stance_batch_append(c->batch, ".stance/config", text, msg.ptr);
	stance_buf_dispose(&msg);
	return error;
}

/* stance_fetch_options.finished, on the fetching thread: hands the answer
 * over to the storing thread. */
static void page_finished(size_t i, stance_fetch_response *r, void *payload)
{
	store_ctx *c = payload;
	(void)r;
	pthread_mutex_lock(&c->mu);
	c->queue[c->qtail++] = i;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/*
 * The storing thread: stores each answer as it comes in, on the second core
 * while the first keeps the transfers going. When it has caught up, it packs
 * what the batch holds, so that little is left to write after the last
 * answer.
 */
static void *store_pages(void *payload)
{
	store_ctx *c = payload;
	for (;;) {
		size_t i;
		int idle;
		pthread_mutex_lock(&c->mu);
		while (c->qhead == c->qtail && !c->closing)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->qhead == c->qtail) {
			pthread_mutex_unlock(&c->mu);
			break;
		}
		i = c->queue[c->qhead++];
		idle = c->qhead == c->qtail;
		pthread_mutex_unlock(&c->mu);
		store_page(c, i, &c->responses[i]);
		if (idle && c->batch && !c->error && c->unflushed >= 32) {
			int error = stance_batch_flush(c->batch);
			if (error < 0)
				stop_storing(c, error);
			c->unflushed = 0;
		}
	}
	return NULL;
}

int stance_source_fetch(stance_source_report *report, stance_repo *repo,
	const char *const *ids, size_t nids, const stance_fetch_options *fopts)
{
	stance_source_list *l = NULL;
	fetch_state state = { 0 };
	stance_fetch_request *reqs = NULL;
	stance_fetch_response *resps = NULL;
	size_t *which = NULL, nreq = 0, i, nfeeds = 0;
	unsigned *gone_after = NULL;
	char **feed_ids = NULL, **addresses = NULL;
	const char **listed = NULL;
	stance_buf *urls = NULL;
	int error;
	double started = wall();
	stance_fetch_options fo = STANCE_FETCH_OPTIONS_INIT;
	stance_fetch_cache *cache = NULL;
	store_ctx sc;
	pthread_t worker;
	int have_worker = 0;
	STANCE_CHECK_OPTIONS(fopts, STANCE_FETCH_OPTIONS_VERSION, "stance_fetch_options");

	memset(&sc, 0, sizeof(sc));
	sc.repo = repo; /* the feeds' new sources begin the batch */
	pthread_mutex_init(&sc.mu, NULL);
	pthread_cond_init(&sc.cv, NULL);
	memset(report, 0, sizeof(*report));
	/* One run, one politeness: feeds and pages share robots.txt and the
	 * hosts' timing. */
	if (fopts)
		fo = *fopts;
	if ((error = stance_fetch_cache_new(&cache)) < 0)
		return error;
	fo.cache = cache;
	fopts = &fo;
	if ((error = stance_source_list_load(&l, repo)) < 0)
		goto done;
	for (i = 0; i < nids; i++) {
		size_t k;
		int found = 0;
		for (k = 0; k < l->n && !found; k++)
			if (!strcmp(l->v[k].id, ids[i]))
				found = 1;
		if (!found) {
			error = stance_error_set(STANCE_ENOTFOUND, "there is no source '%s'; see 'stance source list'", ids[i]);
			goto done;
		}
	}
	stance_fetch_state_load(&state, repo);

	/* 1. Feeds: their new items become sources of their own. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].pub.feed && wanted(&l->v[i], ids, nids))
			nfeeds++;
	if (nfeeds) {
		stance_buf text = STANCE_BUF_INIT, note = STANCE_BUF_INIT, skip_note = STANCE_BUF_INIT;
		size_t f = 0;
		if (!(sc.feed_rows = calloc(nfeeds, sizeof(*sc.feed_rows)))) {
			error = stance_error_oom();
			goto done;
		}
		if (!(reqs = calloc(nfeeds, sizeof(*reqs))) || !(resps = calloc(nfeeds, sizeof(*resps))) ||
		    !(feed_ids = calloc(nfeeds, sizeof(*feed_ids))) || !(addresses = calloc(nfeeds, sizeof(*addresses)))) {
			error = stance_error_oom();
			goto done;
		}
		for (i = 0; i < l->n; i++)
			if (l->v[i].pub.feed && wanted(&l->v[i], ids, nids)) {
				stance_buf u = STANCE_BUF_INIT;
				stance_source_request_url(&u, repo, &l->v[i].pub);
				reqs[f].url = stance_buf_detach(&u);
				feed_ids[f++] = stance_strdup(l->v[i].id);
			}
		/* with the address each feed answered from: its items' class */
		if ((error = stance_fetch_run_listed(resps, reqs, NULL, addresses, nfeeds, fopts)) < 0)
			goto done;
		for (f = 0; f < nfeeds; f++) {
			source_entry *feed = stance_source_list_find(l, feed_ids[f]);
			stance_source_result *row = report_add(report, feed->id, feed->url);
			if (!row) {
				error = stance_error_oom();
				break;
			}
			row->status = resps[f].status;
			if (resps[f].outcome == STANCE_FETCH_FAILED) {
				row_fail(report, row, resps[f].reason);
				continue;
			}
			feed->address = addresses[f];
			addresses[f] = NULL;
			{
				feed_ctx c;
				size_t before = l->n, k;
				memset(&c, 0, sizeof(c));
				c.repo = repo;
				c.list = l;
				c.feed_id = feed_ids[f];
				c.feed_url = row->url;
				c.address = feed->address;
				c.ranges = fopts->private_ranges;
				/* unknown counts as public */
				c.feed_public = !feed->address || stance_address_is_private(feed->address, c.ranges) != 1;
				stance_error_clear();
				c.text = &text;
				c.skip_note = &skip_note;
				stance_buf_clear(&text);
				stance_buf_clear(&skip_note);
				if (stance_feed_parse_items(resps[f].body.ptr ? resps[f].body.ptr : "", resps[f].body.size,
					feed->url, on_item, &c) < 0 || c.error < 0 ||
				    (text.size && (error = add_feed_items(&sc, feed_ids[f], text.ptr, c.added)) < 0)) {
					row_fail(report, row, stance_error_last());
					/* a feed that failed adds no source */
					for (k = before; k < l->n; k++)
						stance_source_entry_dispose(&l->v[k]);
					l->n = before;
					if (error < 0)
						break;
					continue;
				}
				if (text.size)
					sc.feed_rows[sc.nfeed_rows++] = report->count - 1;
				stance_buf_clear(&note);
				stance_buf_printf(&note, "feed: %zu new item%s", c.added, c.added == 1 ? "" : "s");
				if (c.skipped) {
					stance_buf_printf(&note, ", %zu skipped: %s", c.skipped, skip_note.ptr);
					if (c.skipped > 1)
						stance_buf_printf(&note, " (and %zu more)", c.skipped - 1);
				}
				row->reason = stance_buf_detach(&note);
			}
		}
		stance_buf_dispose(&text);
		stance_buf_dispose(&note);
		stance_buf_dispose(&skip_note);
		for (f = 0; f < nfeeds; f++) {
			stance_fetch_response_dispose(&resps[f]);
			free((char *)reqs[f].url);
			free(addresses[f]);
		}
		free(addresses);
		addresses = NULL;
		free(reqs);
		free(resps);
		reqs = NULL;
		resps = NULL;
		if (error < 0)
			goto done;
	}

	/* 2. Pages. */
	if (!(reqs = calloc(l->n + 1, sizeof(*reqs))) || !(resps = calloc(l->n + 1, sizeof(*resps))) ||
	    !(which = calloc(l->n + 1, sizeof(*which))) || !(urls = calloc(l->n + 1, sizeof(*urls))) ||
	    !(listed = calloc(l->n + 1, sizeof(*listed))) ||
	    !(gone_after = calloc(l->n + 1, sizeof(*gone_after)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < l->n; i++) {
		state_row *st;
		if (l->v[i].pub.feed || !wanted(&l->v[i], ids, nids))
			continue;
		if ((error = gone_after_of(&gone_after[nreq], repo, l->v[i].id)) < 0)
			goto done;
		stance_buf_clear(&urls[nreq]);
		stance_source_request_url(&urls[nreq], repo, &l->v[i].pub);
		reqs[nreq].url = urls[nreq].ptr;
		listed[nreq] = listed_by(l, &l->v[i], fopts->private_ranges);
		/* Conditional only when a version is stored: a document removed
		 * from the repository is fetched whole again. */
		if ((st = stance_fetch_state_find(&state, l->v[i].id, 0))) {
			stance_buf path = STANCE_BUF_INIT;
			stance_buf_printf(&path, "%s%s.md", stance_repo_workdir(repo), l->v[i].id);
			if (access(path.ptr, F_OK) == 0) {
				reqs[nreq].etag = st->etag;
				reqs[nreq].last_modified = st->last_modified;
			}
			stance_buf_dispose(&path);
		}
		which[nreq++] = i;
	}
	/* one report row a page, in the order of the sources; store_page()
	 * fills each as its answer comes in */
	sc.row0 = report->count;
	for (i = 0; i < nreq; i++)
		if (!report_add(report, l->v[which[i]].id, l->v[which[i]].url)) {
			error = stance_error_oom();
			goto done;
		}
	if (!(sc.pending = calloc(nreq + 1, sizeof(*sc.pending))) ||
	    !(sc.gone = calloc(nreq + 1, sizeof(*sc.gone))) ||
	    !(sc.queue = calloc(nreq + 1, sizeof(*sc.queue)))) {
		error = stance_error_oom();
		goto done;
	}
	sc.repo = repo;
	sc.list = l;
	sc.which = which;
	sc.gone_after = gone_after;
	sc.report = report;
	sc.state = &state;
	sc.responses = resps;
	fo.finished = page_finished;
	fo.finished_payload = &sc;
	if (pthread_create(&worker, NULL, store_pages, &sc) != 0) {
		error = stance_error_set(STANCE_ERROR, "cannot start the storing thread: %s", strerror(errno));
		goto done;
	}
	have_worker = 1;

	/* 3. Store: each page as it comes in, into one batch, while the others
	 * are on their way; the batch is written (one pack, each branch moved
	 * once) when the last has come. A save a document, with its loose
	 * objects and an index write, took 16 ms. */
	error = stance_fetch_run_listed(resps, reqs, listed, NULL, nreq, fopts);
	pthread_mutex_lock(&sc.mu);
	sc.closing = 1;
	pthread_cond_signal(&sc.cv);
	pthread_mutex_unlock(&sc.mu);
	pthread_join(worker, NULL);
	have_worker = 0;
	if (error < 0)
		goto done;
	report->fetch_seconds = wall() - started;
	started = wall();
	if (sc.error < 0) {
		error = stance_error_set(sc.error, "%s", sc.error_message ? sc.error_message : "cannot store");
		goto done;
	}
	if (sc.batch || state.dirty) {
		if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
			goto done;
		sc.locked = 1;
	}
	if (sc.batch && stance_batch_finish(sc.batch) < 0) {
		fail_unwritten(report, sc.pending, sc.npending, sc.row0);
		fail_unwritten(report, sc.feed_rows, sc.nfeed_rows, 0);
		sc.npending = 0;
	} else if (sc.batch)
		stance_history_add_batch(repo, sc.batch);
	/* pages gone too long: a commit each, after the versions */
	for (i = 0; i < sc.ngone; i++)
		record_gone(&sc, sc.gone[i], &resps[sc.gone[i]]);
	/* the HTTP state of a stored version is kept once it is written */
	for (i = 0; i < sc.npending; i++) {
		const stance_fetch_response *r = &resps[sc.pending[i]];
		stance_fetch_state_set(&state, l->v[which[sc.pending[i]]].id, r->etag, r->last_modified);
	}
	if ((error = stance_fetch_state_save(&state, repo)) < 0)
		goto done;
	report->store_seconds = wall() - started;
	/* Feed rows first, then pages; keep report order stable by source. */
	error = 0;
done:
	if (have_worker) {
		pthread_mutex_lock(&sc.mu);
		sc.closing = 1;
		pthread_cond_signal(&sc.cv);
		pthread_mutex_unlock(&sc.mu);
		pthread_join(worker, NULL);
	}
	pthread_mutex_destroy(&sc.mu);
	pthread_cond_destroy(&sc.cv);
	free(sc.queue);
	free(sc.feed_rows);
	free(sc.error_message);
	stance_batch_free(sc.batch);
	free(sc.pending);
	free(sc.gone);
	free(gone_after);
	if (sc.locked)
		stance_repo_unlock(repo);
	for (i = 0; resps && i < nreq; i++)
		stance_fetch_response_dispose(&resps[i]);
	for (i = 0; urls && i < nreq; i++)
		stance_buf_dispose(&urls[i]);
	free(urls);
	for (i = 0; feed_ids && i < nfeeds; i++)
		free(feed_ids[i]);
	free(feed_ids);
	for (i = 0; addresses && i < nfeeds; i++)
		free(addresses[i]);
	free(addresses);
	free(listed);
	free(reqs);
	free(resps);
	free(which);
	stance_fetch_state_dispose(&state);
	stance_source_list_free(l);
	stance_fetch_cache_free(cache);
	return error;
}

/* The raw bytes of the snapshot of `id` on the snapshots branch. */
static int load_snapshot(stance_buf *out, const char **ext, stance_repo *repo, const char *id)
{
	static const char *const exts[] = { "html", "xhtml", "htm", "xml", "txt" };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(exts); i++) {
		stance_buf path = STANCE_BUF_INIT;
		int error;
		stance_buf_printf(&path, "%s.%s", id, exts[i]);
		error = stance_store_read_file(out, repo, "refs/heads/snapshots", path.ptr);
		stance_buf_dispose(&path);
		if (error != STANCE_ENOTFOUND) {
			*ext = exts[i];
			return error;
		}
	}
	return stance_error_set(STANCE_ENOTFOUND, "%s: no snapshot on the snapshots branch", id);
}

int stance_source_reextract(stance_source_report *report, stance_repo *repo,
	const char *const *ids, size_t nids)
{
	stance_source_list *l = NULL;
	stance_batch *batch = NULL;
	size_t *pending = NULL, npending = 0;
	size_t i;
	int error;
	memset(report, 0, sizeof(*report));
	if ((error = stance_source_list_load(&l, repo)) < 0)
		return error;
	for (i = 0; i < nids; i++)
		if (!stance_source_list_find(l, ids[i])) {
			error = stance_error_set(STANCE_ENOTFOUND, "there is no source '%s'; see 'stance source list'", ids[i]);
			goto done;
		}
	if (!(pending = calloc(l->n + 1, sizeof(*pending)))) {
		error = stance_error_oom();
		goto done;
	}
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	/* every rebuilt version in one batch, as fetch stores them */
	if ((error = stance_batch_new(&batch, repo)) < 0)
		goto unlock;
	stance_batch_skip_deltas(batch);
	for (i = 0; i < l->n; i++) {
		const source_entry *s = &l->v[i];
		stance_source_result *row;
		stance_buf raw = STANCE_BUF_INIT, msg = STANCE_BUF_INIT, trailers = STANCE_BUF_INIT;
		stance_document *doc = NULL;
		stance_save_options so = STANCE_SAVE_OPTIONS_INIT;
		stance_save_result saved;
		const char *ext = NULL;
		if (s->pub.feed || !wanted(s, ids, nids))
			continue;
		if (!(row = report_add(report, s->id, s->url))) {
			error = stance_error_oom();
			break;
		}
		if (load_snapshot(&raw, &ext, repo, s->id) < 0 ||
		    stance_source_build_document(&doc, repo, &s->pub, l, raw.ptr ? raw.ptr : "", raw.size, NULL, s->url, s->published) < 0) {
			row_fail(report, row, stance_error_last());
			goto next;
		}
		stance_buf_printf(&msg, "Re-extract %s", s->id);
		stance_store_trailer(&trailers, "Source", row->url);
		so.message = msg.ptr;
		so.trailers = trailers.ptr;
		if (stance_batch_save(&saved, batch, doc, &so) < 0)
			row_fail(report, row, stance_error_last());
		else if (saved.changed) {
			row->outcome = STANCE_SOURCE_UPDATED;
			memcpy(row->commit, saved.commit, sizeof(row->commit));
			pending[npending++] = report->count - 1;
		}
next:
		stance_document_free(doc);
		stance_buf_dispose(&raw);
		stance_buf_dispose(&msg);
		stance_buf_dispose(&trailers);
	}
	if (error == 0 && stance_batch_finish(batch) < 0)
		fail_unwritten(report, pending, npending, 0);
	else if (error == 0)
		stance_history_add_batch(repo, batch);

unlock:
	stance_repo_unlock(repo);
done:
	stance_batch_free(batch);
	free(pending);
	stance_source_list_free(l);
	return error;
}
