/*
 * date.c: parsing and formatting of reduced-precision ISO 8601 dates.
 */
#include "internal.h"
#include "stance/date.h"

#include <ctype.h>
#include <stdio.h>
#include <time.h>

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Reads exactly `n` digits at *p into *out and advances *p. */
static int digits(const char **p, int n, int *out)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int bad_date(const char *text, const char *why)
{
	return stance_error_set(STANCE_EPARSE, "'%s' is not a date: %s (expected YYYY, YYYY-MM, "
		"YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])", text, why);
}

int stance_date_parse(stance_date *out, const char *text)
{
	const char *p = text;
	stance_date d;

	memset(&d, 0, sizeof(d));
	if (!text)
		return bad_date("", "empty");
	while (isspace((unsigned char)*p))
		p++;
	if (digits(&p, 4, &d.year) < 0)
		return bad_date(text, "no four-digit year");
	d.precision = STANCE_DATE_YEAR;
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &d.month) < 0 || d.month < 1 || d.month > 12)
			return bad_date(text, "no month 01-12");
		d.precision = STANCE_DATE_MONTH;
		if (*p == '-') {
			p++;
			if (digits(&p, 2, &d.day) < 0 || d.day < 1 || d.day > days_in_month(d.year, d.month))
				return bad_date(text, "no such day in that month");
			d.precision = STANCE_DATE_DAY;
			if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
				p++;
				if (digits(&p, 2, &d.hour) < 0 || d.hour > 23 || *p++ != ':' ||
				    digits(&p, 2, &d.minute) < 0 || d.minute > 59)
					return bad_date(text, "no time HH:MM");
				d.precision = STANCE_DATE_MINUTE;
				if (*p == ':') {
					p++;
					if (digits(&p, 2, &d.second) < 0 || d.second > 60)
						return bad_date(text, "no seconds 00-59");
					d.precision = STANCE_DATE_SECOND;
					if (*p == '.' || *p == ',') /* fractions are dropped */
						for (p++; isdigit((unsigned char)*p); p++)
							;
				}
				if (*p == 'Z' || *p == 'z') {
					p++;
					d.tz_given = 1;
				} else if (*p == '+' || *p == '-') {
					int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;
					if (digits(&p, 2, &hh) < 0 || hh > 14)
						return bad_date(text, "bad zone offset");
					if (*p == ':')
						p++;
					if (isdigit((unsigned char)*p) && (digits(&p, 2, &mm) < 0 || mm > 59))
						return bad_date(text, "bad zone offset");
					d.tz_minutes = sign * (hh * 60 + mm);
					d.tz_given = 1;
				}
			}
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		return bad_date(text, "unexpected text after the date");
	*out = d;
	return 0;
}

int stance_date_format(stance_buf *out, const stance_date *d)
{
	switch (d->precision) {
	case STANCE_DATE_NONE: return 0;
	case STANCE_DATE_YEAR: return stance_buf_printf(out, "%04d", d->year);
	case STANCE_DATE_MONTH: return stance_buf_printf(out, "%04d-%02d", d->year, d->month);
	case STANCE_DATE_DAY: return stance_buf_printf(out, "%04d-%02d-%02d", d->year, d->month, d->day);
	default: break;
	}
	if (stance_buf_printf(out, "%04d-%02d-%02dT%02d:%02d", d->year, d->month, d->day,
		d->hour, d->minute) < 0)
		return STANCE_ERROR;
	if (d->precision == STANCE_DATE_SECOND && stance_buf_printf(out, ":%02d", d->second) < 0)
		return STANCE_ERROR;
	if (!d->tz_given)
		return 0;
	if (d->tz_minutes == 0)
		return stance_buf_puts(out, "Z");
	return stance_buf_printf(out, "%c%02d:%02d", d->tz_minutes < 0 ? '-' : '+',
		abs(d->tz_minutes) / 60, abs(d->tz_minutes) % 60);
}

static int64_t civil_to_time(int y, int m, int d, int hh, int mm, int ss)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return (int64_t)timegm(&tm);
}

int64_t stance_date_start(const stance_date *d)
{
	switch (d->precision) {
	case STANCE_DATE_NONE: return 0;
	case STANCE_DATE_YEAR: return civil_to_time(d->year, 1, 1, 0, 0, 0);
	case STANCE_DATE_MONTH: return civil_to_time(d->year, d->month, 1, 0, 0, 0);
	case STANCE_DATE_DAY: return civil_to_time(d->year, d->month, d->day, 0, 0, 0);
	default:
		return civil_to_time(d->year, d->month, d->day, d->hour, d->minute, d->second) -
			(int64_t)d->tz_minutes * 60;
	}
}

int64_t stance_date_end(const stance_date *d)
{
	switch (d->precision) {
	case STANCE_DATE_NONE: return 0;
	case STANCE_DATE_YEAR: return civil_to_time(d->year + 1, 1, 1, 0, 0, 0);
	case STANCE_DATE_MONTH:
		return civil_to_time(d->month == 12 ? d->year + 1 : d->year, d->month == 12 ? 1 : d->month + 1, 1, 0, 0, 0);
	case STANCE_DATE_DAY: return civil_to_time(d->year, d->month, d->day, 0, 0, 0) + 86400;
	case STANCE_DATE_MINUTE: return stance_date_start(d) + 60;
	default: return stance_date_start(d) + 1;
	}
}

void stance_date_from_time(stance_date *out, int64_t t, int tz_minutes)
{
	time_t local = (time_t)(t + (int64_t)tz_minutes * 60);
	struct tm tm;
	gmtime_r(&local, &tm);
	memset(out, 0, sizeof(*out));
	out->precision = STANCE_DATE_SECOND;
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_min;
	out->second = tm.tm_sec;
	out->tz_minutes = tz_minutes;
	out->tz_given = 1;
}

/* ---------------------------------------------------------------- relative dates */

/* Reads one word of letters at *p (lower-cased into `word`) or fails. */
static int read_word(const char **p, char *word, size_t size)
{
	size_t n = 0;
	while (**p == ' ' || **p == '.' || **p == '_' || **p == '\t')
		(*p)++;
	while (isalpha((unsigned char)**p)) {
		if (n + 1 >= size)
			return -1;
		word[n++] = (char)tolower((unsigned char)**p);
		(*p)++;
	}
	word[n] = '\0';
	return n ? 0 : -1;
}

/* `d` moved back by `months` calendar months, the day kept in the month. */
static void months_back(stance_date *d, long months)
{
	long m = (long)d->year * 12 + (d->month - 1) - months;
	d->year = (int)(m / 12);
	d->month = (int)(m % 12) + 1;
	if (d->day > days_in_month(d->year, d->month))
		d->day = days_in_month(d->year, d->month);
}

/* "N unit(s) ago", "a week ago": 1 and the moment filled in, 0 when `text`
 * is not of that form. */
static int parse_ago(stance_date *out, const char *text, int64_t now)
{
	static const struct { const char *name; int64_t seconds; long months; } units[] = {
		{ "second", 1, 0 }, { "minute", 60, 0 }, { "hour", 3600, 0 }, { "day", 86400, 0 },
		{ "week", 7 * 86400, 0 }, { "month", 0, 1 }, { "year", 0, 12 },
	};
	const char *p = text;
	char word[16];
	long n = 0;
	size_t i, len;
	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		for (; isdigit((unsigned char)*p); p++) {
			if (n > 100000)
				return 0;
			n = n * 10 + (*p - '0');
		}
	} else {
		if (read_word(&p, word, sizeof(word)) < 0 ||
		    (strcmp(word, "a") && strcmp(word, "an") && strcmp(word, "one")))
			return 0;
		n = 1;
	}
	if (read_word(&p, word, sizeof(word)) < 0)
		return 0;
	len = strlen(word);
	if (len > 1 && word[len - 1] == 's')
		word[--len] = '\0';
	for (i = 0; i < STANCE_ARRAY_SIZE(units); i++)
		if (!strcmp(word, units[i].name))
			break;
	if (i == STANCE_ARRAY_SIZE(units) || read_word(&p, word, sizeof(word)) < 0 || strcmp(word, "ago"))
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		return 0;
	stance_date_from_time(out, now - (int64_t)n * units[i].seconds, 0);
	if (units[i].months)
		months_back(out, n * units[i].months);
	return 1;
}

int stance_date_parse_approx(stance_date *out, const char *text, int64_t now)
{
	char word[16];
	const char *p = text ? text : "";
	stance_date d;

	if (parse_ago(&d, p, now)) {
		*out = d;
		return 0;
	}
	if (read_word(&p, word, sizeof(word)) == 0) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p && (!strcmp(word, "now") || !strcmp(word, "today") || !strcmp(word, "yesterday"))) {
			stance_date_from_time(&d, now - (!strcmp(word, "yesterday") ? 86400 : 0), 0);
			if (strcmp(word, "now")) {
				d.precision = STANCE_DATE_DAY;
				d.hour = d.minute = d.second = 0;
				d.tz_given = 0;
			}
			*out = d;
			return 0;
		}
		return stance_error_set(STANCE_EPARSE, "'%s' is not a date (expected YYYY, YYYY-MM, YYYY-MM-DD, "
			"YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], now, today, yesterday or N days/weeks/months/years ago)",
			text ? text : "");
	}
	return stance_date_parse(out, text);
}
