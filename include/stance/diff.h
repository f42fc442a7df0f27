/*
 * diff.h: how a document changed, as one edit script.
 *
 * The engine parses both bodies into blocks (headings, paragraphs, list
 * items, table rows, quotes), aligns the blocks, pairs unmatched blocks by
 * similarity, detects moves, then diffs sentences and words inside a pair.
 * Front matter changes are listed as fields. Every renderer (render.h) reads
 * the resulting script and nothing else.
 *
 * The script's top-level ops tile both bodies: the old ranges of EQUAL,
 * DELETE and MOVE ops cover the old body exactly once; the new ranges of
 * EQUAL, INSERT and MOVE ops cover the new body exactly once. An EQUAL op's
 * two ranges hold the same text up to whitespace. A MOVE op is followed by
 * its `children` ops (the edits inside the moved passage), which tile the
 * move's own two ranges the same way.
 */
#ifndef STANCE_DIFF_H
#define STANCE_DIFF_H

#include "common.h"
#include "document.h"
#include "positions.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	STANCE_DIFF_EQUAL,
	STANCE_DIFF_INSERT,
	STANCE_DIFF_DELETE,
	STANCE_DIFF_MOVE
} stance_diff_op_kind;

/* The unit an op was decided at, coarsest first. */
typedef enum {
	STANCE_DIFF_BLOCK,    /* a whole block (paragraph, heading, item, row) */
	STANCE_DIFF_SENTENCE,
	STANCE_DIFF_WORD,
	STANCE_DIFF_CHAR
} stance_diff_unit;

typedef enum {
	STANCE_BLOCK_PARAGRAPH,
	STANCE_BLOCK_HEADING,
	STANCE_BLOCK_LIST_ITEM,
	STANCE_BLOCK_TABLE_ROW,
	STANCE_BLOCK_QUOTE,
	STANCE_BLOCK_CODE,
	STANCE_BLOCK_OTHER
} stance_block_kind;

typedef struct {
	stance_block_kind kind;
	size_t start, end;   /* byte range in the body, trailing blank lines included */
	int level;           /* heading level, 0 otherwise */
} stance_diff_block;

typedef struct {
	stance_diff_op_kind op;
	stance_diff_unit unit;
	size_t old_start, old_end;  /* [start, end) in the old body; empty for INSERT */
	size_t new_start, new_end;  /* [start, end) in the new body; empty for DELETE */
	size_t old_block, new_block; /* the blocks (0-based) the op starts in */
	size_t children;            /* MOVE: number of ops after it that are inside it */
} stance_diff_op;

typedef struct {
	size_t words_added, words_removed, words_moved;
	size_t blocks_moved;
	size_t fields_changed;
	size_t positions_added, positions_removed, positions_reworded;
} stance_diff_stats;

typedef struct {
	const char *name;
	const char *old_value; /* NULL when the field was not set */
	const char *new_value;
} stance_diff_field;

typedef struct {
	unsigned int version;
	stance_diff_unit by;        /* finest unit shown (default WORD) */
	size_t max_cost;            /* work bound in edit-graph steps; 0: default */
	const stance_positions *positions; /* marker lists; NULL: built-in */
	const char *language;       /* "da", "en"; NULL: the documents' own */
	/* stance_diff_documents: bodies to compare instead of the documents'
	 * canonical ones (a file's body as written); NULL: the documents' own */
	const char *old_body, *new_body;
	size_t old_body_len, new_body_len;
	/* 1: old_body and new_body stay alive and unchanged until the diff is
	 * freed, and each is followed by a NUL byte; the diff then reads them
	 * where they are instead of keeping copies. 0 (default): copied. */
	int borrow_bodies;
	/* 1: position statements are not read (stance_diff_positions and the
	 * position changes are empty, their counts 0): for outputs that do not
	 * show them, which then skip a fifth of the work. 0 (default): read. */
	int skip_positions;
} stance_diff_options;

#define STANCE_DIFF_OPTIONS_VERSION 1
#define STANCE_DIFF_OPTIONS_INIT { STANCE_DIFF_OPTIONS_VERSION, STANCE_DIFF_WORD, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0 }

typedef struct stance_diff stance_diff;

/* Diffs two documents (front matter fields and bodies). `old_doc` may be NULL
 * (everything inserted). The script belongs to the caller; free with
 * stance_diff_free(). The documents are copied from, not kept. */
int stance_diff_documents(stance_diff **out, const stance_document *old_doc,
	const stance_document *new_doc, const stance_diff_options *opts);

/* Diffs two plain bodies without front matter. Both must be UTF-8 without
 * NUL bytes (as must old_body and new_body in the options of
 * stance_diff_documents()): STANCE_EPARSE otherwise, naming the old or new
 * text and the line and byte. */
int stance_diff_texts(stance_diff **out, const char *old_text, size_t old_len,
	const char *new_text, size_t new_len, const stance_diff_options *opts);

void stance_diff_free(stance_diff *d);

/* The bodies the ranges point into. Borrowed. */
const char *stance_diff_old_text(const stance_diff *d, size_t *len);
const char *stance_diff_new_text(const stance_diff *d, size_t *len);

size_t stance_diff_op_count(const stance_diff *d);
const stance_diff_op *stance_diff_op_at(const stance_diff *d, size_t i);

/* The blocks of one side: side 0 is old, 1 is new. */
size_t stance_diff_block_count(const stance_diff *d, int side);
const stance_diff_block *stance_diff_block_at(const stance_diff *d, int side, size_t i);

/* Front matter fields whose values differ, by name. Strings are borrowed. */
size_t stance_diff_field_count(const stance_diff *d);
int stance_diff_field_at(stance_diff_field *out, const stance_diff *d, size_t i);

/* A front matter field of one side (side 0 old, 1 new), NULL when unset. */
const char *stance_diff_meta(const stance_diff *d, int side, const char *field);

const stance_diff_stats *stance_diff_get_stats(const stance_diff *d);

/* 1 when old and new differ anywhere (fields or body text beyond whitespace). */
int stance_diff_has_changes(const stance_diff *d);

/* NULL, or a sentence saying the cost bound was hit and which coarser unit
 * the diff fell back to. Borrowed. */
const char *stance_diff_fallback(const stance_diff *d);

/* 1 when position statements were read (not skip_positions), so that their
 * counts in the stats mean something; 0 when they were skipped. */
int stance_diff_positions_read(const stance_diff *d);

/* The position statements of the blocks that changed, per side (statements
 * in blocks equal on both sides cannot have changed and are not read), and
 * how they changed. Borrowed. */
const stance_position_list *stance_diff_positions(const stance_diff *d, int side);
const stance_position_change_list *stance_diff_position_changes(const stance_diff *d);
/* What the i-th position change did when it is a rewording (an amount or a
 * date changed, a negation came or went; empty otherwise). Borrowed. */
const stance_position_callout_list *stance_diff_position_callouts(const stance_diff *d, size_t i);

const char *stance_diff_op_name(stance_diff_op_kind op);
const char *stance_diff_unit_name(stance_diff_unit unit);
/* Parses "word", "sentence", "paragraph" (or "block"), "char". */
int stance_diff_unit_parse(stance_diff_unit *out, const char *name);

#ifdef __cplusplus
}
#endif
#endif
