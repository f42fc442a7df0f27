/*
 * diff_internal.h: what the diff engine's files share (diff.c, the edit
 * script and the sentence and word levels; diff_align.c, the block level).
 * Internal; not part of the API.
 */
#ifndef STANCE_DIFF_INTERNAL_H
#define STANCE_DIFF_INTERNAL_H

#include "internal.h"
#include "stance/diff.h"
#include "stance/document.h"
#include "stance/positions.h"

typedef struct {
	char *name, *old_value, *new_value;
} field_change;

struct stance_diff {
	char *old_text, *new_text;
	size_t old_len, new_len;
	int borrowed;      /* the texts are the caller's (borrow_bodies), not freed */
	stance_diff_block *ob, *nb;
	size_t onb, nnb;
	stance_diff_op *ops;
	size_t nops, aops;
	size_t barrier;  /* ops before this index are never merged into */
	field_change *fields;
	size_t nfields;
	char *meta[2][8];  /* front matter fields renderers show, per side */
	stance_diff_stats stats;
	char *fallback;
	stance_position_list pos[2];
	stance_position_change_list changes;
	int positions_skipped; /* skip_positions: the counts are not known */
	stance_position_callout_list *callouts; /* one per change: what a rewording did */
};

/* Work state of one run. */
typedef struct {
	stance_diff *d;
	stance_diff_unit by;
	long long budget;       /* edit-graph steps left */
	int fell_back;          /* coarsest unit forced by the bound */
	stance_diff_unit fallback_unit;
	/* interned ids: hash -> id, open addressing */
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, nids;
	/* word counts of the unmatched blocks (from their bags), SIZE_MAX for
	 * the others; kept for the statistics */
	size_t *words[2];
} engine;

/* Sorted hashes of the case-folded words of text[0,len): a bag for Dice. */
typedef struct {
	uint32_t *h;
	size_t n;
} bag;

/* Appends an op to the script, merged into the one before it where they
 * run on (see diff.c). */
int diff_push_op(stance_diff *d, stance_diff_op_kind op, stance_diff_unit unit,
	size_t os, size_t oe, size_t ns, size_t ne, size_t ob, size_t nb);

/* The id of hash `h`, from 1 up (0: out of memory, message set). */
uint32_t diff_intern(engine *e, uint64_t h);

/* The bag of text[0, len); the caller frees out->h. */
int diff_make_bag(bag *out, const char *text, size_t len);

/* Dice coefficient of two bags, or -1 once it is sure to be below `floor`. */
double diff_bag_dice(const bag *a, const bag *b, double floor);

/* Diffs old block i against new block j inside (sentences, then words). */
int diff_block_pair(engine *e, size_t i, size_t j);

/* Aligns the blocks of the two sides and emits the block-level ops
 * (diff_align.c). */
int diff_align_blocks(engine *e);

#endif
