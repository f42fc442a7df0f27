/*
 * test_add.c: `stance add`: stories of an archivist adding and updating documents
 * from Markdown files, saved web pages and text, of every way that input can
 * be wrong, and of writers that meet.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "repository_fixture.h"

Test(add, add_commits_once_per_change, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	th_sh(dir, &out, "git log -2 --format='%%ad|%%s' --date=iso-strict");
	cr_assert_str_eq(out.ptr,
		"2021-03-01T10:00:00+01:00|Update kl/debat\n"
		"2020-12-04T00:00:00+00:00|Add kl/debat\n"
		, "%s", out.ptr);
	stance_buf_dispose(&out);
	/* the same content again: nothing is committed, and the user is told */
	OK(&r, dir, "add", "in/v2.md", "--id", "kl/debat");
	cr_assert(strstr(r.out.ptr, "unchanged, nothing committed"), "%s", r.out.ptr);
	th_result_free(&r);
	th_sh(dir, &out, "git rev-list --count HEAD");
	cr_assert_str_eq(out.ptr, "3\n");
	stance_buf_dispose(&out);
	/* the working file is the canonical document, and git sees a clean tree */
	char *stored = th_read(dir, "kl/debat.md");
	cr_assert(!strncmp(stored, "---\nid: kl/debat\ntitle: Det kræver mod og vilje\n", 48), "%s", stored);
	free(stored);
	th_sh(dir, &out, "git status --porcelain -- kl");
	cr_assert_str_eq(out.ptr, "");
	stance_buf_dispose(&out);
	free(dir);
}

Test(add, flags_fill_and_override_fields, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	th_write(dir, "plain.md", "Just a body, no front matter.\n");
	OK(&r, dir, "add", "plain.md", "--id", "blog/note", "--kind", "blog", "--title", "A note",
		"--author", "One", "--author", "Two", "--organization", "Org", "--publication", "The Paper",
		"--published", "2017-12-22T12:09+01:00", "--language", "en");
	th_result_free(&r);
	OK(&r, dir, "show", "blog/note", "--json");
	cr_assert(strstr(r.out.ptr, "\"kind\": \"blog\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"authors\": [\"One\", \"Two\"]"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"publication\": \"The Paper\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"published\": \"2017-12-22T12:09+01:00\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"body\": \"Just a body, no front matter.\\n\""), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(add, file_inside_the_repository_takes_its_path_as_id, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	th_write(dir, "kl/tema.md", "---\ntitle: Tema\n---\nUncanonical   *body*\n* a\n* b\n");
	OK(&r, dir, "add", "kl/tema.md");
	cr_assert(strstr(r.out.ptr, "Added kl/tema"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "check"); th_result_free(&r);
	free(dir);
}

Test(add, bad_input_is_refused_and_nothing_written, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf before = STANCE_BUF_INIT, after = STANCE_BUF_INIT;
	static const struct { const char *file, *content, *needle; } cases[] = {
		{ "in/utf8.md", "---\ntitle: x\n---\nbad \xc3\x28 byte\n", "in/utf8.md: line 4, byte 5: invalid UTF-8" },
		{ "in/open.md", "---\ntitle: x\nno end\n", "in/open.md: line 1: the front matter is not closed" },
		{ "in/type.md", "---\ntitle: [a, b]\n---\nx\n", "in/type.md: line 2: field 'title' must be text" },
		{ "in/date.md", "---\npublished: 2020-13-45\n---\nx\n", "'2020-13-45' is not a date" },
		{ "in/id.md", "---\nid: ../x\n---\nx\n", "invalid document id '../x'" },
	};
	size_t i;
	th_result r;
	th_sh(dir, &before, "git rev-parse HEAD && git status --porcelain");
	for (i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		th_write(dir, cases[i].file, cases[i].content);
		/* a good file first, the bad one second: the good one is not committed either */
		TH_RUN(&r, dir, "add", "in/v1.md", cases[i].file, "--kind", "debate");
		cr_assert_eq(r.status, 1, "%s: status %d: %s", cases[i].file, r.status, r.err.ptr);
		cr_assert(strstr(r.err.ptr, cases[i].needle), "%s: '%s' lacks '%s'", cases[i].file, r.err.ptr, cases[i].needle);
		th_result_free(&r);
	}
	th_write(dir, "in/nul.md", "ok");
	th_sh(dir, NULL, "printf 'a\\000b\\n' > in/nul.md");
	TH_RUN(&r, dir, "add", "in/nul.md", "--id", "x/nul");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "in/nul.md: line 1, byte 2: contains a NUL byte"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/missing.md", "--id", "x/y");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "in/missing.md: cannot read"), "%s", r.err.ptr);
	th_result_free(&r);
	{
		/* outside the repository a file has no path to take its id from */
		char *elsewhere = th_tmpdir();
		stance_buf file = STANCE_BUF_INIT;
		th_write(elsewhere, "v1.md", DOC_V1);
		stance_buf_printf(&file, "%s/v1.md", elsewhere);
		TH_RUN(&r, dir, "add", file.ptr);
		cr_assert_eq(r.status, 1);
		cr_assert(strstr(r.err.ptr, "v1.md: the document has no id: give one with --id"), "%s", r.err.ptr);
		th_result_free(&r);
		stance_buf_dispose(&file);
		free(elsewhere);
	}
	TH_RUN(&r, dir, "add", "in/v1.md", "--id", "Bad/ID");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "invalid document id 'Bad/ID'"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/v1.md", "--id", "a/b", "--date", "yesterday");
	cr_assert_eq(r.status, 2, "a bad option value is a usage error");
	cr_assert(strstr(r.err.ptr, "--date: 'yesterday' is not a date"), "%s", r.err.ptr);
	th_result_free(&r);
	th_sh(dir, &after, "git rev-parse HEAD && git status --porcelain");
	cr_assert_str_eq(before.ptr, after.ptr, "nothing may be committed or changed");
	stance_buf_dispose(&before);
	stance_buf_dispose(&after);
	free(dir);
}

Test(add, a_second_writer_waits_then_reports_busy, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf before = STANCE_BUF_INIT, after = STANCE_BUF_INIT;
	th_result r;
	pid_t holder;
	/* A live process holds the lock, as a running stance would. */
	holder = fork();
	if (holder == 0) {
		pause();
		_exit(0);
	}
	{
		stance_buf lock = STANCE_BUF_INIT;
		stance_buf_printf(&lock, "%d\n", (int)holder);
		th_write(dir, ".git/stance.lock", lock.ptr);
		stance_buf_dispose(&lock);
	}
	th_sh(dir, &before, "git rev-parse HEAD");
	setenv("STANCE_LOCK_TIMEOUT_MS", "300", 1);
	TH_RUN(&r, dir, "add", "in/v1.md", "--id", "kl/debat");
	unsetenv("STANCE_LOCK_TIMEOUT_MS");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is busy: another stance is writing to it"), "%s", r.err.ptr);
	th_result_free(&r);
	th_sh(dir, &after, "git rev-parse HEAD");
	cr_assert_str_eq(before.ptr, after.ptr);
	/* When the holder is gone, its stale lock is taken over. */
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	OK(&r, dir, "add", "in/v1.md", "--id", "kl/debat");
	cr_assert(strstr(r.out.ptr, "Updated kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(!th_exists(dir, ".git/stance.lock"), "the lock is released");
	stance_buf_dispose(&before);
	stance_buf_dispose(&after);
	free(dir);
}

Test(add, concurrent_writers_never_lose_a_revision, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < 6; i++) {
		stance_buf body = STANCE_BUF_INIT, name = STANCE_BUF_INIT;
		stance_buf_printf(&body, "---\ntitle: doc %d\n---\nText %d.\n", i, i);
		stance_buf_printf(&name, "in/c%d.md", i);
		th_write(dir, name.ptr, body.ptr);
		stance_buf_dispose(&body);
		stance_buf_dispose(&name);
	}
	/* six stance processes at once, each adding its own document */
	cr_assert_eq(th_sh(dir, NULL, "for i in 0 1 2 3 4 5; do '%s' add in/c$i.md --id par/c$i & done; wait", STANCE_BIN), 0);
	th_sh(dir, &out, "git rev-list --count HEAD && ls par | wc -l && git status --porcelain -- par");
	cr_assert_str_eq(out.ptr, "9\n6\n", "every writer's commit must be there: %s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}

Test(add, uncommitted_edits_are_never_overwritten, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	char *kept;
	th_write(dir, "kl/debat.md", "---\nid: kl/debat\ntitle: hand edit\n---\nMy unsaved words.\n");
	TH_RUN(&r, dir, "add", "in/v1.md", "--id", "kl/debat");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/debat.md has changes in the working folder that are not stored"), "%s", r.err.ptr);
	th_result_free(&r);
	kept = th_read(dir, "kl/debat.md");
	cr_assert(strstr(kept, "My unsaved words."));
	free(kept);
	free(dir);
}

Test(add, a_saved_web_page_is_extracted_and_kept_as_evidence, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	const char *page =
		"<!doctype html><html lang=\"da\"><head><title>Nærhed nu – Kommunernes Fællesråd</title>"
		"<meta property=\"og:title\" content=\"Nærhed nu\"></head><body>"
		"<nav><a href=\"/\">Forside</a> <a href=\"/login\">Log ind</a></nav>"
		"<article><h1>Nærhed nu</h1>"
		"<p>Kommunerne skal have mere frihed til at tilrettelægge velfærden lokalt, og staten bør "
		"stille færre krav til dokumentation, så medarbejderne får tid til borgerne.</p>"
		"<p>Der er brug for en reform, der giver tillid frem for kontrol, og som måler på, om "
		"borgeren fik hjælp, ikke på om skemaet blev udfyldt til tiden.</p>"
		"<p>Vi foreslår derfor tre skridt, som kan tages allerede i denne valgperiode, og som "
		"ikke kræver nye love, men mod og vilje hos både stat og kommuner.</p></article>"
		"<footer>Kontakt os · Nyhedsbrev</footer></body></html>";
	OK(&r, dir, "init"); th_result_free(&r);
	th_write(dir, "saved/naerhed.html", page);
	OK(&r, dir, "add", "saved/naerhed.html", "--id", "kf/naerhed", "--source", "https://example.org/naerhed");
	th_result_free(&r);
	OK(&r, dir, "show", "kf/naerhed");
	cr_assert(strstr(r.out.ptr, "Der er brug for en reform"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "Log ind") && !strstr(r.out.ptr, "Nyhedsbrev"), "page chrome must go: %s", r.out.ptr);
	th_result_free(&r);
	/* the raw page is on the snapshots branch, named by the version commit */
	cr_assert_eq(th_sh(dir, &out, "git show snapshots:kf/naerhed.html | head -c 15; echo; "
		"git log -1 --format=%%B | grep -c '^Snapshot: '"), 0);
	cr_assert_str_eq(out.ptr, "<!doctype html>\n1\n", "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}

Test(add, a_saved_text_page_is_imported_with_its_metadata, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *seed = th_shared("corpus/seeds/000_c9d68bdf9739242c.txt");
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	OK(&r, dir, "add", seed);
	cr_assert(strstr(r.out.ptr, "Added "), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "list", "--json");
	cr_assert(strstr(r.out.ptr, "\"kind\": \"debate\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"date\": \"2020-12-04\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "Det kræver mod og vilje"), "%s", r.out.ptr);
	th_result_free(&r);
	free(seed);
	free(dir);
}
