/*
 * date.h: dates of reduced precision, as documents carry them.
 *
 * A published date may be a year ("2009"), a month ("2009-11"), a day
 * ("2020-12-04") or a moment with a zone ("2020-12-04T12:09:00+01:00").
 * Revision dates on the command line use the same forms.
 */
#ifndef STANCE_DATE_H
#define STANCE_DATE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	STANCE_DATE_NONE = 0,
	STANCE_DATE_YEAR,
	STANCE_DATE_MONTH,
	STANCE_DATE_DAY,
	STANCE_DATE_MINUTE, /* date and time to the minute, with a zone */
	STANCE_DATE_SECOND  /* date and time to the second, with a zone */
} stance_date_precision;

typedef struct {
	stance_date_precision precision;
	int year, month, day;     /* month and day are 1-based; 0 when not given */
	int hour, minute, second;
	int tz_minutes;           /* offset from UTC in minutes, for MINUTE/SECOND */
	int tz_given;             /* 1 when the text carried a zone */
} stance_date;

/*
 * Parses `text` (ISO 8601 of reduced precision, "YYYY-MM-DD HH:MM" also
 * accepted) into `out`. A date that does not exist on the calendar
 * ("2020-13-45") is STANCE_EPARSE with a message quoting it.
 */
int stance_date_parse(stance_date *out, const char *text);

/*
 * Parses a date given on the command line (--since, --until): every form of
 * stance_date_parse(), and git's relative forms, read against `now` (seconds
 * since the epoch) in UTC: "now", "today", "yesterday" (days), "N seconds,
 * minutes, hours, days, weeks, months or years ago" (a moment; "a"/"an" for
 * one, and "2.weeks.ago" as git writes it too). A text that is neither is
 * STANCE_EPARSE with a message quoting it.
 */
int stance_date_parse_approx(stance_date *out, const char *text, int64_t now);

/* Writes the date in the canonical ISO form of its precision. */
int stance_date_format(stance_buf *out, const stance_date *date);

/*
 * Seconds since the epoch of the start of the date (UTC, or the given zone),
 * and of the first moment after it (`end`), so a date names a span of time:
 * "2020" is the whole year.
 */
int64_t stance_date_start(const stance_date *date);
int64_t stance_date_end(const stance_date *date);

/* Fills `out` from a Unix time and a zone offset, to the second. */
void stance_date_from_time(stance_date *out, int64_t t, int tz_minutes);

#ifdef __cplusplus
}
#endif
#endif
