/*
 * blame.h: who gave each sentence of a document its wording, and when it
 * first appeared in any wording.
 *
 * The document's revisions are walked oldest first through the diff's edit
 * script: a sentence inside EQUAL ops (a re-wrapped paragraph, a moved
 * passage) keeps its attribution; a sentence the script inserts takes the
 * revision's as its wording and, when it rewords a sentence the same
 * revision removed (word overlap as the position lens measures it), that
 * sentence's first appearance; a sentence whose exact wording was removed
 * earlier and comes back is "restored" and keeps its first appearance.
 */
#ifndef STANCE_BLAME_H
#define STANCE_BLAME_H

#include "common.h"
#include "repo.h"
#include "history.h"
#include "positions.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	size_t start, end;   /* byte range of the sentence in the body */
	char *text;          /* the sentence, whitespace collapsed */
	size_t wording;      /* index into revisions: gave it its current wording */
	size_t origin;       /* index into revisions: its first appearance in any wording */
	int restored;        /* 1: this wording was removed once and came back */
	int position;        /* 1: a position statement (when positions were given) */
} stance_blame_sentence;

typedef struct {
	stance_revision_list revisions; /* the document's revisions, newest first */
	size_t at;                      /* index of the revision blamed */
	char *body;                     /* the body as of that revision */
	size_t body_len;
	stance_blame_sentence *sentences;
	size_t count;
} stance_blame;

/*
 * Blames `spec` ("DOC" or "DOC@REV", as stance_history_resolve reads it).
 * With `positions` not NULL, each sentence's `position` says whether it
 * carries a marker of the document's language. The result belongs to the
 * caller; free with stance_blame_free().
 */
int stance_blame_document(stance_blame *out, stance_repo *repo, const char *spec,
	const stance_positions *positions);

/*
 * Blames the newest of `revisions[0, count)`: one document's revisions,
 * newest first, re-extractions included, as stance_history_list lists them
 * with `id` and `include_reextract` set (they are copied into
 * out->revisions). For a caller that has listed the whole history once (the
 * site), so that each document's blame does not read the revision table
 * again. Positions are not marked. The result belongs to the caller.
 */
int stance_blame_revisions(stance_blame *out, stance_repo *repo, const stance_revision *const *revisions,
	size_t count);

void stance_blame_free(stance_blame *b);

#ifdef __cplusplus
}
#endif
#endif
