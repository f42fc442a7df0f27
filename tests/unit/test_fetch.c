/*
 * test_fetch.c: the parts of the fetch module that need no server:
 * robots.txt rules, credentials stripped from URLs, and requests refused
 * before any connection (bad scheme, bad URL). The transfers themselves are
 * tested against a real loopback server in tests/cli/test_fetch.c.
 */
#include "helpers.h"

#include <string.h>

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
