/*
 * positions_track.h: what the position lens's similarity (positions.c) and
 * its callouts (positions_track.c) share (internal; not part of the API).
 */
#ifndef STANCE_POSITIONS_TRACK_H
#define STANCE_POSITIONS_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "stance/positions.h"

/* 1 when a case-folded word is a negation ("ikke", "not", "don't", ...). */
int positions_negation_word(const char *folded);

/* 1 when a case-folded word is a number: digits ("50", "2025") or a number
 * word ("three", "fire", "hundred"; not "en", "et", "to", "one", which are
 * other words as often). */
int positions_number_word(const char *folded);

/* A statement's text hash and its index in its list. Sorted by both, the
 * statements of one text are found in list order, as a scan in order finds
 * them, without comparing every pair of two long lists. */
typedef struct {
	uint64_t hash;
	size_t index;
} positions_text_slot;

void positions_slots_sort(positions_text_slot *slots, size_t n);

/* The first of the sorted `slots` with `hash`; n when there is none. */
size_t positions_slots_find(const positions_text_slot *slots, size_t n, uint64_t hash);

/* The hashes of the statements' texts (seg_hash_normalized), one a
 * statement (positions.c); NULL when out of memory. Free with free(). */
uint64_t *positions_text_hashes(const stance_position_list *l);

/* stance_positions_compare() with the hashes of both lists' texts given:
 * the tracker has the older list's from the step before. */
int positions_compare_hashed(stance_position_change_list *out, const stance_position_list *ol,
	const uint64_t *oh, const stance_position_list *nl, const uint64_t *nh);

#endif
