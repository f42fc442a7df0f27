/*
 * test_date.c: the date module (date.h): dates of reduced precision parse to
 * their precision and format back to the same canonical text; a date that is
 * not on the calendar, or text after it, is STANCE_EPARSE with a message
 * quoting it; a date names a span of time (start and end); a Unix time
 * comes back as a date to the second.
 */
#include "helpers.h"

#include <string.h>

static stance_date parse_ok(const char *text)
{
	stance_date d;
	cr_assert_eq(stance_date_parse(&d, text), 0, "'%s': %s", text, stance_error_last());
	return d;
}

static char *format(const stance_date *d)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_date_format(&b, d), 0);
	return stance_buf_detach(&b);
}

static void parse_fails(const char *text, const char *why)
{
	stance_date d;
	cr_assert_eq(stance_date_parse(&d, text), STANCE_EPARSE, "'%s' parsed", text);
	cr_expect(strstr(stance_error_last(), why) != NULL, "'%s': %s", text, stance_error_last());
}

typedef struct {
	const char *text;
	stance_date_precision precision;
	const char *canonical;
} round_trip;

Test(date, each_precision_parses_and_formats_back)
{
	static const round_trip cases[] = {
		{ "2009", STANCE_DATE_YEAR, "2009" },
		{ "2009-11", STANCE_DATE_MONTH, "2009-11" },
		{ "2020-12-04", STANCE_DATE_DAY, "2020-12-04" },
		{ "2020-12-04T12:09", STANCE_DATE_MINUTE, "2020-12-04T12:09" },
		{ "2020-12-04 12:09", STANCE_DATE_MINUTE, "2020-12-04T12:09" },
		{ "2020-12-04t12:09+01:00", STANCE_DATE_MINUTE, "2020-12-04T12:09+01:00" },
		{ "2020-12-04T12:09:30Z", STANCE_DATE_SECOND, "2020-12-04T12:09:30Z" },
		{ "2020-12-04T12:09:30+0000", STANCE_DATE_SECOND, "2020-12-04T12:09:30Z" },
		{ "2020-12-04T12:09:30.123-05:30", STANCE_DATE_SECOND, "2020-12-04T12:09:30-05:30" },
		{ "  2020-02-29  ", STANCE_DATE_DAY, "2020-02-29" },
		{ "0001-01-01", STANCE_DATE_DAY, "0001-01-01" },
		{ "9999-12-31T23:59:59+14:00", STANCE_DATE_SECOND, "9999-12-31T23:59:59+14:00" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stance_date d = parse_ok(cases[i].text);
		char *s = format(&d);
		cr_expect_eq(d.precision, cases[i].precision, "'%s': precision %d", cases[i].text, d.precision);
		cr_expect_str_eq(s, cases[i].canonical, "'%s'", cases[i].text);
		free(s);
	}
}

Test(date, fields_and_zone)
{
	stance_date d = parse_ok("2020-12-04T12:09:30+01:00");
	cr_expect_eq(d.year, 2020);
	cr_expect_eq(d.month, 12);
	cr_expect_eq(d.day, 4);
	cr_expect_eq(d.hour, 12);
	cr_expect_eq(d.minute, 9);
	cr_expect_eq(d.second, 30);
	cr_expect_eq(d.tz_minutes, 60);
	cr_expect_eq(d.tz_given, 1);
	d = parse_ok("2009");
	cr_expect_eq(d.month, 0, "a year has no month");
	cr_expect_eq(d.day, 0);
	d = parse_ok("2020-12-04T12:09");
	cr_expect_eq(d.tz_given, 0, "no zone written, none given");
}

Test(date, dates_not_on_the_calendar_are_refused_quoting_them)
{
	parse_fails("2020-13-45", "'2020-13-45' is not a date");
	parse_fails("2020-13", "no month");
	parse_fails("2020-00", "no month");
	parse_fails("2021-02-29", "no such day");  /* not a leap year */
	parse_fails("1900-02-29", "no such day");  /* a century, not a leap year */
	parse_fails("2020-04-31", "no such day");
	parse_fails("2020-12-04T24:00", "no time");
	parse_fails("2020-12-04T12:60", "no time");
	parse_fails("2020-12-04T12:09:61", "no seconds");
	parse_fails("2020-12-04T12:09+15:00", "zone");
	parse_fails("2020-12-04T12:09+01:75", "zone");
	parse_fails("20", "four-digit year");
	parse_fails("", "four-digit year");
	parse_fails("   ", "four-digit year");
	parse_fails("i går", "'i går' is not a date");
	parse_fails("4. december 2020", "four-digit year");
	parse_fails("2020-12-04 kl. 12", "unexpected text after the date");
	parse_fails("2020/12/04", "unexpected text");
	parse_fails("2020-1-4", "no month");
	cr_expect(strstr(stance_error_last(), "expected YYYY"), "the message says what is expected: %s",
		stance_error_last());
}

Test(date, a_very_long_text_is_refused_not_read_past)
{
	size_t n = 100000;
	char *text = malloc(n + 1);
	stance_date d;
	memset(text, '9', n);
	text[n] = '\0';
	cr_assert_eq(stance_date_parse(&d, text), STANCE_EPARSE);
	memcpy(text, "2020-12-04", 10);
	memset(text + 10, ' ', n - 10);
	d = parse_ok(text);  /* trailing blanks are allowed, however many */
	cr_expect_eq(d.precision, STANCE_DATE_DAY);
	text[n - 1] = 'x';
	cr_assert_eq(stance_date_parse(&d, text), STANCE_EPARSE);
	free(text);
}

Test(date, a_date_names_a_span_of_time)
{
	stance_date d = parse_ok("2020");
	cr_expect_eq(stance_date_start(&d), 1577836800);  /* 2020-01-01T00:00:00Z */
	cr_expect_eq(stance_date_end(&d), 1609459200);    /* 2021-01-01 */
	d = parse_ok("2020-02");
	cr_expect_eq(stance_date_start(&d), 1580515200);  /* 2020-02-01 */
	cr_expect_eq(stance_date_end(&d), 1583020800);    /* 2020-03-01: a leap February */
	d = parse_ok("2020-12");
	cr_expect_eq(stance_date_end(&d), 1609459200, "December ends at the next year");
	d = parse_ok("2020-12-04");
	cr_expect_eq(stance_date_start(&d), 1607040000);
	cr_expect_eq(stance_date_end(&d) - stance_date_start(&d), 86400);
	d = parse_ok("2020-12-04T12:09");
	cr_expect_eq(stance_date_start(&d), 1607040000 + 12 * 3600 + 9 * 60);
	cr_expect_eq(stance_date_end(&d) - stance_date_start(&d), 60);
	d = parse_ok("2020-12-04T12:09:30+01:00");
	cr_expect_eq(stance_date_start(&d), 1607040000 + 11 * 3600 + 9 * 60 + 30, "the zone is taken off");
	cr_expect_eq(stance_date_end(&d) - stance_date_start(&d), 1);
	d = parse_ok("1969-12-31");
	cr_expect_eq(stance_date_start(&d), -86400, "before the epoch");
}

Test(date, unix_times_come_back_to_the_second)
{
	stance_date d;
	char *s;
	stance_date_from_time(&d, 0, 0);
	s = format(&d);
	cr_expect_str_eq(s, "1970-01-01T00:00:00Z");
	free(s);
	cr_expect_eq(d.precision, STANCE_DATE_SECOND);
	stance_date_from_time(&d, 1607080170, 60);  /* 2020-12-04T11:09:30Z */
	s = format(&d);
	cr_expect_str_eq(s, "2020-12-04T12:09:30+01:00");
	free(s);
	cr_expect_eq(stance_date_start(&d), 1607080170, "the time round-trips");
	stance_date_from_time(&d, 1607040000, -90);  /* midnight UTC is the day before in -01:30 */
	s = format(&d);
	cr_expect_str_eq(s, "2020-12-03T22:30:00-01:30");
	free(s);
	cr_expect_eq(stance_date_start(&d), 1607040000);
}
