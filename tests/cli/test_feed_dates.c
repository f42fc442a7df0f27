/*
 * test_feed_dates.c: a feed's items take the date the feed gives them
 * (RSS 2.0 <pubDate>, Atom <published>, <dc:date>, a sitemap's <lastmod>)
 * as the document's `published` when the page says none: before, such a
 * document had no date, and `list` showed the day it was first fetched.
 * Also the fetch and reextract tables with a feed's long item ids. Against
 * the real loopback server (tests/server/stance_test_server.py).
 */
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t server_pid;
static int port;
static char *www;   /* the server's root folder */
static char *repo;  /* a fresh stance repository */

static void setup(void)
{
	www = th_tmpdir();
	port = th_server_start(www, &server_pid);
	repo = th_tmpdir();
	OK0(repo, "init", ".");
}

static void teardown(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	th_cleanup();
}

/* A page that says nothing of its date. */
static void page(const char *name, const char *title)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "<html lang=\"da\"><head><title>%s</title></head><body><article><h1>%s</h1>"
		"<p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at klasserne ikke må blive "
		"for store.</p><p>Vi foreslår derfor, at skolerne i landsbyerne bevares.</p></article></body></html>",
		title, title);
	th_write(www, name, b.ptr);
	stance_buf_dispose(&b);
}

#define FETCH(r) TH_RUN((r), repo, "fetch", "--no-progress", "--delay", "0", "--jitter", "0")

static char *field_of(const char *id, const char *field)
{
	stance_buf path = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	stance_buf_printf(&path, "%s.md", id);
	th_sh(repo, &out, "sed -n 's/^%s: //p' '%s'", field, path.ptr);
	stance_buf_dispose(&path);
	return stance_buf_detach(&out);
}

Test(feed_dates, fetch_gives_each_item_the_date_its_feed_gave_it, .init = setup, .fini = teardown)
{
	stance_buf feed = STANCE_BUF_INIT, u = STANCE_BUF_INIT;
	th_result r;
	char *v;
	page("skole.html", "Skoler");
	page("havn.html", "Havne");
	page("vej.html", "Veje");
	th_write(www, "egen.html", "<html lang=\"da\"><head><title>Egen</title>"
		"<meta property=\"article:published_time\" content=\"2019-05-06T08:00:00+02:00\"></head>"
		"<body><article><h1>Egen</h1><p>Siden siger selv, hvornår den blev udgivet, og den dato gælder.</p>"
		"</article></body></html>");
	stance_buf_printf(&feed, "<?xml version=\"1.0\"?><rss version=\"2.0\" "
		"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Nyt</title>"
		"<item><title>Skoler</title><link>http://127.0.0.1:%d/skole.html</link>"
		"<pubDate>Fri, 04 Dec 2020 00:30:00 +0100</pubDate></item>"
		"<item><title>Havne</title><link>http://127.0.0.1:%d/havn.html</link>"
		"<dc:date>2021-02-03T09:15:00Z</dc:date></item>"
		"<item><title>Veje</title><link>http://127.0.0.1:%d/vej.html</link>"
		"<pubDate>not a date</pubDate></item>"
		"<item><title>Egen</title><link>http://127.0.0.1:%d/egen.html</link>"
		"<pubDate>Mon, 01 Jan 2024 12:00:00 GMT</pubDate></item>"
		"</channel></rss>", port, port, port, port);
	th_write(www, "feed.xml", feed.ptr);
	stance_buf_printf(&u, "http://127.0.0.1:%d/feed.xml", port);
	OK0(repo, "source", "add", "--feed", "x/nyt", u.ptr);
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	/* RFC 822 with its own zone: the day in that zone, not in UTC */
	v = field_of("x/nyt/skoler", "published");
	cr_assert_str_eq(v, "2020-12-04T00:30:00+01:00\n");
	free(v);
	v = field_of("x/nyt/havne", "published");
	cr_assert_str_eq(v, "2021-02-03T09:15:00Z\n", "dc:date");
	free(v);
	/* a date that is none gives none */
	v = field_of("x/nyt/veje", "published");
	cr_assert_str_eq(v, "");
	free(v);
	/* the page's own date wins over its feed's */
	v = field_of("x/nyt/egen", "published");
	cr_assert_str_eq(v, "2019-05-06T08:00:00+02:00\n");
	free(v);
	OK(&r, repo, "list");
	cr_assert(strstr(r.out.ptr, "x/nyt/skoler") && strstr(r.out.ptr, "2020-12-04"), "%s", r.out.ptr);
	th_result_free(&r);
	/* the date is kept with the item's source, so a fetch of the item alone
	 * (its feed not read) still has it */
	th_sh(repo, NULL, "git rm -q x/nyt/skoler.md && git commit -qm gone");
	TH_RUN(&r, repo, "fetch", "--no-progress", "--delay", "0", "x/nyt/skoler");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	v = field_of("x/nyt/skoler", "published");
	cr_assert_str_eq(v, "2020-12-04T00:30:00+01:00\n");
	free(v);
	stance_buf_dispose(&feed);
	stance_buf_dispose(&u);
}

Test(feed_dates, atom_published_and_sitemap_lastmod, .init = setup, .fini = teardown)
{
	stance_buf atom = STANCE_BUF_INIT, map = STANCE_BUF_INIT, u = STANCE_BUF_INIT;
	th_result r;
	char *v;
	page("a.html", "Atom");
	page("kort.html", "Kort");
	stance_buf_printf(&atom, "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>"
		"<entry><title>Atom</title><link href=\"http://127.0.0.1:%d/a.html\"/>"
		"<published>2022-06-07T10:00:00+02:00</published><updated>2023-01-01T00:00:00Z</updated></entry>"
		"</feed>", port);
	stance_buf_printf(&map, "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
		"<url><loc>http://127.0.0.1:%d/kort.html</loc><lastmod>2023-09-10</lastmod></url></urlset>", port);
	th_write(www, "atom.xml", atom.ptr);
	th_write(www, "sitemap.xml", map.ptr);
	stance_buf_printf(&u, "http://127.0.0.1:%d/atom.xml", port);
	OK0(repo, "source", "add", "--feed", "x/atom", u.ptr);
	stance_buf_clear(&u);
	stance_buf_printf(&u, "http://127.0.0.1:%d/sitemap.xml", port);
	OK0(repo, "source", "add", "--feed", "x/kort", u.ptr);
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	v = field_of("x/atom/atom", "published");
	cr_assert_str_eq(v, "2022-06-07T10:00:00+02:00\n", "published, not updated");
	free(v);
	v = field_of("x/kort/kort", "published");
	cr_assert_str_eq(v, "2023-09-10\n");
	free(v);
	stance_buf_dispose(&atom);
	stance_buf_dispose(&map);
	stance_buf_dispose(&u);
}

/* `stance fetch` and `stance reextract` of a feed whose item titles are long:
 * the ids (the feed's id and the title's slug, up to 80 characters) pushed
 * the outcome column out; they are cut with "…" and the columns line up. */
Test(feed_dates, fetch_and_reextract_tables_cut_long_item_ids, .init = setup, .fini = teardown)
{
	stance_buf feed = STANCE_BUF_INIT, u = STANCE_BUF_INIT;
	const char *long_title = "Byrådet vil bevare skolerne i landsbyerne og give lærerne flere timer";
	th_result r;
	const char *line2;
	page("lang.html", "Lang");
	page("kort.html", "Kort");
	stance_buf_printf(&feed, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyt</title>"
		"<item><title>%s</title><link>http://127.0.0.1:%d/lang.html</link></item>"
		"<item><title>Kort</title><link>http://127.0.0.1:%d/kort.html</link></item>"
		"</channel></rss>", long_title, port, port);
	th_write(www, "feed.xml", feed.ptr);
	stance_buf_printf(&u, "http://127.0.0.1:%d/feed.xml", port);
	OK0(repo, "source", "add", "--feed", "x/nyt", u.ptr);
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	/* x/nyt/byraadet-vil-bevare-… is 77 columns: cut to 50 */
	cr_assert(strstr(r.out.ptr, "x/nyt/byraadet-vil-bevare-skolerne-i-landsbyerne-…  new"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "give-laererne"), "%s", r.out.ptr);
	line2 = strstr(r.out.ptr, "\nx/nyt/kort ");
	cr_assert(line2, "%s", r.out.ptr);
	cr_assert(!strncmp(line2 + 1 + 52, "new", 3), "the outcome column lines up: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, repo, "reextract");
	cr_assert(strstr(r.out.ptr, "x/nyt/byraadet-vil-bevare-skolerne-i-la…  unchanged"), "%s", r.out.ptr);
	th_result_free(&r);
	stance_buf_dispose(&feed);
	stance_buf_dispose(&u);
}
