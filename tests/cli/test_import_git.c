/*
 * test_import_git.c: `stance import --git`, a git history of Markdown
 * versions laid out as SERVICE/DOCUMENT.md (as public terms archives keep
 * theirs), made in the test with the git command: one revision per source
 * commit with its author, author date and message; a re-run imports only
 * what is new; --path and --id; bad sources and bad files refused by name
 * with nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

static char *new_repo(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	return dir;
}

static long commits(const char *dir)
{
	char *out = th_sh_out(dir, "git rev-list --count HEAD");
	long n = strtol(out, NULL, 10);
	free(out);
	return n;
}

/* Commits everything in the source folder with that author date and author. */
static void source_commit(const char *src, const char *date, const char *name, const char *message)
{
	cr_assert_eq(th_sh(src, NULL, "git add -A && GIT_AUTHOR_DATE='%s' GIT_AUTHOR_NAME='%s' "
		"GIT_AUTHOR_EMAIL=archive@example.org GIT_COMMITTER_DATE='%s' git -c user.name=Crawler "
		"-c user.email=crawler@example.org commit -q -m '%s'", date, name, date, message), 0);
}

/* A source repository: three commits touching two files, and a README at
 * the top that is not a document. */
static char *terms_archive(void)
{
	char *src = th_tmpdir();
	cr_assert_eq(th_sh(src, NULL, "git init -q ."), 0);
	th_write(src, "README.md", "# The archive\n");
	th_write(src, "Example Bank/Terms of Service.md", "# Terms\n\nYou may use the bank.\n");
	source_commit(src, "2019-01-15T10:00:00+01:00", "Anne Holm", "First terms");
	th_write(src, "Example Bank/Privacy Policy.md", "# Privacy\n\nWe keep your data for a year.\n");
	source_commit(src, "2020-06-30T12:00:00+00:00", "Bo Berg", "Privacy policy found");
	th_write(src, "Example Bank/Terms of Service.md", "# Terms\n\nYou may use the bank, "
		"but not on Sundays.\n");
	th_write(src, "Example Bank/Privacy Policy.md", "# Privacy\n\nWe keep your data for ever.\n");
	source_commit(src, "2021-03-01T08:30:00+02:00", "Anne Holm", "Both changed");
	return src;
}

Test(import_git, terms_archive_history_once, .fini = th_cleanup)
{
	char *dir = new_repo(), *src = terms_archive(), *text;
	long before = commits(dir);
	stance_buf out = STANCE_BUF_INIT;
	th_result r;

	OK(&r, dir, "import", "--git", src);
	cr_expect(strstr(r.out.ptr, "Imported 4 revisions of 2 documents") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 4);

	/* each document's log: the source commits' dates, authors and messages */
	OK(&r, dir, "log", "--json", "example-bank/terms-of-service");
	cr_expect(strstr(r.out.ptr, "2019-01-15T10:00:00+01:00") != NULL, "%s", r.out.ptr);
	cr_expect(strstr(r.out.ptr, "2021-03-01T08:30:00+02:00") != NULL, "%s", r.out.ptr);
	cr_expect(strstr(r.out.ptr, "2020-06-30") == NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(th_sh(dir, &out, "git log --reverse --format='%%aI|%%an|%%s' -4"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out),
		"2019-01-15T10:00:00+01:00|Anne Holm|First terms\n"
		"2020-06-30T12:00:00+00:00|Bo Berg|Privacy policy found\n"
		"2021-03-01T08:30:00+02:00|Anne Holm|Both changed\n"
		"2021-03-01T08:30:00+02:00|Anne Holm|Both changed\n");
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(dir, &out, "git log --format='%%an|%%s' -- example-bank/privacy-policy.md"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "Anne Holm|Both changed\nBo Berg|Privacy policy found\n");
	stance_buf_clear(&out);
	text = th_read(dir, "example-bank/privacy-policy.md");
	cr_expect(strstr(text, "for ever.") != NULL, "%s", text);
	free(text);
	/* the README at the top is no document */
	cr_expect(!th_exists(dir, "readme.md"));
	cr_assert_eq(th_sh(dir, &out, "git status --porcelain -- example-bank"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "");
	stance_buf_clear(&out);

	/* again: nothing new */
	OK(&r, dir, "import", "--git", src);
	cr_expect(strstr(r.out.ptr, "Imported 0 revisions") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 4);

	/* a new commit in the source: only it is imported */
	th_write(src, "Example Bank/Terms of Service.md", "# Terms\n\nYou may use the bank any day.\n");
	source_commit(src, "2022-02-02T09:00:00+01:00", "Bo Berg", "Sundays allowed");
	OK(&r, dir, "import", "--git", src);
	cr_expect(strstr(r.out.ptr, "Imported 1 revision of 2 documents") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 5);
	cr_assert_eq(th_sh(dir, &out, "git log --format='%%aI|%%an|%%s' -1"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "2022-02-02T09:00:00+01:00|Bo Berg|Sundays allowed\n");
	stance_buf_dispose(&out);
	free(src);
	free(dir);
}

Test(import_git, path_filters_and_id_template, .fini = th_cleanup)
{
	char *dir = new_repo(), *src = terms_archive();
	long before = commits(dir);
	th_result r;

	OK(&r, dir, "import", "--git", src, "--path", "*/Privacy*", "--id", "banks/{name}");
	cr_expect(strstr(r.out.ptr, "Imported 2 revisions of 1 document ") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 2);
	cr_expect(th_exists(dir, "banks/privacy-policy.md"));
	cr_expect(!th_exists(dir, "banks/terms-of-service.md"));
	cr_expect(!th_exists(dir, "example-bank/terms-of-service.md"));

	/* --json: the counts as one object; the terms now come in too */
	OK(&r, dir, "import", "--git", src, "--path", "*/Terms*", "--id", "banks/{name}", "--json");
	cr_expect(strstr(r.out.ptr, "\"documents\": 1, \"written\": 2, \"skipped\": 0") != NULL,
		"%s", r.out.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before + 4);
	cr_expect(th_exists(dir, "banks/terms-of-service.md"));
	free(src);
	free(dir);
}

Test(import_git, from_a_url_cloned_first, .fini = th_cleanup)
{
	char *dir = new_repo(), *src = terms_archive(), url[4200];
	th_result r;

	snprintf(url, sizeof(url), "file://%s", src);
	OK(&r, dir, "import", "--git", url);
	cr_expect(strstr(r.out.ptr, "Imported 4 revisions of 2 documents") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(src);
	free(dir);
}

/* `stance import ARGS...` fails naming `want`, and the repository's history
 * and working folder stay as they were. */
static void refused(const char *dir, const char *want, const char *const args[])
{
	long before = commits(dir);
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	th_run(&r, dir, NULL, args);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err.ptr, want) != NULL, "want '%s' in: %s", want, r.err.ptr);
	cr_expect(strstr(r.err.ptr, "nothing was imported") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_eq(commits(dir), before);
	cr_assert_eq(th_sh(dir, &out, "git status --porcelain"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "");
	stance_buf_dispose(&out);
}

Test(import_git, bad_sources_refused_by_name, .fini = th_cleanup)
{
	char *dir = new_repo(), *plain = th_tmpdir(), *missing = th_path(plain, "no-such-archive");
	char *file = th_path(plain, "notes.md");

	th_write(plain, "notes.md", "# Notes\n");
	refused(dir, "no-such-archive: no such folder", (const char *const[]){ "import", "--git", missing, NULL });
	refused(dir, "not a git repository", (const char *const[]){ "import", "--git", plain, NULL });
	refused(dir, "notes.md: not a folder", (const char *const[]){ "import", "--git", file, NULL });
	{
		char *src = terms_archive();
		refused(dir, "no commit changes a file matching 'Nobody/*'",
			(const char *const[]){ "import", "--git", src, "--path", "Nobody/*", NULL });
		free(src);
	}
	free(missing);
	free(file);
	free(plain);
	free(dir);
}

Test(import_git, bad_file_named_by_path_and_commit_nothing_written, .fini = th_cleanup)
{
	char *dir = new_repo(), *src = terms_archive(), *sha, want[256];

	/* a later commit stores a file that is not UTF-8 */
	cr_assert_eq(th_sh(src, NULL, "printf '# Terms\\n\\nBad \\377 byte.\\n' > 'Example Bank/Cookies.md'"), 0);
	source_commit(src, "2022-05-05T10:00:00+00:00", "Bo Berg", "Cookies");
	sha = th_sh_out(src, "git rev-parse --short=7 HEAD");
	sha[7] = '\0';
	snprintf(want, sizeof(want), "Example Bank/Cookies.md at commit %s", sha);
	refused(dir, want, (const char *const[]){ "import", "--git", src, NULL });
	cr_expect(!th_exists(dir, "example-bank/terms-of-service.md"));

	/* two paths that would be one document */
	{
		char *src2 = terms_archive();
		th_write(src2, "example bank/terms of service.md", "# Other terms\n");
		source_commit(src2, "2022-06-06T10:00:00+00:00", "Bo Berg", "Lower case copy");
		refused(dir, "would both be document 'example-bank/terms-of-service'",
			(const char *const[]){ "import", "--git", src2, NULL });
		free(src2);
	}
	free(sha);
	free(src);
	free(dir);
}
