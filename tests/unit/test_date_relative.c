/*
 * test_date.c: the dates of the command line (stance_date_parse_approx):
 * ISO dates of every precision, git's relative forms read against a fixed
 * "now", and what is refused.
 */
#include <string.h>

#include "helpers.h"

/* 2024-03-15T10:30:00Z, a Friday */
#define NOW ((int64_t)1710498600)

static char *approx(const char *text)
{
	stance_date d;
	stance_buf b = STANCE_BUF_INIT;
	char *s;
	cr_assert_eq(stance_date_parse_approx(&d, text, NOW), 0, "'%s': %s", text, stance_error_last());
	stance_date_format(&b, &d);
	s = strdup(stance_buf_cstr(&b));
	stance_buf_dispose(&b);
	return s;
}

#define IS(text, expected) do { char *got_ = approx(text); \
	cr_assert_str_eq(got_, expected, "'%s' gave %s, not %s", text, got_, expected); free(got_); } while (0)

Test(date_relative, iso_forms_of_every_precision)
{
	IS("2024", "2024");
	IS("2024-03", "2024-03");
	IS("2024-03-01", "2024-03-01");
	IS("2024-03-01T09:15+01:00", "2024-03-01T09:15+01:00");
	IS("2024-03-01 09:15:30Z", "2024-03-01T09:15:30Z");
	IS(" 2020-12-04 ", "2020-12-04");
}

Test(date_relative, named_days)
{
	IS("today", "2024-03-15");
	IS("yesterday", "2024-03-14");
	IS("Yesterday", "2024-03-14");
	IS("now", "2024-03-15T10:30:00Z");
}

Test(date_relative, so_long_ago)
{
	IS("2 weeks ago", "2024-03-01T10:30:00Z");
	IS("2.weeks.ago", "2024-03-01T10:30:00Z");
	IS("1 day ago", "2024-03-14T10:30:00Z");
	IS("3 days ago", "2024-03-12T10:30:00Z");
	IS("an hour ago", "2024-03-15T09:30:00Z");
	IS("90 minutes ago", "2024-03-15T09:00:00Z");
	IS("45 seconds ago", "2024-03-15T10:29:15Z");
	IS("a month ago", "2024-02-15T10:30:00Z");
	IS("14 months ago", "2023-01-15T10:30:00Z");
	IS("1 year ago", "2023-03-15T10:30:00Z");
}

Test(date_relative, a_month_back_keeps_the_day_in_the_month)
{
	stance_date d;
	stance_buf b = STANCE_BUF_INIT;
	/* 2024-03-31T12:00:00Z: a month back is February's last day, a leap one */
	cr_assert_eq(stance_date_parse_approx(&d, "1 month ago", (int64_t)1711886400), 0);
	stance_date_format(&b, &d);
	cr_assert_str_eq(stance_buf_cstr(&b), "2024-02-29T12:00:00Z");
	stance_buf_dispose(&b);
}

Test(date_relative, spans_for_since_and_until)
{
	stance_date d;
	cr_assert_eq(stance_date_parse_approx(&d, "yesterday", NOW), 0);
	cr_assert_eq(stance_date_end(&d) - stance_date_start(&d), 86400, "yesterday is a whole day");
	cr_assert_eq(stance_date_start(&d), NOW - 10 * 3600 - 30 * 60 - 86400);
	cr_assert_eq(stance_date_parse_approx(&d, "2 weeks ago", NOW), 0);
	cr_assert_eq(stance_date_start(&d), NOW - 14 * 86400, "a moment, to the second");
	cr_assert_eq(stance_date_parse_approx(&d, "2024-03", NOW), 0);
	cr_assert_eq(stance_date_end(&d) - stance_date_start(&d), 31 * 86400, "March is the whole month");
}

Test(date_relative, what_is_not_a_date_is_refused_and_quoted)
{
	static const char *bad[] = { "", "tomorrow-ish", "2 fortnights ago", "weeks ago", "2 weeks",
		"2 weeks ago now", "next week", "2024-13", "2021-02-29", "20", "yesterday 10:00", "-3 days ago" };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(bad); i++) {
		stance_date d;
		cr_assert_eq(stance_date_parse_approx(&d, bad[i], NOW), STANCE_EPARSE, "'%s' must be refused", bad[i]);
		cr_assert(strstr(stance_error_last(), "is not a date"), "%s", stance_error_last());
		if (*bad[i])
			cr_assert(strstr(stance_error_last(), bad[i]), "the message quotes '%s': %s", bad[i],
				stance_error_last());
	}
}
