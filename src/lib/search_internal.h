/*
 * search_internal.h: what the search module's files share: the open index
 * (search_index.c builds it and brings it up to date), the analysis of text
 * into stems and their diacritics-free forms, and the block lists.
 */
#ifndef STANCE_SEARCH_INTERNAL_H
#define STANCE_SEARCH_INTERNAL_H

#include <sqlite3.h>
#include <libstemmer.h>

#include "internal.h"
#include "stance/search.h"

#define SEARCH_MAX_LANGUAGES 16

/* The position of a text's title in the current-blocks table `cur`:
 * rowid = document number << SEARCH_DOC_SHIFT | position, the title at 0,
 * the body's blocks from 1. */
#define SEARCH_DOC_SHIFT 20
#define SEARCH_MAX_BLOCKS ((1 << SEARCH_DOC_SHIFT) - 1)

typedef struct {
	char *name;
	struct sb_stemmer *stemmer; /* NULL: a language libstemmer does not know: words folded only */
} search_language;

typedef struct {
	sqlite3 *db;
	char *path;
	search_language langs[SEARCH_MAX_LANGUAGES];
	size_t nlangs;
} search_index;

/* Opens the index of `repo` and brings it up to HEAD: made anew (in a
 * temporary file renamed into place) when missing, unreadable or of
 * another format; else the revisions it lacks added in one transaction. */
int search_index_open(search_index *ix, stance_repo *repo, stance_search_update_stats *stats);
void search_index_close(search_index *ix);

/* The languages of the index's texts into `out`, each ended by a line
 * break, "" for none: from meta 'languages' (kept by each update), or read
 * from every text when an older index lacks it. */
int search_index_languages(stance_buf *out, search_index *ix);

int search_db_error(search_index *ix, const char *what);
int search_prepare(search_index *ix, sqlite3_stmt **st, const char *sql);

/* The stemmer of a language code ("da", "da-DK"); NULL when none. Owned by ix. */
struct sb_stemmer *search_stemmer_for(search_index *ix, const char *language);

/* The stems of text's words (folded, then stemmed when `st`) to `stems`,
 * one space between, and their loose forms to `loose` (when not NULL). */
int search_analyze(stance_buf *stems, stance_buf *loose, struct sb_stemmer *st, const char *text, size_t len);

/* A text's block list (texts.blocks): little-endian 32-bit block ids,
 * the title's first (0 when the text has none). */
static inline uint32_t search_block_at(const void *list, size_t i)
{
	const unsigned char *p = (const unsigned char *)list + 4 * i;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Appends a block id to a list, as search_block_at reads it. */
static inline int search_put_block(stance_buf *list, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
	return stance_buf_put(list, (const char *)b, 4);
}

/* text_changes: each text as the blocks it adds to and drops from its
 * base, the newest earlier text of its document, for `search --history`
 * (search_changes.c writes it). `changes` is little-endian 32-bit words:
 * the base's id (0: none, every block added; always smaller than the
 * text's), the text's block count, its title block, the number of blocks
 * added, the blocks added, then the blocks dropped (a body block may be
 * in a text more than once: the lists are of multisets). The text's
 * organization and kind stand beside it for --organization and --kind. */
typedef struct {
	sqlite3_stmt *find_base, *add;
} search_changes_writer;

int search_changes_prepare(search_changes_writer *w, search_index *ix);
void search_changes_finalize(search_changes_writer *w);
/* Records text `id` of document `doc`, whose block list is list[0, n). */
int search_changes_add(search_index *ix, search_changes_writer *w, sqlite3_int64 id, const char *doc,
	const char *organization, const char *kind, const void *list, size_t n);

/* The next paragraph of body[0, len) from *pos: a run of lines between
 * blank lines, its trailing line breaks left out, as body[*start, *stop);
 * *pos moves past it. 0 when there is none left. The index's blocks and
 * log -S read a body by these. */
int search_paragraph_next(const char *body, size_t len, size_t *pos, size_t *start, size_t *stop);

#endif
