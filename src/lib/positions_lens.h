/*
 * positions_lens.h: the construction rules of the position lens (internal).
 * positions.c cuts a sentence into folded words and asks lens_judge()
 * whether it states a position; docs/positions.md explains the rules.
 */
#ifndef STANCE_POSITIONS_LENS_H
#define STANCE_POSITIONS_LENS_H

#include <stddef.h>

/* What the words alone do not show about a sentence. */
enum {
	LENS_QUESTION = 1,     /* it ends with "?" */
	LENS_UNTERMINATED = 2, /* no closing mark: a byline, a teaser, a title */
	LENS_LIST_ITEM = 4     /* it opens a list item */
};

/* One sentence: its folded words, and for each word the punctuation right
 * before it (',' ';' ':' '-' for a dash, '(' , 0 for none). `first` is the
 * first word after a run-in lead-in ("**Tid:** Giv …"), else 0. */
typedef struct {
	char *const *w;
	const char *pre;
	size_t n, first;
	unsigned flags;
} lens_sentence;

/* 1 when the sentence states a position in `language` ("da", "en"); a
 * marker hit from the repository's marker list counts as a construction.
 * Languages without rules: the marker hit alone decides. */
int lens_judge(const char *language, const lens_sentence *s, int marker_hit);

/* "da" or "en" when text[0, len) reads as one of them, NULL when unsure. */
const char *lens_detect_language(const char *text, size_t len);

#endif
