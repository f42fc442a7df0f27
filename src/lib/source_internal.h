/*
 * source_internal.h: what the three files of the sources module share.
 * source_config.c keeps the sources in .stance/config and their
 * credentials in .git/stance-credentials; source_state.c keeps the HTTP
 * state of each source (ETag, Last-Modified) in .git/stance-fetch-state;
 * source.c is the run over them (fetch, extract, store) and re-extraction.
 * Not part of the API.
 */
#ifndef STANCE_SOURCE_INTERNAL_H
#define STANCE_SOURCE_INTERNAL_H

#include "internal.h"
#include "stance/document.h"
#include "stance/source.h"
#include "stance/repo.h"

/* ---- the list (source_config.c) ---- */

typedef struct {
	stance_source pub;
	char *id, *url, *kind, *organization, *from;
	char *from_address;  /* an item's: the address its feed answered from when it listed it */
	char *published;     /* an item's: the date its feed gave it (pubDate, published, lastmod, dc:date) */
	char *address;       /* a feed's: the address it answered from in this run */
	char **select, **remove, **noise;
} source_entry;

struct stance_source_list {
	source_entry *v;
	size_t n, cap;
};

/* Points the public part of `e` at its fields. */
void stance_source_entry_sync(source_entry *e);
/* Frees the fields of `e` (not `e`). */
void stance_source_entry_dispose(source_entry *e);
/* The source `id`; borrowed from the list, or NULL. */
source_entry *stance_source_list_find(stance_source_list *l, const char *id);
/* STANCE_EINVALID naming source `id` when noise rule `rule` does not compile. */
int stance_source_check_regex(const char *rule, const char *id);
/* The URL to request for source `s`: its URL with its credentials put
 * back, appended to `out`. */
void stance_source_request_url(stance_buf *out, stance_repo *repo, const stance_source *s);
/* Appends the .stance/config section of `s` (and, for an item, of the
 * address its feed answered from and the date it gave) to `out`. */
void stance_source_text(stance_buf *out, const stance_source *s, const char *from_address,
	const char *published);

/* ---- one document from a page's bytes (source.c) ---- */

/* Extracts the document of source `s` (its rules, else its feed's, from
 * list `l`; its noise removed) from data[0, len) as fetched from
 * `final_url` with `content_type` (either may be NULL), with the id, kind,
 * organization and source of `s`, and the fields the page does not give
 * taken from the stored version; `feed_date` (may be NULL) when the page
 * has no date. The caller frees *out. */
int stance_source_build_document(stance_document **out, stance_repo *repo, const stance_source *s,
	stance_source_list *l, const char *data, size_t len, const char *content_type, const char *final_url,
	const char *feed_date);
/* The snapshot's file extension for a Content-Type (html, xhtml, xml, txt,
 * pdf); a static string. */
const char *stance_source_snapshot_ext(const char *content_type);

/* ---- HTTP answers kept with their versions (source_warc.c) ---- */

/*
 * Appends the trailers that keep an HTTP answer's status line and headers
 * with a version: `HTTP-Status: HTTP/1.1 200 OK` and one `HTTP-Header:
 * Name: value` a header, from head[0, len) (the status line and header
 * lines as received). Transfer-Encoding, Content-Encoding and
 * Content-Length are left out (the snapshot holds the body decoded, and
 * those described the bytes on the wire), and so are Set-Cookie and
 * Set-Cookie2 (a session's secret has no place in a history that is
 * pushed). Nothing when `head` has no status line.
 */
int stance_source_http_trailers(stance_buf *out, const char *head, size_t len);

/* ---- fetch state, .git/stance-fetch-state (source_state.c) ---- */

typedef struct {
	char *id, *etag, *last_modified;
	unsigned misses;  /* fetches in a row that answered 404 or 410 */
} state_row;

typedef struct {
	state_row *v;
	size_t n, cap;
	int dirty;
} fetch_state;

void stance_fetch_state_dispose(fetch_state *s);
/* The row of `id`, made when `create` and missing; NULL otherwise. */
state_row *stance_fetch_state_find(fetch_state *s, const char *id, int create);
/* Reads the state of `repo`; a missing or unreadable file is an empty state. */
void stance_fetch_state_load(fetch_state *s, stance_repo *repo);
/* Writes the state back when it changed. */
int stance_fetch_state_save(fetch_state *s, stance_repo *repo);
/* Records the validators of `id` (NULL or "": none). */
void stance_fetch_state_set(fetch_state *s, const char *id, const char *etag, const char *lm);
/* Counts one more fetch of `id` that found the page gone (404, 410), or,
 * with `gone` 0, one that found it: returns the fetches in a row it was gone. */
unsigned stance_fetch_state_miss(fetch_state *s, const char *id, int gone);

#endif
