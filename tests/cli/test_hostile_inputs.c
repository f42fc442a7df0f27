/*
 * test_hostile_inputs.c: stories of an archivist handed files made to break
 * stance: devices and FIFOs, oversized and deeply nested documents, ids that
 * climb out of the repository or exceed the file system's limits, symbolic
 * links out of the working folder, NUL bytes and invalid UTF-8, YAML alias
 * bombs and control characters in commit identities. Each is refused with a
 * sentence naming the file, document or line, a non-zero exit, and nothing
 * written: the commit count and `git status` are checked after each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static const char *DOC =
	"---\n"
	"title: Et dokument\n"
	"kind: article\n"
	"language: da\n"
	"---\n\n"
	"Der er brug for mere frihed.\n";

static long commits(const char *dir)
{
	stance_buf out = STANCE_BUF_INIT;
	long n;
	cr_assert_eq(th_sh(dir, &out, "git rev-list --count HEAD"), 0);
	n = strtol(stance_buf_cstr(&out), NULL, 10);
	stance_buf_dispose(&out);
	return n;
}

/* `git status --porcelain`, ignoring the untracked inputs under in/. */
static char *status(const char *dir)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(th_sh(dir, &out, "git status --porcelain --untracked-files=all | grep -v '^?? in/' || true"), 0);
	return stance_buf_detach(&out);
}

static char *new_repo(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init");
	th_result_free(&r);
	return dir;
}

/* Asserts that the last run failed with a message holding every needle, and
 * that the repository has `before` commits and a clean working folder. */
static void assert_refused(const char *dir, const th_result *r, long before, const char *what,
	const char *needle1, const char *needle2)
{
	char *st;
	cr_assert_neq(r->status, 0, "%s: must fail; out: %s err: %s", what, r->out.ptr, r->err.ptr);
	cr_assert_lt(r->status, 128, "%s: must fail cleanly, not by a signal (%d): %s", what, r->status, r->err.ptr);
	cr_assert(strstr(r->err.ptr, needle1), "%s: the message should name '%s': %s", what, needle1, r->err.ptr);
	if (needle2)
		cr_assert(strstr(r->err.ptr, needle2), "%s: the message should say '%s': %s", what, needle2, r->err.ptr);
	cr_assert_eq(commits(dir), before, "%s: nothing may be committed", what);
	st = status(dir);
	cr_assert_str_eq(st, "", "%s: the working folder must be left as it was: %s", what, st);
	free(st);
}

/*
 * Runs stance through the shell with a time limit (and, outside the
 * sanitizer build, a memory limit), so that a stance that hangs or reads
 * without end fails the test instead of stopping the suite.
 */
static void run_limited(th_result *r, const char *dir, int seconds, const char *args)
{
	stance_buf out = STANCE_BUF_INIT;
	memset(r, 0, sizeof(*r));
	r->status = th_sh(dir, &out,
#if defined(__SANITIZE_ADDRESS__)
		"ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:rss_limit_mb=2048\" "
#else
		"ulimit -v 4000000; "
#endif
		"GIT_AUTHOR_NAME='Test Archivist' GIT_AUTHOR_EMAIL=archivist@example.org NO_COLOR=1 "
		"timeout -k 2 %d '%s' %s 2>&1 >/dev/null", seconds, STANCE_BIN, args);
	r->err = out;
	stance_buf_puts(&r->out, "");
}

/* Writes a string literal, NUL bytes included. */
#define WRITE_LITERAL(dir, rel, lit) write_bytes((dir), (rel), (lit), sizeof(lit) - 1)
static void write_bytes(const char *dir, const char *rel, const char *data, size_t len)
{
	char *path = th_path(dir, rel);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "cannot write %s", path);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

/* ---- files that are not documents ---- */

Test(hostile, devices_and_fifos_are_refused_at_once, .fini = th_cleanup, .timeout = 120)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;

	run_limited(&r, dir, 20, "add /dev/zero --id a/zero");
	assert_refused(dir, &r, before, "add /dev/zero", "/dev/zero", "not a regular file");
	th_result_free(&r);

	cr_assert_eq(th_sh(dir, NULL, "mkdir in && mkfifo in/pipe.md"), 0);
	run_limited(&r, dir, 20, "add in/pipe.md --id a/pipe");
	assert_refused(dir, &r, before, "add FIFO", "in/pipe.md", "not a regular file");
	th_result_free(&r);

	run_limited(&r, dir, 20, "import in/pipe.md --id a/pipe");
	assert_refused(dir, &r, before, "import FIFO", "in/pipe.md", "not a regular file");
	th_result_free(&r);

	/* a FIFO named in a manifest: refused by its line, and the lock is not kept */
	th_write(dir, "in/manifest.tsv", "pipe.md\ta/pipe\t2020-01-01\n");
	run_limited(&r, dir, 20, "import --manifest in/manifest.tsv");
	assert_refused(dir, &r, before, "manifest FIFO", "in/manifest.tsv:1", "not a regular file");
	th_result_free(&r);
	cr_assert(!th_exists(dir, ".git/stance.lock"), "the write lock must not be left behind");

	/* a folder named as a document */
	run_limited(&r, dir, 20, "add in --id a/dir");
	assert_refused(dir, &r, before, "add folder", "in", "not a regular file");
	th_result_free(&r);
	free(dir);
}

Test(hostile, oversized_documents_are_refused, .fini = th_cleanup, .timeout = 120)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;

	/* one byte past the documented 32 MiB */
	cr_assert_eq(th_sh(dir, NULL, "mkdir in && head -c 33554433 /dev/zero | tr '\\0' 'a' > in/big.md && "
		"cp in/big.md in/big.txt"), 0);
	run_limited(&r, dir, 60, "add in/big.md --id a/big");
	assert_refused(dir, &r, before, "add big", "in/big.md", "32 MiB");
	th_result_free(&r);
	run_limited(&r, dir, 60, "import in/big.txt --id a/big");
	assert_refused(dir, &r, before, "import big", "in/big.txt", "32 MiB");
	th_result_free(&r);
	free(dir);
}

Test(hostile, deep_nesting_is_refused_at_once, .fini = th_cleanup, .timeout = 120)
{
	char *dir = new_repo();
	long before = commits(dir);
	stance_buf b = STANCE_BUF_INIT;
	th_result r;
	size_t i;

	cr_assert_eq(th_sh(dir, NULL, "mkdir in"), 0);
	/* 100,000 nested block quotes */
	for (i = 0; i < 100000; i++)
		stance_buf_putc(&b, '>');
	stance_buf_puts(&b, " deep\n");
	write_bytes(dir, "in/quotes.md", b.ptr, b.size);
	run_limited(&r, dir, 10, "add in/quotes.md --id a/quotes");
	assert_refused(dir, &r, before, "nested quotes", "in/quotes.md: line 1", "nests");
	th_result_free(&r);

	/* 100,000-deep YAML in the front matter */
	stance_buf_clear(&b);
	stance_buf_puts(&b, "---\ntitle: ");
	for (i = 0; i < 100000; i++)
		stance_buf_putc(&b, '[');
	for (i = 0; i < 100000; i++)
		stance_buf_putc(&b, ']');
	stance_buf_puts(&b, "\n---\nx\n");
	write_bytes(dir, "in/yaml.md", b.ptr, b.size);
	run_limited(&r, dir, 10, "add in/yaml.md --id a/yaml");
	assert_refused(dir, &r, before, "nested YAML", "in/yaml.md", "title");
	th_result_free(&r);
	stance_buf_dispose(&b);
	free(dir);
}

/* ---- ids ---- */

Test(hostile, ids_past_the_file_system_limits_are_refused_before_writing, .fini = th_cleanup)
{
	char *dir = new_repo(), *st;
	long before = commits(dir);
	stance_buf id = STANCE_BUF_INIT, manifest = STANCE_BUF_INIT;
	th_result r;
	size_t i;

	th_write(dir, "in/doc.md", DOC);
	th_write(dir, "in/doc.txt", "Et dokument\n\nDer er brug for mere frihed i kommunerne.\n");
	stance_buf_puts(&id, "kl/");
	for (i = 0; i < 300; i++)
		stance_buf_putc(&id, 'a');
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", id.ptr);
	assert_refused(dir, &r, before, "add 300-byte segment", "in/doc.md", "240 bytes");
	th_result_free(&r);
	TH_RUN(&r, dir, "import", "in/doc.txt", "--id", id.ptr);
	assert_refused(dir, &r, before, "import 300-byte segment", "in/doc.txt", "240 bytes");
	th_result_free(&r);
	stance_buf_printf(&manifest, "doc.md\t%s\t2020-01-01\n", id.ptr);
	th_write(dir, "in/manifest.tsv", manifest.ptr);
	TH_RUN(&r, dir, "import", "--manifest", "in/manifest.tsv");
	assert_refused(dir, &r, before, "manifest 300-byte segment", "in/manifest.tsv:1", "240 bytes");
	th_result_free(&r);

	/* short segments, but a whole id past 1000 bytes */
	stance_buf_clear(&id);
	for (i = 0; i < 120; i++)
		stance_buf_puts(&id, i ? "/abcdefghi" : "abcdefghi");
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", id.ptr);
	assert_refused(dir, &r, before, "add long id", "in/doc.md", "1000 bytes");
	th_result_free(&r);

	/* at the limits, it works: a 240-byte segment */
	stance_buf_clear(&id);
	stance_buf_puts(&id, "kl/");
	for (i = 0; i < 240; i++)
		stance_buf_putc(&id, 'b');
	OK(&r, dir, "add", "in/doc.md", "--id", id.ptr);
	th_result_free(&r);
	cr_assert_eq(commits(dir), before + 1);
	st = status(dir);
	cr_assert_str_eq(st, "", "%s", st);
	free(st);
	stance_buf_dispose(&id);
	stance_buf_dispose(&manifest);
	free(dir);
}

Test(hostile, ids_that_leave_the_repository_are_refused_by_name, .fini = th_cleanup)
{
	static const char *const bad[] = { "../x", "a/../../b", "/etc/x", ".git/x", ".stance/x", "a\\b",
		"..", ".x", "a/.x", "a/./b", "./a", "a//b", "A/b", "a b", "a/b.md" };
	char *dir = new_repo();
	long before = commits(dir);
	stance_buf manifest = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	th_result r;
	size_t i;

	th_write(dir, "in/doc.md", DOC);
	for (i = 0; i < STANCE_ARRAY_SIZE(bad); i++) {
		stance_buf_clear(&msg);
		stance_buf_printf(&msg, "'%s'", bad[i]);
		TH_RUN(&r, dir, "add", "in/doc.md", "--id", bad[i]);
		assert_refused(dir, &r, before, bad[i], "in/doc.md", msg.ptr);
		th_result_free(&r);
		TH_RUN(&r, dir, "import", "in/doc.md", "--id", bad[i]);
		assert_refused(dir, &r, before, bad[i], "in/doc.md", msg.ptr);
		th_result_free(&r);
		stance_buf_clear(&manifest);
		stance_buf_printf(&manifest, "doc.md\t%s\t2020-01-01\n", bad[i]);
		th_write(dir, "in/manifest.tsv", manifest.ptr);
		TH_RUN(&r, dir, "import", "--manifest", "in/manifest.tsv");
		assert_refused(dir, &r, before, bad[i], "in/manifest.tsv:1", msg.ptr);
		th_result_free(&r);
	}
	/* an id in the front matter is checked the same way */
	th_write(dir, "in/climb.md", "---\nid: ../../outside\n---\nx\n");
	TH_RUN(&r, dir, "add", "in/climb.md");
	assert_refused(dir, &r, before, "front matter id", "in/climb.md", "'../../outside'");
	th_result_free(&r);
	cr_assert(!th_exists(dir, "../outside.md"));
	stance_buf_dispose(&manifest);
	stance_buf_dispose(&msg);
	free(dir);
}

/* ---- symbolic links ---- */

Test(hostile, nothing_is_written_through_a_symbolic_link, .fini = th_cleanup)
{
	char *dir = new_repo(), *outside = th_tmpdir();
	long before = commits(dir);
	stance_buf cmd = STANCE_BUF_INIT, manifest = STANCE_BUF_INIT, listing = STANCE_BUF_INIT;
	th_result r;

	th_write(dir, "in/doc.md", DOC);
	th_write(dir, "in/doc.txt", "Et dokument\n\nDer er brug for mere frihed i kommunerne.\n");
	/* a folder of the working tree that is a link out of it */
	stance_buf_printf(&cmd, "ln -s '%s' kl", outside);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0);
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", "kl/x");
	cr_assert(strstr(r.err.ptr, "symbolic link"), "%s", r.err.ptr);
	/* the link itself is untracked, so status shows it: ignore it */
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "kl"), "%s", r.err.ptr);
	cr_assert_eq(commits(dir), before);
	th_result_free(&r);
	TH_RUN(&r, dir, "import", "in/doc.txt", "--id", "kl/y");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "kl") && strstr(r.err.ptr, "symbolic link"), "%s", r.err.ptr);
	cr_assert_eq(commits(dir), before);
	th_result_free(&r);
	th_write(dir, "in/manifest.tsv", "doc.md\tkl/z\t2020-01-01\n");
	TH_RUN(&r, dir, "import", "--manifest", "in/manifest.tsv");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "in/manifest.tsv:1") && strstr(r.err.ptr, "symbolic link"), "%s", r.err.ptr);
	cr_assert_eq(commits(dir), before);
	th_result_free(&r);
	cr_assert_eq(th_sh(outside, &listing, "ls -A"), 0);
	cr_assert_str_eq(listing.ptr, "", "nothing may be written outside: %s", listing.ptr);
	stance_buf_clear(&listing);

	/* a document file that is a link out of the tree, in a real folder */
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "rm kl && mkdir kl && ln -s '%s/y.md' kl/y.md", outside);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0);
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", "kl/y");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "kl/y.md") && strstr(r.err.ptr, "symbolic link"), "%s", r.err.ptr);
	cr_assert_eq(commits(dir), before);
	th_result_free(&r);
	cr_assert_eq(th_sh(outside, &listing, "ls -A"), 0);
	cr_assert_str_eq(listing.ptr, "", "nothing may be written outside: %s", listing.ptr);

	/* a working tree reached through a link is fine: only links inside it count */
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "rm kl/y.md && ln -s '%s' %s/via", dir, outside);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0);
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "%s/via", outside);
	OK(&r, cmd.ptr, "add", "in/doc.md", "--id", "kl/y");
	th_result_free(&r);
	cr_assert_eq(commits(dir), before + 1);
	cr_assert(th_exists(dir, "kl/y.md"));
	stance_buf_dispose(&cmd);
	stance_buf_dispose(&manifest);
	stance_buf_dispose(&listing);
	free(outside);
	free(dir);
}

/* ---- bytes that are not text ---- */

Test(hostile, nul_bytes_and_invalid_utf8_are_refused_by_name, .fini = th_cleanup)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;

	cr_assert_eq(th_sh(dir, NULL, "mkdir in"), 0);
	WRITE_LITERAL(dir, "in/nul.md", "---\ntitle: a\n---\n\nab\0cd\n");
	WRITE_LITERAL(dir, "in/bad.md", "---\ntitle: a\n---\n\nfine\nbad \xc3\x28 here\n");
	TH_RUN(&r, dir, "add", "in/nul.md", "--id", "a/nul");
	assert_refused(dir, &r, before, "add NUL", "in/nul.md: line 5, byte 3", "NUL");
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/bad.md", "--id", "a/bad");
	assert_refused(dir, &r, before, "add bad UTF-8", "in/bad.md: line 6, byte 5", "invalid UTF-8");
	th_result_free(&r);
	TH_RUN(&r, dir, "import", "in/bad.md", "--id", "a/bad");
	assert_refused(dir, &r, before, "import bad UTF-8", "in/bad.md: line 6, byte 5", "invalid UTF-8");
	th_result_free(&r);

	/* diff --files: the file with the NUL is named, nothing of memory shown */
	th_write(dir, "in/ok.md", "---\ntitle: a\n---\n\nab\n");
	TH_RUN(&r, dir, "diff", "--files", "in/nul.md", "in/ok.md");
	cr_assert_eq(r.status, 1, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "in/nul.md") && strstr(r.err.ptr, "NUL"), "%s", r.err.ptr);
	cr_assert_str_eq(r.out.ptr, "");
	th_result_free(&r);
	free(dir);
}

Test(hostile, git_diff_of_a_file_with_a_nul_names_it, .fini = th_cleanup)
{
	char *dir = new_repo();
	stance_buf out = STANCE_BUF_INIT;
	th_result r;

	th_write(dir, "in/doc.md", DOC);
	OK(&r, dir, "add", "in/doc.md", "--id", "kl/doc");
	th_result_free(&r);
	/* the tracked file gains a NUL and a tail git keeps after it */
	WRITE_LITERAL(dir, "kl/doc.md", "Der er\0 brug for mere frihed i kommunerne, sagde de.\n");
	/* init recorded this stance as git's diff driver for documents */
	cr_assert_eq(th_sh(dir, &out, "git diff 2>&1"), 0, "%s", out.ptr);
	cr_assert(strstr(out.ptr, "kl/doc.md") && strstr(out.ptr, "NUL"), "the driver should name the file: %s", out.ptr);
	cr_assert(!strstr(out.ptr, "mere frihed i kommunerne, sagde"), "nothing past the NUL is shown: %s", out.ptr);
	stance_buf_dispose(&out);

	/* git's driver called directly with such a file */
	TH_RUN(&r, dir, "difftool", "kl/doc.md", "kl/doc.md", "0000000", "100644", "in/doc.md", "0000000", "100644");
	cr_assert(strstr(r.err.ptr, "kl/doc.md") && strstr(r.err.ptr, "NUL"), "%s", r.err.ptr);
	cr_assert(!strstr(r.out.ptr, "sagde de"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(hostile, a_byte_order_mark_does_not_hide_the_front_matter, .fini = th_cleanup)
{
	char *dir = new_repo(), *doc;
	th_result r;

	cr_assert_eq(th_sh(dir, NULL, "mkdir in"), 0);
	WRITE_LITERAL(dir, "in/bom.md", "\xEF\xBB\xBF---\ntitle: Med BOM\nlanguage: da\n---\n\nTekst.\n");
	OK(&r, dir, "add", "in/bom.md", "--id", "a/bom");
	th_result_free(&r);
	doc = th_read(dir, "a/bom.md");
	cr_assert(!strncmp(doc, "---\nid: a/bom\ntitle: Med BOM\n", 29), "the front matter is read, no BOM kept: %s", doc);
	cr_assert(strstr(doc, "\n\nTekst.\n"), "%s", doc);
	free(doc);

	WRITE_LITERAL(dir, "in/bom.txt", "\xEF\xBB\xBF" "En overskrift\n\nDer er brug for mere frihed i kommunerne.\n");
	OK(&r, dir, "import", "in/bom.txt", "--id", "a/bomtxt");
	th_result_free(&r);
	doc = th_read(dir, "a/bomtxt.md");
	cr_assert(!strstr(doc, "\xEF\xBB\xBF"), "no BOM is kept: %s", doc);
	cr_assert(strstr(doc, "title: En overskrift\n"), "%s", doc);
	free(doc);
	free(dir);
}

Test(hostile, yaml_alias_bombs_are_refused, .fini = th_cleanup, .timeout = 60)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;

	th_write(dir, "in/bomb.md",
		"---\n"
		"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"---\nx\n");
	th_write(dir, "in/alias.md", "---\ntitle: &t Titel\norganization: *t\n---\nx\n");
	TH_RUN(&r, dir, "add", "in/bomb.md", "--id", "a/bomb");
	assert_refused(dir, &r, before, "alias bomb", "in/bomb.md: line 2", NULL);
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/alias.md", "--id", "a/alias");
	assert_refused(dir, &r, before, "alias", "in/alias.md: line 3", "alias");
	th_result_free(&r);
	free(dir);
}

Test(hostile, invalid_language_tags_are_refused_by_name, .fini = th_cleanup, .timeout = 60)
{
	char *dir = new_repo();
	long before = commits(dir);
	th_result r;

	th_write(dir, "in/lang.md", "---\ntitle: a\nlanguage: en_US\n---\nx\n");
	th_write(dir, "in/doc.md", DOC);
	TH_RUN(&r, dir, "add", "in/lang.md", "--id", "a/lang");
	assert_refused(dir, &r, before, "front matter language", "in/lang.md: line 3", "'en_US'");
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", "a/lang", "--language", "aaaaaaaaaaaaaa\xc3");
	assert_refused(dir, &r, before, "--language", "in/doc.md: --language", "language tag");
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", "a/lang", "--title", "cut \xc3");
	assert_refused(dir, &r, before, "--title", "in/doc.md: --title", "invalid UTF-8");
	th_result_free(&r);
	OK(&r, dir, "add", "in/doc.md", "--id", "a/lang", "--language", "zh-Hant-TW");
	th_result_free(&r);
	cr_assert_eq(commits(dir), before + 1);
	free(dir);
}

/* ---- commit identities ---- */

Test(hostile, control_characters_in_commit_identities_are_refused, .fini = th_cleanup)
{
	char *dir = new_repo();
	long before = commits(dir);
	stance_buf out = STANCE_BUF_INIT;
	th_result r;
	int rc;

	th_write(dir, "in/doc.md", DOC);
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", "a/doc", "--commit-author", "Anna\rHolm <anna@example.org>");
	assert_refused(dir, &r, before, "CR in --commit-author name", "--commit-author", "control character");
	th_result_free(&r);
	TH_RUN(&r, dir, "add", "in/doc.md", "--id", "a/doc", "--commit-author", "Anna Holm <anna@exa\x01mple.org>");
	assert_refused(dir, &r, before, "control in --commit-author e-mail", "--commit-author", "control character");
	th_result_free(&r);
	th_write(dir, "in/manifest.tsv", "doc.md\ta/doc\t2020-01-01\tAnna\rHolm <anna@example.org>\n");
	TH_RUN(&r, dir, "import", "--manifest", "in/manifest.tsv");
	assert_refused(dir, &r, before, "CR in manifest author", "in/manifest.tsv:1", "control character");
	th_result_free(&r);
	/* the library refuses such an identity from the environment too */
	rc = th_sh(dir, &out, "GIT_AUTHOR_NAME=\"$(printf 'Anna\\rHolm')\" '%s' add in/doc.md --id a/doc 2>&1",
		STANCE_BIN);
	cr_assert_neq(rc, 0, "%s", out.ptr);
	cr_assert(strstr(out.ptr, "control character"), "%s", out.ptr);
	cr_assert_eq(commits(dir), before);
	stance_buf_dispose(&out);
	free(dir);
}

/* ---- what is not refused: a pipe given to diff --files ---- */

/* `stance diff --files <(cmd) b` holds no lock, so it reads a pipe as git's
 * --no-index does, to the same bound as a document. */
Test(hostile, diff_files_reads_a_pipe, .fini = th_cleanup, .timeout = 60)
{
	char *dir = th_tmpdir();
	stance_buf out = STANCE_BUF_INIT;
	int rc;

	th_write(dir, "b.md", "Der er brug for mere frihed.\n");
	/* the writer opens the FIFO after stance may have: stance waits for it
	 * (it once read an empty text when it came first); the writer gives up
	 * after 20 s, so a stance that never reads cannot hold the test's pipe */
	rc = th_sh(dir, &out, "mkfifo a.md && (sleep 0.3; timeout 20 sh -c \"printf 'Der er brug for frihed.\\\\n' > a.md\" &) && "
		"'%s' diff --files a.md b.md --format=porcelain 2>&1", STANCE_BIN);
	cr_assert_eq(rc, 0, "%s", out.ptr);
	cr_assert(strstr(out.ptr, "+mere"), "the pipe's text is diffed: %s", out.ptr);
	stance_buf_dispose(&out);
	/* /dev/zero is read only to the bound, then refused by name */
	rc = th_sh(dir, &out, "timeout 20 '%s' diff --files /dev/zero b.md 2>&1", STANCE_BIN);
	cr_assert(rc != 0 && rc < 124, "%d %s", rc, out.ptr);
	cr_assert(strstr(out.ptr, "/dev/zero"), "%s", out.ptr);
	stance_buf_dispose(&out);
	free(dir);
}
