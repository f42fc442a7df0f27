/*
 * test_samples.c: the sample collection the demo uses, imported with its
 * history, shows what examples/README.md says each revision shows.
 */
#include <string.h>

#include "helpers.h"

static char *repo;

static void import_samples(void)
{
	char *manifest = th_source("examples/history.tsv");
	th_result r;
	repo = th_tmpdir();
	TH_RUN(&r, repo, "init");
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, repo, "import", "--manifest", manifest);
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	th_result_free(&r);
	free(manifest);
}

static void teardown(void)
{
	free(repo);
	th_cleanup();
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

Test(samples, every_revision_is_a_commit_on_its_date, .init = import_samples, .fini = teardown)
{
	th_result r;
	TH_RUN(&r, repo, "log", "kf/naerhed-og-tillid", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	cr_assert_eq(count(r.out.ptr, "\"commit\""), 4, "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"date\": \"2020-11-16T00:00:00Z\""), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, repo, "check");
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	th_result_free(&r);
}

Test(samples, a_rewrapped_paragraph_is_no_change, .init = import_samples, .fini = teardown)
{
	th_result r;
	TH_RUN(&r, repo, "diff", "--exit-code", "kf/naerhed-og-tillid@2022-06-10", "kf/naerhed-og-tillid@2023-01-12");
	cr_assert_eq(r.status, 0, "re-wrapping only must diff clean: %s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
}

Test(samples, a_moved_paragraph_is_one_move, .init = import_samples, .fini = teardown)
{
	th_result r;
	TH_RUN(&r, repo, "diff", "--format=json", "kf/naerhed-og-tillid@2021-03-02", "kf/naerhed-og-tillid@2022-06-10");
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	cr_assert_eq(count(r.out.ptr, "\"op\": \"move\""), 1, "%s", r.out.ptr);
	cr_assert_eq(count(r.out.ptr, "\"op\": \"insert\""), 0, "a move is not an insertion: %s", r.out.ptr);
	th_result_free(&r);
}

Test(samples, positions_softened_dropped_and_added, .init = import_samples, .fini = teardown)
{
	th_result r;
	TH_RUN(&r, repo, "diff", "--positions", "kf/naerhed-og-tillid@2020-11-16", "kf/naerhed-og-tillid@2021-03-02");
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	cr_assert(strstr(r.out.ptr, "1 position statement added, 1 removed, 1 reworded"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "Staten [-skal-]") || strstr(r.out.ptr, "Staten skal"), "%s", r.out.ptr);
	th_result_free(&r);
}

Test(samples, what_it_said_on_a_date, .init = import_samples, .fini = teardown)
{
	th_result r;
	TH_RUN(&r, repo, "show", "kf/naerhed-og-tillid@2021-01-01");
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	cr_assert(strstr(r.out.ptr, "Staten skal fjerne") || strstr(r.out.ptr, "Staten skal\nfjerne"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, repo, "show", "kf/naerhed-og-tillid@2021-06-01");
	cr_assert(strstr(r.out.ptr, "Staten bør"), "%s", r.out.ptr);
	th_result_free(&r);
}
