/*
 * words.h: word counts of a change, for log and list summaries.
 */
#ifndef STANCE_WORDS_H
#define STANCE_WORDS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Counts words (runs of letters and digits, Unicode-aware) added and removed
 * between two texts, as the difference of their word multisets: a word that
 * moved counts as neither. Either text may be NULL (empty).
 */
int stance_words_delta(size_t *added, size_t *removed, const char *old_text, const char *new_text);

/* Terminal columns `text` takes (wide characters count two). */
int stance_text_width(const char *text);

/* The number of words in `text`, as a diff counts them: runs of letters and
 * digits ("KL's" is one word), and each CJK character. NULL counts 0. */
size_t stance_words_count(const char *text);

#ifdef __cplusplus
}
#endif
#endif
