/*
 * test_repository.c: stories of an archivist using init, add, list, show,
 * log and check, and of every way their input can be wrong.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

static const char *DOC_V1 =
	"---\n"
	"title: \"Det kræver mod\"\n"
	"kind: debate\n"
	"authors: [Anna Holm]\n"
	"organization: Kommunernes Fællesråd\n"
	"published: 2020-12-04\n"
	"language: da\n"
	"---\n\n"
	"Vi skal have mere frihed i kommunerne.\n\n"
	"Der er brug for en ny reform.\n";

static const char *DOC_V2 =
	"---\n"
	"title: \"Det kræver mod og vilje\"\n"
	"kind: debate\n"
	"authors: [Anna Holm]\n"
	"organization: Kommunernes Fællesråd\n"
	"published: 2020-12-04\n"
	"language: da\n"
	"---\n\n"
	"Vi bør have mere frihed i kommunerne.\n\n"
	"Der er brug for en ny reform nu.\n";


/* A repository with kl/debat at two revisions, 2020-12-04 and 2021-03-01. */
static char *repo_with_history(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	th_write(dir, "in/v1.md", DOC_V1);
	th_write(dir, "in/v2.md", DOC_V2);
	OK(&r, dir, "add", "in/v1.md", "--id", "kl/debat", "--date", "2020-12-04"); th_result_free(&r);
	OK(&r, dir, "add", "in/v2.md", "--id", "kl/debat", "--date", "2021-03-01T10:00+01:00"); th_result_free(&r);
	return dir;
}

Test(repository, init_creates_the_skeleton_and_hook, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "init", "policy");
	cr_assert(strstr(r.out.ptr, "Initialized stance repository"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(dir, "policy/.stance/config"));
	cr_assert(th_exists(dir, "policy/.stance/positions"));
	cr_assert(th_exists(dir, "policy/.gitattributes"));
	cr_assert(th_exists(dir, "policy/README.md"));
	cr_assert(th_exists(dir, "policy/.git/hooks/pre-commit"));
	cr_assert_eq(th_sh(dir, &out, "cd policy && git log --format=%%s && git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "Initialize stance repository\n", "one commit, clean tree: %s", out.ptr);
	stance_buf_dispose(&out);
	/* a second init is refused and changes nothing */
	TH_RUN(&r, dir, "init", "policy");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is a stance repository already"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(repository, init_inside_an_existing_git_repository_keeps_history, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	cr_assert_eq(th_sh(dir, NULL, "git init -q -b main . && echo hi > notes.txt && git add notes.txt && "
		"git -c user.name=A -c user.email=a@b commit -qm 'Earlier work'"), 0);
	OK(&r, dir, "init"); th_result_free(&r);
	th_sh(dir, &out, "git log --format=%%s");
	cr_assert_str_eq(out.ptr, "Initialize stance repository\nEarlier work\n", "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}

Test(repository, add_commits_once_per_change, .fini = th_cleanup)
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

Test(repository, flags_fill_and_override_fields, .fini = th_cleanup)
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

Test(repository, file_inside_the_repository_takes_its_path_as_id, .fini = th_cleanup)
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

Test(repository, revisions_by_commit_number_and_date, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	OK(&r, dir, "show", "kl/debat");
	cr_assert_str_eq(r.out.ptr, "Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@{1}");
	cr_assert(strstr(r.out.ptr, "Vi skal have"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl@2021-01-01");   /* a prefix and a date */
	cr_assert(strstr(r.out.ptr, "Vi skal have"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@2021");   /* the end of 2021: the later revision */
	cr_assert(strstr(r.out.ptr, "Vi bør have"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat@HEAD~1", "--raw");
	cr_assert(!strncmp(r.out.ptr, "---\nid: kl/debat\n", 17), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "kl/debat@2019-06-01");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "had no revision yet on 2019-06-01; its first revision is from 2020-12-04"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "kl/debat@{5}");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "has only 2 revisions"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "kl/debat@2020-13-45");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'2020-13-45' is not a date"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(repository, log_and_list, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	OK(&r, dir, "log", "kl/debat");
	cr_assert(strstr(r.out.ptr, "2021-03-01T10:00+01:00"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "Update kl/debat"), "%s", r.out.ptr);
	/* the text's words: the title's "og vilje" is a field, not text */
	cr_assert(strstr(r.out.ptr, "+2 -1"), "bør, nu added; skal removed: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "Update") < strstr(r.out.ptr, "Add"), "newest first: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "-n", "1", "--json");
	cr_assert(strstr(r.out.ptr, "\"message\": \"Update kl/debat\\n\""), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "Add kl/debat"), "-n 1: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"author\": \"Test Archivist\""), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--since", "2021-01-01");
	cr_assert(!strstr(r.out.ptr, "Add kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
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

Test(repository, bad_input_is_refused_and_nothing_written, .fini = th_cleanup)
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

Test(repository, unknown_and_ambiguous_documents, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "in/x.md", "---\ntitle: other\n---\nx\n");
	OK(&r, dir, "add", "in/x.md", "--id", "kl/debat-2"); th_result_free(&r);
	TH_RUN(&r, dir, "show", "nowhere/doc");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "no document 'nowhere/doc' in this repository"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "kl/deb");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'kl/deb' names 2 documents"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/debat\n") && strstr(r.err.ptr, "kl/debat-2"), "candidates listed: %s", r.err.ptr);
	th_result_free(&r);
	OK(&r, dir, "show", "kl/debat");   /* an exact id is never ambiguous */
	th_result_free(&r);
	free(dir);
}

Test(repository, not_a_repository, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "list");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is not in a stance repository"), "%s", r.err.ptr);
	th_result_free(&r);
	th_sh(dir, NULL, "git init -q .");
	TH_RUN(&r, dir, "log");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "is a git repository but not a stance repository"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(repository, a_second_writer_waits_then_reports_busy, .fini = th_cleanup)
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

Test(repository, concurrent_writers_never_lose_a_revision, .fini = th_cleanup)
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

Test(repository, check_and_the_pre_commit_hook, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "check");
	cr_assert(strstr(r.out.ptr, "All documents are valid"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a teammate edits with plain git and breaks the front matter */
	th_write(dir, "kl/debat.md", "---\nid: kl/debat\ntitle: [broken\n---\nText.\n");
	TH_RUN(&r, dir, "check");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/debat.md: line 4: malformed front matter"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "started on line 3"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert_neq(th_sh(dir, &out, "git add kl/debat.md && git commit -qm 'broken' 2>&1"), 0,
		"the hook must stop the commit");
	cr_assert(strstr(out.ptr, "kl/debat.md"), "the hook names the file: %s", out.ptr);
	stance_buf_dispose(&out);
	/* a wrong id and a non-canonical body are reported too */
	th_write(dir, "kl/other.md", "---\nid: kl/debat\ntitle: t\n---\n*  item\n");
	th_sh(dir, NULL, "git add kl/other.md");
	TH_RUN(&r, dir, "check", "--staged");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "kl/other.md:2: id 'kl/debat' does not match the file's path"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "not in canonical form"), "%s", r.err.ptr);
	th_result_free(&r);
	/* fixed, the commit goes through */
	th_sh(dir, NULL, "git rm -q --cached kl/other.md && rm kl/other.md");
	th_write(dir, "kl/debat.md", DOC_V1);
	OK(&r, dir, "add", "kl/debat.md"); th_result_free(&r);
	cr_assert_eq(th_sh(dir, NULL, "git commit -q --allow-empty -m ok"), 0);
	free(dir);
}

Test(repository, uncommitted_edits_are_never_overwritten, .fini = th_cleanup)
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

Test(repository, help_usage_and_exit_codes, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "help");
	cr_assert(strstr(r.out.ptr, "init") && strstr(r.out.ptr, "log"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--help");
	cr_assert(strstr(r.out.ptr, "usage: stance log"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "help", "show");
	cr_assert(strstr(r.out.ptr, "usage: stance show"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "frobnicate");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, dir, "--color=sometimes", "help");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	OK(&r, "/", "-C", dir, "init");
	th_result_free(&r);
	OK(&r, "/", "-C", dir, "--color=never", "list");
	th_result_free(&r);
	free(dir);
}

Test(repository, a_saved_web_page_is_extracted_and_kept_as_evidence, .fini = th_cleanup)
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

Test(repository, re_extractions_are_left_out_of_log_and_diff_unless_asked, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "in/v3.md", "---\ntitle: \"Det kræver mod og vilje\"\nkind: debate\n---\n\n"
		"Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	OK(&r, dir, "add", "in/v3.md", "--id", "kl/debat", "-m", "Re-extract kl/debat"); th_result_free(&r);
	OK(&r, dir, "log", "kl/debat");
	cr_assert(!strstr(r.out.ptr, "Re-extract"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "kl/debat", "--all");
	cr_assert(strstr(r.out.ptr, "Re-extract kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a second re-extraction: 'diff DOC' goes back past both to the last observation */
	th_write(dir, "in/v4.md", "---\ntitle: \"Det kræver mod\"\nkind: debate\n---\n\n"
		"Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform nu.\n");
	OK(&r, dir, "add", "in/v4.md", "--id", "kl/debat", "-m", "Re-extract kl/debat"); th_result_free(&r);
	{
		stance_buf want = STANCE_BUF_INIT, want_all = STANCE_BUF_INIT;
		th_sh(dir, &want, "printf 'a/kl/debat@%%s' $(git rev-parse --short=7 HEAD~2)");
		th_sh(dir, &want_all, "printf 'a/kl/debat@%%s' $(git rev-parse --short=7 HEAD~1)");
		OK(&r, dir, "diff", "kl/debat", "--format=porcelain");
		cr_assert(strstr(r.out.ptr, want.ptr), "compared with the last observation %s: %s", want.ptr, r.out.ptr);
		th_result_free(&r);
		OK(&r, dir, "diff", "kl/debat", "--format=porcelain", "--all");
		cr_assert(strstr(r.out.ptr, want_all.ptr), "--all: with the re-extraction %s: %s", want_all.ptr, r.out.ptr);
		th_result_free(&r);
		stance_buf_dispose(&want);
		stance_buf_dispose(&want_all);
	}
	OK(&r, dir, "show", "kl/debat", "--raw");
	cr_assert(!strstr(r.out.ptr, "Kommunernes Fællesråd"), "show gives the re-extracted text: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(repository, a_saved_text_page_is_imported_with_its_metadata, .fini = th_cleanup)
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

Test(repository, source_changes_are_committed, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	OK(&r, dir, "source", "add", "kf/tema", "http://127.0.0.1:9/tema"); th_result_free(&r);
	OK(&r, dir, "source", "remove", "kf/tema"); th_result_free(&r);
	th_sh(dir, &out, "git log --format=%%s -2 && git status --porcelain");
	cr_assert_str_eq(out.ptr, "Remove source kf/tema\nAdd source kf/tema\n", "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}

Test(repository, dash_C_reads_paths_relative_to_its_folder, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf sub = STANCE_BUF_INIT;
	th_result r;
	stance_buf_printf(&sub, "%s/repo", dir);
	OK(&r, dir, "init", "repo"); th_result_free(&r);
	th_write(dir, "repo/in/a.md", "---\nid: x/a\n---\nText.\n");
	OK(&r, "/", "-C", sub.ptr, "add", "in/a.md");
	cr_assert(strstr(r.out.ptr, "Added x/a"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, "/", "-C", "/nonexistent/folder", "list");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "-C /nonexistent/folder: cannot change to that folder"), "%s", r.err.ptr);
	th_result_free(&r);
	stance_buf_dispose(&sub);
	free(dir);
}

/* `stance` hands the web commands to stance-web and loads neither libcurl
 * nor libxml2 itself; without stance-web beside it, it says so. */
Test(repository, web_commands_run_in_stance_web, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	OK0(dir, "init", "policy");
	th_write(dir, "page.html", "<html lang=\"da\"><head><title>Klima</title></head><body><article>"
		"<h1>Klima</h1><p>Vi skal handle nu, for klimaet venter ikke på nogen af os.</p></article></body></html>");
	OK(&r, dir, "extract", "page.html");
	cr_assert(strstr(r.out.ptr, "Vi skal handle nu"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "help", "fetch");
	cr_assert(strstr(r.out.ptr, "usage: stance fetch"), "%s", r.out.ptr);
	th_result_free(&r);

	cr_assert_eq(th_sh(dir, &out, "ldd '%s'", STANCE_BIN), 0);
	cr_assert_null(strstr(out.ptr, "libcurl"), "%s", out.ptr);
	cr_assert_null(strstr(out.ptr, "libxml2"), "%s", out.ptr);
	stance_buf_clear(&out);

	/* a stance program alone in a folder: a clear error, nothing run */
	cr_assert_eq(th_sh(dir, NULL, "mkdir alone && cp '%s' alone/stance", STANCE_BIN), 0);
	cr_assert_eq(th_sh(dir, &out, "cd policy && ../alone/stance fetch 2>&1; echo \"exit $?\""), 0);
	cr_assert(strstr(out.ptr, "'fetch' runs in stance-web, which is neither at"), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "exit 1"), "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}
