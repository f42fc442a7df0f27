/*
 * search.h: ranked full-text search over the documents, their state on a
 * date, or every revision, on SQLite's FTS5.
 *
 * The index is a cache in `.git/stance-search.sqlite`: built from the
 * repository's history when missing (or unreadable, or of another format),
 * brought up to date with the revisions it lacks before each search
 * (commits from stance or from plain git alike), never committed. Each
 * distinct block of text (a paragraph: a body's run of lines between blank
 * lines; a title) is indexed once, as Snowball stems (libstemmer, in the
 * document's language) and again with its diacritics folded away (å, aa →
 * aa; æ → ae; ø → oe; é → e), for the loose matching; a text is the list
 * of its blocks, and a revision points at its text.
 */
#ifndef STANCE_SEARCH_H
#define STANCE_SEARCH_H

#include "common.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	size_t revisions_added;   /* revisions indexed by this update */
	size_t texts_added;       /* distinct texts among them */
	size_t revisions_dropped; /* indexed revisions no longer in the history */
	int rebuilt;              /* 1: the index was made anew */
	size_t blocks_added;      /* distinct paragraphs (and titles) among those texts */
} stance_search_update_stats;

/* Brings the index of `repo` up to date (making it when missing). */
int stance_search_update(stance_search_update_stats *stats, stance_repo *repo);

typedef struct {
	unsigned int version;
	int64_t as_of;             /* 0: the current documents; else their state just before this time */
	int history;               /* 1: every revision: which documents ever matched */
	const char *organization;  /* only documents of this organization (any case); NULL: all */
	const char *kind;          /* only documents of this kind; NULL: all */
	int loose;                 /* 1: diacritics-insensitive (aa ~ å, e ~ é) */
	size_t limit;              /* at most this many results; 0: 20 */
} stance_search_options;

#define STANCE_SEARCH_OPTIONS_VERSION 1
#define STANCE_SEARCH_OPTIONS_INIT { STANCE_SEARCH_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, 0 }

typedef struct {
	char *id;
	char *title;
	char commit[41];      /* the revision matched (history: the last that matched) */
	int64_t time;
	double score;         /* minus BM25 over the document's blocks (search.md): lower is better */
	/* history only */
	char first_commit[41];
	int64_t first_time;
	size_t revisions;     /* how many revisions matched */
	int current;          /* 1: the current text matches too */
} stance_search_hit;

typedef struct {
	stance_search_hit *items;
	size_t count;
} stance_search_results;

void stance_search_results_free(stance_search_results *r);

/*
 * Searches, after bringing the index up to date. The query: words (all
 * must occur in the document; each is stemmed), "quoted phrases" (their
 * words in a row inside one block), and prefixes (`frikom*`, not stemmed).
 * A query without a word is STANCE_EINVALID.
 */
int stance_search(stance_search_results *out, stance_repo *repo, const char *query,
	const stance_search_options *opts);

/* How often a phrase occurs in each text, from the index (`log -S`). */
typedef struct stance_search_counts stance_search_counts;

/* Counts the occurrences in one block of text (text[0, len), a body's
 * paragraph); < 0 is an error. */
typedef long (*stance_search_count_fn)(const char *text, size_t len, void *payload);

/*
 * After bringing the index up to date: for every text of the history, the
 * sum over its blocks of `count` on each block. `count` is called only on
 * the blocks whose stems hold the phrase's stems in a row (every other
 * block is taken to hold it 0 times), so it must never find the phrase
 * where its stems are not. *out belongs to the caller
 * (stance_search_counts_free).
 */
int stance_search_phrase_counts(stance_search_counts **out, stance_repo *repo, const char *phrase,
	stance_search_count_fn count, void *payload);

/* The count of the text with blob id `blob` (hex); 0 for "" or a blob the
 * history does not hold. */
size_t stance_search_counts_get(const stance_search_counts *c, const char *blob);

/* The words added and removed between two texts' bodies, as
 * stance_words_delta counts them, from the blocks only one of them holds
 * (the index's blocks: no blob is read). "" is an empty text;
 * STANCE_ENOTFOUND for a blob the index does not hold. */
int stance_search_counts_words(size_t *added, size_t *removed, stance_search_counts *c,
	const char *old_blob, const char *new_blob);
/* The block ids of the body of text `blob` (its paragraphs, the title left
 * out), in order, into the caller's growable array *ids (*alloc its room,
 * *n the count; "" an empty text): what log -S cuts the sentences from,
 * a paragraph at a time, no blob read. STANCE_ENOTFOUND when the index lacks
 * the text or holds only its first paragraphs. */
int stance_search_counts_paragraphs(uint32_t **ids, size_t *alloc, size_t *n, stance_search_counts *c,
	const char *blob);
/* The bytes of paragraph `id` (valid until the next call with c).
 * STANCE_ENOTFOUND when it holds a line that may open or close a code
 * fence: a blank line inside a fence would have cut a paragraph out of its
 * code block, so its sentences alone are not those of its body. */
int stance_search_counts_paragraph(const char **text, size_t *len, stance_search_counts *c, uint32_t id);
void stance_search_counts_free(stance_search_counts *c);

#ifdef __cplusplus
}
#endif
#endif
