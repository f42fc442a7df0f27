/*
 * test_import.c: stories of an archivist importing a folder of saved
 * articles and a saved history (--manifest), and of every way that input
 * can be wrong: the failing file or line is named and nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"


static long commits(const char *dir)
{
	stance_buf out = STANCE_BUF_INIT;
	long n;
	cr_assert_eq(th_sh(dir, &out, "git rev-list --count HEAD"), 0);
	n = strtol(stance_buf_cstr(&out), NULL, 10);
	stance_buf_dispose(&out);
	return n;
}

static char *new_repo(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init");
	th_result_free(&r);
	return dir;
}

Test(import, seeds_folder_becomes_five_documents_once, .fini = th_cleanup)
{
	char *dir = new_repo(), *seeds = th_shared("corpus/seeds"), *doc;
	long before = commits(dir);
	th_result r;

	OK(&r, dir, "import", seeds);
	cr_expect(strstr(r.out.ptr, "Added kl/kls-input-til-naerhedsreform") != NULL, "%s", r.out.ptr);
	/* what could not be found is said per file */
	cr_expect(strstr(r.err.ptr, "002_8c88f85e32910a31.txt: could not find organization, "
		"publication, published") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 5);
	doc = th_read(dir, "kl/kls-input-til-naerhedsreform.md");
	cr_expect(strstr(doc, "kind: theme\n") != NULL, "%s", doc);
	cr_expect(strstr(doc, "  - Et stærkt samspil med de folkevalgte.\n") != NULL, "%s", doc);
	free(doc);

	/* the same folder again: nothing new */
	OK(&r, dir, "import", seeds);
	cr_expect(strstr(r.out.ptr, "unchanged, nothing committed") != NULL);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 5);

	OK(&r, dir, "show", "kl/det-kraever");
	cr_expect(strstr(r.out.ptr, "## Blik på tværs") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(seeds);
	free(dir);
}

/* --quiet prints nothing but errors: no report, no notes, no count */
Test(import, quiet_prints_nothing_but_errors, .fini = th_cleanup)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;

	th_write(dir, "saved/a.md", "---\ntitle: Et notat\n---\n\nKL mener, at vi skal.\n");
	OK(&r, dir, "import", "saved/a.md", "--quiet");
	cr_expect_str_eq(stance_buf_cstr(&r.out), "");
	cr_expect_str_eq(stance_buf_cstr(&r.err), "");
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 1);
	OK(&r, dir, "import", "saved/a.md", "-q");
	cr_expect_str_eq(stance_buf_cstr(&r.out), "");
	th_result_free(&r);
	th_write(dir, "saved/b.md", "---\ntitle: [unclosed\n---\n\nx\n");
	th_run(&r, dir, NULL, (const char *const[]){ "import", "saved/b.md", "--quiet", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "saved/b.md") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 1);
	free(dir);
}

Test(import, flags_override_what_was_found, .fini = th_cleanup)
{
	char *dir = new_repo(), *seed = th_shared("corpus/seeds/002_8c88f85e32910a31.txt"), *doc;
	th_result r;
	OK(&r, dir, "import", seed, "--id", "kommunen/leder-2016", "--published", "2016-05",
		"--organization", "Kommunen", "--publication", "Kommunen", "--kind", "editorial",
		"--date", "2016-05-12", "-m", "Import the editorial");
	th_result_free(&r);
	doc = th_read(dir, "kommunen/leder-2016.md");
	cr_expect(strstr(doc, "published: 2016-05\n") != NULL, "%s", doc);
	cr_expect(strstr(doc, "organization: Kommunen\n") != NULL, "%s", doc);
	cr_expect(strstr(doc, "authors: [Redaktionen]\n") != NULL, "%s", doc);
	free(doc);
	OK(&r, dir, "log", "--json", "kommunen/leder-2016");
	cr_expect(strstr(r.out.ptr, "Import the editorial") != NULL, "%s", r.out.ptr);
	cr_expect(strstr(r.out.ptr, "2016-05-12") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(seed);
	free(dir);
}

Test(import, repository_rules_extend_the_chrome, .fini = th_cleanup)
{
	char *dir = new_repo(), *doc;
	th_result r;
	th_write(dir, "in/a.txt", "The council budget\n\nBy Ann Lee\n\nPrint this page\n\n"
		"The council budget for next year protects care services and raises no new charges, "
		"the leader said on Tuesday.\n");
	OK(&r, dir, "import", "in/a.txt", "--collection", "news");
	th_result_free(&r);
	doc = th_read(dir, "news/the-council-budget.md");
	cr_expect(strstr(doc, "Print this page") != NULL);
	free(doc);
	th_write(dir, ".stance/import/chrome.txt", "print this page\n");
	OK(&r, dir, "import", "in/a.txt", "--collection", "news");
	th_result_free(&r);
	doc = th_read(dir, "news/the-council-budget.md");
	cr_expect(!strstr(doc, "Print this page"), "%s", doc);
	free(doc);
	/* a malformed rules file is named with its line */
	th_write(dir, ".stance/import/kinds.txt", "debate kronik\nnonsense\n");
	th_run(&r, dir, NULL, (const char *const[]){ "import", "in/a.txt", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, ".stance/import/kinds.txt:2:") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(import, bad_files_stop_everything, .fini = th_cleanup)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;
	th_write(dir, "in/good.txt", "A title\n\nA first paragraph that is long enough to be the "
		"text of an article, with a full stop.\n");
	th_write(dir, "in/empty.txt", "Log ind\n\n×\n");
	th_run(&r, dir, NULL, (const char *const[]){ "import", "in", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "in/empty.txt: no article text found") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before);

	th_run(&r, dir, NULL, (const char *const[]){ "import", "in/missing.txt", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "in/missing.txt") != NULL, "%s", r.err.ptr);
	th_result_free(&r);

	th_run(&r, dir, NULL, (const char *const[]){ "import", NULL });
	cr_expect_eq(r.status, 2);
	th_result_free(&r);

	th_run(&r, dir, NULL, (const char *const[]){ "import", "in/good.txt", "in/good.txt", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "would both be document") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before);
	free(dir);
}

Test(import, outside_a_repository, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	th_write(dir, "a.txt", "Title\n\nText of the article, long enough to count as one.\n");
	th_run(&r, dir, NULL, (const char *const[]){ "import", "a.txt", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(r.err.size > 0);
	th_result_free(&r);
	free(dir);
}

/* ---- --manifest ---------------------------------------------------------- */

static const char *V1 = "---\ntitle: Nærhed\nkind: theme\n---\n\nVi vil have mere nærhed.\n";
static const char *V2 = "---\ntitle: Nærhed\nkind: theme\n---\n\nVi skal have mere nærhed.\n";
static const char *V3 = "---\ntitle: Nærhed\nkind: theme\n---\n\nVi skal have mere nærhed nu.\n";

static void write_history(const char *dir)
{
	th_write(dir, "saved/n1.md", V1);
	th_write(dir, "saved/n2.md", V2);
	th_write(dir, "saved/n3.md", V3);
	th_write(dir, "saved/leder.txt", "Leder: Kvalitet først\n\ntekst KL\n\nKvaliteten i "
		"velfærden skal måles på, hvad borgerne får, ikke på hvor mange regler vi har.\n");
	th_write(dir, "saved/leder2.txt", "Leder: Kvalitet først\n\ntekst KL\n\nKvaliteten i "
		"velfærden skal måles på, hvad borgerne oplever, ikke på antallet af regler.\n");
}

Test(import_manifest, history_in_date_order_once, .fini = th_cleanup)
{
	char *dir = new_repo();
	long before = commits(dir);
	stance_buf out = STANCE_BUF_INIT;
	th_result r;

	write_history(dir);
	/* lines out of order on purpose; the history comes out in date order */
	th_write(dir, "saved/manifest.tsv",
		"file\tid\tdate\tauthor\tmessage\n"
		"n3.md\tkl/naerhed\t2021-03-01\tAnne Holm <anne@example.org>\tThird version\n"
		"n1.md\tkl/naerhed\t2019-01-15\n"
		"leder.txt\tkl/leder\t2009-11-02T10:00+01:00\tRedaktionen <red@example.org>\n"
		"# a comment line\n"
		"n2.md\tkl/naerhed\t2020-06-30\t\tSecond version\n"
		"leder2.txt\tkl/leder\t2010-01-05\n");
	OK(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect(strstr(r.out.ptr, "Imported 5 revisions") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 5);

	cr_assert_eq(th_sh(dir, &out, "git log --reverse --format='%%ad|%%an|%%s' --date=short -5"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out),
		"2009-11-02|Redaktionen|Add kl/leder\n"
		"2010-01-05|Test Archivist|Update kl/leder\n"
		"2019-01-15|Test Archivist|Add kl/naerhed\n"
		"2020-06-30|Test Archivist|Second version\n"
		"2021-03-01|Anne Holm|Third version\n");
	stance_buf_clear(&out);

	/* the working files and the index follow: git sees a clean tree */
	cr_assert_eq(th_sh(dir, &out, "git status --porcelain -- kl"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "");
	{
		char *text = th_read(dir, "kl/naerhed.md");
		cr_expect(strstr(text, "nærhed nu.") != NULL, "%s", text);
		free(text);
	}

	/* the plain-text revisions went through the importer */
	OK(&r, dir, "show", "kl/leder", "--raw");
	cr_expect(strstr(r.out.ptr, "kind: editorial") != NULL, "%s", r.out.ptr);
	cr_expect(strstr(r.out.ptr, "authors: [KL]") != NULL, "%s", r.out.ptr);
	th_result_free(&r);

	/* again: nothing new */
	OK(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect(strstr(r.out.ptr, "Imported 0 revisions") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 5);

	/* a later revision added to the manifest: only it is written */
	th_write(dir, "saved/n4.md", "---\ntitle: Nærhed\nkind: theme\n---\n\nVi skal have nærhed.\n");
	th_sh(dir, NULL, "printf 'n4.md\\tkl/naerhed\\t2022-02-02\\n' >> saved/manifest.tsv");
	OK(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect(strstr(r.out.ptr, "Imported 1 revision ") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 6);
	stance_buf_dispose(&out);
	free(dir);
}

static void manifest_fails(const char *dir, const char *manifest, const char *want)
{
	long before = commits(dir);
	th_result r;
	th_write(dir, "saved/bad.tsv", manifest);
	th_run(&r, dir, NULL, (const char *const[]){ "import", "--manifest", "saved/bad.tsv", NULL });
	cr_expect_eq(r.status, 1, "manifest accepted: %s", manifest);
	cr_expect(strstr(r.err.ptr, want) != NULL, "expected '%s' in: %s", want, r.err.ptr);
	cr_expect(strstr(r.err.ptr, "nothing was imported") != NULL || strstr(r.err.ptr, "no revisions"),
		"%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before, "a commit was written for: %s", manifest);
}

Test(import_manifest, a_bad_line_is_named_and_nothing_written, .fini = th_cleanup)
{
	char *dir = new_repo();
	write_history(dir);
	manifest_fails(dir, "n1.md\tkl/a\t2019-01-01\nmissing.md\tkl/a\t2020-01-01\n",
		"saved/bad.tsv:2: no such file 'missing.md'");
	manifest_fails(dir, "n1.md\tkl/a\t2019-01-01\nn2.md\tkl/a\t2020-13-45\n",
		"saved/bad.tsv:2: '2020-13-45' is not a date");
	manifest_fails(dir, "n1.md\tKL/Bad Id\t2019-01-01\n", "saved/bad.tsv:1: 'KL/Bad Id' is not a valid id");
	manifest_fails(dir, "n1.md\tkl/a\t2019-01-01\tAnne Holm\n",
		"saved/bad.tsv:1: the author 'Anne Holm' is not 'Name <email>'");
	manifest_fails(dir, "n1.md\tkl/a\n", "saved/bad.tsv:1: expected 3 to 5 tab-separated fields");
	manifest_fails(dir, "n1.md\tkl/a\t2019-01-01\n\nn2.md\tkl/a\t2020-01-01\tA <a@b>\tm\textra\n",
		"saved/bad.tsv:3: expected 3 to 5");
	th_write(dir, "saved/broken.txt", "Log ind\n");
	manifest_fails(dir, "n1.md\tkl/a\t2019-01-01\nbroken.txt\tkl/a\t2020-01-01\n",
		"saved/bad.tsv:2: ");
	manifest_fails(dir, "# only a comment\n", "no revisions in the manifest");
	free(dir);
}

Test(import_manifest, unstored_edits_in_the_working_folder_are_kept, .fini = th_cleanup)
{
	char *dir = new_repo(), *text;
	long before;
	th_result r;
	write_history(dir);
	th_write(dir, "saved/m1.tsv", "n1.md\tkl/naerhed\t2019-01-15\n");
	OK(&r, dir, "import", "--manifest", "saved/m1.tsv");
	th_result_free(&r);
	before = commits(dir);
	th_write(dir, "kl/naerhed.md", "my own edit\n");
	th_write(dir, "saved/m2.tsv", "n2.md\tkl/naerhed\t2020-06-30\n");
	th_run(&r, dir, NULL, (const char *const[]){ "import", "--manifest", "saved/m2.tsv", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "kl/naerhed.md has changes in the working folder") != NULL, "%s",
		r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before);
	text = th_read(dir, "kl/naerhed.md");
	cr_expect_str_eq(text, "my own edit\n");
	free(text);
	free(dir);
}

Test(import, a_saved_web_page_goes_through_the_extractor, .fini = th_cleanup)
{
	char *dir = new_repo(), *page = th_shared("fixtures/extraction/readability/bbc-1/source.html");
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "import", page, "--collection", "bbc");
	cr_expect(!strncmp(r.out.ptr, "Added bbc/", 10), "%s", r.out.ptr);
	th_result_free(&r);
	/* the page itself is kept as evidence on the snapshots branch */
	cr_assert_eq(th_sh(dir, &out, "git log --format=%%s snapshots"), 0);
	cr_expect(strstr(stance_buf_cstr(&out), "Snapshot bbc/") != NULL, "%s", stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(page);
	free(dir);
}

/* Past 64 revisions the files are read on every core; the result and the
 * line named for a bad file are the same. */
Test(import_manifest, many_revisions_read_in_parallel, .fini = th_cleanup)
{
	char *dir = new_repo(), name[64], text[256];
	stance_buf manifest = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	long before = commits(dir);
	th_result r;
	int i;

	for (i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "saved/r%02d.%s", i, i % 2 ? "txt" : "md");
		if (i % 2)
			snprintf(text, sizeof(text), "Leder: Revision %d\n\ntekst KL\n\nDette er revision "
				"nummer %d af lederen, og den er lang nok til at være en artikel.\n", i, i);
		else
			snprintf(text, sizeof(text), "---\ntitle: Revision %d\n---\n\nTekst nummer %d.\n", i, i);
		th_write(dir, name, text);
		stance_buf_printf(&manifest, "r%02d.%s\tkl/doc-%d\t20%02d-01-01\n", i, i % 2 ? "txt" : "md",
			i % 4, 10 + i % 80 / 4);
	}
	th_write(dir, "saved/many.tsv", manifest.ptr);
	OK(&r, dir, "import", "--manifest", "saved/many.tsv", "--quiet");
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 80);
	cr_assert_eq(th_sh(dir, &out, "git log -1 --format=%%ad --date=short"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "2029-01-01\n");

	th_write(dir, "saved/r50.md", "---\ntitle: [unclosed\n---\n\nx\n");
	th_write(dir, "saved/many2.tsv", "r50.md\tkl/other\t2030-01-01\n");
	stance_buf_clear(&manifest);
	for (i = 0; i < 70; i++)
		stance_buf_printf(&manifest, "r%02d.%s\tkl/new-%d\t2031-01-01\n", i, i % 2 ? "txt" : "md", i);
	th_write(dir, "saved/many2.tsv", manifest.ptr);
	th_run(&r, dir, NULL, (const char *const[]){ "import", "--manifest", "saved/many2.tsv", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "saved/many2.tsv:51: ") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 80);
	stance_buf_dispose(&manifest);
	stance_buf_dispose(&out);
	free(dir);
}

/* ---- the same input, the same history ------------------------------------ */

/* A history in revisions of Markdown that cmark-gfm's parser read wrongly
 * when two threads parsed at once: strikethrough, URLs with "_" and "&",
 * tables. */
#define SAME_HISTORY_REVISIONS 400
#define SAME_HISTORY_RUNS 4

static void write_varied_history(const char *dir)
{
	stance_buf manifest = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	char name[64];
	int i, j;
	for (i = 0; i < SAME_HISTORY_REVISIONS; i++) {
		stance_buf_clear(&text);
		stance_buf_printf(&text, "---\ntitle: Dokument %d\n---\n\n", i % 20);
		for (j = 0; j < 30; j++) {
			stance_buf_printf(&text, "Afsnit %d i revision %d: ~~slettet %d~~ og "
				"https://example.org/a_b&c=%d_%d samt www.kl.dk/x_y&z med *vægt* og **fed**.\n\n",
				j, i, j, i, j);
			if (j % 10 == 0)
				stance_buf_puts(&text, "| kolonne | værdi |\n|---|---|\n| a_b | ~~x~~ https://e.org/p_q&r |\n\n");
		}
		snprintf(name, sizeof(name), "saved/r%03d.md", i);
		th_write(dir, name, text.ptr);
		stance_buf_printf(&manifest, "r%03d.md\tkl/doc-%d\t%d-01-%02d\tAnne Holm <anne@example.org>\n",
			i, i % 20, 2000 + i / 20, 1 + i % 20);
	}
	th_write(dir, "saved/manifest.tsv", manifest.ptr);
	stance_buf_dispose(&manifest);
	stance_buf_dispose(&text);
}

/*
 * The revisions are read on several threads. Importing one manifest into
 * fresh repositories gives the same commits each time: the same trees, the
 * same authors, dates and messages (the committer's date is the time of the
 * import, so the commit ids themselves differ; everything they hash besides
 * it is compared here, commit by commit).
 */
Test(import_manifest, the_same_manifest_gives_the_same_history, .fini = th_cleanup, .timeout = 600)
{
	stance_buf first = STANCE_BUF_INIT;
	int run;
	for (run = 0; run < SAME_HISTORY_RUNS; run++) {
		char *dir = new_repo();
		stance_buf log = STANCE_BUF_INIT;
		th_result r;
		write_varied_history(dir);
		OK(&r, dir, "import", "--manifest", "saved/manifest.tsv", "--quiet");
		th_result_free(&r);
		cr_assert_eq(commits(dir), SAME_HISTORY_REVISIONS + 1);
		/* every commit of the import, without the repository's first one */
		cr_assert_eq(th_sh(dir, &log, "git log --format='%%T %%an <%%ae> %%at %%s' HEAD~%d..HEAD",
			SAME_HISTORY_REVISIONS), 0);
		if (!run) {
			char *doc = th_read(dir, "kl/doc-3.md");
			cr_expect(strstr(doc, "~~slettet 0~~ og <https://example.org/a_b&c=383_0>") != NULL, "%s", doc);
			free(doc);
			first = log;
		} else {
			cr_expect_str_eq(stance_buf_cstr(&log), stance_buf_cstr(&first),
				"import %d made another history than the first", run + 1);
			stance_buf_dispose(&log);
		}
		free(dir);
	}
	stance_buf_dispose(&first);
}

/* A body whose rendering each pass changed (an autolink with a control
 * character) is stored in a form `stance check` accepts, and importing it
 * again commits nothing. */
Test(import, a_body_is_stored_in_a_form_that_stays, .fini = th_cleanup)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;
	th_write(dir, "saved/odd.md", "---\ntitle: Odd\n---\n\nx <https://example.org/a\x01>\n\n"
		"[![](https://example.org/u.png)](https://example.org/u.png)\n\n**_Shopping Data_**_:_\n");
	OK(&r, dir, "import", "saved/odd.md", "--id", "kl/odd");
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 1);
	{
		char *doc = th_read(dir, "kl/odd.md");
		cr_expect(strstr(doc, "\n\nx <https://example.org/a\x01>\n\n"
			"[![](https://example.org/u.png)](https://example.org/u.png)\n\n**_Shopping Data_**_:_\n"),
			"%s", doc);
		free(doc);
	}
	OK(&r, dir, "check");
	th_result_free(&r);
	OK(&r, dir, "import", "saved/odd.md", "--id", "kl/odd");
	cr_expect(strstr(r.out.ptr, "unchanged, nothing committed") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 1);
	free(dir);
}

/* ---- add and import read a file alike ------------------------------------ */

static const char *SAME_TXT = "Leder: Kvalitet først\n\ntekst KL\n\nKvaliteten i velfærden skal "
	"måles på, hvad borgerne får, ikke på hvor mange regler vi har.\n";
static const char *SAME_MD = "---\ntitle: Nærhed\nkind: theme\n---\n\nVi vil have *mere* nærhed.\n";
static const char *SAME_HTML = "<html><head><title>Nærhed i velfærden</title></head><body><article>"
	"<h1>Nærhed i velfærden</h1><p>Vi vil have mere nærhed i velfærden, og det kræver, at "
	"beslutningerne træffes tæt på borgerne, i kommunerne og i institutionerne selv.</p>"
	"<p>Derfor foreslår vi en reform, der flytter ansvaret ud, hvor opgaverne løses, og giver "
	"de ansatte frihed til at gøre det, de er gode til.</p></article></body></html>\n";

/* The file `name` holding `content`, stored with `command` (add or import)
 * as document x/same in a new repository: the stored file, or the
 * refusal (exit status and message) when it is refused. Caller frees. */
static char *stored_by(const char *command, const char *name, const char *content, int *status,
	char **err)
{
	char *dir = new_repo(), *text = NULL;
	long before = commits(dir);
	th_result r;
	th_write(dir, name, content);
	/* the same fields given to both */
	th_run(&r, dir, NULL, (const char *const[]){ command, name, "--id", "x/same", "--kind", "debate",
		"--author", "Anne Holm", "--date", "2020-12-04", NULL });
	*status = r.status;
	*err = strdup(stance_buf_cstr(&r.err));
	if (r.status == 0)
		text = th_read(dir, "x/same.md");
	else
		cr_expect_eq(commits(dir), before, "%s %s: refused but committed", command, name);
	th_result_free(&r);
	free(dir);
	return text;
}

Test(import, add_and_import_read_a_file_alike, .fini = th_cleanup)
{
	const struct { const char *name, *content; } files[] = {
		{ "saved/leder.txt", SAME_TXT }, { "saved/naerhed.md", SAME_MD },
		{ "saved/NAERHED.Markdown", SAME_MD }, { "saved/side.html", SAME_HTML },
		{ "saved/side.HTM", SAME_HTML },
	};
	size_t i;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *name = files[i].name, *content = files[i].content;
		int sa, si;
		char *ea, *ei, *a = stored_by("add", name, content, &sa, &ea),
			*b = stored_by("import", name, content, &si, &ei);
		cr_expect_eq(sa, 0, "add %s: %s", name, ea);
		cr_expect_eq(si, 0, "import %s: %s", name, ei);
		if (a && b)
			cr_expect_str_eq(a, b, "add and import stored %s differently", name);
		if (a)
			cr_expect(strstr(a, "kind: debate") && strstr(a, "Anne Holm"), "%s: %s", name, a);
		free(a);
		free(b);
		free(ea);
		free(ei);
	}
}

/* An extension stance does not read (or none) is refused by both, with the
 * same sentence naming the file, whatever the file holds; nothing is written. */
Test(import, add_and_import_refuse_an_unknown_extension_alike, .fini = th_cleanup)
{
	static const char *const names[] = { "saved/leder.rtf", "saved/naerhed", "saved/naerhed.md.bak" };
	size_t i;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int sa, si;
		char *ea, *ei, *a = stored_by("add", names[i], SAME_MD, &sa, &ea),
			*b = stored_by("import", names[i], SAME_MD, &si, &ei);
		cr_expect_null(a, "add stored %s", names[i]);
		cr_expect_null(b, "import stored %s", names[i]);
		cr_expect_eq(sa, 1, "add %s: %d", names[i], sa);
		cr_expect_eq(si, 1, "import %s: %d", names[i], si);
		cr_expect(strstr(ea, names[i]) && strstr(ea, "not a file stance reads by its name"),
			"add %s: %s", names[i], ea);
		cr_expect_str_eq(ea, ei, "add and import refuse %s differently", names[i]);
		free(a);
		free(b);
		free(ea);
		free(ei);
	}
}

/* A folder's files of other kinds are passed over, not refused. */
Test(import, a_folder_skips_files_of_other_kinds, .fini = th_cleanup)
{
	char *dir = new_repo();
	th_result r;
	th_write(dir, "saved/naerhed.md", SAME_MD);
	th_write(dir, "saved/notes.rtf", "{\\rtf1 not an article}\n");
	OK(&r, dir, "import", "saved", "--collection", "kl");
	cr_expect(strstr(r.out.ptr, "Added kl/naerhed") != NULL, "%s", r.out.ptr);
	cr_expect(strstr(r.out.ptr, "notes") == NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}
