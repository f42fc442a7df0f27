/*
 * canonical.h: the library's one way into cmark-gfm's parser (safe on any
 * thread) and the canonical Markdown form's figures; not part of the API.
 */
#ifndef STANCE_CANONICAL_H
#define STANCE_CANONICAL_H

#include <cmark-gfm.h>

#include "internal.h"

/*
 * A cmark-gfm parser with `options` and the named syntax extensions
 * attached (unknown names are skipped). The core extensions are registered
 * once per process. NULL when out of memory; free with cmark_parser_free().
 */
cmark_parser *stance_cmark_parser_new(int options, const char *const *extensions, size_t count);

/*
 * Parses `len` bytes of Markdown with `parser` (feed and finish) and returns
 * the document node (the caller frees it with cmark_node_free()), NULL when
 * out of memory. cmark-gfm keeps the table of characters its inline parser
 * stops at in one process-wide array, which each parse with extensions
 * changes and changes back: parses run one at a time, under one lock, so
 * that a parse on one thread never sees another thread's changes.
 */
cmark_node *stance_cmark_parse(cmark_parser *parser, const char *markdown, size_t len);

/* What the last pass of a canonicalisation did with the top-level blocks. */
typedef struct {
	size_t blocks;  /* top-level blocks of the input */
	size_t kept;    /* of those, kept as written: rendering changed them */
	int whole;      /* 1: the whole body was kept as written */
} stance_canonical_stats;

/* stance_markdown_canonicalize(), reporting its figures in `stats`. */
int stance_markdown_canonicalize_stats(stance_buf *out, const char *markdown, size_t len,
	stance_canonical_stats *stats);

#endif
