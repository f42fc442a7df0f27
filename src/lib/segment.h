/*
 * segment.h: Unicode-aware segmentation of prose for the diff and the
 * positions modules (internal; not part of the API): tokens (words,
 * punctuation, whitespace, CJK characters) and sentences, both as byte ranges.
 */
#ifndef STANCE_SEGMENT_H
#define STANCE_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "stance/diff.h"
#include "stance/positions.h"

typedef enum {
	SEG_SPACE = 0, /* a run of whitespace, line breaks included */
	SEG_WORD,      /* letters, digits and combining marks (æ ø å whole) */
	SEG_PUNCT,     /* one grapheme of punctuation or symbol (curly quotes, dashes, emoji) */
	SEG_CJK        /* one CJK grapheme: CJK text is compared per character */
} seg_kind;

typedef struct {
	size_t start, end; /* byte range in the text */
	seg_kind kind;
} seg_token;

typedef struct {
	seg_token *items;
	size_t count, alloc;
} seg_tokens;

/* Splits text[0, len) into tokens that tile it exactly. Graphemes are never
 * split. `out` is appended to; the caller frees out->items. 0 or -1 (out of
 * memory; message set). */
int seg_tokenize(seg_tokens *out, const char *text, size_t len);

/* As seg_tokenize, but with `graphemes` set every non-space grapheme is a
 * token of its own (for a character-level diff). */
int seg_tokenize_ex(seg_tokens *out, const char *text, size_t len, int graphemes);

/* Splits a canonical Markdown body into blocks (headings, paragraphs, list
 * items, table rows, quotes, code) that tile it: each block runs to the start
 * of the next, so trailing blank lines belong to the block before. *out is
 * malloc'ed and belongs to the caller. */
int seg_blocks(stance_diff_block **out, size_t *count, const char *text, size_t len);

/*
 * The one reader of a canonical Markdown block's marker, for the blocks
 * above, the merge and the renderers: the length of the marker that opens
 * text[0, len) ("## " a heading, "- " or "1. " a list item, with a task
 * box "[ ] " kept with it, "> " a quote, "| " a table row, with the spaces
 * before and after), 0 when none does. *kind and *level (when not NULL)
 * get the block kind and a heading's level (0 for the others).
 */
size_t seg_block_marker(const char *text, size_t len, stance_block_kind *kind, int *level);

/* Where block b of `text` (from seg_blocks) begins as prose: past blank
 * lines before it and past its marker. A block's sentences are cut from
 * here, so they are the same whether it is cut alone or inside its body. */
size_t seg_block_text_start(const char *text, const stance_diff_block *b);

/* Splits the tokens [first, last) of `text` into sentences: appends to `ends`
 * the index one past each sentence's last token (trailing whitespace belongs
 * to the sentence before it). `ends` is a caller-owned array grown with
 * realloc; *count and *alloc track it. */
int seg_sentences(size_t **ends, size_t *count, size_t *alloc,
	const char *text, const seg_tokens *toks, size_t first, size_t last);

/* The one word counter: the word and CJK tokens among t->items[first, last)
 * (what "words" counts in a diff, its statistics and stance_words_count). */
size_t seg_word_tokens(const seg_tokens *t, size_t first, size_t last);

/* seg_word_tokens over the tokens of text[0, len); 0 when out of memory. */
size_t seg_count_words(const char *text, size_t len);

/* 64-bit FNV-1a of text[0, len) with whitespace runs collapsed to one space,
 * leading and trailing whitespace dropped, so reflowed text hashes alike. */
uint64_t seg_hash_normalized(const char *text, size_t len);

/* Sorts v[0, n) ascending: an inlined quicksort, as bags of word hashes are
 * sorted often and qsort's callback per comparison dominated. Always 0. */
int seg_sort_u32(uint32_t *v, size_t n);

/* Lowercase-folds one word token into `out` (caller-owned, >= 4*len+1 bytes
 * is always enough); returns the folded length. */
size_t seg_fold(char *out, const char *text, size_t len);

/* stance_positions_extract over the blocks i with only[i] set (all when
 * `only` is NULL); headings are still read for the sections. `blocks`, when
 * not NULL, are seg_blocks() of the body already (nonly of them), so they are
 * not cut again. With `p` NULL, every sentence is listed. (positions.c) */
struct stance_positions;
int positions_extract_masked(stance_position_list *out, const struct stance_positions *p,
	const char *language, const char *body, size_t len, const stance_diff_block *blocks,
	const uint8_t *only, size_t nonly);

/* positions_extract_masked, passing over (neither judging nor listing) each
 * sentence for which skip(skip_ctx, its bytes, its length, 1 when it opens a
 * list item) returns 1. (positions.c) */
typedef int (*positions_sentence_skip)(void *ctx, const char *s, size_t n, int list_item);
int positions_extract_filtered(stance_position_list *out, const struct stance_positions *p,
	const char *language, const char *body, size_t len, const stance_diff_block *blocks,
	const uint8_t *only, size_t nonly, positions_sentence_skip skip, void *skip_ctx);

/* A statement left removed (added) may be restated without a marker on the
 * other side: each is paired with the most alike sentence of old_all/new_all
 * (every sentence of the other side's changed blocks) when alike enough, the
 * sentence appended to that side's list and the change made REWORDED. */
int positions_pair_restated(stance_position_change_list *ch, stance_position_list *old_list,
	stance_position_list *new_list, const stance_position_list *old_all,
	const stance_position_list *new_all);

/* One sentence of a body (seg_body_sentences). */
typedef struct {
	size_t start, end; /* byte range, without marker and surrounding whitespace */
	size_t block;      /* the seg_blocks() block it is in */
	uint64_t hash;     /* seg_hash_normalized of the range */
} seg_sentence;

typedef struct {
	seg_sentence *items;
	size_t count, alloc;
} seg_sentence_list;

/* Every sentence of a canonical Markdown body, headings, items and table
 * rows included, in order; the caller frees out->items. 0 or -1 (message
 * set). (segment_sentences.c) */
int seg_body_sentences(seg_sentence_list *out, const char *body, size_t len);

/* A body's blocks (seg_blocks) and sentences (seg_body_sentences). */
typedef struct {
	stance_diff_block *blocks;
	size_t nblocks;
	seg_sentence_list sentences;
} seg_body_split;

/* Splits body[0, len) into *out (the caller's; seg_body_split_clear). With
 * `prev` the split of prev_body[0, prev_len) (a revision before), each block
 * lying in the bytes the two bodies share at their start or their end, with
 * the same bounds in both, takes prev's sentences instead of being cut again:
 * a block's sentences depend on its bytes alone, so the result is the same. */
int seg_body_split_make(seg_body_split *out, const char *body, size_t len,
	const seg_body_split *prev, const char *prev_body, size_t prev_len);
void seg_body_split_clear(seg_body_split *s);

/* text[0, len) with whitespace runs as one space, ends trimmed; malloc'ed,
 * NULL when out of memory (message set). */
char *seg_collapse(const char *text, size_t len);

#endif
