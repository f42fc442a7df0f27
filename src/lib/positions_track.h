/*
 * positions_track.h: what the position lens's similarity (positions.c) and
 * its callouts (positions_track.c) share (internal; not part of the API).
 */
#ifndef STANCE_POSITIONS_TRACK_H
#define STANCE_POSITIONS_TRACK_H

/* 1 when a case-folded word is a negation ("ikke", "not", "don't", ...). */
int positions_negation_word(const char *folded);

/* 1 when a case-folded word is a number: digits ("50", "2025") or a number
 * word ("three", "fire", "hundred"; not "en", "et", "to", "one", which are
 * other words as often). */
int positions_number_word(const char *folded);

#endif
