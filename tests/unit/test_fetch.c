/*
 * test_fetch.c: the parts of the fetch module that need no server:
 * robots.txt rules and patterns, which addresses are private, credentials
 * stripped from URLs, and requests refused before any connection (bad
 * scheme, bad URL, bad options). The transfers themselves are tested
 * against a real loopback server in tests/cli/test_fetch.c.
 */
#include "helpers.h"
#include "fetch_internal.h"

#include <string.h>
#include <time.h>

static const char *ROBOTS =
	"# a comment\n"
	"User-agent: otherbot\n"
	"Disallow: /\n"
	"\n"
	"User-agent: *\n"
	"Disallow: /private/\n"
	"Allow: /private/open/\n"
	"Disallow: /*.pdf$\n"
	"Disallow: /search\n";

Test(robots, rules_for_everyone)
{
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/"), 1);
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/news/today.html"), 1);
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/private/plan.html"), 0);
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/private/open/plan.html"), 1, "the longer Allow wins");
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/files/report.pdf"), 0);
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/files/report.pdf?x=1"), 1, "$ anchors the end");
	cr_assert_eq(stance_robots_allowed(ROBOTS, "stance", "/search?q=skole"), 0);
	cr_assert_eq(stance_robots_allowed(ROBOTS, "otherbot", "/news/"), 0, "its own group applies");
}

Test(robots, own_group_wins_over_star)
{
	const char *r = "User-agent: *\nDisallow: /\n\nUser-agent: stance\nDisallow: /tmp/\n";
	cr_assert_eq(stance_robots_allowed(r, "stance/0.1.0", "/page"), 1);
	cr_assert_eq(stance_robots_allowed(r, "stance/0.1.0", "/tmp/x"), 0);
	cr_assert_eq(stance_robots_allowed(r, "somebot", "/page"), 0);
}

Test(robots, empty_or_missing_allows)
{
	cr_assert_eq(stance_robots_allowed(NULL, "stance", "/x"), 1);
	cr_assert_eq(stance_robots_allowed("", "stance", "/x"), 1);
	cr_assert_eq(stance_robots_allowed("User-agent: *\nDisallow:\n", "stance", "/x"), 1);
	cr_assert_eq(stance_robots_allowed("garbage without rules", "stance", "/x"), 1);
}

/* Google's robots.txt patterns: '*' any bytes, '$' at the end anchors,
 * otherwise a prefix; bytes (percent-escapes too) compared as written. */
Test(robots, pattern_table)
{
	static const struct { const char *pattern, *path; int match; } cases[] = {
		{ "/", "/", 1 },
		{ "/", "/anything", 1 },
		{ "/fish", "/fish", 1 },
		{ "/fish", "/fish.html", 1 },
		{ "/fish", "/fishheads/yummy.html", 1 },
		{ "/fish", "/Fish.asp", 0 },
		{ "/fish", "/catfish", 0 },
		{ "/fish", "/", 0 },
		{ "/fish*", "/fish", 1 },
		{ "/fish*", "/fishheads", 1 },
		{ "/fish/", "/fish", 0 },
		{ "/fish/", "/fish/salmon.htm", 1 },
		{ "/*.php", "/index.php", 1 },
		{ "/*.php", "/filename.php/", 1 },
		{ "/*.php", "/folder/filename.php?parameters", 1 },
		{ "/*.php", "/windows.PHP", 0 },
		{ "/*.php", "/", 0 },
		{ "/*.php$", "/filename.php", 1 },
		{ "/*.php$", "/folder/filename.php", 1 },
		{ "/*.php$", "/filename.php?parameters", 0 },
		{ "/*.php$", "/filename.php/", 0 },
		{ "/*.php$", "/filename.php5", 0 },
		{ "/fish*.php", "/fish.php", 1 },
		{ "/fish*.php", "/fishheads/catfish.php?parameters", 1 },
		{ "/fish*.php", "/Fish.PHP", 0 },
		{ "*", "/anything", 1 },
		{ "*", "", 1 },
		{ "$", "", 1 },
		{ "$", "/", 0 },
		{ "/$", "/", 1 },
		{ "/$", "/a", 0 },
		{ "/a*b*c$", "/abc", 1 },
		{ "/a*b*c$", "/axxbyyc", 1 },
		{ "/a*b*c$", "/axxbyycz", 0 },
		{ "/a*b*c$", "/ac", 0 },
		{ "/a*bc*bc$", "/abcbc", 1 },
		{ "/a*bc*bc$", "/abc", 0, },
		{ "/*ab*ab", "/aab", 0 },
		{ "/*ab*ab", "/aabab", 1 },
		{ "/**x", "/x", 1 },
		{ "/***$", "/anything", 1 },
		{ "/a$b", "/a$b", 1, },   /* a '$' inside is a byte like any other */
		{ "/a$b", "/a", 0 },
		{ "/%7Ejoe/", "/%7Ejoe/index.html", 1 },
		{ "/%7Ejoe/", "/~joe/index.html", 0 },
		{ "/a%3Cd", "/a%3Cd", 1 },
		{ "/a%3Cd", "/a%3cd", 0 },
		{ "/search?q=*&page", "/search?q=skole&page=2", 1 },
		{ "/search?q=*&page", "/search?q=skole", 0 },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(stance_robots_match(cases[i].pattern, strlen(cases[i].pattern), cases[i].path), cases[i].match,
			"pattern '%s' on '%s': wanted %d", cases[i].pattern, cases[i].path, cases[i].match);
	/* the length counts, not a NUL: "/private" cut to "/pri" */
	cr_expect_eq(stance_robots_match("/private", 4, "/print"), 1);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stars used to be matched by backtracking, once a recursion a star: "/"
 * then 40 stars and an X took for ever, two million stars overflowed the
 * stack. Both answer at once now. */
Test(robots, many_stars_answer_at_once, .timeout = 20)
{
	stance_buf r = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	double t0 = seconds(), took;
	size_t i;
	stance_buf_puts(&r, "User-agent: *\nDisallow: /");
	for (i = 0; i < 40; i++)
		stance_buf_putc(&r, '*');
	stance_buf_puts(&r, "X\n");
	cr_assert_eq(stance_robots_allowed(r.ptr, "stance", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 1);
	cr_assert_eq(stance_robots_allowed(r.ptr, "stance", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaX"), 0);
	stance_buf_clear(&r);
	stance_buf_puts(&r, "User-agent: *\nDisallow: /");
	for (i = 0; i < 2000000; i++)
		stance_buf_putc(&r, '*');
	stance_buf_puts(&r, "X$\n");
	for (i = 0; i < 100000; i++)
		stance_buf_putc(&path, i % 2 ? 'a' : '/');
	cr_assert_eq(stance_robots_allowed(r.ptr, "stance", path.ptr), 1);
	stance_buf_putc(&path, 'X');
	cr_assert_eq(stance_robots_allowed(r.ptr, "stance", path.ptr), 0);
	/* the worst case of backtracking even without many stars: a long
	 * segment that almost matches everywhere */
	stance_buf_clear(&r);
	stance_buf_puts(&r, "User-agent: *\nDisallow: /*");
	for (i = 0; i < 5000; i++)
		stance_buf_putc(&r, 'a');
	stance_buf_puts(&r, "b\n");
	stance_buf_clear(&path);
	stance_buf_putc(&path, '/');
	for (i = 0; i < 200000; i++)
		stance_buf_putc(&path, 'a');
	cr_assert_eq(stance_robots_allowed(r.ptr, "stance", path.ptr), 1);
	took = seconds() - t0;
	cr_assert_lt(took, 2.0, "took %.2f s", took);
	stance_buf_dispose(&r);
	stance_buf_dispose(&path);
}

/* The length-taking entry point reads no further than it is told, and a
 * NUL ends a line like a line break. */
Test(robots, bytes_with_a_length)
{
	static const char text[] = "User-agent: *\nDisallow: /a\0Disallow: /b\nDisallow: /c";
	cr_assert_eq(stance_robots_allowed_len(text, sizeof(text) - 1, "stance", "/a"), 0);
	cr_assert_eq(stance_robots_allowed_len(text, sizeof(text) - 1, "stance", "/b"), 0);
	cr_assert_eq(stance_robots_allowed_len(text, sizeof(text) - 1, "stance", "/c"), 0);
	cr_assert_eq(stance_robots_allowed_len(text, sizeof(text) - 1 - strlen("Disallow: /c"), "stance", "/c"), 1);
	cr_assert_eq(stance_robots_allowed_len(text, strlen("User-agent: *\nDisallow:"), "stance", "/a"), 1,
		"an empty Disallow allows everything");
	cr_assert_eq(stance_robots_allowed_len("", 0, "stance", "/"), 1);
}

Test(fetch_unit, private_addresses)
{
	static const struct { const char *address; int private_; } cases[] = {
		{ "127.0.0.1", 1 }, { "127.255.255.254", 1 }, { "10.0.0.1", 1 }, { "10.255.255.255", 1 },
		{ "172.16.0.1", 1 }, { "172.31.255.255", 1 }, { "172.15.255.255", 0 }, { "172.32.0.0", 0 },
		{ "192.168.1.1", 1 }, { "192.169.0.1", 0 }, { "169.254.169.254", 1 }, { "169.253.0.1", 0 },
		{ "0.0.0.0", 1 }, { "0.1.2.3", 1 }, { "100.64.0.1", 1 }, { "100.127.255.255", 1 }, { "100.128.0.0", 0 },
		{ "8.8.8.8", 0 }, { "1.1.1.1", 0 }, { "193.163.1.1", 0 }, { "128.0.0.1", 0 }, { "11.0.0.1", 0 },
		{ "::1", 1 }, { "::", 1 }, { "::2", 0 }, { "fc00::1", 1 }, { "fd12:3456::1", 1 }, { "fe00::1", 0 },
		{ "fe80::1", 1 }, { "fe80::1%eth0", 1 }, { "febf::1", 1 }, { "fec0::1", 0 },
		{ "2001:4860:4860::8888", 0 }, { "2a00:1450::1", 0 },
		{ "::ffff:127.0.0.1", 1 }, { "::ffff:7f00:1", 1 }, { "::ffff:10.1.2.3", 1 }, { "::ffff:169.254.169.254", 1 },
		{ "::ffff:8.8.8.8", 0 }, { "::ffff:192.168.0.1", 1 }, { "64:ff9b::808:808", 0 },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(stance_address_is_private(cases[i].address, NULL), cases[i].private_,
			"%s: wanted %d", cases[i].address, cases[i].private_);
}

Test(fetch_unit, private_ranges_of_ones_own)
{
	const char *const mine[] = { "127.0.0.2/32", "2001:db8::/32", "192.0.2.128/25", NULL };
	cr_assert_eq(stance_address_is_private("127.0.0.2", mine), 1);
	cr_assert_eq(stance_address_is_private("127.0.0.1", mine), 0);
	cr_assert_eq(stance_address_is_private("::ffff:127.0.0.2", mine), 1);
	cr_assert_eq(stance_address_is_private("2001:db8:1::5", mine), 1);
	cr_assert_eq(stance_address_is_private("2001:db9::5", mine), 0);
	cr_assert_eq(stance_address_is_private("192.0.2.200", mine), 1);
	cr_assert_eq(stance_address_is_private("192.0.2.100", mine), 0);
	cr_assert_eq(stance_address_is_private("10.0.0.1", mine), 0, "the list replaces the default");
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "10.0.0.1", NULL }), 1);
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "0.0.0.0/0", NULL }), 1);
	cr_assert_eq(stance_address_is_private("8.8.8.8", (const char *const[]){ NULL }), 0);
	/* "default" stands for the default list */
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "default", "198.18.0.0/15", NULL }), 1);
	cr_assert_eq(stance_address_is_private("198.19.0.1", (const char *const[]){ "default", "198.18.0.0/15", NULL }), 1);
	cr_assert_eq(stance_address_is_private("8.8.8.8", (const char *const[]){ "default", "198.18.0.0/15", NULL }), 0);
	/* what does not parse is named */
	cr_assert_eq(stance_address_is_private("example.org", NULL), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "'example.org' is not an IP address"), "%s", stance_error_last());
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "10.0.0.0/33", NULL }), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "'10.0.0.0/33' is not an address range"), "%s", stance_error_last());
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "10.0.0.0/", NULL }), STANCE_EINVALID);
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "10.0.0.0/ 8", NULL }), STANCE_EINVALID);
	cr_assert_eq(stance_address_is_private("10.0.0.1", (const char *const[]){ "intranet/8", NULL }), STANCE_EINVALID);
}

/* The host of a URL written as an address (a feed's item), read as
 * libcurl reads it: private or not, before anything is asked of it. */
Test(fetch_unit, private_addresses_in_urls)
{
	static const struct { const char *url, *address; int private_; } cases[] = {
		{ "http://127.0.0.2:8080/admin", "127.0.0.2", 1 },
		{ "http://169.254.169.254/latest/meta-data/", "169.254.169.254", 1 },
		{ "https://user:pw@10.1.2.3/x", "10.1.2.3", 1 },
		{ "http://[::1]:631/", "::1", 1 },
		{ "http://[::ffff:192.168.1.1]/", "::ffff:192.168.1.1", 1 },
		{ "http://[fe80::1%25eth0]/", "fe80::1", 1 },
		/* numeric forms libcurl connects to as the dotted address */
		{ "http://2130706433/", "127.0.0.1", 1 },
		{ "http://0x7f.1/", "127.0.0.1", 1 },
		{ "http://0177.0.0.1/", "127.0.0.1", 1 },
		{ "http://8.8.8.8/", "", 0 },
		{ "http://[2001:4860::8888]/", "", 0 },
		/* a name is known only when connecting */
		{ "http://localhost/", "", 0 },
		{ "http://metadata.google.internal/", "", 0 },
	};
	size_t i;
	char addr[64];
	for (i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		cr_expect_eq(stance_url_private_address(addr, sizeof(addr), cases[i].url, NULL), cases[i].private_,
			"%s: wanted %d", cases[i].url, cases[i].private_);
		cr_expect_str_eq(addr, cases[i].address, "%s", cases[i].url);
	}
	/* the run's ranges decide */
	cr_assert_eq(stance_url_private_address(addr, sizeof(addr), "http://127.0.0.1/",
		(const char *const[]){ "127.0.0.2/32", NULL }), 0);
	cr_assert_eq(stance_url_private_address(addr, sizeof(addr), "http://127.0.0.2/",
		(const char *const[]){ "127.0.0.2/32", NULL }), 1);
	cr_assert_eq(stance_url_private_address(addr, sizeof(addr), "http://127.0.0.2/",
		(const char *const[]){ "127.0.0.0/99", NULL }), STANCE_EINVALID);
	cr_assert_eq(stance_url_private_address(addr, sizeof(addr), "http://exa mple/", NULL), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "'http://exa mple/' is not a valid URL"), "%s", stance_error_last());
}

Test(fetch_unit, bad_options_fail_the_run)
{
	stance_fetch_request req = { "http://127.0.0.1:9/x", NULL, NULL };
	stance_fetch_response resp;
	stance_fetch_options o = STANCE_FETCH_OPTIONS_INIT;
	memset(&resp, 0, sizeof(resp));
	o.private_ranges = (const char *const[]){ "10.0.0.0/8", "nonsense", NULL };
	cr_assert_eq(stance_fetch_run(&resp, &req, 1, &o), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "'nonsense' is not an address range"), "%s", stance_error_last());
	o.private_ranges = NULL;
	o.resolve = (const char *const[]){ "example.org:80:127.0.0.1", "example.org:127.0.0.1", NULL };
	cr_assert_eq(stance_fetch_run(&resp, &req, 1, &o), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "'example.org:127.0.0.1' is not a host to resolve"), "%s", stance_error_last());
	stance_fetch_response_dispose(&resp);
}

Test(fetch_unit, credentials_are_stripped)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_url_strip_credentials(&b, "https://user:secret@example.org:8443/a/b?c=d#e"), 0);
	cr_assert_str_eq(b.ptr, "https://example.org:8443/a/b?c=d#e");
	stance_buf_clear(&b);
	cr_assert_eq(stance_url_strip_credentials(&b, "http://example.org/x"), 0);
	cr_assert_str_eq(b.ptr, "http://example.org/x");
	stance_buf_dispose(&b);
}

Test(fetch_unit, bad_urls_fail_without_a_connection)
{
	stance_fetch_request reqs[2] = { { "ftp://user:secret@example.org/file", NULL, NULL }, { "not a url", NULL, NULL } };
	stance_fetch_response resps[2];
	stance_fetch_options o = STANCE_FETCH_OPTIONS_INIT;
	memset(resps, 0, sizeof(resps));
	cr_assert_eq(stance_fetch_run(resps, reqs, 2, &o), 0, "%s", stance_error_last());
	cr_assert_eq(resps[0].outcome, STANCE_FETCH_FAILED);
	cr_assert_eq(resps[0].error, STANCE_EINVALID);
	cr_assert(strstr(resps[0].reason, "not an http or https URL"), "%s", resps[0].reason);
	cr_assert_null(strstr(resps[0].reason, "secret"), "%s", resps[0].reason);
	cr_assert_eq(resps[1].outcome, STANCE_FETCH_FAILED);
	stance_fetch_response_dispose(&resps[0]);
	stance_fetch_response_dispose(&resps[1]);
}
