/*
 * import_date.c: dates in scraped text: a tokenizer of numbers, words and
 * punctuation, and stance_import_find_date, the first date a line spells
 * out ("4. december 2020", "04.12.2020", "2020-12-04", "December 4, 2020").
 */
#include "import_internal.h"
#include "stance/date.h"

#include <ctype.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* dates                                                                */

typedef struct {
	const char *name;
	int month;
} month_name;

static const month_name months[] = {
	{ "januar", 1 }, { "january", 1 }, { "jan", 1 },
	{ "februar", 2 }, { "february", 2 }, { "feb", 2 },
	{ "marts", 3 }, { "march", 3 }, { "mar", 3 },
	{ "april", 4 }, { "apr", 4 },
	{ "maj", 5 }, { "may", 5 },
	{ "juni", 6 }, { "june", 6 }, { "jun", 6 },
	{ "juli", 7 }, { "july", 7 }, { "jul", 7 },
	{ "august", 8 }, { "aug", 8 },
	{ "september", 9 }, { "sept", 9 }, { "sep", 9 },
	{ "oktober", 10 }, { "october", 10 }, { "okt", 10 }, { "oct", 10 },
	{ "november", 11 }, { "nov", 11 },
	{ "december", 12 }, { "dec", 12 },
	{ NULL, 0 }
};

typedef enum { T_NUM, T_WORD, T_PUNCT } tok_type;

typedef struct {
	tok_type type;
	size_t start, end;   /* byte span */
	int value, ndigits;  /* T_NUM */
	char word[16];       /* T_WORD, ASCII-lowercased, truncated */
	char c;              /* T_PUNCT */
	int space_before;
} token;

/* Splits s into numbers, words and punctuation with their byte spans; returns how many. */
static size_t tokenize(token *toks, size_t max, const char *s)
{
	size_t n = 0, i = 0, len = strlen(s), k;
	int space = 1;
	while (i < len && n < max) {
		token *t = &toks[n];
		unsigned char c = (unsigned char)s[i];
		if ((k = import_space_len(s + i)) > 0 || c == '\n') {
			i += k ? k : 1;
			space = 1;
			continue;
		}
		memset(t, 0, sizeof(*t));
		t->start = i;
		t->space_before = space;
		space = 0;
		if (isdigit(c)) {
			long v = 0;
			t->type = T_NUM;
			while (i < len && isdigit((unsigned char)s[i])) {
				if (v < 100000)
					v = v * 10 + (s[i] - '0');
				t->ndigits++;
				i++;
			}
			t->value = (int)v;
		} else if (isalpha(c) || c >= 0x80) {
			size_t w = 0;
			t->type = T_WORD;
			while (i < len && (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80) &&
			       !import_space_len(s + i)) {
				if (w + 1 < sizeof(t->word))
					t->word[w++] = (char)tolower((unsigned char)s[i]);
				i++;
			}
		} else {
			t->type = T_PUNCT;
			t->c = (char)c;
			i++;
		}
		t->end = i;
		n++;
	}
	return n;
}

/* The month the token at `i` names, 0 if none (or past the last token). */
static int month_of(const token *t, size_t n, size_t i)
{
	size_t k;
	if (i >= n)
		return 0;
	t += i;
	if (t->type != T_WORD)
		return 0;
	for (k = 0; months[k].name; k++)
		if (!strcmp(t->word, months[k].name))
			return months[k].month;
	return 0;
}

/* 1 when s starts with a month's name as a whole word. */
int import_month_name_at(const char *s)
{
	size_t i, n;
	for (i = 0; months[i].name; i++) {
		n = strlen(months[i].name);
		if (!strncasecmp(s, months[i].name, n) && !isalpha((unsigned char)s[n]) &&
		    (unsigned char)s[n] < 0x80)
			return 1;
	}
	return 0;
}

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int valid_ymd(int y, int m, int d)
{
	return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

static int is_punct(const token *t, size_t n, size_t i, char c)
{
	return i < n && t[i].type == T_PUNCT && t[i].c == c;
}

static int is_year(const token *t, size_t n, size_t i)
{
	return i < n && t[i].type == T_NUM && t[i].ndigits == 4 && t[i].value >= 1000;
}

/* Month-first for "4/12/2020" only in US English (and plain "en"). */
static int month_first(const char *language)
{
	if (!language)
		return 1;
	return !strcasecmp(language, "en") || !strcasecmp(language, "en-us") ||
		!strcasecmp(language, "en_us");
}

/*
 * Tries to read a date starting at token i. On success fills d and *last
 * (index of the last token used) and returns 1.
 */
static int date_at(stance_date *d, size_t *last, const token *t, size_t n, size_t i,
	const char *s, const char *language)
{
	memset(d, 0, sizeof(*d));
	/* ISO 8601: 2020-12-04[THH:MM[:SS][zone]] */
	if (is_year(t, n, i) && is_punct(t, n, i + 1, '-') && i + 2 < n && t[i + 2].type == T_NUM &&
	    t[i + 2].ndigits == 2 && !t[i + 1].space_before && !t[i + 2].space_before) {
		char buf[40];
		size_t a = t[i].start, b = a, j = i;
		while (b < strlen(s) && b - a < sizeof(buf) - 1 &&
		       (isdigit((unsigned char)s[b]) || strchr("-:TZ+.", s[b])))
			b++;
		/* do not swallow a sentence's closing full stop */
		while (b > a && (s[b - 1] == '.' || s[b - 1] == '-' || s[b - 1] == ':'))
			b--;
		memcpy(buf, s + a, b - a);
		buf[b - a] = '\0';
		/* shorten until it parses: "2020-12-04T" etc. */
		while (b > a) {
			if (stance_date_parse(d, buf) == 0) {
				while (j + 1 < n && t[j + 1].start < b)
					j++;
				*last = j;
				stance_error_clear();
				return 1;
			}
			buf[--b - a] = '\0';
		}
		stance_error_clear();
		memset(d, 0, sizeof(*d));
		return 0;
	}
	/* day [.] [den] month [.] [,] year */
	if (i < n && t[i].type == T_NUM && t[i].ndigits <= 2 && t[i].value >= 1 && t[i].value <= 31) {
		size_t j = i + 1;
		int day = t[i].value, m;
		if (j < n && t[j].type == T_WORD && !t[j].space_before &&
		    (!strcmp(t[j].word, "st") || !strcmp(t[j].word, "nd") || !strcmp(t[j].word, "rd") ||
		     !strcmp(t[j].word, "th")))
			j++;
		if (is_punct(t, n, j, '.') && !(j + 1 < n && t[j + 1].type == T_NUM && !t[j + 1].space_before))
			j++;
		if (j < n && t[j].type == T_WORD && !strcmp(t[j].word, "of"))
			j++;
		if ((m = month_of(t, n, j)) != 0) {
			j++;
			if (is_punct(t, n, j, '.'))
				j++;
			if (is_punct(t, n, j, ','))
				j++;
			if (is_year(t, n, j) && valid_ymd(t[j].value, m, day)) {
				d->year = t[j].value;
				d->month = m;
				d->day = day;
				d->precision = STANCE_DATE_DAY;
				*last = j;
				return 1;
			}
			if (is_year(t, n, j)) { /* "30. februar 2021": no such day, no date */
				*last = j;
				return -1;
			}
		}
		/* numeric: 4/12/2020, 4.12.2020, 4-12-2020 */
		if (i + 4 < n && t[i + 1].type == T_PUNCT && strchr("/.-", t[i + 1].c) &&
		    t[i + 2].type == T_NUM && t[i + 2].ndigits <= 2 &&
		    is_punct(t, n, i + 3, t[i + 1].c) && is_year(t, n, i + 4) &&
		    !t[i + 1].space_before && !t[i + 2].space_before && !t[i + 3].space_before &&
		    !t[i + 4].space_before) {
			int a = t[i].value, b = t[i + 2].value, y = t[i + 4].value;
			int mo = b, da = a;
			if (t[i + 1].c == '/' && month_first(language)) {
				mo = a;
				da = b;
			}
			if (valid_ymd(y, mo, da)) {
				d->year = y;
				d->month = mo;
				d->day = da;
				d->precision = STANCE_DATE_DAY;
				*last = i + 4;
				return 1;
			}
		}
	}
	/* month day, year / month year */
	if (i < n && month_of(t, n, i)) {
		int m = month_of(t, n, i);
		size_t j = i + 1;
		if (is_punct(t, n, j, '.'))
			j++;
		if (j < n && t[j].type == T_NUM && t[j].ndigits <= 2) {
			int day = t[j].value;
			size_t k = j + 1;
			if (k < n && t[k].type == T_WORD && !t[k].space_before &&
			    (!strcmp(t[k].word, "st") || !strcmp(t[k].word, "nd") ||
			     !strcmp(t[k].word, "rd") || !strcmp(t[k].word, "th")))
				k++;
			if (is_punct(t, n, k, ','))
				k++;
			if (is_year(t, n, k) && valid_ymd(t[k].value, m, day)) {
				d->year = t[k].value;
				d->month = m;
				d->day = day;
				d->precision = STANCE_DATE_DAY;
				*last = k;
				return 1;
			}
		} else if (is_year(t, n, j) && strlen(t[i].word) >= 3 &&
			   (strcmp(t[i].word, "may") && strcmp(t[i].word, "maj") ? 1 : import_starts_upper(s + t[i].start))) {
			/* "december 2020"; "may 2020" only with a capital, "may" being a verb too */
			d->year = t[j].value;
			d->month = m;
			d->precision = STANCE_DATE_MONTH;
			*last = j;
			return 1;
		}
	}
	/* magazine issue: "nr. 13 / 2009", "no. 13, 2009", "issue 13/2009" */
	if (i < n && t[i].type == T_WORD &&
	    (!strcmp(t[i].word, "nr") || !strcmp(t[i].word, "no") || !strcmp(t[i].word, "issue"))) {
		size_t j = i + 1;
		if (is_punct(t, n, j, '.'))
			j++;
		if (j < n && t[j].type == T_NUM && t[j].ndigits <= 3) {
			j++;
			if (is_punct(t, n, j, '/') || is_punct(t, n, j, ','))
				j++;
			if (is_year(t, n, j)) {
				d->year = t[j].value;
				d->precision = STANCE_DATE_YEAR;
				*last = j;
				return 1;
			}
		}
	}
	return 0;
}

int stance_import_find_date(stance_date *out, size_t *start, size_t *end,
	const char *text, const char *language)
{
	token toks[256];
	size_t n = tokenize(toks, STANCE_ARRAY_SIZE(toks), text), i, last;
	stance_date d;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		int found = date_at(&d, &last, toks, n, i, text, language);
		if (found < 0) {
			i = last; /* skip the impossible date whole */
			continue;
		}
		if (!found)
			continue;
		*out = d;
		if (start)
			*start = toks[i].start;
		if (end)
			*end = toks[last].end;
		return 0;
	}
	return 0;
}
