/*
 * render_internal.h: what the renderers share (internal): the edit script
 * flattened into pieces of text in the new document's order, each within one
 * block, so a renderer never has to split ranges itself.
 */
#ifndef STANCE_RENDER_INTERNAL_H
#define STANCE_RENDER_INTERNAL_H

#include "internal.h"
#include "stance/diff.h"

typedef enum {
	PIECE_EQUAL,      /* new text, unchanged (old text equal up to whitespace) */
	PIECE_INSERT,     /* new text */
	PIECE_DELETE,     /* old text */
	PIECE_MOVE_BEGIN, /* a moved passage starts: old_block -> new_block */
	PIECE_MOVE_END,
	PIECE_MOVED_AWAY  /* old text that moved elsewhere (to new_block) */
} piece_kind;

typedef struct {
	piece_kind kind;
	stance_diff_unit unit;
	const char *text;      /* into the old or the new body; NULL for BEGIN/END */
	size_t len;
	size_t pos;            /* offset of text in its body */
	size_t old_block, new_block;
	int in_move;
	int block_start;       /* 1 when text starts its block */
} piece;

typedef struct {
	piece *items;
	size_t count, alloc;
} piece_list;

/* Builds the pieces of `d`; the list belongs to the caller (free items). */
int render_pieces(piece_list *out, const stance_diff *d);


/* 1-based line number of byte `pos` in `text` (counting from `from`, whose
 * line is `line`): for hunk headers. */
size_t render_line_at(const char *text, size_t pos, size_t from, size_t line);

/* Appends the summary sentence: "12 words added, 3 removed, 40 moved (1
 * passage); 2 position statements changed". */
int render_summary(stance_buf *out, const stance_diff *d);

/* Appends `s` HTML-escaped. */
int render_html_escape(stance_buf *out, const char *s, size_t len);

#endif
