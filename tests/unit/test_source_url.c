/*
 * test_source_url.c: `source add` and the fetch read a URL alike (both
 * through src/lib/url.h): a URL one refuses the other refuses with the
 * same sentence; a URL `source add` takes is one the fetch can request,
 * credentials put back, and the URL it keeps is the one the fetch reports.
 * Only loopback addresses; port 1, where nothing listens, so that every
 * accepted request fails fast at the connection.
 */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

static const char *const URLS[] = {
	"https://u:p@ss@127.0.0.1:1/x",     /* a password with an '@' */
	"https://u:p%40ss@127.0.0.1:1/x",
	"HTTP://127.0.0.1:1",                /* upper-case scheme, empty path */
	"https://127.0.0.1:443/a?b=c",       /* the default port */
	"http://[::1]:1/a",
	"http://TOKEN@[::1]:1/a",
	"http://exa mple.org/",              /* a space in the host */
	"http://127.0.0.1:99999/",           /* no such port */
	"https://",
	"ftp://127.0.0.1/x",
	"not a url",
};

Test(source_url, source_add_and_fetch_read_a_url_alike)
{
	char *dir = th_tmpdir();
	stance_repo *repo = NULL;
	stance_source_list *list = NULL;
	cr_assert_eq(stance_repo_init(&repo, dir), 0, "%s", stance_error_last());
	for (size_t i = 0; i < STANCE_ARRAY_SIZE(URLS); i++) {
		stance_source s = STANCE_SOURCE_INIT;
		stance_fetch_request req = { URLS[i], NULL, NULL };
		stance_fetch_response resp;
		stance_fetch_options o = STANCE_FETCH_OPTIONS_INIT;
		char id[32], added_msg[1024];
		int added;
		snprintf(id, sizeof(id), "t/u%zu", i);
		s.id = id;
		s.url = URLS[i];
		added = stance_source_add(repo, &s);
		snprintf(added_msg, sizeof(added_msg), "%s", stance_error_last());

		o.retries = 0;
		o.ignore_robots = 1;
		o.connect_timeout_ms = 2000;
		o.host_delay_ms = 0;
		o.jitter_ms = 0;
		memset(&resp, 0, sizeof(resp));
		cr_assert_eq(stance_fetch_run(&resp, &req, 1, &o), 0, "%s", stance_error_last());
		cr_assert_eq(resp.outcome, STANCE_FETCH_FAILED, "%s: nothing listens there", URLS[i]);
		if (added < 0) {
			cr_expect_eq(added, STANCE_EINVALID, "%s: %s", URLS[i], added_msg);
			cr_expect_eq(resp.error, STANCE_EINVALID, "%s: source add refused it (%s), the fetch did not (%s)",
				URLS[i], added_msg, resp.reason);
			cr_expect_str_eq(resp.reason, added_msg, "%s: the same sentence", URLS[i]);
		} else {
			cr_expect_neq(resp.error, STANCE_EINVALID, "%s: source add took it, the fetch refused it: %s",
				URLS[i], resp.reason);
		}
		cr_expect_null(strstr(resp.reason ? resp.reason : "", "p@ss"), "%s", resp.reason);
		cr_expect_null(strstr(added_msg, "p@ss"), "%s", added_msg);
		stance_fetch_response_dispose(&resp);
	}

	/* What `source add` kept is what the fetch of the source reports,
	 * and that fetch got as far as the connection. */
	cr_assert_eq(stance_source_list_load(&list, repo), 0, "%s", stance_error_last());
	cr_assert_eq(stance_source_list_count(list), 6, "the first six URLs are taken");
	for (size_t i = 0; i < stance_source_list_count(list); i++) {
		const stance_source *s = stance_source_list_get(list, i);
		stance_source_report report;
		stance_fetch_options o = STANCE_FETCH_OPTIONS_INIT;
		const char *ids[] = { s->id };
		stance_fetch_request req = { s->url, NULL, NULL };
		stance_fetch_response resp;
		o.retries = 0;
		o.ignore_robots = 1;
		o.connect_timeout_ms = 2000;
		memset(&report, 0, sizeof(report));
		memset(&resp, 0, sizeof(resp));
		cr_assert_null(strstr(s->url, "p@ss"), "%s", s->url);
		cr_assert_null(strstr(s->url, "TOKEN"), "%s", s->url);
		cr_assert_eq(stance_fetch_run(&resp, &req, 1, &o), 0);
		cr_expect_str_eq(s->url, resp.final_url ? resp.final_url : "(none)", "kept as the fetch reads it");
		stance_fetch_response_dispose(&resp);

		cr_assert_eq(stance_source_fetch(&report, repo, ids, 1, &o), 0, "%s", stance_error_last());
		cr_assert_eq(report.count, 1);
		cr_expect_str_eq(report.results[0].url, s->url);
		cr_expect_eq(report.results[0].outcome, STANCE_SOURCE_FAILED);
		cr_expect_null(strstr(report.results[0].reason, "not a valid URL"), "%s", report.results[0].reason);
		cr_expect_null(strstr(report.results[0].reason, "not an http or https URL"), "%s", report.results[0].reason);
		cr_expect_null(strstr(report.results[0].reason, "p@ss"), "%s", report.results[0].reason);
		stance_source_report_dispose(&report);
	}
	stance_source_list_free(list);
	stance_repo_free(repo);
	free(dir);
}
