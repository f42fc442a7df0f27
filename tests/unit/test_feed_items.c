/*
 * test_feed_items.c: the date each item of a feed gives itself
 * (stance_feed_parse_items): RFC 822 pubDates in their own zone, with
 * named zones and two-digit years; ISO dates of Atom, Dublin Core and
 * sitemaps; what is no date gives none.
 */
#include <string.h>

#include "helpers.h"
#include "stance/extract.h"

static int collect(const stance_feed_item *item, void *payload)
{
	stance_buf_printf(payload, "%s|%s\n", item->url, item->published ? item->published : "-");
	return 0;
}

/* The dates of an RSS 2.0 feed whose items carry `dates` as pubDate. */
static void rss_dates(stance_buf *seen, const char *const *dates, size_t n)
{
	stance_buf rss = STANCE_BUF_INIT;
	size_t i;
	stance_buf_puts(&rss, "<?xml version='1.0'?><rss version='2.0'><channel><title>C</title>");
	for (i = 0; i < n; i++)
		stance_buf_printf(&rss, "<item><link>https://example.org/%zu</link><pubDate>%s</pubDate></item>", i, dates[i]);
	stance_buf_puts(&rss, "</channel></rss>");
	cr_assert_eq(stance_feed_parse_items(rss.ptr, rss.size, "https://example.org/feed.xml", collect, seen), 0,
		"%s", stance_error_last());
	stance_buf_dispose(&rss);
}

Test(feed_items, rfc822_pub_dates_keep_their_zone)
{
	static const char *const dates[] = {
		"Fri, 04 Dec 2020 00:30:00 +0100",  /* the 4th in its zone, the 3rd in UTC */
		"4 Dec 2020 10:00 GMT",             /* no weekday, no seconds */
		"Tue, 01 Mar 22 09:05:07 EST",      /* two-digit year, a named zone */
		"Sun, 31 Jul 2022 23:00:00 -0230",
		"Mon, 31 Feb 2022 10:00:00 +0000",  /* no such day */
		"yesterday",
		"",
	};
	stance_buf seen = STANCE_BUF_INIT;
	rss_dates(&seen, dates, STANCE_ARRAY_SIZE(dates));
	cr_assert_str_eq(seen.ptr,
		"https://example.org/0|2020-12-04T00:30:00+01:00\n"
		"https://example.org/1|2020-12-04T10:00:00Z\n"
		"https://example.org/2|2022-03-01T09:05:07-05:00\n"
		"https://example.org/3|2022-07-31T23:00:00-02:30\n"
		"https://example.org/4|-\n"
		"https://example.org/5|-\n"
		"https://example.org/6|-\n");
	stance_buf_dispose(&seen);
}

Test(feed_items, atom_dublin_core_and_sitemap_dates)
{
	const char *atom = "<feed xmlns='http://www.w3.org/2005/Atom'>"
		"<entry><link href='https://example.org/a'/><updated>2023-01-01T00:00:00Z</updated>"
		"<published>2022-06-07T10:00:00+02:00</published></entry>"
		"<entry><link href='https://example.org/b'/><updated>2023-01-02T08:00:00Z</updated></entry></feed>";
	const char *rdf = "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/'"
		" xmlns:dc='http://purl.org/dc/elements/1.1/'><item><link>https://example.org/r</link>"
		"<dc:date>2021-02-03</dc:date></item></rdf:RDF>";
	const char *sitemap = "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
		"<url><loc>https://example.org/s</loc><lastmod>2023-09-10T12:00+02:00</lastmod></url>"
		"<url><loc>https://example.org/t</loc></url></urlset>";
	stance_buf seen = STANCE_BUF_INIT;
	cr_assert_eq(stance_feed_parse_items(atom, strlen(atom), "https://example.org/atom", collect, &seen), 0);
	cr_assert_eq(stance_feed_parse_items(rdf, strlen(rdf), "https://example.org/rdf", collect, &seen), 0);
	cr_assert_eq(stance_feed_parse_items(sitemap, strlen(sitemap), "https://example.org/map", collect, &seen), 0);
	cr_assert_str_eq(seen.ptr,
		"https://example.org/a|2022-06-07T10:00:00+02:00\n"   /* published before updated */
		"https://example.org/b|2023-01-02T08:00:00Z\n"
		"https://example.org/r|2021-02-03\n"
		"https://example.org/s|2023-09-10T12:00+02:00\n"
		"https://example.org/t|-\n");
	stance_buf_dispose(&seen);
}
