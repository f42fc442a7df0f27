/*
 * positions.h: the position lens. A sentence that carries a stance marker
 * ("skal", "bør", "must", "we want", ...) is a position statement. Marker
 * lists per language come from .stance/positions (or built-in defaults).
 *
 * .stance/positions format: "[LANG]" section lines, then one marker a line
 * (a word or a phrase, matched case-insensitively on whole words); "#"
 * starts a comment line.
 */
#ifndef STANCE_POSITIONS_H
#define STANCE_POSITIONS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stance_positions stance_positions;

/* The built-in marker lists for "da" and "en". Free with stance_positions_free(). */
int stance_positions_new_default(stance_positions **out);

/*
 * Parses a marker file. `origin` names it in error messages (may be NULL);
 * a malformed line is STANCE_EPARSE naming origin and line. The result holds
 * the built-in lists plus the file's markers.
 */
int stance_positions_parse(stance_positions **out, const char *data, size_t len,
	const char *origin);

void stance_positions_free(stance_positions *p);

/* Reads a marker file at `path` (a repository's .stance/positions); when
 * there is no such file, the built-in lists. */
int stance_positions_load(stance_positions **out, const char *path);

/* 1 when text[0, len) carries a marker of `language` (NULL or unknown: every
 * language's markers count), 0 otherwise. */
int stance_positions_match(const stance_positions *p, const char *language,
	const char *text, size_t len);

/* 1 when the position lens counts text[0, len), one sentence, as a position
 * statement in `language` (NULL: the language the text is written in);
 * 0 when not; -1 when out of memory. For "da" and "en" the lens's
 * construction rules and exclusions decide (docs/positions.md), with the
 * markers a repository added counting as constructions; for any other
 * language, a marker. */
int stance_positions_judge(const stance_positions *p, const char *language,
	const char *text, size_t len);

/* "da" or "en" when text[0, len) (a document body) reads as Danish or
 * English, NULL when it cannot tell. A static string. */
const char *stance_positions_detect_language(const char *text, size_t len);

/* One position statement of a document body. */
typedef struct {
	size_t start, end;  /* byte range of the sentence in the body */
	char *text;         /* the sentence, whitespace collapsed */
	char *section;      /* the heading it stands under, "" before any */
} stance_position;

typedef struct {
	stance_position *items;
	size_t count;
} stance_position_list;

/* The position statements of a Markdown body, in order: the sentences
 * stance_positions_judge() counts. `language` NULL or "": the language the
 * body is written in (stance_positions_detect_language()). The list belongs
 * to the caller; free with stance_position_list_free(). */
int stance_positions_extract(stance_position_list *out, const stance_positions *p,
	const char *language, const char *body, size_t len);

void stance_position_list_free(stance_position_list *list);

typedef enum {
	STANCE_POSITION_ADDED,
	STANCE_POSITION_REMOVED,
	STANCE_POSITION_REWORDED
} stance_position_change_kind;

typedef struct {
	stance_position_change_kind kind;
	int old_index, new_index;  /* into the old and new lists; -1 when absent */
	double similarity;         /* for REWORDED: 0..1 word overlap */
} stance_position_change;

typedef struct {
	stance_position_change *items;
	size_t count;
} stance_position_change_list;

/*
 * Compares two lists of statements: identical wording (up to whitespace) is
 * unchanged and not listed; a statement whose words overlap one on the other
 * side enough is REWORDED; the rest are ADDED or REMOVED. The list belongs to
 * the caller; free with stance_position_change_list_free().
 */
int stance_positions_compare(stance_position_change_list *out,
	const stance_position_list *old_list, const stance_position_list *new_list);

void stance_position_change_list_free(stance_position_change_list *list);

/* Word overlap of two texts (Dice coefficient on case-folded word bags), 0..1. */
double stance_text_similarity(const char *a, size_t alen, const char *b, size_t blen);

#ifdef __cplusplus
}
#endif
#endif
