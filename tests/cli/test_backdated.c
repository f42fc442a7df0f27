/*
 * test_backdated.c: an archivist finds an older version later. A back-dated
 * `add` (and a late revision in `import --manifest`) takes its place in the
 * document's history by date; the working file and HEAD keep the newest
 * text; no commit is rewritten.
 */
#include <string.h>

#include "repository_fixture.h"

#define V0_BODY "Vi skal have frihed.\n"

static char *with_body(const char *doc, const char *body)
{
	const char *end = strstr(doc, "---\n\n") + 5;
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "%.*s%s", (int)(end - doc), doc, body);
	return stance_buf_detach(&b);
}

Test(backdated, add_v2_then_v1_dated_earlier_keeps_v2_as_file_and_head_and_v1_in_the_history,
	.fini = th_cleanup)
{
	char *dir = th_tmpdir(), *head_before, *out, *file, *stored;
	th_result r;
	OK0(dir, "init");
	th_write(dir, "in/v1.md", DOC_V1);
	th_write(dir, "in/v2.md", DOC_V2);
	OK0(dir, "add", "in/v2.md", "--id", "kl/debat", "--date", "2023-01-01");
	head_before = th_sh_out(dir, "git rev-parse HEAD");
	head_before[strcspn(head_before, "\n")] = 0;
	/* the user typed: add v1 --date 2020-01-01, after v2 */
	OK(&r, dir, "add", "in/v1.md", "--id", "kl/debat", "--date", "2020-01-01");
	cr_assert(strstr(r.out.ptr, "Placed the revision of 2020-01-01 in kl/debat's history"), "%s", r.out.ptr);
	th_result_free(&r);
	/* they saw v1 in the working file and at HEAD; they should see v2 */
	file = th_read(dir, "kl/debat.md");
	cr_assert(strstr(file, "Vi bør have"), "the working file keeps the newest text: %s", file);
	stored = th_sh_out(dir, "git show HEAD:kl/debat.md");
	cr_assert(strstr(stored, "Vi bør have"), "HEAD keeps the newest text: %s", stored);
	cr_assert_eq(th_sh(dir, NULL, "git diff --quiet HEAD && git diff --cached --quiet"), 0,
		"nothing is left changed in the working folder or the index");
	/* no commit is rewritten: the old tip is in the new history */
	cr_assert_eq(th_sh(dir, NULL, "git merge-base --is-ancestor %s HEAD", head_before), 0);
	/* show DOC@DATE reads it where it belongs by date */
	OK(&r, dir, "show", "kl/debat@2021-01-01");
	cr_assert(strstr(r.out.ptr, "Vi skal have"), "show @2021-01-01 prints v1: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat");
	cr_assert(strstr(r.out.ptr, "Vi bør have"), "show prints v2 as the latest: %s", r.out.ptr);
	th_result_free(&r);
	/* a date before both has no revision */
	TH_RUN(&r, dir, "show", "kl/debat@2019-06-01");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "first revision is from 2020-01-01"), "%s", r.err.ptr);
	th_result_free(&r);
	/* log: newest first by date, v2's change counted against v1 */
	OK(&r, dir, "log", "kl/debat");
	{
		const char *a = strstr(r.out.ptr, "2023-01-01"), *b = strstr(r.out.ptr, "2020-01-01");
		cr_assert(a && b && a < b, "log lists 2023 then 2020: %s", r.out.ptr);
		/* counted against v1 (+2 -1), not as a new document (+14 -0) */
		cr_assert(strstr(r.out.ptr, "+2 -1") && strstr(r.out.ptr, "+2 -1") < b,
			"v2's line counts are against v1: %s", r.out.ptr);
	}
	th_result_free(&r);
	/* diff between the dates reads v1 → v2 */
	OK(&r, dir, "diff", "kl/debat@2020-06-01", "kl/debat");
	cr_assert(strstr(r.out.ptr, "skal") && strstr(r.out.ptr, "bør"), "%s", r.out.ptr);
	th_result_free(&r);
	/* positions --history sees the statement appear in 2020 */
	OK(&r, dir, "positions", "--history", "kl/debat");
	cr_assert(strstr(r.out.ptr, "2020-01-01"), "positions --history has the 2020 revision: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "reworded"), "%s", r.out.ptr);
	th_result_free(&r);
	/* the same old text again is no new revision */
	OK(&r, dir, "add", "in/v1.md", "--id", "kl/debat", "--date", "2020-06-01");
	cr_assert(strstr(r.out.ptr, "unchanged"), "%s", r.out.ptr);
	th_result_free(&r);
	out = th_sh_out(dir, "git log --full-history --no-merges --format=%s -- kl/debat.md | wc -l");
	cr_assert_eq(strtol(out, NULL, 10), 2, "two revisions, no third: %s", out);
	free(out);
	free(file);
	free(stored);
	free(head_before);
	free(dir);
}

Test(backdated, an_even_older_version_goes_before_the_first_and_the_edited_working_file_gets_the_newest_back,
	.fini = th_cleanup)
{
	char *dir = repo_with_history(), *v0 = with_body(th_read(dir, "kl/debat.md"), V0_BODY), *file;
	th_result r;
	/* the archivist pastes the old text into the document's own file */
	th_write(dir, "kl/debat.md", v0);
	OK(&r, dir, "add", "kl/debat.md", "--date", "2019-05-01");
	cr_assert(strstr(r.out.ptr, "Placed the revision of 2019-05-01"), "%s", r.out.ptr);
	th_result_free(&r);
	file = th_read(dir, "kl/debat.md");
	cr_assert(strstr(file, "Vi bør have"), "the working file holds the newest text again: %s", file);
	cr_assert_eq(th_sh(dir, NULL, "git diff --quiet HEAD"), 0);
	OK(&r, dir, "show", "kl/debat@2019-12-31");
	cr_assert(strstr(r.out.ptr, V0_BODY), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@2020-12-04");
	cr_assert(strstr(r.out.ptr, "Vi skal have mere"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "kl/debat");
	cr_assert(strstr(r.out.ptr, "2019-05-01"), "%s", r.out.ptr);
	th_result_free(&r);
	free(file);
	free(v0);
	free(dir);
}

Test(backdated, import_manifest_with_late_revisions_places_them_instead_of_skipping, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *file, *count;
	th_result r;
	OK0(dir, "init");
	th_write(dir, "saved/2021.md", DOC_V2);
	th_write(dir, "saved/2020.md", DOC_V1);
	th_write(dir, "m1.tsv", "saved/2021.md\tkl/debat\t2021-03-01\n");
	th_write(dir, "m2.tsv", "saved/2020.md\tkl/debat\t2020-12-04\nsaved/2021.md\tkl/debat\t2021-03-01\n");
	OK0(dir, "import", "--manifest", "m1.tsv");
	/* the older revision comes to light later, in a longer manifest */
	OK(&r, dir, "import", "--manifest", "m2.tsv");
	cr_assert(strstr(r.out.ptr, "Imported 1 revision"), "the late revision is imported, not skipped: %s", r.out.ptr);
	th_result_free(&r);
	file = th_read(dir, "kl/debat.md");
	cr_assert(strstr(file, "Vi bør have"), "%s", file);
	OK(&r, dir, "show", "kl/debat@2020-12-31");
	cr_assert(strstr(r.out.ptr, "Vi skal have"), "%s", r.out.ptr);
	th_result_free(&r);
	/* the same manifest again writes nothing */
	OK(&r, dir, "import", "--manifest", "m2.tsv");
	cr_assert(strstr(r.out.ptr, "Imported 0 revisions"), "%s", r.out.ptr);
	th_result_free(&r);
	count = th_sh_out(dir, "git log --full-history --no-merges --format=%s -- kl/debat.md | wc -l");
	cr_assert_eq(strtol(count, NULL, 10), 2, "%s", count);
	free(count);
	free(file);
	free(dir);
}
