/*
 * test_diff.c: `stance diff`, `stance difftool` and `stance positions` as a
 * user runs them: in a repository with a document's revisions, on two files
 * outside any repository, through plain `git diff`, and the HTML page in a
 * headless browser.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static const char *const v1 =
	"---\ntitle: Nærhed\nkind: theme\nlanguage: da\n---\n"
	"# Nærhed\n\n"
	"KL mener, at kommunerne skal have mere frihed til at\nindrette velfærden.\n\n"
	"Dette afsnit flytter senere ned i teksten, uændret og helt som det var.\n\n"
	"Vi ønsker færre regler og mere tillid.\n";
static const char *const v2 =
	"---\ntitle: Nærhed\nkind: theme\nlanguage: da\n---\n"
	"# Nærhed\n\n"
	"KL mener, at kommunerne bør have langt mere frihed til at indrette\nvelfærden.\n\n"
	"Vi ønsker færre regler og mere tillid.\n\n"
	"Dette afsnit flytter senere ned i teksten, uændret og helt som det var.\n";

/* A repository with kl/naerhed in two revisions (2020-01-01, 2021-01-01). */
static char *repo_with_history(void)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "init", ".");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	th_write(dir, "in.md", v1);
	TH_RUN(&r, dir, "add", "in.md", "--id", "kl/naerhed", "--date", "2020-01-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	th_write(dir, "in.md", v2);
	TH_RUN(&r, dir, "add", "in.md", "--id", "kl/naerhed", "--date", "2021-01-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	return dir;
}

static void expect_in(const th_result *r, const char *needle)
{
	cr_assert(strstr(stance_buf_cstr(&r->out), needle) != NULL, "'%s' not in:\n%s\nstderr: %s", needle,
		stance_buf_cstr(&r->out), stance_buf_cstr(&r->err));
}

Test(diff_cli, previous_revision_against_current, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "diff", "kl/naerhed");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "[-skal-]{+bør+} have {+langt+} mere");
	/* the re-wrapped line is no change; the moved paragraph is one move */
	cr_assert(strstr(r.out.ptr, "indrette\nvelfærden") || strstr(r.out.ptr, "indrette velfærden"));
	expect_in(&r, "moved from ¶3");
	expect_in(&r, "1 passage");
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, revisions_by_date_and_by_number, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "diff", "kl/naerhed@2020-06-01", "kl/naerhed@2021-06-01", "--format=porcelain");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "\n-skal\n+bør\n");
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "kl/naerhed", "@{1}", "--format=json");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "\"ops\": [");
	expect_in(&r, "\"op\": \"move\"");
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, exit_code_says_whether_anything_changed, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "diff", "--exit-code", "kl/naerhed");
	cr_assert_eq(r.status, 1);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--exit-code", "kl/naerhed@2021-06-01", "kl/naerhed@2022-01-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "no changes");
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, positions_only_lists_reworded_statements, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "diff", "--positions", "kl/naerhed");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "reworded (§ Nærhed)");
	expect_in(&r, "[-KL mener, at kommunerne skal have mere frihed til at indrette velfærden.-]");
	expect_in(&r, "{+KL mener, at kommunerne bør have langt mere frihed til at indrette velfærden.+}");
	cr_assert(strstr(r.out.ptr, "færre regler") == NULL, "an unchanged position is not listed");
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, stat_lists_documents_changed_in_a_period, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "diff", "--stat", "--since", "2020-06-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "kl/naerhed");
	expect_in(&r, "| +2 -1 ~");
	expect_in(&r, "1 document changed");
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--stat", "--until", "2019-01-01");
	cr_assert_eq(r.status, 0);
	expect_in(&r, "0 documents changed");
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, positions_command_and_history, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "positions", "kl/naerhed@2020-06-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "§ Nærhed: KL mener, at kommunerne skal have");
	expect_in(&r, "2 position statements");
	th_result_free(&r);
	TH_RUN(&r, dir, "positions", "kl/naerhed", "--history");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "2020-01-01");
	expect_in(&r, "appeared");
	expect_in(&r, "2021-01-01");
	expect_in(&r, "reworded (softened: skal → bør): KL mener, at kommunerne [-skal-]{+bør+} have {+langt+} mere");
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, git_diff_uses_the_prose_diff, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(th_sh(dir, &out, "git diff HEAD~1 HEAD -- kl/naerhed.md"), 0);
	cr_assert(strstr(stance_buf_cstr(&out), "diff --stance a/kl/naerhed.md b/kl/naerhed.md") != NULL,
		"%s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "[-skal-]{+bør+}") != NULL, "%s", stance_buf_cstr(&out));
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(dir, &out, "git log -p --ext-diff -1 -- kl/naerhed.md"), 0);
	cr_assert(strstr(stance_buf_cstr(&out), "moved from") != NULL, "%s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(dir);
}

Test(diff_cli, files_outside_a_repository, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	th_write(dir, "a.txt", "Plain text, no front matter. We must act.\n");
	th_write(dir, "b.txt", "Plain text, no front matter. We should act now.\n");
	TH_RUN(&r, dir, "diff", "--files", "a.txt", "b.txt", "--format=critic");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "We {~~must~>should~~} act {++now++}.");
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--files", "a.txt", "b.txt", "--by=sentence");
	expect_in(&r, "[-We must act.-]{+We should act now.+}");
	th_result_free(&r);
	free(dir);
}

/* a body that begins with a blank line after the front matter: the section
 * is named by its heading's words, without the '#' marks */
Test(diff_cli, files_positions_name_the_section_without_marks, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	th_write(dir, "a.md", "---\ntitle: T\n---\n\n## Boliger\n\nVi skal bygge boliger.\n");
	th_write(dir, "b.md", "---\ntitle: T\n---\n\n## Boliger\n\nVi skal bygge mange flere boliger nu.\n\n"
		"Kommunen bør handle.\n");
	TH_RUN(&r, dir, "diff", "--files", "a.md", "b.md", "--positions");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "added (§ Boliger):");
	expect_in(&r, "reworded (§ Boliger)");
	cr_assert_null(strstr(r.out.ptr, "§ #"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

/* A long document: the porcelain view gives git's hunks, not the whole text */
Test(diff_cli, porcelain_shows_hunks_of_a_long_document, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	th_result r;
	int i;
	for (i = 0; i < 60; i++) {
		stance_buf_printf(&a, "Afsnit %d handler om emne nummer %d.\n\n", i, i);
		stance_buf_printf(&b, "Afsnit %d handler om %s nummer %d.\n\n", i, i == 30 ? "sagen" : "emne", i);
	}
	th_write(dir, "a.md", a.ptr);
	th_write(dir, "b.md", b.ptr);
	TH_RUN(&r, dir, "diff", "--files", "a.md", "b.md", "--format=porcelain");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	/* paragraph 30 is line 61; three lines of context around it */
	expect_in(&r, "--- a/a.md\n+++ b/b.md\n@@ -58,7 +58,7 @@\n");
	expect_in(&r, "\n-emne\n+sagen\n");
	cr_assert_null(strstr(r.out.ptr, "Afsnit 10 "), "%s", r.out.ptr);
	{
		const char *p = r.out.ptr;
		int hunks = 0;
		while ((p = strstr(p, "\n@@ -"))) {
			hunks++;
			p++;
		}
		cr_assert_eq(hunks, 1, "one hunk: %s", r.out.ptr);
	}
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--files", "a.md", "b.md", "--format=porcelain", "--full");
	expect_in(&r, "@@ -1 +1 @@\n");
	expect_in(&r, "Afsnit 10 ");
	th_result_free(&r);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	free(dir);
}

Test(diff_cli, bad_input_is_named, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "bad.md", "---\ntitle: [unclosed\n---\nText.\n");
	TH_RUN(&r, dir, "diff", "--files", "bad.md", "in.md");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "bad.md") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--files", "missing.md", "in.md");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "missing.md") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "kl/nothing");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/nothing") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--by=letter", "kl/naerhed");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "letter") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--format=pdf", "kl/naerhed");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--since", "2020-13-45", "--stat");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "2020-13-45") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--since", "2020-01-01", "kl/naerhed");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, dir, "positions");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	th_write(dir, ".stance/positions", "skal\n");
	TH_RUN(&r, dir, "positions", "kl/naerhed");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "positions:1") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(diff_cli, not_a_repository, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "diff", "kl/naerhed");
	cr_assert_eq(r.status, 1);
	cr_assert(strlen(r.err.ptr) > 0);
	th_result_free(&r);
	free(dir);
}

/* The HTML page of a sample diff opens in headless Chromium with no console
 * message and no request from the page. The browser's own background
 * services (update checks and the like) are not the page's and are kept
 * from leaving the machine by the resolver rule. */
Test(diff_cli, html_page_opens_in_headless_chromium, .timeout = 300, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	char *oldp = th_source("tests/fixtures/diff/basic/old.md"), *newp = th_source("tests/fixtures/diff/basic/new.md");
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	char *log;
	if (th_sh(dir, NULL, "command -v chromium >/dev/null") != 0)
		cr_skip_test("chromium is not installed (scripts/deps installs it)");
	TH_RUN(&r, dir, "diff", "--files", oldp, newp, "--format=html");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_write(dir, "page.html", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(th_sh(dir, NULL,
		"timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
		"--disable-background-networking --disable-component-update --disable-sync "
		"--host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir=\"$PWD/profile\" "
		"--enable-logging=stderr --v=0 --log-net-log=\"$PWD/net.json\" --window-size=1200,1600 "
		"--screenshot=\"$PWD/shot.png\" \"file://$PWD/page.html\" 2>chrome.log >/dev/null"), 0);
	cr_assert(th_exists(dir, "shot.png"), "no screenshot was taken");
	log = th_read(dir, "chrome.log");
	cr_assert(strstr(log, ":CONSOLE") == NULL, "the page logged to the console:\n%s", log);
	free(log);
	/* every URL the net log saw, less the browser's own services */
	th_sh(dir, &out, "grep -o '\"url\":\"[^\"]*\"' net.json | grep -v -e google -e gstatic -e gvt1 "
		"-e '\"url\":\"chrome' -e 'page.html' || true");
	cr_assert_eq(out.size, 0, "the page made requests: %s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(oldp);
	free(newp);
	free(dir);
}

Test(diff_cli, two_documents_pair_reworded_positions, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "other.md",
		"---\ntitle: Debat\nkind: debate\nlanguage: da\n---\n"
		"# Debat\n\nVi mener, at kommunerne skal have meget mere frihed til at indrette velfærden lokalt.\n\n"
		"Helt andre ord om vejret i dag.\n");
	TH_RUN(&r, dir, "add", "other.md", "--id", "kl/debat");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--positions", "kl/debat", "kl/naerhed");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "reworded");
	expect_in(&r, "[-Vi mener, at kommunerne skal have meget mere frihed til at indrette velfærden lokalt.-]");
	th_result_free(&r);
	TH_RUN(&r, dir, "positions", "kl/naerhed", "--json");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	expect_in(&r, "\"section\": \"Nærhed\", \"text\": \"KL mener, at kommunerne bør");
	th_result_free(&r);
	free(dir);
}

/* A stored revision's body is compared as stored, without the blank line
 * the store writes after the front matter: the hunk's line is the body's,
 * as when the body is brought to canonical form again. */
Test(diff_cli, stored_revisions_count_lines_in_the_body, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf v = STANCE_BUF_INIT;
	th_result r;
	int round, i;
	TH_RUN(&r, dir, "init", ".");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	for (round = 0; round < 2; round++) {
		stance_buf_clear(&v);
		stance_buf_puts(&v, "---\ntitle: Afsnit\nlanguage: da\n---\n");
		for (i = 1; i <= 12; i++)
			stance_buf_printf(&v, "%sAfsnit nummer %d af teksten%s.\n", i > 1 ? "\n" : "", i,
				i == 12 && round ? " i en ny udgave" : "");
		th_write(dir, "in.md", stance_buf_cstr(&v));
		TH_RUN(&r, dir, "add", "in.md", "--id", "kl/afsnit", "--date", round ? "2021-01-01" : "2020-01-01");
		cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
		th_result_free(&r);
	}
	TH_RUN(&r, dir, "--no-pager", "diff", "kl/afsnit@{1}", "kl/afsnit", "--context", "1");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	/* the context, paragraph 11, starts on line 21 of the body (26 of the file) */
	expect_in(&r, "@@ ¶11, line 21 @@");
	th_result_free(&r);
	stance_buf_dispose(&v);
	free(dir);
}
