/*
 * history_internal.h: what history.c and history_scan.c share: the
 * revision table's rows, and the scan that makes them from the commits.
 */
#ifndef STANCE_HISTORY_INTERNAL_H
#define STANCE_HISTORY_INTERNAL_H

#include "git_internal.h"

/*
 * The revision table: one row per (commit, document) where the commit changed
 * the document, in walk order (newest commit first). It is kept between runs
 * in .git/stance-history, keyed by the commit it was built up to, and brought
 * up to date by walking only the commits made since (by stance or by plain
 * git), so `log` and `show DOC@DATE` do not walk the whole history each time.
 */
typedef struct {
	/* hex, so reading the cache parses no ids for rows nobody asks about */
	char commit[GIT_OID_HEXSZ + 1], blob[GIT_OID_HEXSZ + 1], prev[GIT_OID_HEXSZ + 1];
	int64_t time;
	int tz, removed, has_prev;
	int reextract;  /* a "Re-extract <id>" commit: same observation, new extraction */
	char *id;
} rev_row;

typedef struct {
	rev_row *rows;
	size_t count, alloc;
} rev_table;

/* A new zeroed row at the table's end, NULL when out of memory. */
rev_row *history_table_add(rev_table *t);

/* The document id of a path in the tree ("kl/x.md" -> "kl/x"): 1, or 0
 * when the path is not a document's. */
int history_path_to_id(stance_buf *out, const char *path);

/* The blob at `path` in `commit`'s tree: 1 found, 0 absent. */
int history_entry_in(git_oid *out, git_commit *commit, const char *path);

/* Adds to `t` the rows of the commits reachable from `head` but not from
 * `hide` (may be NULL), newest first (history_scan.c). */
int history_scan_range(rev_table *t, git_repository *git, const git_oid *head, const git_oid *hide);

#endif
