/*
 * site_internal.h: what the files of the site module share (site.c: the
 * build, its cache and the document's data; site_pages.c: the HTML pages;
 * site_feeds.c: the Atom feeds and the Memento time maps).
 */
#ifndef STANCE_SITE_INTERNAL_H
#define STANCE_SITE_INTERNAL_H

#include "internal.h"
#include "stance/document.h"
#include "stance/positions.h"
#include "stance/site.h"
#include "stance/repo.h"
#include "stance/history.h"

/* One revision of a document as the site shows it. */
typedef struct {
	char commit[41];
	char slug[64];          /* its page: "2020-11-16", or "2020-11-16-1a2b3c4" for a
	                         * second revision on one day (stable as history grows) */
	int64_t time;
	int tz_minutes;
	char *author;
	char *message;          /* the first line */
	char *source;           /* Source: trailer, or NULL */
	char *fetched_at;       /* Fetched-At: trailer, or NULL */
	char *snapshot_ext;     /* the raw snapshot's extension ("html"), or NULL */
	size_t added, removed, moved;
	size_t pos_added, pos_removed, pos_reworded;
	char *pos_summary;      /* "added: ...\n" lines of the position changes, or NULL */
	int in_feed;            /* 1 once an entry of the collection's or an organization's
	                         * feed: only those summaries are kept for the next build */
} site_rev;

typedef struct {
	char *id, *title, *kind, *organization, *publication, *published, *language, *source;
	char *authors;          /* "A, B" of the latest version, or NULL */
	site_rev *revs;         /* oldest first */
	size_t nrevs, revs_cap;
	int built;              /* 1 when its pages were written in this build */
} site_doc;

/* One position followed through a document's revisions. */
typedef struct {
	char *text;             /* its last wording */
	stance_buf events;      /* HTML list items: appeared, reworded, removed */
	int gone;
} site_position_life;

typedef struct {
	const stance_site_options *opts;
	const char *title;
	const char *language;   /* the repository's, for documents without their own */
	char *out;              /* opts->out with a trailing '/' */
	site_doc *docs;
	size_t ndocs;
	size_t files_written;
} site_build;

/* Writes `data` to OUT/relpath (folders made) unless the file holds it already. */
int site_write(site_build *b, const char *relpath, const char *data, size_t len);

/* HTML-escapes (and XML-escapes) `s` into `out`; NULL writes nothing. */
int site_esc(stance_buf *out, const char *s);
/* The relative way from a page of document `id` (id/x.html) to the top ("../../"). */
int site_root(stance_buf *out, const char *id);
/* "2020-11-16" of a revision, in its own zone. */
void site_day(char out[11], int64_t time, int tz_minutes);
/* RFC 3339 ("2020-11-16T10:00:00+01:00") and RFC 1123 (Memento) times. */
void site_rfc3339(char out[32], int64_t time, int tz_minutes);
void site_rfc1123(char out[40], int64_t time);
/* The organization's feed file name ("feeds/kommunernes-faellesraad.atom"). */
int site_org_feed(stance_buf *out, const char *organization);
/* The total of position changes of a document. */
size_t site_doc_position_changes(const site_doc *d);

/* The page head and foot every page shares; `root` leads to the top. */
int site_page_begin(stance_buf *out, site_build *b, const char *root, const char *lang,
	const char *title, const char *extra_head);
int site_page_end(stance_buf *out, const char *root, int search);

/* One change of the collection: a revision of a document. */
typedef struct {
	const site_doc *d;
	const site_rev *r;
} site_change;

/* The changes, newest first, from opts->since on; the caller frees. */
int site_changes(site_change **out, size_t *nout, site_build *b);

/* site_origins.c: each document's revisions for its blame, newest first,
 * re-extractions included (which the pages leave out): the history listed
 * once for the build, not once a document. of[i] belongs to b->docs[i]. */
typedef struct {
	stance_revision_list all;
	const stance_revision ***of;
	size_t *count, *cap, ndocs;
	int loaded;
} site_blame_revs;
int site_blame_revs_load(site_blame_revs *out, stance_repo *repo, const site_build *b);
void site_blame_revs_free(site_blame_revs *r);

/* The section "Where each sentence comes from" of d's page: the blame
 * (stance_blame_revisions) of revs[0, nrevs), d's revisions of the above
 * (blame reads the repository on a second thread meanwhile; the build waits). */
int site_origins_html(stance_buf *out, stance_repo *repo, const site_doc *d,
	const stance_revision *const *revs, size_t nrevs);

/* site_pages.c */
int site_write_document_page(site_build *b, const site_doc *d, const char *body_html,
	const char *origins_html, const site_position_life *lives, size_t nlives);
int site_write_revision_page(site_build *b, const site_doc *d, size_t i, size_t from,
	const char *redline_html, const char *name);
int site_write_positions_page(site_build *b, const site_doc *d, const site_position_life *lives,
	size_t nlives);
int site_write_index(site_build *b);

/* site_search.c: search-index.js from the search index of `repo`. */
int site_write_search_index(site_build *b, stance_repo *repo);
int site_write_changes(site_build *b);

/* site_feeds.c */
int site_write_document_feed(site_build *b, const site_doc *d);
int site_write_timemap(site_build *b, const site_doc *d);
int site_write_collection_feeds(site_build *b);

#endif
