/*
 * test_revcache.c: the revision table (.git/stance-history) and the cache
 * of what each revision gives (.git/stance-cache/: words, front matter,
 * position statements). log, list and positions --history answer the same
 * with the caches as without them; a plain `git commit` made after they were
 * written is seen; a truncated or garbled cache file is ignored and written
 * anew.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h" /* stance_checksum64, to write a cache file as stance would */

#define FM(title, org, kind) "---\ntitle: " title "\nkind: " kind "\norganization: " org "\nlanguage: da\n---\n"

static char *repo_with_history(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_add_document(dir, FM("Ældre", "Ærø Kommune", "debate") "# Økonomi\n\n"
		"Kommunerne skal have 50 millioner kroner til ældreplejen i 2025.\n\n"
		"Vi ønsker færre regler for hjemmeplejen.\n\nVi savner flere cykelstier.\n", "aeroe/aeldre", "2020-01-01");
	th_add_document(dir, FM("Ældre", "Ærø Kommune", "debate") "# Økonomi\n\n"
		"Kommunerne skal have 80 millioner kroner til ældreplejen i 2030.\n\n"
		"Vi savner flere cykelstier i byen.\n", "aeroe/aeldre", "2021-01-01");
	th_add_document(dir, FM("Skat", "KL", "theme") "# Skat\n\nVi skal sænke skatten.\n\nVi savner lavere afgifter.\n",
		"kl/skat", "2020-06-01");
	th_add_document(dir, FM("Skat", "KL", "theme") "# Skat\n\nVi skal sænke skatten for alle.\n\n"
		"Vi savner lavere afgifter på benzin.\n", "kl/skat", "2022-02-01");
	th_add_document(dir, FM("Ældre", "Ærø Kommune", "debate") "# Økonomi\n\n"
		"Kommunerne bør have 80 millioner kroner til ældreplejen i 2030.\n\n"
		"Vi savner flere cykelstier i byen.\n\nVi skal bygge flere plejehjem.\n", "aeroe/aeldre", "2022-03-01");
	return dir;
}

/* The commands whose answers the caches hold. */
static const char *const forms[][5] = {
	{ "log", "aeroe/aeldre" },
	{ "log", "--json" },
	{ "log", "kl/skat", "-n", "1" },
	{ "list" },
	{ "list", "--json" },
	{ "positions", "aeroe/aeldre", "--history" },
	{ "positions", "aeroe/aeldre", "--history", "--json" },
	{ "show", "aeroe/aeldre@2021-06-01" },
	{ "diff", "aeroe/aeldre@{1}", "aeroe/aeldre" },
};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static char *run_out(const char *dir, const char *const *form)
{
	th_result r;
	const char *argv[8] = { NULL };
	char *out;
	size_t i;
	for (i = 0; i < 5 && form[i]; i++)
		argv[i] = form[i];
	th_run(&r, dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s %s: %s", form[0], form[1] ? form[1] : "", stance_buf_cstr(&r.err));
	out = strdup(stance_buf_cstr(&r.out));
	th_result_free(&r);
	return out;
}

static void remove_caches(const char *dir)
{
	cr_assert_eq(th_sh(dir, NULL, "rm -rf .git/stance-history .git/stance-cache"), 0);
}

/* Every form's answer, each run with no cache at all. */
static void answers_without_cache(const char *dir, char *out[NFORMS])
{
	size_t f;
	for (f = 0; f < NFORMS; f++) {
		remove_caches(dir);
		out[f] = run_out(dir, forms[f]);
	}
}

static void expect_answers(const char *dir, char *const want[NFORMS], const char *when)
{
	size_t f;
	for (f = 0; f < NFORMS; f++) {
		char *got = run_out(dir, forms[f]);
		cr_assert_str_eq(got, want[f], "%s %s differs %s", forms[f][0], forms[f][1] ? forms[f][1] : "", when);
		free(got);
	}
}

static void free_answers(char *out[NFORMS])
{
	size_t f;
	for (f = 0; f < NFORMS; f++)
		free(out[f]);
}

/* The cache files there are now (the positions file's name is a hash). */
static const char *cache_files[] = {
	".git/stance-history", ".git/stance-cache/words", ".git/stance-cache/front",
};

static char *positions_file(const char *dir)
{
	stance_buf out = STANCE_BUF_INIT;
	char *name;
	cr_assert_eq(th_sh(dir, &out, "ls .git/stance-cache/positions/ | head -1"), 0);
	cr_assert(out.size > 1, "no positions cache file");
	out.ptr[strcspn(out.ptr, "\n")] = '\0';
	name = th_path(".git/stance-cache/positions", out.ptr);
	stance_buf_dispose(&out);
	return name;
}

Test(revcache, answers_the_same_with_the_caches_as_without, .fini = th_cleanup)
{
	char *dir = repo_with_history(), *want[NFORMS], *pos;
	size_t i;
	answers_without_cache(dir, want);
	cr_assert(strstr(want[0], "+"), "log shows no word counts: %s", want[0]);
	cr_assert(strstr(want[3], "aeroe/aeldre") && strstr(want[3], "kl/skat"), "%s", want[3]);
	/* one run of each fills the caches; every later run reads them */
	expect_answers(dir, want, "on the run that fills the caches");
	for (i = 0; i < sizeof(cache_files) / sizeof(cache_files[0]); i++)
		cr_assert(th_exists(dir, cache_files[i]), "no %s", cache_files[i]);
	pos = positions_file(dir);
	cr_assert(th_exists(dir, pos), "no %s", pos);
	expect_answers(dir, want, "read from the caches");
	free(pos);
	free_answers(want);
	free(dir);
}

Test(revcache, a_plain_git_commit_after_the_caches_were_written_is_seen, .fini = th_cleanup)
{
	char *dir = repo_with_history(), *before, *after, *want[NFORMS];
	static const char *const log[] = { "log", "aeroe/aeldre", NULL };
	static const char *const list[] = { "list", NULL };
	free(run_out(dir, forms[5]));
	before = run_out(dir, log);
	cr_assert(strstr(before, "+"), "%s", before);
	/* git, not stance: the caches know nothing of this commit */
	cr_assert_eq(th_sh(dir, NULL, "sed -i 's/Vi skal bygge flere plejehjem./Vi skal bygge mange flere "
		"plejehjem nu./' aeroe/aeldre.md && git add aeroe/aeldre.md && git -c user.name=T "
		"-c user.email=t@example.org commit -q -m 'Plain git edit'"), 0);
	after = run_out(dir, log);
	cr_assert(strstr(after, "Plain git edit"), "log does not show the git commit:\n%s", after);
	cr_assert_gt(strlen(after), strlen(before));
	free(after);
	after = run_out(dir, list);
	cr_assert(strstr(after, "  4  "), "list does not count 4 revisions of aeroe/aeldre:\n%s", after);
	free(after);
	/* and what the caches answer now is what a run without them answers */
	{
		size_t f;
		char *got[NFORMS];
		for (f = 0; f < NFORMS; f++)
			got[f] = run_out(dir, forms[f]);
		answers_without_cache(dir, want);
		for (f = 0; f < NFORMS; f++)
			cr_assert_str_eq(got[f], want[f], "%s %s is stale after a git commit", forms[f][0],
				forms[f][1] ? forms[f][1] : "");
		free_answers(got);
	}
	free_answers(want);
	free(before);
	free(dir);
}

/* `text` cut after its `lines`th line: a file that ends at a line's end,
 * as one written partly would. */
static void truncate_lines(const char *dir, const char *rel, size_t lines)
{
	char *text = th_read(dir, rel), *p;
	size_t n = 0;
	cr_assert(text, "no %s", rel);
	for (p = text; *p && n < lines; p++)
		n += *p == '\n';
	*p = '\0';
	th_write(dir, rel, text);
	free(text);
}

static void expect_rewritten(const char *dir, const char *rel)
{
	char *text = th_read(dir, rel), *last;
	size_t n;
	cr_assert(text, "%s was not written again", rel);
	n = strlen(text);
	cr_assert(n > 5 && text[n - 1] == '\n', "%s", rel);
	text[n - 1] = '\0';
	last = strrchr(text, '\n');
	cr_assert(last && !strncmp(last + 1, "end ", 4), "%s was not rebuilt whole: ends with %s", rel,
		last ? last + 1 : text);
	free(text);
}

Test(revcache, a_truncated_or_garbled_cache_file_is_ignored_and_rebuilt, .fini = th_cleanup)
{
	char *dir = repo_with_history(), *want[NFORMS], *pos;
	const char *files[4];
	size_t i, k;
	answers_without_cache(dir, want);
	expect_answers(dir, want, "filling the caches");
	pos = positions_file(dir);
	for (i = 0; i < 3; i++)
		files[i] = cache_files[i];
	files[3] = pos;
	for (i = 0; i < 4; i++) {
		for (k = 0; k < 4; k++) {
			switch (k) {
			case 0: truncate_lines(dir, files[i], 3); break;       /* cut at a line's end */
			case 1: truncate_lines(dir, files[i], 1); break;       /* the header alone */
			case 2: th_write(dir, files[i], "stance-cache 1 words -\n\x01\xff garbage\tzz\n"); break;
			case 3: {                                              /* one byte changed */
				char *text = th_read(dir, files[i]);
				size_t n = strlen(text);
				text[n / 2] = text[n / 2] == '0' ? '1' : '0';
				th_write(dir, files[i], text);
				free(text);
				break;
			}
			}
			expect_answers(dir, want, "after a cache file was damaged");
			expect_rewritten(dir, files[i]);
		}
	}
	free(pos);
	free_answers(want);
	free(dir);
}

/* `rel` with its first `from` replaced by `to` (of the same length, so no
 * record's length changes), its checksum made right again: a cache file
 * stance would take as sound. */
static void rewrite_record(const char *dir, const char *rel, const char *from, const char *to)
{
	char *text = th_read(dir, rel), *at, *last;
	stance_buf out = STANCE_BUF_INIT;
	unsigned long long count;
	size_t n;
	cr_assert(text, "no %s", rel);
	cr_assert_eq(strlen(from), strlen(to));
	cr_assert((at = strstr(text, from)), "no '%s' in %s", from, rel);
	memcpy(at, to, strlen(to));
	n = strlen(text);
	text[n - 1] = '\0';
	last = strrchr(text, '\n') + 1;
	cr_assert_eq(sscanf(last, "end %llu", &count), 1, "%s", last);
	stance_buf_put(&out, text, (size_t)(last - text));
	stance_buf_printf(&out, "end %llu %016llx\n", count,
		(unsigned long long)stance_checksum64(text, (size_t)(last - text)));
	th_write(dir, rel, stance_buf_cstr(&out));
	stance_buf_dispose(&out);
	free(text);
}

/* The answers come from the caches: a sound record is believed (which is
 * why a record is keyed by the blobs it was computed from). */
Test(revcache, a_later_run_reads_its_answers_from_the_caches, .fini = th_cleanup)
{
	char *dir = repo_with_history(), *out;
	static const char *const log[] = { "log", "kl/skat", NULL };
	static const char *const list[] = { "list", NULL };
	stance_buf words = STANCE_BUF_INIT;
	free(run_out(dir, log));
	free(run_out(dir, list));
	/* the one record of kl/skat's first revision (no old blob): its counts */
	out = th_read(dir, ".git/stance-cache/words");
	cr_assert(out, "no words cache");
	{
		const char *rec = strstr(out, "- "), *value;
		cr_assert(rec, "%s", out);
		value = strchr(rec, '\n') + 1;
		stance_buf_put(&words, value, strcspn(value, "\n"));
	}
	free(out);
	cr_assert(words.size >= 3, "%s", words.ptr);
	{
		/* the same length, other digits */
		char *fake = strdup(words.ptr);
		size_t i;
		for (i = 0; fake[i]; i++)
			if (fake[i] >= '0' && fake[i] <= '9')
				fake[i] = '7';
		rewrite_record(dir, ".git/stance-cache/words", words.ptr, fake);
		out = run_out(dir, log);
		/* kl/skat's revisions remove no word: a "-7" is the record's */
		cr_assert(strstr(out, "-7"), "log did not read the words cache (%s):\n%s", fake, out);
		free(out);
		free(fake);
	}
	rewrite_record(dir, ".git/stance-cache/front", "title: Skat", "title: Skot");
	out = run_out(dir, list);
	cr_assert(strstr(out, "Skot"), "list did not read the front matter cache:\n%s", out);
	free(out);
	stance_buf_dispose(&words);
	free(dir);
}
