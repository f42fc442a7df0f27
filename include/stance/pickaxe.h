/*
 * pickaxe.h: finding text in documents and their revisions by sentence:
 * a phrase as words (`log -S`, insensitive to line breaks and Markdown
 * markup), or a regular expression over each sentence with its whitespace
 * collapsed (`log -G`, `grep`).
 */
#ifndef STANCE_PICKAXE_H
#define STANCE_PICKAXE_H

#include "common.h"
#include "repo.h"
#include "history.h"
#include "positions.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	STANCE_PICKAXE_WORDS,  /* the pattern's words, in order, as whole words, any case */
	STANCE_PICKAXE_REGEX,  /* a POSIX extended regular expression */
	STANCE_PICKAXE_FIXED   /* a literal string */
} stance_pickaxe_kind;

enum {
	STANCE_PICKAXE_ICASE = 1,      /* REGEX and FIXED: any case */
	STANCE_PICKAXE_WHOLE_WORD = 2  /* REGEX and FIXED: only at word boundaries */
};

typedef struct stance_pickaxe stance_pickaxe;

/* A pattern; a regular expression that does not compile, or a WORDS
 * pattern without a word, is STANCE_EINVALID naming it. `positions`, when
 * not NULL, restricts every search to position statements (borrowed: it
 * must outlive the pickaxe). */
int stance_pickaxe_new(stance_pickaxe **out, stance_pickaxe_kind kind, const char *pattern,
	int flags, const stance_positions *positions);
void stance_pickaxe_free(stance_pickaxe *pk);

/* A sentence that matched. */
typedef struct {
	size_t start, end;  /* byte range in the body */
	char *text;         /* whitespace collapsed */
	size_t hits;        /* occurrences in it */
} stance_pickaxe_hit;

typedef struct {
	stance_pickaxe_hit *items;
	size_t count;
	size_t hits;        /* the sum of the items' hits */
} stance_pickaxe_hit_list;

void stance_pickaxe_hit_list_free(stance_pickaxe_hit_list *list);

/* The sentences of a Markdown body that match, in order. */
int stance_pickaxe_body(stance_pickaxe_hit_list *out, const stance_pickaxe *pk,
	const char *body, size_t len);

/* WORDS without positions: the occurrences of the pattern's words in a
 * row in text[0, len) (a body, or one of its blocks), as `log -S` counts
 * them: not across a sentence's end or a blank line. -1: out of memory;
 * 0 for any other pickaxe. */
long stance_pickaxe_count(const stance_pickaxe *pk, const char *text, size_t len);

/* What a revision did to the pattern: `changed` is 1 when WORDS' number
 * of occurrences changed, or (REGEX, FIXED) when the matching sentences
 * differ; `before` the matching sentences only the previous revision had,
 * `after` those only this one has. */
typedef struct {
	int changed;
	stance_pickaxe_hit_list before, after;
} stance_pickaxe_change;

void stance_pickaxe_change_free(stance_pickaxe_change *c);

/* Compares revision `rev` (its blob with its prev_blob) for the pattern.
 * The pickaxe remembers what each text gave, so that a walk over a history
 * reads each text once (twice for a revision that changed). */
int stance_pickaxe_revision(stance_pickaxe_change *out, stance_pickaxe *pk,
	stance_repo *repo, const stance_revision *rev);

/* stance_pickaxe_revision for a revision the caller already knows changed
 * the count (from the search index's counts, stance_search_phrase_counts):
 * `changed` 1 and the sentences, without counting both texts again. */
int stance_pickaxe_revision_sentences(stance_pickaxe_change *out, stance_pickaxe *pk,
	stance_repo *repo, const stance_revision *rev);

/* The same from both bodies (front matter left out) the caller has. */
int stance_pickaxe_bodies_change(stance_pickaxe_change *out, stance_pickaxe *pk,
	const char *old_body, size_t old_len, const char *new_body, size_t new_len);

/*
 * The matching sentences of one paragraph, text[0, len) (a run of lines
 * between blank lines, not inside a code fence), as stance_pickaxe_body
 * finds them in it alone, which are those it finds there inside a body;
 * the ranges are the paragraph's. Remembered under `key`, the caller's
 * name for those bytes (a search index's block id; below UINT64_MAX), so
 * that a paragraph many texts share is cut once: a key already seen is
 * answered without reading `text`. *out belongs to the pickaxe and lives
 * as long as it.
 */
int stance_pickaxe_paragraph(const stance_pickaxe_hit_list **out, stance_pickaxe *pk, uint64_t key,
	const char *text, size_t len);

/* What stance_pickaxe_paragraph remembered under `key`; NULL when it has not
 * seen it. */
const stance_pickaxe_hit_list *stance_pickaxe_paragraph_seen(const stance_pickaxe *pk, uint64_t key);

/*
 * stance_pickaxe_bodies_change of two bodies given as their paragraphs'
 * matches in order (from stance_pickaxe_paragraph; the bodies those
 * paragraphs make, a blank line between each): `changed` 1 and the
 * sentences only one side has, copied. The ranges are their paragraphs'.
 */
int stance_pickaxe_paragraphs_change(stance_pickaxe_change *out,
	const stance_pickaxe_hit_list *const *old_parts, size_t nold,
	const stance_pickaxe_hit_list *const *new_parts, size_t nnew);

#ifdef __cplusplus
}
#endif
#endif
