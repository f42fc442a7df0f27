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

/* "new", "updated", "unchanged", "failed" or "gone". */
const char *stance_source_outcome_name(stance_source_outcome outcome);

#ifdef __cplusplus
}
#endif
#endif
