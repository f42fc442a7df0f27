/*
 * table.c: the text tables of the commands (table.h), laid out by display
 * width through utf8proc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "table.h"

typedef struct {
	char *text;
	const char *color;
} table_cell;

typedef struct {
	int max;    /* 0: no limit */
	int min;    /* at least this wide */
	int right;  /* aligned on the right */
	char *sep;  /* what comes before it, when not the table's */
} table_column;

struct cli_table {
	size_t ncols;
	table_column *cols;
	table_cell *cells;  /* rows × ncols */
	size_t rows, cap;   /* cap counts cells */
	size_t next;        /* the next cell of the last row */
	char *sep, *indent;
};

cli_table *cli_table_new(size_t ncols, const char *sep, const char *indent)
{
	cli_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ncols = ncols ? ncols : 1;
	t->cols = calloc(t->ncols, sizeof(*t->cols));
	t->sep = strdup(sep ? sep : "  ");
	t->indent = strdup(indent ? indent : "");
	if (!t->cols || !t->sep || !t->indent) {
		cli_table_free(t);
		return NULL;
	}
	return t;
}

void cli_table_free(cli_table *t)
{
	size_t i;
	if (!t)
		return;
	for (i = 0; i < t->rows * t->ncols; i++)
		free(t->cells[i].text);
	for (i = 0; t->cols && i < t->ncols; i++)
		free(t->cols[i].sep);
	free(t->cells);
	free(t->cols);
	free(t->sep);
	free(t->indent);
	free(t);
}

void cli_table_limit(cli_table *t, size_t col, int max)
{
	if (t && col < t->ncols)
		t->cols[col].max = max > 1 ? max : 0;
}

void cli_table_min(cli_table *t, size_t col, int min)
{
	if (t && col < t->ncols)
		t->cols[col].min = min > 0 ? min : 0;
}

void cli_table_align_right(cli_table *t, size_t col)
{
	if (t && col < t->ncols)
		t->cols[col].right = 1;
}

int cli_table_separate(cli_table *t, size_t col, const char *sep)
{
	if (!t || col >= t->ncols)
		return -1;
	free(t->cols[col].sep);
	return (t->cols[col].sep = strdup(sep ? sep : "")) ? 0 : -1;
}

int cli_table_row(cli_table *t)
{
	size_t need = (t->rows + 1) * t->ncols;
	if (stance_array_grow(&t->cells, &t->cap, need, sizeof(*t->cells)) < 0)
		return -1;
	memset(&t->cells[t->rows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	t->rows++;
	t->next = 0;
	return 0;
}

int cli_table_cell(cli_table *t, const char *text, const char *color)
{
	table_cell *c;
	if (!t->rows || t->next >= t->ncols)
		return -1;
	c = &t->cells[(t->rows - 1) * t->ncols + t->next++];
	c->color = color;
	if (!(c->text = strdup(text ? text : "")))
		return -1;
	return 0;
}

int cli_table_cellf(cli_table *t, const char *color, const char *fmt, ...)
{
	char small[128], *text = small;
	va_list ap;
	int n, error;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(small)) {
		if (!(text = malloc((size_t)n + 1)))
			return -1;
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	error = cli_table_cell(t, text, color);
	if (text != small)
		free(text);
	return error;
}

int cli_text_truncate(stance_buf *out, const char *text, int max)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(text ? text : "");
	int used = 0;
	if (max <= 0 || stance_text_width(text) <= max)
		return stance_buf_puts(out, text ? text : "");
	/* keep what fits in max - 1 columns, then the ellipsis (one column) */
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		int w = k > 0 ? utf8proc_charwidth(cp) : 1;
		if (k <= 0)
			k = 1;
		if (used + w > max - 1)
			break;
		stance_buf_put(out, (const char *)p, (size_t)k);
		used += w;
		p += k;
	}
	return stance_buf_puts(out, "…");
}

void cli_table_print(const cli_table *t, cli_context *ctx)
{
	int *width = calloc(t->ncols, sizeof(*width));
	stance_buf cell = STANCE_BUF_INIT, line = STANCE_BUF_INIT;
	size_t r, c, last;
	if (!width) {
		cli_error("out of memory");
		return;
	}
	for (c = 0; c < t->ncols; c++)
		width[c] = t->cols[c].min;
	for (r = 0; r < t->rows; r++)
		for (c = 0; c < t->ncols; c++) {
			int w = stance_text_width(t->cells[r * t->ncols + c].text);
			if (t->cols[c].max && w > t->cols[c].max)
				w = t->cols[c].max;
			if (w > width[c])
				width[c] = w;
		}
	for (r = 0; r < t->rows; r++) {
		const table_cell *row = &t->cells[r * t->ncols];
		stance_buf_clear(&line);
		/* the last cell with text: nothing is printed after it */
		for (last = t->ncols; last > 0 && !(row[last - 1].text && *row[last - 1].text); last--)
			;
		stance_buf_puts(&line, t->indent);
		for (c = 0; c < last; c++) {
			const char *color = row[c].color && *row[c].color ? row[c].color : NULL;
			int pad;
			stance_buf_clear(&cell);
			cli_text_truncate(&cell, row[c].text, t->cols[c].max);
			pad = width[c] - stance_text_width(stance_buf_cstr(&cell));
			if (pad < 0)
				pad = 0;
			if (c)
				stance_buf_puts(&line, t->cols[c].sep ? t->cols[c].sep : t->sep);
			if (t->cols[c].right)
				stance_buf_printf(&line, "%*s", pad, "");
			if (color)
				stance_buf_puts(&line, cli_color(ctx, color));
			stance_buf_puts(&line, stance_buf_cstr(&cell));
			if (color)
				stance_buf_puts(&line, cli_color(ctx, "\033[0m"));
			if (!t->cols[c].right && c + 1 < last)
				stance_buf_printf(&line, "%*s", pad, "");
		}
		stance_buf_putc(&line, '\n');
		fputs(stance_buf_cstr(&line), ctx->out);
	}
	stance_buf_dispose(&cell);
	stance_buf_dispose(&line);
	free(width);
}
