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

/* ---- following positions (positions_track.c) ---- */

/*
 * Statements at least this alike (stance_text_similarity) are one position
 * reworded; less alike, they are one removed and one added. A sentence
 * paired with a statement that lost or gained its marker must be
 * STANCE_POSITION_RESTATED_THRESHOLD alike. Numbers, dates and negations
 * weigh twice in the similarity, so "50 → 80 millioner" is not 100% alike.
 * (On the seed texts, restatements score 40-75% and unrelated sentences of
 * the same topic 27-32%: docs/commands/positions.md.)
 */
#define STANCE_POSITION_REWORD_THRESHOLD 0.4
#define STANCE_POSITION_RESTATED_THRESHOLD 0.4

/* What a rewording did, beyond changing words. */
typedef enum {
	STANCE_CALLOUT_AMOUNT,    /* a number changed: "50" -> "80 millioner" */
	STANCE_CALLOUT_DATE,      /* a year or a date changed: "2025" -> "2030" */
	STANCE_CALLOUT_NEGATED,   /* a negation came in: "skal" -> "skal ikke" */
	STANCE_CALLOUT_UNNEGATED, /* a negation went */
	STANCE_CALLOUT_SOFTENED,  /* a demand became a recommendation: "skal" -> "bør", "must" -> "should" */
	STANCE_CALLOUT_STRENGTHENED /* the other way: "bør" -> "skal" */
} stance_position_callout_kind;

typedef struct {
	stance_position_callout_kind kind;
	char *old_value, *new_value; /* AMOUNT, DATE, SOFTENED, STRENGTHENED: the wordings; NULL otherwise */
} stance_position_callout;

typedef struct {
	stance_position_callout *items;
	size_t count;
} stance_position_callout_list;

/* The callouts of a rewording from old_text to new_text, in the order of the
 * text (negation last). The list belongs to the caller. */
int stance_position_callouts(stance_position_callout_list *out, const char *old_text,
	const char *new_text);
void stance_position_callout_list_free(stance_position_callout_list *list);

/* "amount changed", "date changed", "negated", "no longer negated",
 * "softened", "strengthened". */
const char *stance_position_callout_name(stance_position_callout_kind kind);
/* The JSON name: "amount", "date", "negated", "unnegated", "softened",
 * "strengthened". */
const char *stance_position_callout_key(stance_position_callout_kind kind);

/* Appends the callouts as one line: "amount changed: 50 → 80 millioner;
 * negated"; nothing when there are none. */
int stance_position_callouts_describe(stance_buf *out, const char *old_text, const char *new_text);

/* Appends new_text with the words changed from old_text marked: marks[0] and
 * marks[1] around deleted words, marks[2] and marks[3] around inserted ones
 * (e.g. "[-", "-]", "{+", "+}"). */
int stance_position_redline(stance_buf *out, const char *old_text, const char *new_text,
	const char *const marks[4]);

/* 1 when the text holds a negation word ("ikke", "not", "never", "n't", ...)
 * an odd number of times. */
int stance_text_negated(const char *text);

/* One event of a position's life. */
typedef struct {
	stance_position_change_kind kind; /* ADDED: appeared; REWORDED; REMOVED */
	size_t revision;     /* the caller's number of the step it happened in */
	char *old_text;      /* the wording before; NULL for ADDED */
	char *new_text;      /* the wording after; NULL for REMOVED */
	char *section;       /* the heading it stood under (after; before for REMOVED) */
	double similarity;   /* REWORDED: of the two wordings */
} stance_position_event;

/* A position followed through revisions: its events, oldest first. */
typedef struct {
	stance_position_event *events;
	size_t count;
	int current;         /* 1 while it is held in the latest step */
} stance_position_life;

typedef struct stance_position_tracker stance_position_tracker;

int stance_position_tracker_new(stance_position_tracker **out);
/*
 * The statements of the next revision (oldest first; an empty list when the
 * document was removed). Each statement of the step before is followed into
 * this one by content, not by place: identical wording first, then the most
 * alike wording above STANCE_POSITION_REWORD_THRESHOLD; the others end
 * (REMOVED) or begin a life (ADDED). A statement that states again a
 * position dropped earlier (as alike as a rewording) takes up that life: it
 * appears (ADDED) a second time in it.
 */
int stance_position_tracker_step(stance_position_tracker *t, const stance_position_list *statements,
	size_t revision);
size_t stance_position_tracker_count(const stance_position_tracker *t);
/* The lives in order of their first appearance. Borrowed. */
const stance_position_life *stance_position_tracker_life(const stance_position_tracker *t, size_t i);
void stance_position_tracker_free(stance_position_tracker *t);

/*
 * The position changes from old_body to new_body (two versions of one
 * document), as stance_positions_compare() of their whole lists gives them,
 * reading statements only in the blocks that are not found unchanged on the
 * other side. old_list and new_list get the statements read (the changes'
 * indexes point into them); all three belong to the caller. A NULL body is
 * an empty one (a document added or removed).
 */
int stance_positions_between(stance_position_change_list *changes, stance_position_list *old_list,
	stance_position_list *new_list, const stance_positions *p, const char *language,
	const char *old_body, size_t old_len, const char *new_body, size_t new_len);

/* ---- positions of two documents (positions_compare.c) ---- */

typedef enum {
	STANCE_POSITIONS_SHARED,      /* both hold it, in whatever wording */
	STANCE_POSITIONS_ONLY_A,
	STANCE_POSITIONS_ONLY_B,
	STANCE_POSITIONS_CONTRADICTED /* alike, but one negates the other */
} stance_positions_relation;

typedef struct {
	stance_positions_relation relation;
	int a_index, b_index;  /* -1 when absent */
	double similarity;
} stance_positions_pairing;

typedef struct {
	stance_positions_pairing *items;
	size_t count;
} stance_positions_pairing_list;

/* Pairs the statements of two documents by content: shared and
 * contradicted pairs (in a's order), then a's alone, then b's alone. */
int stance_positions_contrast(stance_positions_pairing_list *out, const stance_position_list *a,
	const stance_position_list *b);
void stance_positions_pairing_list_free(stance_positions_pairing_list *list);

#ifdef __cplusplus
}
#endif
#endif
