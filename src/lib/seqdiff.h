/*
 * seqdiff.h: the sequence diff behind the diff and the merge (internal; not
 * part of the API). Sequences are arrays of ids (equal elements have equal
 * ids, interned by the caller); the result is a mark on every element of
 * either side that is not in the common subsequence found.
 *
 * Work is bounded: each call spends edit-graph steps from *budget; when it
 * runs out, the rest of a region is marked changed as a whole, which is a
 * coarser but still correct diff.
 */
#ifndef STANCE_SEQDIFF_H
#define STANCE_SEQDIFF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Myers' O((N+M)D) diff with the middle-snake split, so memory stays linear,
 * of a[0,n) and b[0,m). ca[0,n) and cb[0,m) (the caller's, zeroed) get a 1
 * on each element not in the longest common subsequence. Returns 1 when the
 * budget ran out somewhere, 0 otherwise, STANCE_ERROR when out of memory.
 */
int seqdiff_myers(const uint32_t *a, size_t n, const uint32_t *b, size_t m,
	uint8_t *ca, uint8_t *cb, long long *budget);

/*
 * Patience anchors, then Myers between them: elements unique on both sides
 * whose order agrees (longest increasing subsequence) are matched first, so
 * long documents with many edits align on their distinctive elements fast.
 * The ids are below `nids`; id 0 is never an anchor (the diff's whitespace).
 * Marks and returns as seqdiff_myers.
 */
int seqdiff_patience(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t nids,
	uint8_t *ca, uint8_t *cb, long long *budget);

#endif
