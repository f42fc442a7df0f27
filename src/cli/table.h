/*
 * table.h: the one layout of the text tables of `list`, `log`, `diff
 * --stat`, `reextract` and `fetch`: rows of cells gathered first, then
 * printed in columns as wide as their widest cell in display width
 * (utf8proc's character widths: "ø" is one column, a CJK character two),
 * a column's cells cut to its limit with "…".
 */
#ifndef STANCE_CLI_TABLE_H
#define STANCE_CLI_TABLE_H

#include <stddef.h>

#include "cli.h"

typedef struct cli_table cli_table;

/* A table of `ncols` columns, each `sep` apart, each line begun with
 * `indent` ("" for none). NULL when out of memory. */
cli_table *cli_table_new(size_t ncols, const char *sep, const char *indent);
void cli_table_free(cli_table *t);

/* Column `col` is at most `max` columns wide (0: no limit, the default);
 * a longer cell is cut and ends in "…". */
void cli_table_limit(cli_table *t, size_t col, int max);
/* Column `col` is at least `min` columns wide (so a column of words from
 * a fixed set keeps its place whichever occur). */
void cli_table_min(cli_table *t, size_t col, int min);
/* Column `col` is aligned on the right (numbers). */
void cli_table_align_right(cli_table *t, size_t col);

/* Column `col` follows the one before it after `sep` instead of the
 * table's separator ("+2 -1" of log). -1 when out of memory. */
int cli_table_separate(cli_table *t, size_t col, const char *sep);

/* Begins a row; its cells follow with cli_table_cell, in column order (a
 * row may have fewer: the rest stay empty). -1 when out of memory. */
int cli_table_row(cli_table *t);
/* The next cell of the row: `text` (NULL: empty), copied, printed in ANSI
 * colour `color` when the output is coloured (NULL or "": none). */
int cli_table_cell(cli_table *t, const char *text, const char *color);
/* The same, formatted. */
int cli_table_cellf(cli_table *t, const char *color, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prints the table to ctx->out. The last column is not padded, and no
 * line ends in spaces. */
void cli_table_print(const cli_table *t, cli_context *ctx);

/* `text` cut to at most `max` display columns, ending in "…" when cut;
 * appended to `out`. */
int cli_text_truncate(stance_buf *out, const char *text, int max);

#endif
