/*
 * test_import_checkpoint.c: a saved history imported with a checkpoint
 * before nearly every revision (STANCE_IMPORT_CHECKPOINT_BYTES=1, so the
 * batch writes a pack each time) comes out as the same commits as one
 * imported without checkpoints (compared through git fast-export, less the
 * committer time, the moment each commit was made); a bad file late in the manifest, after
 * many packs were written, leaves the branch, the work tree and the index
 * as they were, and the fixed manifest then imports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define DOCS 3
#define REVS 30 /* 90 revisions: past 64, the files are read on several threads */

/* Writes saved/f-D-R.md for each document D and revision R, and
 * saved/manifest.tsv naming them, the lines not in date order. */
static void write_history(const char *dir)
{
	stance_buf manifest = STANCE_BUF_INIT, name = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	int d, r;
	for (r = REVS - 1; r >= 0; r--)
		for (d = 0; d < DOCS; d++) {
			stance_buf_clear(&name);
			stance_buf_clear(&text);
			cr_assert_eq(stance_buf_printf(&name, "saved/f-%d-%d.md", d, r), 0);
			cr_assert_eq(stance_buf_printf(&text, "---\ntitle: Dokument %d\nkind: theme\n---\n\n"
				"Kommunen skal have %d nye skoler i udgave %d.\n\nAfsnit to bliver stående.\n",
				d, r * 7 + d, r), 0);
			th_write(dir, name.ptr, text.ptr);
			cr_assert_eq(stance_buf_printf(&manifest, "f-%d-%d.md\tkl/dok-%d\t2020-01-%02dT%02d:00:00Z\n",
				d, r, d, 1 + r, d), 0);
		}
	th_write(dir, "saved/manifest.tsv", manifest.ptr);
	stance_buf_dispose(&manifest);
	stance_buf_dispose(&name);
	stance_buf_dispose(&text);
}

/* Output of a shell command in `dir`. */
static char *sh(const char *dir, const char *cmd)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(th_sh(dir, &out, "%s", cmd), 0, "%s", cmd);
	return stance_buf_detach(&out);
}

static long packs(const char *dir)
{
	char *n = sh(dir, "ls .git/objects/pack | grep -c '\\.pack$' || true");
	long count = strtol(n, NULL, 10);
	free(n);
	return count;
}

/* Imports saved/manifest.tsv into `dir`, with checkpoint size `bytes` (NULL: the default). */
static void import(const char *dir, const char *bytes)
{
	th_result r;
	if (bytes)
		setenv("STANCE_IMPORT_CHECKPOINT_BYTES", bytes, 1);
	else
		unsetenv("STANCE_IMPORT_CHECKPOINT_BYTES");
	OK(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect(strstr(r.out.ptr, "Imported 90 revisions") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	unsetenv("STANCE_IMPORT_CHECKPOINT_BYTES");
}

/* Every commit of HEAD as git fast-export gives it (blobs, file changes,
 * authors, messages, parents), but for each commit's committer time, the
 * moment it was made: equal for two histories whose commit ids would be
 * equal had they been made at the same moments. */
#define EXPORT "git fast-export --reencode=no HEAD | sed 's/^\\(committer .*>\\) [0-9]* [-+][0-9]*$/\\1/'"

Test(import_checkpoint, checkpoints_give_the_same_commits, .fini = th_cleanup)
{
	char *base = th_tmpdir(), *tmp = th_tmpdir(), *a, *b;
	char *a_export, *b_export, *a_times, *b_times, *a_ids, *b_ids, *a_files, *b_files, *fsck;
	stance_buf cmd = STANCE_BUF_INIT;
	long before;
	th_result r;

	OK(&r, base, "init");
	th_result_free(&r);
	write_history(base);
	cr_assert_eq(stance_buf_printf(&cmd, "cp -a '%s' a && cp -a '%s' b", base, base), 0);
	free(sh(tmp, cmd.ptr));
	stance_buf_dispose(&cmd);
	a = th_path(tmp, "a");
	b = th_path(tmp, "b");
	before = packs(a);
	import(a, "1");
	import(b, NULL);
	cr_expect_gt(packs(a), before + 50, "a pack at (nearly) every revision: %ld", packs(a));
	cr_expect_eq(packs(b), before + 1, "one pack without checkpoints: %ld", packs(b));
	a_export = sh(a, EXPORT);
	b_export = sh(b, EXPORT);
	cr_expect(strstr(a_export, "\ncommitter ") != NULL && strstr(a_export, "Kommunen skal have") != NULL,
		"the export holds the commits and their files");
	cr_expect_str_eq(a_export, b_export, "the same commits, up to the moment each was made");
	/* when both imports made their commits in the same seconds, the ids are equal too */
	a_times = sh(a, "git log --format=%ct");
	b_times = sh(b, "git log --format=%ct");
	a_ids = sh(a, "git log --format=%H");
	b_ids = sh(b, "git log --format=%H");
	if (!strcmp(a_times, b_times))
		cr_expect_str_eq(a_ids, b_ids, "the same commit ids");
	a_files = sh(a, "git status --porcelain && cat kl/dok-0.md kl/dok-1.md kl/dok-2.md");
	b_files = sh(b, "git status --porcelain && cat kl/dok-0.md kl/dok-1.md kl/dok-2.md");
	cr_expect_str_eq(a_files, b_files, "the same working files, clean");
	fsck = sh(a, "git fsck --full --no-dangling 2>&1");
	cr_expect_str_eq(fsck, "", "the repository written in many packs is whole");
	free(a_export); free(b_export); free(a_times); free(b_times); free(a_ids); free(b_ids);
	free(a_files); free(b_files); free(fsck);
	free(a);
	free(b);
	free(base);
	free(tmp);
}

Test(import_checkpoint, a_bad_file_late_leaves_the_branch_after_many_packs, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *before, *after, *fsck, *status;
	long packs_before;
	th_result r;

	OK(&r, dir, "init");
	th_result_free(&r);
	write_history(dir);
	/* the newest revision of kl/dok-2 (the last line of date order) cannot be read */
	th_write(dir, "saved/f-2-29.md", "---\ntitle: [unclosed\n---\n\nTekst.\n");
	before = sh(dir, "git rev-parse HEAD && git status --porcelain --untracked-files=all -- kl && ls .git | grep -v '^stance-history$'");
	packs_before = packs(dir);
	setenv("STANCE_IMPORT_CHECKPOINT_BYTES", "1", 1);
	TH_RUN(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect_eq(r.status, 1, "a bad file was accepted: %s", r.out.ptr);
	cr_expect(strstr(r.err.ptr, "saved/manifest.tsv:3: ") != NULL, "names the line: %s", r.err.ptr);
	cr_expect(strstr(r.err.ptr, "f-2-29.md") != NULL, "names the file: %s", r.err.ptr);
	cr_expect(strstr(r.err.ptr, "nothing was imported") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	cr_expect_gt(packs(dir), packs_before + 50, "the checkpoints before the failure wrote packs");
	after = sh(dir, "git rev-parse HEAD && git status --porcelain --untracked-files=all -- kl && ls .git | grep -v '^stance-history$'");
	cr_expect_str_eq(after, before, "the branch, the work tree and .git are as they were (the revision table's cache aside)");
	cr_expect(!th_exists(dir, "kl/dok-0.md"));
	fsck = sh(dir, "git fsck --full 2>&1 | grep -v '^dangling' || true");
	cr_expect_str_eq(fsck, "", "the packs hold only unreferenced objects: %s", fsck);

	/* fixed, the same manifest imports, all of it */
	th_write(dir, "saved/f-2-29.md", "---\ntitle: Dokument 2\nkind: theme\n---\n\nRettet.\n");
	OK(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect(strstr(r.out.ptr, "Imported 90 revisions") != NULL, "%s", r.out.ptr);
	th_result_free(&r);
	unsetenv("STANCE_IMPORT_CHECKPOINT_BYTES");
	status = sh(dir, "git rev-list --count HEAD && git status --porcelain && cat kl/dok-2.md");
	cr_expect(strstr(status, "91\n") == status, "90 revisions on the first commit: %s", status);
	cr_expect(strstr(status, "Rettet.") != NULL, "%s", status);
	free(status);
	free(fsck);
	free(before);
	free(after);
	free(dir);
}

Test(import_checkpoint, a_bad_checkpoint_size_is_refused, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init");
	th_result_free(&r);
	write_history(dir);
	setenv("STANCE_IMPORT_CHECKPOINT_BYTES", "64M", 1);
	TH_RUN(&r, dir, "import", "--manifest", "saved/manifest.tsv");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err.ptr, "STANCE_IMPORT_CHECKPOINT_BYTES must be a positive number of bytes, not '64M'")
		!= NULL, "%s", r.err.ptr);
	th_result_free(&r);
	unsetenv("STANCE_IMPORT_CHECKPOINT_BYTES");
	free(dir);
}
