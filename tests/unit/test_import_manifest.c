/*
 * test_import_manifest.c: stance_import_manifest on real repositories: a
 * good manifest becomes one commit per revision in date order, with the
 * report's counts, progress and notes; a bad line is named by the manifest
 * and its line and leaves the repository as it was; the options' version
 * is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void identity(void)
{
	stance_process_settings settings = STANCE_PROCESS_SETTINGS_INIT;
	settings.author_name = "Test Archivist";
	settings.author_email = "archivist@example.org";
	cr_assert_eq(stance_process_settings_set(&settings), 0);
	setenv("GIT_COMMITTER_NAME", "Test Archivist", 1);
	setenv("GIT_COMMITTER_EMAIL", "archivist@example.org", 1);
}

static long commits(const char *dir)
{
	stance_buf out = STANCE_BUF_INIT;
	long n;
	cr_assert_eq(th_sh(dir, &out, "git rev-list --count HEAD"), 0);
	n = strtol(stance_buf_cstr(&out), NULL, 10);
	stance_buf_dispose(&out);
	return n;
}

/* A new repository in a new folder, with the saved revisions in saved/. */
static stance_repo *new_repo(char **dir)
{
	stance_repo *repo = NULL;
	*dir = th_tmpdir();
	cr_assert_eq(stance_repo_init(&repo, *dir), 0, "%s", stance_error_last());
	th_write(*dir, "saved/n1.md", "---\ntitle: Nærhed\nkind: theme\n---\n\nVi vil have mere nærhed.\n");
	th_write(*dir, "saved/n2.md", "---\ntitle: Nærhed\nkind: theme\n---\n\nVi skal have mere nærhed.\n");
	th_write(*dir, "saved/n2-again.md", "---\ntitle: Nærhed\nkind: theme\n---\n\nVi skal have mere nærhed.\n");
	th_write(*dir, "saved/leder.txt", "Leder: Kvalitet først\n\ntekst KL\n\nKvaliteten i "
		"velfærden skal måles på, hvad borgerne får, ikke på hvor mange regler vi har.\n");
	return repo;
}

/* The manifest's path (dir/saved/NAME) after writing `text` to it. Caller frees. */
static char *manifest(const char *dir, const char *name, const char *text)
{
	stance_buf rel = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	stance_buf_printf(&rel, "saved/%s", name);
	th_write(dir, rel.ptr, text);
	stance_buf_printf(&path, "%s/%s", dir, rel.ptr);
	stance_buf_dispose(&rel);
	return stance_buf_detach(&path);
}

typedef struct {
	size_t calls, last_done, last_total, prepared;
} seen;

static void count_progress(size_t done, size_t total, void *payload)
{
	seen *s = payload;
	s->calls++;
	cr_expect(done > s->last_done && done <= total, "progress %zu of %zu after %zu", done, total,
		s->last_done);
	s->last_done = done;
	s->last_total = total;
}

static int set_organization(stance_document *doc, const char *file, stance_buf *message, void *payload)
{
	seen *s = payload;
	s->prepared++;
	cr_expect(strstr(file, "/saved/") != NULL, "prepare got '%s'", file);
	return stance_document_set(doc, "organization", "KL");
}

Test(import_manifest, a_good_manifest_becomes_the_history_with_its_counts, .init = identity,
	.fini = th_cleanup)
{
	char *dir, *m;
	stance_repo *repo = new_repo(&dir);
	stance_import_manifest_options o = STANCE_IMPORT_MANIFEST_OPTIONS_INIT;
	stance_import_report rep = STANCE_IMPORT_REPORT_INIT;
	stance_buf out = STANCE_BUF_INIT;
	seen s = { 0, 0, 0, 0 };
	long before = commits(dir);

	/* out of order on purpose; n2-again repeats n2's content */
	m = manifest(dir, "history.tsv",
		"file\tid\tdate\tauthor\tmessage\n"
		"n2.md\tkl/naerhed\t2020-06-30\t\tSecond version\n"
		"n1.md\tkl/naerhed\t2019-01-15\tAnne Holm <anne@example.org>\n"
		"# a comment\n"
		"leder.txt\tkl/leder\t2009-11-02T10:00+01:00\n"
		"n2-again.md\tkl/naerhed\t2021-01-01\n");
	o.progress = count_progress;
	o.prepare = set_organization;
	o.payload = &s;
	cr_assert_eq(stance_import_manifest(&rep, repo, m, &o), 0, "%s", stance_error_last());
	cr_expect_eq(rep.written, 3);
	cr_expect_eq(rep.skipped, 1, "the revision equal to the content is skipped");
	cr_assert_eq(rep.nrevisions, 4);
	/* oldest first, resolved against the manifest's folder */
	cr_expect_str_eq(rep.revisions[0].id, "kl/leder");
	cr_expect_eq(rep.revisions[0].line, 5);
	cr_expect(strstr(rep.revisions[1].file, "/saved/n1.md") != NULL, "%s", rep.revisions[1].file);
	cr_expect_str_eq(rep.revisions[3].id, "kl/naerhed");
	cr_expect(rep.revisions[0].written && rep.revisions[1].written && rep.revisions[2].written);
	cr_expect(!rep.revisions[3].written);
	/* the text importer's notes, and the callbacks */
	cr_expect(strstr(stance_buf_cstr(&rep.notes), "leder.txt: could not find") != NULL, "%s",
		stance_buf_cstr(&rep.notes));
	cr_expect_eq(s.prepared, 4);
	cr_expect_eq(s.calls, 4);
	cr_expect_eq(s.last_done, 4);
	cr_expect_eq(s.last_total, 4);
	stance_import_report_dispose(&rep);
	cr_expect_eq(commits(dir), before + 3);

	cr_assert_eq(th_sh(dir, &out, "git log --reverse --format='%%ad|%%an|%%s' --date=short -3"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out),
		"2009-11-02|Test Archivist|Add kl/leder\n"
		"2019-01-15|Anne Holm|Add kl/naerhed\n"
		"2020-06-30|Test Archivist|Second version\n");
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(dir, &out, "git status --porcelain -- kl"), 0);
	cr_expect_str_eq(stance_buf_cstr(&out), "", "the working files follow");
	{
		char *text = th_read(dir, "kl/naerhed.md");
		cr_expect(strstr(text, "organization: KL") != NULL, "prepare's field is stored: %s", text);
		free(text);
	}

	/* again: everything is there already */
	memset(&s, 0, sizeof(s));
	cr_assert_eq(stance_import_manifest(&rep, repo, m, &o), 0, "%s", stance_error_last());
	cr_expect_eq(rep.written, 0);
	cr_expect_eq(rep.skipped, 4);
	/* what is there is not read again; the unchanged revision, newer than
	 * the newest stored, is */
	cr_expect_eq(s.prepared, 1, "read again: %zu", s.prepared);
	stance_import_report_dispose(&rep);
	cr_expect_eq(commits(dir), before + 3);

	stance_buf_dispose(&out);
	stance_repo_free(repo);
	free(m);
	free(dir);
}

Test(import_manifest, a_dry_run_lists_and_writes_nothing, .init = identity, .fini = th_cleanup)
{
	char *dir, *m;
	stance_repo *repo = new_repo(&dir);
	stance_import_manifest_options o = STANCE_IMPORT_MANIFEST_OPTIONS_INIT;
	stance_import_report rep = STANCE_IMPORT_REPORT_INIT;
	long before = commits(dir);

	m = manifest(dir, "history.tsv", "n2.md\tkl/naerhed\t2020-06-30\nn1.md\tkl/naerhed\t2019-01-15\n");
	o.dry_run = 1;
	cr_assert_eq(stance_import_manifest(&rep, repo, m, &o), 0, "%s", stance_error_last());
	cr_assert_eq(rep.nrevisions, 2);
	cr_expect_eq(rep.revisions[0].line, 2);
	cr_expect_eq(rep.revisions[1].line, 1);
	cr_expect_eq(rep.written, 0);
	stance_import_report_dispose(&rep);
	cr_expect_eq(commits(dir), before);
	cr_expect(!th_exists(dir, "kl/naerhed.md"));
	stance_repo_free(repo);
	free(m);
	free(dir);
}

/* The import of `text` fails naming `want`, ends "nothing was imported", and
 * leaves the branch, the working folder and the objects as they were. */
static void fails(stance_repo *repo, const char *dir, const char *text, const char *want,
	const stance_import_manifest_options *o)
{
	stance_import_report rep = STANCE_IMPORT_REPORT_INIT;
	stance_buf before = STANCE_BUF_INIT, after = STANCE_BUF_INIT;
	char *m = manifest(dir, "bad.tsv", text);
	const char *cmd = "git rev-parse HEAD && git status --porcelain --untracked-files=all -- kl && "
		"git count-objects -v && ls -a .git .git/objects/pack";
	int error;

	cr_assert_eq(th_sh(dir, &before, "%s", cmd), 0);
	error = stance_import_manifest(&rep, repo, m, o);
	cr_expect_lt(error, 0, "accepted: %s", text);
	cr_expect(strstr(stance_error_last(), want) != NULL, "expected '%s' in: %s", want,
		stance_error_last());
	cr_expect(strstr(stance_error_last(), "; nothing was imported") != NULL, "%s", stance_error_last());
	cr_expect_eq(rep.written, 0);
	stance_import_report_dispose(&rep);
	cr_assert_eq(th_sh(dir, &after, "%s", cmd), 0);
	cr_expect_str_eq(stance_buf_cstr(&after), stance_buf_cstr(&before), "something was written for: %s",
		text);
	stance_buf_dispose(&before);
	stance_buf_dispose(&after);
	free(m);
}

static int refuse_second(stance_document *doc, const char *file, stance_buf *message, void *payload)
{
	if (!strstr(file, "n2.md"))
		return 0;
	stance_buf_printf(message, "%s: --kind: 'novel' is not a kind", file);
	return -1;
}

Test(import_manifest, a_bad_line_is_named_and_nothing_is_written, .init = identity, .fini = th_cleanup)
{
	char *dir;
	stance_repo *repo = new_repo(&dir);
	stance_import_manifest_options o = STANCE_IMPORT_MANIFEST_OPTIONS_INIT;
	stance_import_report rep = STANCE_IMPORT_REPORT_INIT;
	char *m;

	/* one revision in first, so that a failure has something to keep */
	m = manifest(dir, "first.tsv", "n1.md\tkl/first\t2019-01-01\n");
	cr_assert_eq(stance_import_manifest(&rep, repo, m, NULL), 0, "%s", stance_error_last());
	stance_import_report_dispose(&rep);
	free(m);

	fails(repo, dir, "n1.md\tkl/a\t2019-01-01\nmissing.md\tkl/a\t2020-01-01\n",
		"saved/bad.tsv:2: no such file 'missing.md'", NULL);
	fails(repo, dir, "n1.md\tkl/a\t2019-01-01\nn2.md\tkl/a\t2020-13-45\n",
		"saved/bad.tsv:2: '2020-13-45' is not a date", NULL);
	fails(repo, dir, "n1.md\tKL/Bad Id\t2019-01-01\n", "saved/bad.tsv:1: 'KL/Bad Id' is not a valid id", NULL);
	fails(repo, dir, "n1.md\tkl/a\n", "saved/bad.tsv:1: expected 3 to 5 tab-separated fields", NULL);
	/* a file that cannot be read is named after its line, and so is an
	 * extension stance does not read */
	th_write(dir, "saved/broken.txt", "Log ind\n");
	fails(repo, dir, "n1.md\tkl/a\t2019-01-01\nbroken.txt\tkl/a\t2020-01-01\n",
		"saved/bad.tsv:2: ", NULL);
	cr_expect(strstr(stance_error_last(), "broken.txt") != NULL, "%s", stance_error_last());
	th_write(dir, "saved/notes.rtf", "Vi vil have mere nærhed.\n");
	fails(repo, dir, "n1.md\tkl/a\t2019-01-01\nnotes.rtf\tkl/b\t2020-01-01\n",
		"saved/bad.tsv:2: ", NULL);
	cr_expect(strstr(stance_error_last(), "notes.rtf: not a file stance reads by its name") != NULL, "%s",
		stance_error_last());
	/* the caller's prepare refusing a revision: its line and message */
	o.prepare = refuse_second;
	fails(repo, dir, "n1.md\tkl/a\t2019-01-01\nn2.md\tkl/a\t2020-01-01\n",
		"saved/bad.tsv:2: ", &o);
	cr_expect(strstr(stance_error_last(), "n2.md: --kind: 'novel' is not a kind") != NULL, "%s",
		stance_error_last());
	fails(repo, dir, "# only a comment\n", "saved/bad.tsv: no revisions in the manifest", NULL);
	stance_repo_free(repo);
	free(dir);
}

Test(import_manifest, the_options_version_is_checked, .init = identity, .fini = th_cleanup)
{
	char *dir, *m;
	stance_repo *repo = new_repo(&dir);
	stance_import_manifest_options o = STANCE_IMPORT_MANIFEST_OPTIONS_INIT;
	stance_import_options io = STANCE_IMPORT_OPTIONS_INIT;
	stance_import_report rep = STANCE_IMPORT_REPORT_INIT;
	long before = commits(dir);

	m = manifest(dir, "history.tsv", "n1.md\tkl/naerhed\t2019-01-15\n");
	o.version = 99;
	cr_expect_eq(stance_import_manifest(&rep, repo, m, &o), STANCE_EINVALID);
	cr_expect(strstr(stance_error_last(), "stance_import_manifest_options: unknown version 99") != NULL,
		"%s", stance_error_last());
	o.version = STANCE_IMPORT_MANIFEST_OPTIONS_VERSION;
	io.version = 7;
	o.import = &io;
	cr_expect_eq(stance_import_manifest(&rep, repo, m, &o), STANCE_EINVALID);
	cr_expect(strstr(stance_error_last(), "stance_import_options: unknown version 7") != NULL,
		"%s", stance_error_last());
	stance_import_report_dispose(&rep);
	cr_expect_eq(commits(dir), before);
	stance_repo_free(repo);
	free(m);
	free(dir);
}
