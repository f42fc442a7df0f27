/*
 * test_text_filters.c: `stance list --organization` and `--kind` compare
 * case-insensitively for all of Unicode (utf8proc's case folding), not only
 * ASCII: "ærø kommune" found nothing of "Ærø Kommune" before.
 */
#include <string.h>

#include "repository_fixture.h"

Test(text_filters, list_organization_aero_kommune_finds_AERO_KOMMUNE, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK0(dir, "init");
	th_write(dir, "in/a.md", "---\ntitle: Havne\nkind: debate\norganization: Ærø Kommune\n---\nHavne.\n");
	th_write(dir, "in/b.md", "---\ntitle: Skoler\nkind: editorial\norganization: Århus Kommune\n---\nSkoler.\n");
	OK0(dir, "add", "in/a.md", "--id", "kl/havne");
	OK0(dir, "add", "in/b.md", "--id", "kl/skoler");
	OK(&r, dir, "list", "--organization", "ærø kommune");
	cr_assert(strstr(r.out.ptr, "kl/havne"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "kl/skoler"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "list", "--organization", "ÆRØ KOMMUNE");
	cr_assert(strstr(r.out.ptr, "kl/havne"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a decomposed "å" (a + U+030A, as some keyboards and file systems
	 * write it) is the same letter as the composed one of "Århus" */
	OK(&r, dir, "list", "--organization", "a\xcc\x8arhus kommune");
	cr_assert(strstr(r.out.ptr, "kl/skoler") && !strstr(r.out.ptr, "kl/havne"), "%s", r.out.ptr);
	th_result_free(&r);
	/* no organization is like it: nothing listed, exit 0 */
	OK(&r, dir, "list", "--organization", "aero kommune");
	cr_assert_str_eq(r.out.ptr, "");
	th_result_free(&r);
	/* --kind in any case */
	OK(&r, dir, "list", "--kind", "EDITORIAL");
	cr_assert(strstr(r.out.ptr, "kl/skoler") && !strstr(r.out.ptr, "kl/havne"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a kind that is none, in any case, is still refused by name */
	TH_RUN(&r, dir, "list", "--kind", "Essay");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "'Essay' is not a kind"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}
