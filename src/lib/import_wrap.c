/*
 * import_wrap.c: which lines of a plain text are hard-wrapped pieces of one
 * paragraph or list item, so that the same text wrapped at any width, or not
 * at all, gives the same lines to the passes of import.c.
 *
 * A greedy wrapper at width W breaks a line only where the next word would
 * not have fitted: the line and the next line's first word with a space
 * between are longer than W. The file's width is estimated from the lines
 * that have another line right under them (the upper quartile of their
 * lengths in characters, so that one long unwrapped line or a short line of
 * an address does not move it), and each line is then judged on its own
 * length against that width: a line that is "full" continues on the next
 * line; a short one (an address, a byline, the last line of a paragraph)
 * ends there, unless the next line starts in lower case, which no heading,
 * byline or new sentence does.
 */
#include "import_internal.h"

#include <stdlib.h>

/* Characters (code points) of s[0..n). */
static size_t cp_count(const char *s, size_t n)
{
	size_t i, k = 0;
	for (i = 0; i < n && s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

/* Characters of the first word of s. */
static size_t first_word(const char *s)
{
	size_t n = 0;
	while (s[n] && !import_space_len(s + n))
		n++;
	return cp_count(s, n);
}

static int starts_lower(const char *s)
{
	utf8proc_int32_t cp;
	import_cp_at(s, &cp);
	return import_is_letter_cp(cp) && !import_is_upper_cp(cp);
}

/* A capital letter, as a name starts; not a digit ("kl.\n12.09"). */
static int starts_capital(const char *s)
{
	utf8proc_int32_t cp;
	import_cp_at(s, &cp);
	return import_is_upper_cp(cp);
}

/* Ends a sentence or announces what follows: never the middle of one. */
static int ends_sentence(const char *s)
{
	utf8proc_int32_t c = import_last_cp(s);
	return c == '.' || c == '!' || c == '?' || c == ':' || c == 0x2026 || import_is_quote_cp(c);
}

/* A row of a table drawn with bars: a line however short or long. */
static int table_row(const char *s)
{
	return *s == '|';
}

static size_t bar_count(const char *s)
{
	size_t k = 0;
	for (; *s; s++)
		k += *s == '|';
	return k;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* A line whose next word would not have fitted in `width`. */
static int full(const import_wrap_line *v, size_t i, size_t width)
{
	size_t len = cp_count(v[i].text, (size_t)-1);
	return len <= width + width / 8 + 2 && len + 1 + first_word(v[i + 1].text) > width;
}

/* A candidate for a wrapped line: something follows without a blank line,
 * and that is not the next item of a list. */
static int candidate(const import_wrap_line *v, size_t i)
{
	return v[i + 1].joined && !(v[i + 1].item && v[i + 1].indent <= v[i].indent) &&
		!table_row(v[i].text) && !table_row(v[i + 1].text);
}

/* The file's wrap width, 0 when the text is not hard-wrapped. */
static size_t wrap_width(const import_wrap_line *v, size_t n)
{
	size_t *lens, count = 0, nfull = 0, width, i;
	if (n < 2 || !(lens = malloc((n - 1) * sizeof(*lens))))
		return 0; /* not knowing the width only leaves the lines as they are */
	for (i = 0; i + 1 < n; i++)
		if (candidate(v, i))
			lens[count++] = cp_count(v[i].text, (size_t)-1);
	if (count < 2) {
		free(lens);
		return 0;
	}
	qsort(lens, count, sizeof(*lens), cmp_size);
	width = lens[count * 3 / 4];
	free(lens);
	for (i = 0; i + 1 < n; i++)
		if (candidate(v, i) && full(v, i, width))
			nfull++;
	/* most lines with a line under them must read as wrapped */
	return width >= 20 && nfull >= 2 && 2 * nfull >= count ? width : 0;
}

void import_unwrap_plan(const import_wrap_line *v, size_t n, unsigned char *join)
{
	size_t width = wrap_width(v, n), head = 0, i, bars = n ? bar_count(v[0].text) : 0, row_bars = 0;
	memset(join, 0, n);
	if (!width)
		return;
	/* bars: in the row being read; row_bars: in the rows above it */
	for (i = 1; i < n; i++) {
		const import_wrap_line *prev = &v[i - 1], *l = &v[i];
		int last = i + 1 == n || !v[i + 1].joined;
		if (l->joined && table_row(v[head].text)) {
			/* a row broken by the wrapper goes on to its end: as many bars
			 * as the rows above it, or, for the first, a bar at its end; a
			 * line that only ends with a bar is the end of a row */
			if ((row_bars ? bars < row_bars : import_last_cp(prev->text) != '|') ||
			    (!table_row(l->text) && import_last_cp(l->text) == '|')) {
				join[i] = 1;
				bars += bar_count(l->text);
				continue;
			}
			if (bars > row_bars)
				row_bars = bars;
		} else {
			row_bars = 0;
		}
		bars = bar_count(l->text);
		if (!l->joined || table_row(l->text) || table_row(prev->text)) {
			head = i;
			continue;
		}
		if (l->item == 2) {
			/* a bullet that is never a dash in running text */
		} else if (l->item == 1) {
			/* "–" or "4." where a wrap fell before a dash or a date's day */
			join[i] = full(v, i - 1, width) && !import_ends_closed(prev->text) &&
				(!v[head].item || l->indent > v[head].indent);
		} else if (v[head].item) {
			/* an item's text goes on under its marker, or in lower case */
			join[i] = l->indent > v[head].indent || (full(v, i - 1, width) && starts_lower(l->text));
		} else if (last && ends_sentence(prev->text) && starts_capital(l->text) &&
			   !import_ends_closed(l->text) && import_count_words(l->text) <= 8) {
			/* a signature under a quote or paragraph: "Name, role" */
		} else {
			join[i] = full(v, i - 1, width) ||
				(starts_lower(l->text) && !ends_sentence(prev->text));
		}
		if (!join[i])
			head = i;
	}
}
