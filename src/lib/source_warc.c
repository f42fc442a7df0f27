/*
 * source_warc.c: a web archive's captures brought in as if they had been
 * fetched (`stance import --warc`): every HTML or text `response` record of
 * the WARC files (warc.h reads them) becomes a version of its URL's
 * document, dated by its WARC-Date, extracted as source.c extracts a
 * fetched page and stored with its payload as the snapshot, in one batch.
 * Also the trailers that keep an HTTP answer's status line and headers with
 * a version, which fetch writes and `export --warc` reads back.
 */
#include "source_internal.h"
#include "url.h"
#include "stance/batch.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/extract.h"
#include "stance/history.h"
#include "stance/store.h"
#include "stance/warc.h"

#include <stdio.h>
#include <strings.h>
#include <time.h>

/* ---- HTTP answers as trailers ---- */

/* The headers not kept: those of the bytes on the wire, which the decoded
 * snapshot no longer has, and cookies, which may be a session's secret
 * and would be pushed with the history. */
static int left_out(const char *line, size_t n)
{
	static const char *const names[] = { "transfer-encoding", "content-encoding", "content-length",
		"set-cookie", "set-cookie2" };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(names); i++) {
		size_t k = strlen(names[i]);
		if (n > k && !strncasecmp(line, names[i], k) && line[k] == ':')
			return 1;
	}
	return 0;
}

int stance_source_http_trailers(stance_buf *out, const char *head, size_t len)
{
	const char *p = head, *end = head + len;
	int error = 0, first = 1;
	while (!error && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e;
		stance_buf line = STANCE_BUF_INIT;
		if (!nl)
			nl = end;
		e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (first) {
			if (e - p < 5 || memcmp(p, "HTTP/", 5))
				return 0; /* no status line: nothing to keep */
			stance_buf_put(&line, p, (size_t)(e - p));
			error = stance_store_trailer(out, "HTTP-Status", stance_buf_cstr(&line));
			first = 0;
		} else if (e > p && memchr(p, ':', (size_t)(e - p)) && !left_out(p, (size_t)(e - p)) &&
			   *p != ' ' && *p != '\t') {
			stance_buf_put(&line, p, (size_t)(e - p));
			error = stance_store_trailer(out, "HTTP-Header", stance_buf_cstr(&line));
		}
		stance_buf_dispose(&line);
		p = nl < end ? nl + 1 : end;
	}
	return error;
}

/* ---- the captures ---- */

/* One HTML or text response, as found in the first pass. */
typedef struct {
	size_t file;          /* which reader holds it */
	const char *block;    /* the record's block, in that reader's memory */
	size_t block_len;
	uint64_t offset;
	char *url;            /* WARC-Target-URI in normal form */
	char *record_id;
	char *date;           /* WARC-Date as Fetched-At writes it */
	int64_t time;
	char digest[38];      /* of the decoded payload */
	const char *id;       /* the document (borrowed from the id table) */
	size_t seq;           /* file order, for a stable sort */
	int late;             /* dated before its document's newest revision: placed after the batch */
} capture;

typedef struct {
	char *url, *id;
	source_entry *source; /* the configured source whose URL it is, or NULL */
	size_t written;       /* revisions of it written */
} url_id;

typedef struct {
	stance_repo *repo;
	const char *const *files;
	stance_warc_reader **readers;
	size_t nfiles;
	capture *v;
	size_t n, cap;
	url_id *ids;          /* URL -> document, one row a URL */
	size_t nids, capids;
	url_id *map;          /* the --map file's rows */
	size_t nmap, capmap;
	stance_source_list *list;
	stance_warc_import_report *report;
	stance_history_dates *stored; /* the stored revisions' dates, loaded once */
} import_ctx;

/* "FILE: the record at offset N (WARC-Record-ID <…>)" */
static void record_name(stance_buf *out, const import_ctx *c, size_t file, uint64_t offset, const char *rid)
{
	stance_buf_printf(out, "%s: the record at offset %llu", c->files[file], (unsigned long long)offset);
	if (rid)
		stance_buf_printf(out, " (WARC-Record-ID %s)", rid);
}

/* The WARC-Date `text` (ISO 8601, to the second, fractions dropped) as a
 * time and as Fetched-At writes it. */
static int read_date(int64_t *t, char out[32], const char *text)
{
	stance_date d;
	char plain[40];
	const char *dot = strchr(text, '.');
	size_t n = strlen(text);
	time_t tt;
	struct tm tm;
	if (n >= sizeof(plain))
		return STANCE_EPARSE;
	if (dot) {
		/* 2020-01-01T10:00:00.123456Z: the fraction is dropped */
		const char *q = dot + 1;
		while (*q >= '0' && *q <= '9')
			q++;
		snprintf(plain, sizeof(plain), "%.*s%s", (int)(dot - text), text, q);
	} else {
		snprintf(plain, sizeof(plain), "%s", text);
	}
	if (stance_date_parse(&d, plain) < 0 || d.precision < STANCE_DATE_MINUTE) {
		stance_error_clear();
		return STANCE_EPARSE;
	}
	*t = stance_date_start(&d);
	tt = (time_t)*t;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

/* Whether a Content-Type is a page the extractor reads. */
static int page_type(const char *ct)
{
	if (!ct || !*ct)
		return 1; /* no type: read as HTML, as fetch does */
	return !strncasecmp(ct, "text/html", 9) || !strncasecmp(ct, "application/xhtml+xml", 21) ||
		!strncasecmp(ct, "text/plain", 10);
}

/* Reads the --map file: `URL<TAB>ID` lines, `#` comments, blank lines. */
static int load_map(import_ctx *c, const char *path)
{
	stance_buf text = STANCE_BUF_INIT;
	char *p, *line;
	size_t lineno = 0;
	int error;
	if ((error = stance_file_read(&text, path)) < 0)
		return error;
	for (p = text.ptr; p && *p; p = line) {
		char *nl = strchr(p, '\n'), *tab;
		stance_buf norm = STANCE_BUF_INIT;
		line = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (nl && nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		lineno++;
		if (!*p || *p == '#')
			continue;
		if (!(tab = strchr(p, '\t')) || strchr(tab + 1, '\t')) {
			error = stance_error_set(STANCE_EPARSE, "%s:%zu: expected 'URL<TAB>ID'", path, lineno);
			break;
		}
		*tab = '\0';
		if (stance_url_normalize(&norm, p, STANCE_URL_HTTP | STANCE_URL_NO_FRAGMENT | STANCE_URL_NO_CREDENTIALS) < 0) {
			error = stance_error_set(STANCE_EPARSE, "%s:%zu: %s", path, lineno, stance_error_last());
			break;
		}
		if (stance_id_validate(tab + 1) < 0) {
			stance_buf_dispose(&norm);
			error = stance_error_set(STANCE_EPARSE, "%s:%zu: %s", path, lineno, stance_error_last());
			break;
		}
		if ((error = stance_array_grow(&c->map, &c->capmap, c->nmap + 1, sizeof(*c->map))) < 0) {
			stance_buf_dispose(&norm);
			break;
		}
		c->map[c->nmap].url = stance_buf_detach(&norm);
		c->map[c->nmap].id = stance_strdup(tab + 1);
		c->map[c->nmap].source = NULL;
		c->map[c->nmap].written = 0;
		c->nmap++;
	}
	stance_buf_dispose(&text);
	return error;
}

/* The id made from a URL: its host (and port) slugged, then each path
 * segment slugged, the last without its extension and with the query;
 * "index" for a folder. */
static int derive_id(stance_buf *out, const char *url)
{
	stance_url u = STANCE_URL_INIT;
	stance_buf part = STANCE_BUF_INIT, seg = STANCE_BUF_INIT;
	const char *p;
	int error;
	if ((error = stance_url_parse(&u, url, STANCE_URL_HTTP)) < 0)
		return error;
	stance_buf_printf(&part, "%s%s%s", u.host ? u.host : "host", u.port ? "-" : "", u.port ? u.port : "");
	stance_slugify(out, part.ptr);
	for (p = u.path ? u.path : "/"; *p;) {
		const char *s = p + (*p == '/'), *e = strchr(s, '/');
		int last = !e;
		if (!e)
			e = s + strlen(s);
		stance_buf_clear(&seg);
		stance_buf_put(&seg, s, (size_t)(e - s));
		if (last && seg.size && strrchr(seg.ptr, '.'))
			seg.ptr[seg.size = (size_t)(strrchr(seg.ptr, '.') - seg.ptr)] = '\0';
		if (last && u.query)
			stance_buf_printf(&seg, "-%s", u.query);
		if (last && !seg.size)
			stance_buf_puts(&seg, "index");
		stance_buf_clear(&part);
		if (seg.size)
			stance_slugify(&part, seg.ptr);
		if (part.size > 80) {
			part.ptr[part.size = 80] = '\0';
			while (part.size && part.ptr[part.size - 1] == '-')
				part.ptr[--part.size] = '\0';
		}
		if (part.size)
			stance_buf_printf(out, "/%s", part.ptr);
		p = e;
	}
	stance_error_clear();
	stance_url_dispose(&u);
	stance_buf_dispose(&part);
	stance_buf_dispose(&seg);
	return stance_id_validate(stance_buf_cstr(out));
}

/* The document of `url`: the map's, the configured source's, else one made
 * from the URL. Two URLs that would make one id are refused. */
static int id_of(const char **out, import_ctx *c, const char *url)
{
	size_t i;
	stance_buf id = STANCE_BUF_INIT;
	source_entry *src = NULL;
	int error = 0;
	for (i = 0; i < c->nids; i++)
		if (!strcmp(c->ids[i].url, url)) {
			*out = c->ids[i].id;
			return 0;
		}
	for (i = 0; i < c->nmap && !id.size; i++)
		if (!strcmp(c->map[i].url, url))
			stance_buf_puts(&id, c->map[i].id);
	for (i = 0; i < c->list->n && !src; i++) {
		stance_buf norm = STANCE_BUF_INIT;
		const source_entry *e = &c->list->v[i];
		if (!e->pub.feed && e->url && stance_url_normalize(&norm, e->url, STANCE_URL_NO_FRAGMENT |
			STANCE_URL_NO_CREDENTIALS) == 0 && !strcmp(norm.ptr, url) && (!id.size || !strcmp(id.ptr, e->id)))
			src = &c->list->v[i];
		stance_error_clear();
		stance_buf_dispose(&norm);
	}
	if (!id.size && src)
		stance_buf_puts(&id, src->id);
	if (!id.size && derive_id(&id, url) < 0) {
		error = stance_error_set(STANCE_EINVALID, "%s makes no valid document id (%s); give it one with --map",
			url, stance_error_last());
		goto done;
	}
	for (i = 0; i < c->nids; i++)
		if (!strcmp(c->ids[i].id, id.ptr)) {
			error = stance_error_set(STANCE_EINVALID, "%s and %s would both be the document %s; give them ids "
				"of their own with --map", c->ids[i].url, url, id.ptr);
			goto done;
		}
	if ((error = stance_array_grow(&c->ids, &c->capids, c->nids + 1, sizeof(*c->ids))) < 0)
		goto done;
	c->ids[c->nids].url = stance_strdup(url);
	c->ids[c->nids].id = stance_buf_detach(&id);
	c->ids[c->nids].source = src;
	c->ids[c->nids].written = 0;
	*out = c->ids[c->nids++].id;
done:
	stance_buf_dispose(&id);
	return error;
}

/* Whether a response record holds an HTTP answer: its Content-Type is
 * application/http (or missing) and its URI is http(s). */
static int http_record(const stance_warc_record *rec)
{
	const char *ct = stance_warc_get(rec, "Content-Type"), *uri = stance_warc_get(rec, "WARC-Target-URI");
	if (ct && strncasecmp(ct, "application/http", 16))
		return 0;
	if (uri && *uri == '<')
		uri++;
	return !uri || !strncasecmp(uri, "http://", 7) || !strncasecmp(uri, "https://", 8);
}

/* The first pass over one file: every record read and checked, the pages
 * noted. */
static int scan_file(import_ctx *c, size_t f)
{
	stance_warc_reader *r = c->readers[f];
	stance_warc_record rec;
	int more;
	while ((more = stance_warc_reader_next(r, &rec)) == 1) {
		const char *type = stance_warc_get(&rec, "WARC-Type"), *uri = stance_warc_get(&rec, "WARC-Target-URI");
		const char *rid = stance_warc_get(&rec, "WARC-Record-ID"), *wdate = stance_warc_get(&rec, "WARC-Date");
		const char *ct;
		stance_http_response resp;
		stance_buf what = STANCE_BUF_INIT, norm = STANCE_BUF_INIT;
		capture *cap;
		int error = 0;
		c->report->records++;
		if (type && !strcasecmp(type, "revisit")) {
			c->report->revisits++;
			continue;
		}
		if (!type || strcasecmp(type, "response") || !http_record(&rec)) {
			/* a request, metadata, a dns: lookup (Heritrix writes those as
			 * responses of type text/dns), … */
			c->report->other++;
			continue;
		}
		record_name(&what, c, f, rec.offset, rid);
		if (!uri || !wdate) {
			error = stance_error_set(STANCE_EPARSE, "%s has no %s", what.ptr, !uri ? "WARC-Target-URI" : "WARC-Date");
			stance_buf_dispose(&what);
			return error;
		}
		if ((error = stance_http_response_parse(&resp, rec.block, rec.block_len, what.ptr)) < 0) {
			stance_buf_dispose(&what);
			return error;
		}
		ct = stance_http_header(&resp, "Content-Type");
		if (resp.status < 200 || resp.status > 299 || !page_type(ct)) {
			c->report->other++;
			goto next;
		}
		c->report->responses++;
		if ((error = stance_array_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v))) < 0)
			goto next;
		cap = &c->v[c->n];
		memset(cap, 0, sizeof(*cap));
		if (read_date(&cap->time, (char[32]){ 0 }, wdate) < 0) {
			error = stance_error_set(STANCE_EPARSE, "%s has a WARC-Date '%s' that is not a date and time", what.ptr,
				wdate);
			goto next;
		}
		/* the <> some writers put around the URI are no part of it */
		{
			stance_buf bare = STANCE_BUF_INIT;
			size_t n = strlen(uri);
			if (n >= 2 && uri[0] == '<' && uri[n - 1] == '>')
				stance_buf_put(&bare, uri + 1, n - 2);
			else
				stance_buf_puts(&bare, uri);
			if (stance_url_normalize(&norm, bare.ptr, STANCE_URL_HTTP | STANCE_URL_NO_FRAGMENT |
				STANCE_URL_NO_CREDENTIALS) < 0)
				error = stance_error_set(STANCE_EPARSE, "%s: %s", what.ptr, stance_error_last());
			stance_buf_dispose(&bare);
			if (error < 0)
				goto next;
		}
		cap->file = f;
		cap->block = rec.block;
		cap->block_len = rec.block_len;
		cap->offset = rec.offset;
		cap->seq = c->n;
		cap->url = stance_buf_detach(&norm);
		cap->record_id = rid ? stance_strdup(rid) : NULL;
		cap->date = malloc(32);
		if (!cap->url || !cap->date) {
			error = stance_error_oom();
			goto next;
		}
		read_date(&cap->time, cap->date, wdate);
		c->n++;
		if ((error = stance_warc_sha1(cap->digest, resp.payload.ptr, resp.payload.size)) < 0 ||
		    (error = id_of(&cap->id, c, cap->url)) < 0)
			goto next;
next:
		stance_http_response_dispose(&resp);
		stance_buf_dispose(&what);
		stance_buf_dispose(&norm);
		if (error < 0)
			return error;
	}
	return more;
}

static int by_date(const void *a, const void *b)
{
	const capture *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The last payload digest stored for each URL in this import. */
static const char *last_digest(const import_ctx *c, size_t upto, const char *url)
{
	size_t i = upto;
	while (i-- > 0)
		if (c->v[i].digest[0] && !strcmp(c->v[i].url, url))
			return c->v[i].digest;
	return NULL;
}

/* Stores capture `k` into the batch (the second pass). */
/* Whether document `id` has a revision dated exactly `t` (a late capture
 * imported before). */
static int has_revision_at(int *out, stance_repo *repo, const char *id, int64_t t)
{
	stance_history_options ho = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	size_t i;
	int error;
	*out = 0;
	ho.id = id;
	ho.include_reextract = 1;
	if ((error = stance_history_list(&list, repo, &ho)) < 0)
		return error;
	for (i = 0; i < list.count && !*out; i++)
		*out = list.items[i].time == t && !list.items[i].removed;
	stance_revision_list_free(&list);
	return 0;
}

/*
 * Stores capture `k`: into the batch (`batch`), or, for a capture dated
 * before its document's newest revision, once the batch is written
 * (`batch` NULL), placed into the history by date as a back-dated add is
 * (stance_history_save), unless the document has a revision at that very
 * moment (the capture imported before).
 */
static int store_capture(import_ctx *c, stance_batch *batch, size_t k)
{
	capture *cap = &c->v[k];
	stance_http_response resp;
	stance_buf what = STANCE_BUF_INIT, trailers = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
	stance_source s = STANCE_SOURCE_INIT;
	stance_document *doc = NULL;
	stance_save_options so = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result saved;
	const char *prev = last_digest(c, k, cap->url);
	url_id *row = NULL;
	source_entry *src;
	int64_t latest = 0;
	size_t i;
	int error;
	for (i = 0; i < c->nids && !row; i++)
		if (!strcmp(c->ids[i].url, cap->url))
			row = &c->ids[i];
	src = row ? row->source : NULL;
	if (prev && !strcmp(prev, cap->digest)) {
		c->report->duplicates++;
		cap->digest[0] = '\0'; /* the capture before stays the one compared with */
		return 0;
	}
	if (batch) {
		/* the batch holds only older captures (they are written oldest
		 * first), so the newest stored revision is the one to be after */
		if (!c->stored && (error = stance_history_dates_load(&c->stored, c->repo)) < 0)
			return error;
		latest = stance_history_dates_newest(c->stored, cap->id);
		/* extracted now all the same, so that a page that fails stops
		 * the import before anything is written */
		cap->late = latest && cap->time <= latest;
	} else {
		int there;
		if ((error = has_revision_at(&there, c->repo, cap->id, cap->time)) < 0)
			return error;
		if (there) {
			c->report->unchanged++;
			return 0;
		}
	}
	record_name(&what, c, cap->file, cap->offset, cap->record_id);
	if ((error = stance_http_response_parse(&resp, cap->block, cap->block_len, what.ptr)) < 0) {
		stance_buf_dispose(&what);
		return error;
	}
	if (src) {
		s = src->pub;
	} else {
		s.id = cap->id;
		s.url = cap->url;
	}
	if ((error = stance_source_build_document(&doc, c->repo, &s, c->list, resp.payload.ptr, resp.payload.size,
		stance_http_header(&resp, "Content-Type"), cap->url, NULL)) < 0) {
		error = stance_error_set(error, "%s: %s", what.ptr, stance_error_last());
		goto done;
	}
	/* the head as it was, so that an export writes it back */
	stance_buf_printf(&head, "%s\r\n", resp.status_line);
	for (i = 0; i < resp.nheaders; i++)
		stance_buf_printf(&head, "%s: %s\r\n", resp.headers[i].name, resp.headers[i].value);
	stance_store_trailer(&trailers, "Source", cap->url);
	stance_store_trailer(&trailers, "Fetched-At", cap->date);
	if (cap->record_id)
		stance_store_trailer(&trailers, "WARC-Record-ID", cap->record_id);
	if (stance_http_header(&resp, "ETag"))
		stance_store_trailer(&trailers, "ETag", stance_http_header(&resp, "ETag"));
	if (stance_http_header(&resp, "Last-Modified"))
		stance_store_trailer(&trailers, "Last-Modified", stance_http_header(&resp, "Last-Modified"));
	stance_source_http_trailers(&trailers, head.ptr, head.size);
	so.trailers = trailers.ptr;
	so.time = cap->time;
	so.snapshot_ext = stance_source_snapshot_ext(stance_http_header(&resp, "Content-Type"));
	so.snapshot_data = resp.payload.ptr;
	so.snapshot_len = resp.payload.size;
	if (batch && cap->late)
		goto done; /* placed after the batch */
	if (batch)
		error = stance_batch_save(&saved, batch, doc, &so);
	else {
		int placed;
		error = stance_history_save(&saved, &placed, c->repo, doc, &so);
	}
	if (error < 0) {
		error = stance_error_set(error, "%s: %s", what.ptr, stance_error_last());
		goto done;
	}
	if (saved.changed) {
		c->report->written++;
		if (row && !row->written++)
			c->report->documents++;
	} else {
		c->report->unchanged++;
	}
done:
	stance_http_response_dispose(&resp);
	stance_document_free(doc);
	stance_buf_dispose(&what);
	stance_buf_dispose(&trailers);
	stance_buf_dispose(&head);
	return error;
}

static void ctx_dispose(import_ctx *c)
{
	size_t i;
	stance_history_dates_free(c->stored);
	for (i = 0; i < c->n; i++) {
		free(c->v[i].url);
		free(c->v[i].record_id);
		free(c->v[i].date);
	}
	free(c->v);
	for (i = 0; i < c->nids; i++) {
		free(c->ids[i].url);
		free(c->ids[i].id);
	}
	free(c->ids);
	for (i = 0; i < c->nmap; i++) {
		free(c->map[i].url);
		free(c->map[i].id);
	}
	free(c->map);
	for (i = 0; c->readers && i < c->nfiles; i++)
		stance_warc_reader_free(c->readers[i]);
	free(c->readers);
	stance_source_list_free(c->list);
}

int stance_source_import_warc(stance_warc_import_report *report, stance_repo *repo,
	const char *const *files, size_t nfiles, const char *map)
{
	import_ctx c;
	stance_batch *batch = NULL;
	size_t i;
	int error, locked = 0;
	memset(&c, 0, sizeof(c));
	memset(report, 0, sizeof(*report));
	c.repo = repo;
	c.files = files;
	c.nfiles = nfiles;
	c.report = report;
	if (!nfiles)
		return stance_error_set(STANCE_EINVALID, "no WARC file given");
	if (!(c.readers = calloc(nfiles, sizeof(*c.readers))))
		return stance_error_oom();
	if ((error = stance_source_list_load(&c.list, repo)) < 0)
		goto done;
	if (map && (error = load_map(&c, map)) < 0)
		goto done;
	/* 1. every record of every file read and checked; nothing written yet */
	for (i = 0; i < nfiles; i++) {
		if ((error = stance_warc_reader_open(&c.readers[i], files[i])) < 0 ||
		    (error = scan_file(&c, i)) < 0)
			goto done;
	}
	/* 2. the pages in date order, into one batch written under the lock */
	qsort(c.v, c.n, sizeof(*c.v), by_date);
	for (i = 0; i < c.n; i++)
		c.v[i].seq = i;
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	locked = 1;
	if ((error = stance_batch_new(&batch, repo)) < 0)
		goto done;
	for (i = 0; i < c.n; i++)
		if ((error = store_capture(&c, batch, i)) < 0)
			goto done;
	if ((error = stance_batch_finish(batch)) < 0)
		goto done;
	stance_history_add_batch(repo, batch);
	/* 3. the captures older than their document's newest revision, each
	 * placed into its history by date (a commit and a merge each) */
	for (i = 0; i < c.n; i++)
		if (c.v[i].late && (error = store_capture(&c, NULL, i)) < 0)
			goto done;
done:
	if (error < 0) {
		report->written = report->documents = 0;
	}
	stance_batch_free(batch);
	if (locked)
		stance_repo_unlock(repo);
	ctx_dispose(&c);
	return error;
}
