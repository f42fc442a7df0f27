/*
 * test_history.c: the history module (history.h) on real repositories: the
 * revisions of a document newest first by observation time, with their
 * blobs, authors and messages; bounds (since, until, count); Re-extract
 * commits left out unless asked for; a removal; commits made by plain git
 * seen although the revision table was built before them; DOC, DOC@REV,
 * DOC@{N}, DOC@DATE and prefixes resolved, and bad specs refused naming
 * what is wrong; documents and blobs read back; the revisions from the
 * table alone (table_only) equal to those read with their commits.
 */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

/* 2020-12-01, -02, -03 at noon UTC */
#define DAY1 1606824000
#define DAY2 (DAY1 + 86400)
#define DAY3 (DAY2 + 86400)

typedef struct {
	char *dir;
	stance_repo *repo;
	char commits[3][41];
} fixture;

static void save_at(fixture *f, const char *id, const char *body, int64_t when, const char *message,
	char commit[41])
{
	stance_document *doc = NULL;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result r;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set(doc, "id", id), 0);
	cr_assert_eq(stance_document_set(doc, "title", "Titel"), 0);
	cr_assert_eq(stance_document_set_body(doc, body, strlen(body)), 0);
	o.time = when;
	o.message = message;
	o.author_name = "Åse Øster";
	o.author_email = "aase@example.dk";
	cr_assert_eq(stance_store_save(&r, f->repo, doc, &o), 0, "%s", stance_error_last());
	cr_assert_eq(r.changed, 1);
	if (commit)
		memcpy(commit, r.commit, 41);
	stance_document_free(doc);
}

/* kl/tema in three versions (one a day), and da/andet once on day 2. */
static fixture make_history(void)
{
	fixture f;
	memset(&f, 0, sizeof(f));
	f.dir = th_tmpdir();
	cr_assert_eq(stance_repo_init(&f.repo, f.dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_lock(f.repo, 0), 0, "%s", stance_error_last());
	save_at(&f, "kl/tema", "Første version.\n", DAY1, NULL, f.commits[0]);
	save_at(&f, "kl/tema", "Anden version.\n", DAY2, NULL, f.commits[1]);
	save_at(&f, "da/andet", "Et andet dokument.\n", DAY2 + 60, NULL, NULL);
	save_at(&f, "kl/tema", "Tredje version.\n", DAY3, NULL, f.commits[2]);
	return f;
}

static void close_history(fixture *f)
{
	stance_repo_free(f->repo);
	free(f->dir);
}

static stance_revision_list list(fixture *f, const char *id, int64_t since, int64_t until, size_t max,
	int reextract)
{
	stance_revision_list l = { 0 };
	stance_history_options o = STANCE_HISTORY_OPTIONS_INIT;
	o.id = id;
	o.since = since;
	o.until = until;
	o.max_count = max;
	o.include_reextract = reextract;
	cr_assert_eq(stance_history_list(&l, f->repo, &o), 0, "%s", stance_error_last());
	return l;
}

Test(history, a_documents_revisions_newest_first, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list l = list(&f, "kl/tema", 0, 0, 0, 0);
	size_t i;
	cr_assert_eq(l.count, 3);
	for (i = 0; i < 3; i++) {
		const stance_revision *r = &l.items[i];
		cr_expect_str_eq(r->commit, f.commits[2 - i]);
		cr_expect_str_eq(r->id, "kl/tema");
		cr_expect_eq(r->removed, 0);
		cr_expect_eq(r->reextract, 0);
		cr_expect_str_eq(r->author_name, "Åse Øster");
		cr_expect_str_eq(r->author_email, "aase@example.dk");
		cr_expect_eq(strlen(r->blob), 40);
	}
	cr_expect_eq(l.items[0].time, DAY3);
	cr_expect_eq(l.items[2].time, DAY1);
	cr_expect_str_eq(l.items[2].prev_blob, "", "the first revision has no file before it");
	cr_expect_str_eq(l.items[0].prev_blob, l.items[1].blob);
	cr_expect_str_eq(l.items[0].message, "Update kl/tema\n");
	cr_expect_str_eq(l.items[2].message, "Add kl/tema\n");
	stance_revision_list_free(&l);
	close_history(&f);
}

Test(history, every_document_one_entry_a_commit, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list l = list(&f, NULL, 0, 0, 0, 0);
	size_t i, other = 0;
	cr_expect_eq(l.count, 4, "three of kl/tema, one of da/andet");
	for (i = 0; i < l.count; i++)
		other += !strcmp(l.items[i].id, "da/andet");
	cr_expect_eq(other, 1);
	for (i = 1; i < l.count; i++)
		cr_expect_geq(l.items[i - 1].time, l.items[i].time, "newest first");
	stance_revision_list_free(&l);
	close_history(&f);
}

Test(history, bounds_since_until_and_count, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list l = list(&f, "kl/tema", DAY2, 0, 0, 0);
	cr_expect_eq(l.count, 2, "since is inclusive");
	stance_revision_list_free(&l);
	l = list(&f, "kl/tema", 0, DAY2, 0, 0);
	cr_expect_eq(l.count, 1, "until is exclusive");
	stance_revision_list_free(&l);
	l = list(&f, "kl/tema", DAY1, DAY3 + 1, 2, 0);
	cr_assert_eq(l.count, 2);
	cr_expect_eq(l.items[0].time, DAY3, "the newest ones are kept");
	stance_revision_list_free(&l);
	l = list(&f, "kl/tema", DAY3 + 1, 0, 0, 0);
	cr_expect_eq(l.count, 0);
	stance_revision_list_free(&l);
	l = list(&f, "no/such", 0, 0, 0, 0);
	cr_expect_eq(l.count, 0, "a document with no revisions has an empty list");
	stance_revision_list_free(&l);
	close_history(&f);
}

Test(history, reextractions_are_left_out_unless_asked_for, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list l;
	save_at(&f, "kl/tema", "Tredje version, bedre udtrukket.\n", DAY3, "Re-extract kl/tema", NULL);
	l = list(&f, "kl/tema", 0, 0, 0, 0);
	cr_expect_eq(l.count, 3);
	stance_revision_list_free(&l);
	l = list(&f, "kl/tema", 0, 0, 0, 1);
	cr_assert_eq(l.count, 4);
	cr_expect(l.items[0].reextract || l.items[1].reextract, "the Re-extract commit is marked");
	stance_revision_list_free(&l);
	close_history(&f);
}

Test(history, commits_made_by_git_are_seen_and_a_removal_is_marked, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list l = list(&f, "kl/tema", 0, 0, 0, 0); /* builds the revision table */
	stance_revision_list_free(&l);
	cr_assert_eq(th_sh(f.dir, NULL, "git rm -q kl/tema.md && GIT_AUTHOR_DATE='@%d +0000' "
		"git -c user.name=G -c user.email=g@example.org commit --no-verify -qm 'Remove kl/tema'", DAY3 + 3600), 0);
	l = list(&f, "kl/tema", 0, 0, 0, 0);
	cr_assert_eq(l.count, 4, "the table is brought up to the new commit");
	cr_expect_eq(l.items[0].removed, 1);
	cr_expect_str_eq(l.items[0].blob, "");
	cr_expect_str_eq(l.items[0].author_name, "G");
	stance_revision_list_free(&l);
	close_history(&f);
}

Test(history, table_only_gives_the_same_revisions_without_reading_commits, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list full = { 0 }, rows = { 0 };
	stance_history_options o = STANCE_HISTORY_OPTIONS_INIT;
	size_t i;
	save_at(&f, "kl/tema", "Tredje version, bedre udtrukket.\n", DAY3, "Re-extract kl/tema", NULL);
	cr_assert_eq(th_sh(f.dir, NULL, "git rm -q da/andet.md && GIT_AUTHOR_DATE='@%d +0200' "
		"git -c user.name=G -c user.email=g@example.org commit --no-verify -qm 'Remove da/andet'", DAY3 + 3600), 0);
	o.include_reextract = 1;
	cr_assert_eq(stance_history_list(&full, f.repo, &o), 0, "%s", stance_error_last());
	o.table_only = 1;
	cr_assert_eq(stance_history_list(&rows, f.repo, &o), 0, "%s", stance_error_last());
	cr_assert_eq(rows.count, full.count);
	cr_assert_eq(full.count, 6, "four saves, a re-extraction and a removal");
	for (i = 0; i < rows.count; i++) {
		const stance_revision *a = &full.items[i], *b = &rows.items[i];
		cr_expect_str_eq(b->commit, a->commit);
		cr_expect_str_eq(b->id, a->id);
		cr_expect_str_eq(b->blob, a->blob);
		cr_expect_str_eq(b->prev_blob, a->prev_blob);
		cr_expect_eq(b->time, a->time);
		cr_expect_eq(b->tz_minutes, a->tz_minutes);
		cr_expect_eq(b->removed, a->removed);
		cr_expect_eq(b->reextract, a->reextract);
		cr_expect_null(b->author_name, "no commit read for the author");
		cr_expect_null(b->message);
	}
	cr_expect_eq(rows.items[0].removed, 1, "the removal by plain git, newest");
	cr_expect_eq(rows.items[0].tz_minutes, 120);
	stance_revision_list_free(&full);
	stance_revision_list_free(&rows);
	close_history(&f);
}

Test(history, a_broken_revision_table_is_rebuilt, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_revision_list l = list(&f, "kl/tema", 0, 0, 0, 0);
	stance_revision_list_free(&l);
	cr_assert(th_exists(f.dir, ".git/stance-history"));
	th_write(f.dir, ".git/stance-history", "noget helt andet\n\xff\xfe garbage\n");
	l = list(&f, "kl/tema", 0, 0, 0, 0);
	cr_expect_eq(l.count, 3, "the commits are the truth, not the cache");
	stance_revision_list_free(&l);
	close_history(&f);
}

static void resolves_to(fixture *f, const char *spec, const char *commit, const char *body)
{
	stance_revision rev;
	stance_document *doc = NULL;
	memset(&rev, 0, sizeof(rev));
	cr_assert_eq(stance_history_resolve(&rev, &doc, f->repo, spec), 0, "'%s': %s", spec, stance_error_last());
	cr_expect_str_eq(rev.commit, commit, "'%s'", spec);
	cr_expect_str_eq(rev.id, "kl/tema", "'%s'", spec);
	cr_assert_not_null(doc);
	cr_expect_str_eq(stance_document_body(doc), body, "'%s'", spec);
	stance_document_free(doc);
	stance_revision_clear(&rev);
}

static void refused(fixture *f, const char *spec, const char *named)
{
	stance_revision rev;
	stance_document *doc = NULL;
	memset(&rev, 0, sizeof(rev));
	cr_expect_lt(stance_history_resolve(&rev, &doc, f->repo, spec), 0, "'%s' resolved", spec);
	cr_expect(strstr(stance_error_last(), named) != NULL, "'%s': %s", spec, stance_error_last());
	cr_expect_null(doc);
	stance_revision_clear(&rev);
}

Test(history, revision_specs_resolve, .fini = th_cleanup)
{
	fixture f = make_history();
	char spec[128];
	resolves_to(&f, "kl/tema", f.commits[2], "Tredje version.\n");
	resolves_to(&f, "kl/te", f.commits[2], "Tredje version.\n");
	resolves_to(&f, "kl/tema@{0}", f.commits[2], "Tredje version.\n");
	resolves_to(&f, "kl/tema@{1}", f.commits[1], "Anden version.\n");
	resolves_to(&f, "kl/tema@{2}", f.commits[0], "Første version.\n");
	resolves_to(&f, "kl/tema@2020-12-01", f.commits[0], "Første version.\n");
	resolves_to(&f, "kl/tema@2020-12-02", f.commits[1], "Anden version.\n");
	resolves_to(&f, "kl/tema@2021", f.commits[2], "Tredje version.\n");
	snprintf(spec, sizeof(spec), "kl/tema@%s", f.commits[1]);
	resolves_to(&f, spec, f.commits[1], "Anden version.\n");
	snprintf(spec, sizeof(spec), "kl/tema@%.10s", f.commits[0]);
	resolves_to(&f, spec, f.commits[0], "Første version.\n");
	close_history(&f);
}

Test(history, bad_specs_are_refused_naming_what_is_wrong, .fini = th_cleanup)
{
	fixture f = make_history();
	refused(&f, "no/such", "no/such");
	refused(&f, "kl/tema@{3}", "kl/tema");
	refused(&f, "kl/tema@2020-11-30", "kl/tema");   /* before the first revision */
	refused(&f, "kl/tema@2020-13-45", "2020-13-45");
	refused(&f, "kl/tema@no-such-rev", "no-such-rev");
	refused(&f, "", "");
	close_history(&f);
}

Test(history, documents_and_blobs_are_read_back, .fini = th_cleanup)
{
	fixture f = make_history();
	stance_document *doc = NULL;
	stance_buf raw = STANCE_BUF_INIT, blob = STANCE_BUF_INIT;
	stance_revision_list l = list(&f, "kl/tema", 0, 0, 0, 0);
	cr_assert_eq(stance_history_read(&doc, f.repo, "kl/tema", f.commits[0]), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_document_body(doc), "Første version.\n");
	stance_document_free(doc);
	cr_assert_eq(stance_history_read_raw(&raw, f.repo, "kl/tema", f.commits[1]), 0, "%s", stance_error_last());
	cr_expect(strstr(raw.ptr, "id: kl/tema\n") && strstr(raw.ptr, "Anden version.\n"), "%s", raw.ptr);
	cr_assert_eq(stance_history_read_blob(&blob, f.repo, l.items[1].blob), 0, "%s", stance_error_last());
	cr_expect_str_eq(blob.ptr, raw.ptr, "the blob of a revision is its file");
	doc = NULL;
	cr_expect_eq(stance_history_read(&doc, f.repo, "da/andet", f.commits[0]), STANCE_ENOTFOUND,
		"da/andet did not exist yet");
	cr_expect(strstr(stance_error_last(), "da/andet") != NULL, "%s", stance_error_last());
	cr_expect_null(doc);
	stance_buf_clear(&blob);
	cr_expect_lt(stance_history_read_blob(&blob, f.repo, "0123456789012345678901234567890123456789"), 0);
	cr_expect_lt(stance_history_read_blob(&blob, f.repo, "ikke-hex"), 0);
	cr_expect(strstr(stance_error_last(), "ikke-hex") != NULL, "%s", stance_error_last());
	stance_revision_list_free(&l);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&blob);
	close_history(&f);
}
