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
