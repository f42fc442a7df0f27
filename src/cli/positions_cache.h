/*
 * positions_cache.h: the position changes of each revision that
 * `positions --all` computed, kept in .git/stance-positions-cache so that the
 * next --all reads them instead of both blobs of every revision.
 */
#ifndef STANCE_CLI_POSITIONS_CACHE_H
#define STANCE_CLI_POSITIONS_CACHE_H

#include <jansson.h>

#include "cli.h"

typedef struct positions_cache positions_cache;

/* Loads the cache of `repo` for the markers file `markers_path`; a missing,
 * unreadable or other-fingerprint cache gives an empty one. NULL only when
 * out of memory (then --all runs without a cache). */
positions_cache *positions_cache_load(stance_repo *repo, const char *markers_path);

/* The entry of document `id` between `old_blob` and `new_blob` ("" for none),
 * NULL when not cached. Its fields, through the accessors below, are
 * borrowed from the cache. */
const json_t *positions_cache_find(positions_cache *c, const char *id, const char *old_blob, const char *new_blob);
const char *positions_cache_organization(const json_t *entry);
const char *positions_cache_kind(const json_t *entry);
const char *positions_cache_title(const json_t *entry);
size_t positions_cache_count(const json_t *entry);
/* Change `i`: 0 when the entry is malformed. old/new text may be NULL. */
int positions_cache_change(const json_t *entry, size_t i, stance_position_change_kind *kind,
	const char **old_text, const char **new_text, const char **section, double *similarity);

/* A new entry, for `changes` (of `old_list`/`new_list`); a text jansson will
 * not take (not UTF-8) leaves the revision uncached. */
void positions_cache_add(positions_cache *c, const char *id, const char *old_blob, const char *new_blob,
	const char *organization, const char *kind, const char *title, const stance_position_change_list *changes,
	const stance_position_list *old_list, const stance_position_list *new_list);

/* Writes the cache back (atomically) when entries were added; a failure is
 * ignored: the cache only saves time. Frees it. */
void positions_cache_save_free(positions_cache *c);

#endif
