/*
 * history.h: the revisions of a document and "what did it say on that date?".
 */
#ifndef STANCE_HISTORY_H
#define STANCE_HISTORY_H

#include "common.h"
#include "repo.h"
#include "document.h"
#include "store.h"
#include "batch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	char commit[41];
	char blob[41];        /* the document file in that commit ("" when removed) */
	char prev_blob[41];   /* the document at its revision before this one by date, "" when none */
	int64_t time;         /* author time: when the version was observed */
	int tz_minutes;
	char *author_name;
	char *author_email;
	char *message;        /* the whole commit message */
	char *id;             /* the document this revision is of */
	int removed;          /* 1 when this commit removed the document */
	int reextract;        /* 1 for a "Re-extract <id>" commit (same observation) */
} stance_revision;

typedef struct {
	stance_revision *items;
	size_t count;
} stance_revision_list;

void stance_revision_list_free(stance_revision_list *list);

/*
 * After stance_batch_finish(): the batch's commits added to the revision
 * table (.git/stance-history) as its rows, and the table keyed by the new
 * tip, written atomically, so the next command reads a current table
 * instead of walking the batch's commits again. Only when the table was
 * current at the commit the batch was built on and HEAD is the batch's
 * last commit; otherwise (and when the file cannot be written) it is left
 * as it was, to be brought up to date by the next reader. The table is a
 * cache: nothing here fails.
 */
void stance_history_add_batch(stance_repo *repo, const stance_batch *batch);

typedef struct {
	unsigned int version;
	int64_t since;        /* keep revisions with time >= since (0: no bound) */
	int64_t until;        /* keep revisions with time < until (0: no bound) */
	size_t max_count;     /* 0: all */
	const char *id;       /* only this document; NULL: every document */
	int include_reextract; /* 0: leave out "Re-extract <id>" commits */
	int table_only;       /* 1: the revision table's fields only, no commit read:
	                       * author_name, author_email and message left NULL */
} stance_history_options;

#define STANCE_HISTORY_OPTIONS_VERSION 1
#define STANCE_HISTORY_OPTIONS_INIT { STANCE_HISTORY_OPTIONS_VERSION, 0, 0, 0, NULL, 0, 0 }

/*
 * The revisions reachable from HEAD that changed a document, newest first
 * by author time. With opts->id, only that document's; otherwise one entry per
 * document changed per commit. Re-extractions are left out unless
 * opts->include_reextract. The list belongs to the caller.
 */
int stance_history_list(stance_revision_list *out, stance_repo *repo,
	const stance_history_options *opts);

/*
 * Resolves a revision spec: "DOC", "DOC@REV" (any git commit-ish),
 * "DOC@{N}" (the Nth revision before the latest), "DOC@2020-12-04" (the
 * revision in effect at the end of that date). DOC may be a unique prefix.
 * Fills `rev` (freed with stance_revision_clear) and, when `doc` is not NULL,
 * the document as of that revision.
 */
int stance_history_resolve(stance_revision *rev, stance_document **doc,
	stance_repo *repo, const char *spec);

/*
 * Saves `doc` as stance_store_save does, except that a revision dated
 * (opts->time) before the document's newest one takes its place in the
 * history by date instead of becoming the newest: a commit of it on the
 * revision it follows, merged into HEAD with HEAD's tree
 * (stance_store_save_behind); *placed is then 1. A text equal to the one in
 * effect on that date already is not saved again (result->changed 0). No
 * commit is rewritten. The caller holds the lock.
 */
int stance_history_save(stance_save_result *result, int *placed, stance_repo *repo,
	const stance_document *doc, const stance_save_options *opts);

void stance_revision_clear(stance_revision *rev);

/*
 * The documents removed from HEAD (git rm, or a page recorded as gone): for
 * each, sorted by id, the revision that removed it (its date is when it
 * went; prev_blob its last text). Their history stays readable by id.
 */
int stance_history_removed(stance_revision_list *out, stance_repo *repo);

/*
 * stance_store_resolve_id, and also for a document removed from HEAD: its
 * whole id (which wins over a prefix of a document at HEAD), or a unique
 * prefix when no document at HEAD has it.
 */
int stance_history_resolve_id(stance_buf *out, stance_repo *repo, const char *prefix);

/* Reads the document file `id` from commit `commit`. */
int stance_history_read(stance_document **out, stance_repo *repo,
	const char *id, const char *commit);

/* Raw bytes of the document file `id` at `commit`, appended to `out`. */
int stance_history_read_raw(stance_buf *out, stance_repo *repo,
	const char *id, const char *commit);

/* The commit HEAD points at, in hex ("" before the first commit): what
 * a cache of the history (the search index) was built to. */
int stance_history_tip(char out[41], stance_repo *repo);

/* A document at HEAD, as the revision table counts it. */
typedef struct {
	char *id;
	char blob[41];        /* its file at HEAD */
	size_t revisions;     /* its revisions, re-extractions left out (stance_history_list's count) */
	int64_t first;        /* author time of its oldest revision; 0 when none */
} stance_history_document;

typedef struct {
	stance_history_document *items;
	size_t count;
} stance_history_document_list;

/*
 * The documents at HEAD, sorted by id, with their revision counts, from
 * the revision table alone (no commit read). The list belongs to the
 * caller: stance_history_document_list_free().
 */
int stance_history_documents(stance_history_document_list *out, stance_repo *repo);
void stance_history_document_list_free(stance_history_document_list *list);

/* Fills the author and message of `rev`, listed with `table_only`, from
 * its commit; a revision that has them already is left as it is. For a
 * caller that shows few of many revisions listed (log -S/-G). */
int stance_history_revision_commit(stance_revision *rev, stance_repo *repo);

/* Raw bytes of the blob with hex id `blob`, appended to `out`. */
int stance_history_read_blob(stance_buf *out, stance_repo *repo, const char *blob);

/*
 * The dates of the revisions the branch holds, read from the revision table
 * alone (no commit is read, so it costs what reading the cached table
 * costs): for a writer that must know what is there already (import). Every
 * revision counts, re-extractions and revisions placed late included; a
 * removal does not. Free with stance_history_dates_free().
 */
typedef struct stance_history_dates stance_history_dates;

int stance_history_dates_load(stance_history_dates **out, stance_repo *repo);

/* The author time of the newest revision of document `id`; 0 when none. */
int64_t stance_history_dates_newest(const stance_history_dates *dates, const char *id);

/* 1 when document `id` has a revision dated `time`, else 0. */
int stance_history_dates_has(const stance_history_dates *dates, const char *id, int64_t time);

void stance_history_dates_free(stance_history_dates *dates);

/*
 * The blobs of a walk over a document's revisions, read in order ahead of
 * the caller on a second thread, with libgit2's re-hashing of each object
 * off while open (the objects are the repository's own, and git does not
 * re-hash on read either). `blobs[0, count)` are hex ids, "" for a revision
 * that removed the document (empty content); they are copied. While the
 * reader is open the repository's libgit2 handle is the reading thread's:
 * the caller makes no other call on `repo` until stance_history_blobs_free.
 * The reader belongs to the caller.
 */
typedef struct stance_history_blobs stance_history_blobs;
int stance_history_blobs_open(stance_history_blobs **out, stance_repo *repo,
	const char *const *blobs, size_t count);

/* The next blob's bytes into *out (its content replaced; `out` may get
 * another buffer, still the caller's to dispose). A blob that cannot be
 * read is an error naming it. */
int stance_history_blobs_next(stance_buf *out, stance_history_blobs *r);

/* Stops the reading thread and frees the reader; NULL is fine. */
void stance_history_blobs_free(stance_history_blobs *r);

/*
 * A walk that reads thousands of the history's blobs (the search index's
 * build): between begin and end, a blob read is not hashed again to check
 * its id (git_internal.h's stance_git_verify_reads), and libgit2 maps at
 * most 64 MB of pack files at a time, in 16 MB windows, instead of up to
 * 8 GB in 1 GB windows, so that the walk's resident memory does not grow
 * with the size of the packs. The settings are the process's; end puts
 * back those begin found.
 */
typedef struct {
	int verify;
	size_t window, mapped_limit;
} stance_history_walk;

void stance_history_walk_begin(stance_history_walk *w);
void stance_history_walk_end(const stance_history_walk *w);

#ifdef __cplusplus
}
#endif
#endif
