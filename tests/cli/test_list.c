/*
 * test_list.c: `stance list`: the documents, filtered by kind and
 * organization.
 */
#include <string.h>

#include "repository_fixture.h"

Test(list, documents_with_kind_date_and_revisions, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	OK(&r, dir, "list");
	cr_assert(strstr(r.out.ptr, "kl/debat"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "debate"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "2020-12-04"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "  2  Det kræver mod og vilje"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "list", "--kind", "editorial");
	cr_assert_str_eq(r.out.ptr, "");
	th_result_free(&r);
	OK(&r, dir, "list", "--json", "--organization", "kommunernes fællesråd");
	cr_assert(strstr(r.out.ptr, "\"revisions\": 2"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}
