/*
 * test_batch.c: the batch writer (batch.h) on real repositories: many
 * revisions become commits that reach the branch in one move, with the
 * working files and the index brought along; an unchanged text adds
 * nothing; a batch freed unfinished (flushed or not, after checkpoints or
 * not) leaves the branch and the files as they were; checkpoints change
 * the packs, not the commits; the dates the revision table then holds; text appended to
 * a file; snapshots; a working file holding changes stance did not store is
 * refused and the batch left as it was; a branch moved by another writer
 * meanwhile keeps that writer's commit; a small batch is one pack of whole
 * objects, each once, that git fsck reads back, a large one keeps the pack
 * builder's deltas; a pack that cannot be written names the repository and
 * leaves the branch and the files as they were.
 */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#define T0 1606824000 /* 2020-12-01T12:00:00Z */

typedef struct {
	char *dir;
	stance_repo *repo;
} fixture;

static fixture open_repo(int lock)
{
	fixture f;
	f.dir = th_tmpdir();
	f.repo = NULL;
	cr_assert_eq(stance_repo_init(NULL, f.dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_open(&f.repo, f.dir), 0, "%s", stance_error_last());
	if (lock)
		cr_assert_eq(stance_repo_lock(f.repo, 0), 0, "%s", stance_error_last());
	return f;
}

static void close_repo(fixture *f)
{
	stance_repo_free(f->repo);
	free(f->dir);
}

static stance_document *make_doc(const char *id, const char *body)
{
	stance_document *doc = NULL;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set(doc, "id", id), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_set(doc, "title", "Titel"), 0);
	cr_assert_eq(stance_document_set_body(doc, body, strlen(body)), 0, "%s", stance_error_last());
	return doc;
}

static int add(stance_batch *b, const char *id, const char *body, int64_t when, stance_save_result *r)
{
	stance_document *doc = make_doc(id, body);
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result local;
	int error;
	o.time = when;
	error = stance_batch_save(r ? r : &local, b, doc, &o);
	stance_document_free(doc);
	return error;
}

static char *sh(const char *dir, const char *cmd)
{
	return th_sh_out(dir, cmd);
}

Test(batch, many_revisions_reach_the_branch_in_one_move, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	stance_save_result r;
	char *before = sh(f.dir, "git rev-parse HEAD"), *count, *reflog, *status, *log;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0, "%s", stance_error_last());
	for (i = 0; i < 5; i++) {
		char body[128];
		snprintf(body, sizeof(body), "Version %d af temaet om nærhed.\n", i + 1);
		cr_assert_eq(add(b, "kl/tema", body, T0 + i * 86400, &r), 0, "%s", stance_error_last());
		cr_expect_eq(r.changed, 1);
		cr_expect_eq(r.created, i == 0);
	}
	cr_assert_eq(add(b, "da/andet", "Et andet dokument.\n", T0 + 10, NULL), 0, "%s", stance_error_last());
	cr_expect_eq(stance_batch_count(b), 6);
	/* nothing is on the branch or in the working folder yet */
	{
		char *now = sh(f.dir, "git rev-parse HEAD");
		cr_expect_str_eq(now, before);
		free(now);
	}
	cr_expect(!th_exists(f.dir, "kl/tema.md"));
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	count = sh(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "7\n", "init and six revisions");
	reflog = sh(f.dir, "git reflog show --format=%gs HEAD | wc -l");
	cr_expect_str_eq(reflog, "2\n", "the branch moved once after init");
	status = sh(f.dir, "git status --porcelain");
	cr_expect_str_eq(status, "", "working files and index are the branch's");
	log = sh(f.dir, "git log -2 --format=%s%x20%at --reverse -- kl/tema.md");
	cr_expect(strstr(log, "Update kl/tema") != NULL, "%s", log);
	{
		char *file = th_read(f.dir, "kl/tema.md");
		cr_expect(strstr(file, "Version 5 af temaet om nærhed.") != NULL, "%s", file);
		free(file);
	}
	free(before);
	free(count);
	free(reflog);
	free(status);
	free(log);
	close_repo(&f);
}

Test(batch, an_unchanged_text_adds_nothing, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	stance_save_result r;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	cr_assert_eq(add(b, "a/b", "Samme tekst.\n", T0, &r), 0);
	cr_assert_eq(add(b, "a/b", "Samme tekst.\n", T0 + 60, &r), 0);
	cr_expect_eq(r.changed, 0);
	cr_expect_eq(stance_batch_count(b), 1);
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	b = NULL;
	/* nor against the branch, in the next batch */
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	cr_assert_eq(add(b, "a/b", "Samme tekst.\n", T0 + 120, &r), 0);
	cr_expect_eq(r.changed, 0);
	cr_expect_eq(stance_batch_count(b), 0);
	cr_assert_eq(stance_batch_finish(b), 0, "an empty batch finishes doing nothing: %s", stance_error_last());
	stance_batch_free(b);
	close_repo(&f);
}

Test(batch, freed_unfinished_it_leaves_the_repository_as_it_was, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char *before = sh(f.dir, "git rev-parse HEAD; git branch --list snapshots"), *after, *fsck;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_document *doc = make_doc("a/b", "Tekst.\n");
	stance_save_result r;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	o.snapshot_ext = "html";
	o.snapshot_data = "<p>Tekst.</p>";
	o.snapshot_len = 13;
	cr_assert_eq(stance_batch_save(&r, b, doc, &o), 0, "%s", stance_error_last());
	cr_assert_eq(add(b, "a/c", "Mere.\n", T0, NULL), 0);
	cr_assert_eq(stance_batch_flush(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	after = sh(f.dir, "git rev-parse HEAD; git branch --list snapshots");
	cr_expect_str_eq(after, before);
	cr_expect(!th_exists(f.dir, "a/b.md"));
	cr_expect(!th_exists(f.dir, ".git/stance-update"), "no journal is left");
	fsck = sh(f.dir, "git fsck --no-dangling 2>&1");
	cr_expect_str_eq(fsck, "", "the repository is whole");
	free(fsck);
	free(after);
	free(before);
	stance_document_free(doc);
	close_repo(&f);
}

Test(batch, the_dates_the_revision_table_holds_after_a_batch, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	stance_history_dates *d = NULL;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	cr_assert_eq(add(b, "a/b", "En.\n", T0, NULL), 0);
	cr_assert_eq(add(b, "a/b", "To.\n", T0 + 500, NULL), 0);
	cr_assert_eq(add(b, "a/c", "Tre.\n", T0 + 100, NULL), 0);
	cr_assert_eq(stance_batch_finish(b), 0);
	stance_batch_free(b);
	cr_assert_eq(stance_history_dates_load(&d, f.repo), 0, "%s", stance_error_last());
	cr_expect_eq(stance_history_dates_newest(d, "a/b"), T0 + 500);
	cr_expect_eq(stance_history_dates_newest(d, "a/c"), T0 + 100);
	cr_expect_eq(stance_history_dates_newest(d, "a/findes-ikke"), 0, "a document the branch does not have");
	cr_expect(stance_history_dates_has(d, "a/b", T0));
	cr_expect(!stance_history_dates_has(d, "a/b", T0 + 1));
	cr_expect(!stance_history_dates_has(d, "a/c", T0 + 500), "another document's date");
	stance_history_dates_free(d);
	close_repo(&f);
}

/* The branch's commits, oldest first, after `n` revisions of three
 * documents written through one batch with checkpoint size `bytes`. */
static char *batch_history(size_t bytes, int n)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char body[128], *log, *packs;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	stance_batch_set_checkpoint(b, bytes);
	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "Udgave %d af teksten.\n", i);
		cr_assert_eq(add(b, i % 3 ? "a/b" : "c/d", body, T0 + i, NULL), 0, "%s", stance_error_last());
	}
	packs = sh(f.dir, "ls .git/objects/pack/*.pack 2>/dev/null | wc -l");
	if (bytes == 1)
		cr_expect_gt(strtol(packs, NULL, 10), n / 2, "a checkpoint before nearly every save, %s packs", packs);
	free(packs);
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	/* the batch's commits, oldest first, but for the committer time (the
	 * moment each was made) and the parent of the first (each repository's
	 * own first commit): their trees, authors, dates and messages, one line
	 * of parents each */
	log = sh(f.dir, "git log --reverse --format='%T %an <%ae> %at %s' HEAD~30..HEAD && "
		"git rev-list --count --max-parents=1 --min-parents=1 HEAD~30..HEAD && "
		"git fsck --no-dangling 2>&1 && cat a/b.md c/d.md");
	close_repo(&f);
	return log;
}

Test(batch, checkpoints_write_the_same_commits, .fini = th_cleanup)
{
	char *plain = batch_history(0, 30), *checkpointed = batch_history(1, 30);
	cr_expect(strstr(plain, "Udgave 29") != NULL && strstr(plain, "30\n") != NULL, "%s", plain);
	cr_expect_str_eq(checkpointed, plain, "the same commits, trees and files with a checkpoint before each save");
	free(plain);
	free(checkpointed);
}

Test(batch, freed_unfinished_after_checkpoints_it_leaves_the_branch, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char *before = sh(f.dir, "git rev-parse HEAD"), *after, *packs, *fsck;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	stance_batch_set_checkpoint(b, 1);
	for (i = 0; i < 5; i++)
		cr_assert_eq(add(b, "a/b", i % 2 ? "En.\n" : "To.\n", T0 + i, NULL), 0, "%s", stance_error_last());
	packs = sh(f.dir, "ls .git/objects/pack/*.pack | wc -l");
	cr_expect_geq(strtol(packs, NULL, 10), 4, "the checkpoints wrote packs: %s", packs);
	stance_batch_free(b);
	after = sh(f.dir, "git rev-parse HEAD");
	cr_expect_str_eq(after, before, "the branch did not move");
	cr_expect(!th_exists(f.dir, "a/b.md"));
	fsck = sh(f.dir, "git fsck --no-dangling 2>&1");
	cr_expect_str_eq(fsck, "", "the repository is whole");
	free(fsck);
	free(packs);
	free(after);
	free(before);
	close_repo(&f);
}

Test(batch, text_appended_to_a_file, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char *before = th_read(f.dir, ".stance/config"), *after, *msg, *extra;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	cr_assert_eq(stance_batch_append(b, ".stance/config", "[source \"kl/ny\"]\n\turl = https://kl.dk/ny\n",
		"Tilføj kilde kl/ny"), 0, "%s", stance_error_last());
	cr_assert_eq(stance_batch_append(b, "noter/liste.txt", "første linje", "Ny fil"), 0, "%s",
		stance_error_last());
	cr_assert_eq(stance_batch_append(b, "noter/liste.txt", "anden linje\n", "Mere"), 0, "%s",
		stance_error_last());
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	after = th_read(f.dir, ".stance/config");
	cr_expect_eq(strncmp(after, before, strlen(before)), 0, "what was there stays");
	cr_expect(strstr(after, "url = https://kl.dk/ny") != NULL, "%s", after);
	extra = th_read(f.dir, "noter/liste.txt");
	cr_expect_str_eq(extra, "første linje\nanden linje\n", "a line break goes between");
	msg = sh(f.dir, "git log -3 --format=%s");
	cr_expect_str_eq(msg, "Mere\nNy fil\nTilføj kilde kl/ny\n");
	free(msg);
	free(extra);
	free(before);
	free(after);
	close_repo(&f);
}

Test(batch, a_snapshot_is_on_its_branch_and_named, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_document *doc = make_doc("kl/side", "Rå tekst.\n");
	stance_save_result r;
	char *snap, *msg;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	o.snapshot_ext = "html";
	o.snapshot_data = "<p>Rå tekst.</p>";
	o.snapshot_len = strlen(o.snapshot_data);
	cr_assert_eq(stance_batch_save(&r, b, doc, &o), 0, "%s", stance_error_last());
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	snap = sh(f.dir, "git show snapshots:kl/side.html");
	cr_expect_str_eq(snap, "<p>Rå tekst.</p>");
	msg = sh(f.dir, "git log -1 --format=%B HEAD");
	cr_expect(strstr(msg, "Snapshot: ") != NULL, "%s", msg);
	free(snap);
	free(msg);
	stance_document_free(doc);
	close_repo(&f);
}

Test(batch, a_working_file_with_unstored_changes_is_refused, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char *kept;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	cr_assert_eq(add(b, "a/b", "Første.\n", T0, NULL), 0);
	cr_assert_eq(stance_batch_finish(b), 0);
	stance_batch_free(b);
	b = NULL;
	th_write(f.dir, "a/b.md", "---\nid: a/b\ntitle: Titel\n---\nMine egne ord.\n");
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	cr_assert_eq(add(b, "a/c", "Et andet.\n", T0 + 1, NULL), 0);
	cr_expect_eq(add(b, "a/b", "Fra nettet.\n", T0 + 2, NULL), STANCE_ECONFLICT);
	cr_expect(strstr(stance_error_last(), "a/b") != NULL, "%s", stance_error_last());
	cr_expect_eq(stance_batch_count(b), 1, "the batch is as it was");
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	kept = th_read(f.dir, "a/b.md");
	cr_expect(strstr(kept, "Mine egne ord.") != NULL, "%s", kept);
	cr_expect(th_exists(f.dir, "a/c.md"));
	free(kept);
	close_repo(&f);
}

Test(batch, a_branch_moved_meanwhile_keeps_the_other_writers_commit, .fini = th_cleanup)
{
	fixture f = open_repo(0);
	stance_repo *other = NULL;
	stance_batch *b = NULL;
	stance_document *doc = make_doc("andet/skrevet", "Skrevet imens.\n");
	stance_save_result r;
	char *files, *count;
	/* the batch is built without the lock, as fetch builds it */
	cr_assert_eq(stance_batch_new(&b, f.repo), 0, "%s", stance_error_last());
	cr_assert_eq(add(b, "kl/hentet", "Hentet fra nettet.\n", T0, NULL), 0, "%s", stance_error_last());
	/* meanwhile another writer stores a document */
	cr_assert_eq(stance_repo_open(&other, f.dir), 0);
	cr_assert_eq(stance_repo_lock(other, 0), 0, "%s", stance_error_last());
	cr_assert_eq(stance_store_save(&r, other, doc, NULL), 0, "%s", stance_error_last());
	stance_repo_free(other);
	/* then the batch takes the lock and finishes */
	cr_assert_eq(stance_repo_lock(f.repo, 1000), 0, "%s", stance_error_last());
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	files = sh(f.dir, "git ls-files | grep -v '^\\.' | sort");
	cr_expect(strstr(files, "andet/skrevet.md") && strstr(files, "kl/hentet.md"), "both are kept: %s", files);
	count = sh(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "3\n");
	cr_expect(th_exists(f.dir, "kl/hentet.md"));
	cr_expect(th_exists(f.dir, "andet/skrevet.md"));
	free(files);
	free(count);
	stance_document_free(doc);
	close_repo(&f);
}

Test(batch, a_whole_history_without_deltas, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	stance_buf body = STANCE_BUF_INIT;
	char *count;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	stance_batch_skip_deltas(b);
	for (i = 0; i < 200; i++) {
		stance_buf_printf(&body, "Afsnit %d: kommunen bør gøre mere for de ældre.\n\n", i);
		cr_assert_eq(add(b, "stor/historie", body.ptr, T0 + i * 3600, NULL), 0, "%s", stance_error_last());
	}
	cr_expect_eq(stance_batch_count(b), 200);
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	count = sh(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "201\n");
	free(count);
	stance_buf_dispose(&body);
	close_repo(&f);
}

/* The packs in .git/objects/pack and, of all their objects, how many are
 * stored as deltas (git verify-pack's lines with a base). */
static void pack_counts(const char *dir, long *packs, long *deltas)
{
	char *p = sh(dir, "ls .git/objects/pack/*.pack 2>/dev/null | wc -l");
	char *d = sh(dir, "for i in .git/objects/pack/*.idx; do git verify-pack -v $i; done | "
		"awk '$2 ~ /^(blob|tree|commit)$/ && NF == 7' | wc -l");
	*packs = strtol(p, NULL, 10);
	*deltas = strtol(d, NULL, 10);
	free(p);
	free(d);
}

Test(batch, a_small_batch_is_one_pack_of_whole_objects_that_reads_back, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char body[160], *fsck, *log, *count;
	long packs, deltas;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	/* a/b goes back to its first text again and again (the first time
	 * unchanged, no commit), so the batch writes that blob many times: it
	 * goes into the pack once */
	for (i = 0; i < 40; i++) {
		snprintf(body, sizeof(body), "Udgave %d af teksten om skolerne og deres rammer.\n", i % 4 == 3 ? 1 : i);
		cr_assert_eq(add(b, i % 2 ? "a/b" : "c/d", body, T0 + i, NULL), 0, "%s", stance_error_last());
	}
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	pack_counts(f.dir, &packs, &deltas);
	cr_expect_eq(packs, 1, "one pack for the batch, %ld", packs);
	cr_expect_eq(deltas, 0, "whole objects only, %ld deltas", deltas);
	fsck = sh(f.dir, "git fsck --full --strict --no-dangling 2>&1");
	cr_expect_str_eq(fsck, "", "every object reads back: %s", fsck);
	count = sh(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "40\n", "init and 39 revisions");
	log = sh(f.dir, "git status --porcelain && git show HEAD:c/d.md | tail -1 && git show HEAD:a/b.md | tail -1");
	cr_expect_str_eq(log, "Udgave 38 af teksten om skolerne og deres rammer.\n"
		"Udgave 1 af teksten om skolerne og deres rammer.\n", "%s", log);
	free(fsck);
	free(count);
	free(log);
	close_repo(&f);
}

Test(batch, a_large_batch_keeps_the_delta_search, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	stance_buf body = STANCE_BUF_INIT;
	char *fsck;
	long packs, deltas;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	/* a blob, a tree or two and a commit a revision: past
	 * STANCE_WHOLE_PACK_MAX objects in all */
	for (i = 0; i < 800; i++) {
		stance_buf_printf(&body, "Afsnit %d: kommunen bør gøre mere for de ældre.\n\n", i);
		cr_assert_eq(add(b, i % 2 ? "stor/historie" : "stor/anden", body.ptr, T0 + i, NULL), 0, "%s",
			stance_error_last());
	}
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_batch_free(b);
	pack_counts(f.dir, &packs, &deltas);
	cr_expect_eq(packs, 1, "%ld packs", packs);
	cr_expect_gt(deltas, 400, "the pack builder's deltas between versions, %ld", deltas);
	fsck = sh(f.dir, "git fsck --full --no-dangling 2>&1");
	cr_expect_str_eq(fsck, "", "%s", fsck);
	free(fsck);
	stance_buf_dispose(&body);
	close_repo(&f);
}

Test(batch, a_pack_that_cannot_be_written_names_the_repository, .fini = th_cleanup)
{
	fixture f = open_repo(1);
	stance_batch *b = NULL;
	char *before = sh(f.dir, "git rev-parse HEAD; git status --porcelain; ls"), *after, *packs;
	const char *msg;
	int i;
	cr_assert_eq(stance_batch_new(&b, f.repo), 0);
	for (i = 0; i < 10; i++)
		cr_assert_eq(add(b, i % 2 ? "a/b" : "c/d", i % 2 ? "En.\n" : "To.\n", T0 + i, NULL), 0, "%s",
			stance_error_last());
	/* a file where the folder of packs should be */
	cr_assert_eq(th_sh(f.dir, NULL, "rmdir .git/objects/pack && touch .git/objects/pack"), 0);
	cr_expect_neq(stance_batch_finish(b), 0);
	msg = stance_error_last();
	cr_expect(strstr(msg, "cannot write the new revisions") != NULL, "%s", msg);
	cr_expect(strstr(msg, "/.git/") != NULL, "the repository is named: %s", msg);
	stance_batch_free(b);
	cr_assert_eq(th_sh(f.dir, NULL, "rm .git/objects/pack && mkdir .git/objects/pack"), 0);
	after = sh(f.dir, "git rev-parse HEAD; git status --porcelain; ls");
	cr_expect_str_eq(after, before, "the branch and the working folder are as they were");
	cr_expect(!th_exists(f.dir, ".git/stance-update"), "no journal");
	packs = sh(f.dir, "git fsck --no-dangling 2>&1; ls .git/objects/pack | wc -l");
	cr_expect_str_eq(packs, "0\n", "no pack, the repository whole: %s", packs);
	free(packs);
	free(after);
	free(before);
	close_repo(&f);
}
