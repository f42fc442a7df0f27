/*
 * source.h: the web pages and feeds a repository follows, kept in
 * .stance/config ([source "ID"] url, select, remove, noise, kind,
 * organization, feed), and the run that fetches them, extracts their
 * documents and stores a version when the text changed, with the raw bytes
 * on the snapshots branch.
 */
#ifndef STANCE_SOURCE_H
#define STANCE_SOURCE_H

#include "common.h"
#include "fetch.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	unsigned int version;
	const char *id;            /* the document id (for a feed: the collection its items go in) */
	const char *url;           /* http or https */
	const char *const *select; /* XPath rules choosing the content */
	size_t select_count;
	const char *const *remove; /* XPath rules dropping parts of the page */
	size_t remove_count;
	const char *const *noise;  /* POSIX extended regular expressions whose matches are ignored */
	size_t noise_count;
	const char *kind;          /* the documents' kind, or NULL */
	const char *organization;  /* the documents' organization, or NULL */
	int feed;                  /* 1: an RSS 2.0 / Atom feed or a sitemap */
	const char *from;          /* for a feed's item: the feed's id (set by fetch) */
} stance_source;

#define STANCE_SOURCE_VERSION 1
#define STANCE_SOURCE_INIT { STANCE_SOURCE_VERSION, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, 0, NULL }

/*
 * Adds a source to .stance/config. STANCE_EEXISTS when the id is taken;
 * STANCE_EINVALID, naming it, for a bad id, a URL that is not http(s), an
 * XPath or a regular expression that does not compile. Nothing is written
 * on failure.
 */
int stance_source_add(stance_repo *repo, const stance_source *src);

/*
 * Changes the rules of the source `changes->id`: each of select, remove and
 * noise given (a non-NULL array; a count of 0 clears them) replaces the
 * source's, and so does kind or organization when not NULL ("" clears it);
 * the URL, the feed flag and the credentials stay. STANCE_ENOTFOUND when
 * there is no such source; STANCE_EINVALID, naming it, for a rule that does
 * not compile or a kind that is none. Nothing is written on failure. The
 * documents keep their text until `stance_source_reextract` or a fetch.
 */
int stance_source_set(stance_repo *repo, const stance_source *changes);

/* Removes a source (and, for a feed, forgets nothing of its documents).
 * STANCE_ENOTFOUND when there is no such source. */
int stance_source_remove(stance_repo *repo, const char *id);

typedef struct stance_source_list stance_source_list;

/* Reads every source of .stance/config, in file order. Free the list with
 * stance_source_list_free(). */
int stance_source_list_load(stance_source_list **out, stance_repo *repo);
size_t stance_source_list_count(const stance_source_list *list);
/* The i-th source; borrowed from the list. */
const stance_source *stance_source_list_get(const stance_source_list *list, size_t i);
void stance_source_list_free(stance_source_list *list);

typedef enum {
	STANCE_SOURCE_NEW = 0,   /* first version stored */
	STANCE_SOURCE_UPDATED,   /* a new version stored */
	STANCE_SOURCE_UNCHANGED, /* fetched (or 304), text unchanged: nothing written */
	STANCE_SOURCE_FAILED,    /* see reason; nothing written for it */
	STANCE_SOURCE_GONE       /* 404/410 on the source's gone-after fetches in a row
	                          * (default 3): the document's removal committed on
	                          * its own (commit), or made before (no commit) */
} stance_source_outcome;

typedef struct {
	char *id;
	char *url;                      /* without credentials */
	stance_source_outcome outcome;
	int not_modified;               /* 1 when the server answered 304 */
	long status;                    /* last HTTP status, 0 when none */
	char *reason;                   /* for FAILED (and notes such as "3 new items") */
	char commit[41];                /* the version commit, for NEW and UPDATED */
} stance_source_result;

typedef struct {
	stance_source_result *results;
	size_t count;
	size_t failed;
	double fetch_seconds;  /* wall time until the last answer came in (pages are
	                        * extracted and committed in memory meanwhile) */
	double store_seconds;  /* wall time of writing the commits after that */
} stance_source_report;

/*
 * Fetches the sources named by `ids` (NULL or none: all; a feed's id also
 * takes its items), feeds first (new items become sources), then the pages,
 * with the fetch options `fopts` (may be NULL). Takes the repository's lock
 * to store. One version commit a document whose canonical text changed;
 * what failed writes nothing. The report, in source order, is filled even
 * when some sources fail (report->failed counts them); the function fails
 * only for an unknown id or when it cannot run. Dispose the report with
 * stance_source_report_dispose().
 */
int stance_source_fetch(stance_source_report *report, stance_repo *repo,
	const char *const *ids, size_t nids, const stance_fetch_options *fopts);

/*
 * Rebuilds the documents of `ids` (NULL or none: all sources) from their
 * stored snapshots with the current rules; a changed document is committed
 * as "Re-extract <id>".
 */
int stance_source_reextract(stance_source_report *report, stance_repo *repo,
	const char *const *ids, size_t nids);

void stance_source_report_dispose(stance_source_report *report);

/* ---- WARC files in and out (source_warc.c, source_warc_export.c) ---- */

typedef struct {
	size_t records;     /* records read, of every type */
	size_t responses;   /* HTML and text `response` records with a 2xx status */
	size_t written;     /* revisions written */
	size_t documents;   /* documents they are of */
	size_t revisits;    /* `revisit` records: an unchanged version, no revision */
	size_t duplicates;  /* the payload of the URL's capture before it again */
	size_t unchanged;   /* already stored (dated at or before the document's newest
	                     * revision) or the same text as the version before */
	size_t other;       /* records of other types, other media types or statuses */
} stance_warc_import_report;

/*
 * Imports the `response` records of the WARC files `files` (plain or
 * gzip-compressed): each HTML or text page answered with a 2xx status
 * becomes a revision of the document of its WARC-Target-URI, dated by its
 * WARC-Date, its payload (chunked framing and Content-Encoding removed)
 * kept as the snapshot and extracted as `stance fetch` extracts a page
 * (with the rules of the configured source whose URL it is). The document
 * is the one `map` names for the URL (a file of `URL<TAB>ID` lines, may be
 * NULL), else the configured source's, else one made from the URL
 * (host/path, slugged). Every record of every file is read and checked
 * before anything is written; a malformed or truncated one fails naming
 * the file and the record, and nothing is written. The revisions are
 * written as one batch under the lock.
 */
int stance_source_import_warc(stance_warc_import_report *report, stance_repo *repo,
	const char *const *files, size_t nfiles, const char *map);

typedef struct {
	unsigned int version;
	const char *const *ids;  /* the documents to export; NULL or none: all */
	size_t nids;
	int64_t since;           /* only snapshots fetched at or after this time; 0: all */
} stance_warc_export_options;

#define STANCE_WARC_EXPORT_OPTIONS_VERSION 1
#define STANCE_WARC_EXPORT_OPTIONS_INIT { STANCE_WARC_EXPORT_OPTIONS_VERSION, NULL, 0, 0 }

typedef struct {
	size_t records;      /* response records written (the warcinfo record aside) */
	size_t documents;    /* documents they are of */
	size_t synthesised;  /* of them, snapshots stored without their HTTP headers */
} stance_warc_export_report;

/*
 * Writes every stored snapshot (of `opts->ids`, fetched since
 * `opts->since`) to the gzip-per-record WARC file `path`, oldest first,
 * after a `warcinfo` record: a `response` record each, with the status
 * line and headers the fetch received (HTTP/1.1 200 OK and the
 * Content-Type for a snapshot stored before they were kept), the
 * snapshot as payload, WARC-Target-URI the Source, WARC-Date the
 * Fetched-At, and SHA-1 payload and block digests. The file appears whole
 * or not at all.
 */
int stance_source_export_warc(stance_warc_export_report *report, stance_repo *repo, const char *path,
	const stance_warc_export_options *opts);

/* "new", "updated", "unchanged", "failed" or "gone". */
const char *stance_source_outcome_name(stance_source_outcome outcome);

#ifdef __cplusplus
}
#endif
#endif
