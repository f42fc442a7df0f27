/*
 * test_history_batch.c: a finished batch's commits handed to the revision
 * table (stance_history_add_batch) on real repositories: onto a table
 * current at the batch's base they make the table a command builds from
 * nothing, byte for byte (an append to .stance/config adds no row); a
 * table that is missing, or a batch whose commits were made again on a
 * branch that moved meanwhile, is left to the next reader.
 */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#define T0 1606824000 /* 2020-12-01T12:00:00Z */

static stance_repo *open_repo(const char *dir)
{
	stance_repo *repo = NULL;
	cr_assert_eq(stance_repo_open(&repo, dir), 0, "%s", stance_error_last());
	return repo;
}

static void add(stance_batch *b, const char *id, const char *body, int64_t when)
{
	stance_document *doc = NULL;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result r;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set(doc, "id", id), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_set(doc, "title", "Titel"), 0);
	cr_assert_eq(stance_document_set_body(doc, body, strlen(body)), 0, "%s", stance_error_last());
	o.time = when;
	cr_assert_eq(stance_batch_save(&r, b, doc, &o), 0, "%s", stance_error_last());
	cr_assert_eq(r.changed, 1);
	stance_document_free(doc);
}

/* A batch of `n` revisions of two documents, dated from `t`, finished and
 * handed to the table. */
static void write_batch(stance_repo *repo, int n, int64_t t, int append)
{
	stance_batch *b = NULL;
	int i;
	cr_assert_eq(stance_batch_new(&b, repo), 0, "%s", stance_error_last());
	for (i = 0; i < n; i++) {
		char body[128];
		snprintf(body, sizeof(body), "Udgave %lld af teksten.\n", (long long)t + i);
		/* both documents on the same date: a tie the table's order keeps */
		add(b, i % 2 ? "kl/tema" : "da/andet", body, t + (i / 2) * 86400);
	}
	if (append)
		cr_assert_eq(stance_batch_append(b, ".stance/config", "# en linje\n", "Add a line"), 0,
			"%s", stance_error_last());
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_history_add_batch(repo, b);
	stance_batch_free(b);
}

/* The table as a new handle builds it from nothing (the file moved away
 * and back). */
static char *rebuilt(const char *dir)
{
	stance_repo *repo;
	stance_revision_list list = { NULL, 0 };
	char *table;
	free(th_sh_out(dir, "mv .git/stance-history .git/stance-history.kept"));
	repo = open_repo(dir);
	cr_assert_eq(stance_history_list(&list, repo, NULL), 0, "%s", stance_error_last());
	stance_revision_list_free(&list);
	stance_repo_free(repo);
	table = th_read(dir, ".git/stance-history");
	free(th_sh_out(dir, "mv .git/stance-history.kept .git/stance-history"));
	return table;
}

static char *tip(const char *dir)
{
	return th_sh_out(dir, "head -n 1 .git/stance-history | sed -n 's/^stance-history 3 //p'");
}

Test(history_batch, a_current_table_takes_the_batch_rows, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *head, *at, *written, *built;
	stance_revision_list list = { NULL, 0 };
	stance_repo *repo;

	cr_assert_eq(stance_repo_init(NULL, dir), 0, "%s", stance_error_last());
	repo = open_repo(dir);
	cr_assert_eq(stance_repo_lock(repo, 0), 0, "%s", stance_error_last());
	/* no table at the base: the batch leaves it to the next reader */
	write_batch(repo, 6, T0, 0);
	cr_expect(!th_exists(dir, ".git/stance-history"), "a table was made from no table");
	cr_assert_eq(stance_history_list(&list, repo, NULL), 0, "%s", stance_error_last());
	cr_expect_eq(list.count, 6);
	stance_revision_list_free(&list);
	cr_assert(th_exists(dir, ".git/stance-history"));

	/* a current table takes the next batch's rows, and is keyed by its tip */
	write_batch(repo, 9, T0 + 10 * 86400, 1);
	head = th_sh_out(dir, "git rev-parse HEAD");
	at = tip(dir);
	cr_expect_str_eq(at, head, "the table follows the batch");
	written = th_read(dir, ".git/stance-history");
	built = rebuilt(dir);
	cr_expect_str_eq(written, built, "the batch's rows are the rows a walk finds");
	cr_expect(strstr(written, "\nend 15 ") != NULL, "15 rows, none for .stance/config: %s", written);
	free(head);
	free(at);
	free(written);
	free(built);
	stance_repo_free(repo);
	free(dir);
}

Test(history_batch, a_replayed_batch_leaves_the_table, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *before, *after;
	stance_revision_list list = { NULL, 0 };
	stance_repo *repo, *other;
	stance_batch *b = NULL;

	cr_assert_eq(stance_repo_init(NULL, dir), 0, "%s", stance_error_last());
	repo = open_repo(dir);
	write_batch(repo, 2, T0, 0);
	cr_assert_eq(stance_history_list(&list, repo, NULL), 0, "%s", stance_error_last());
	stance_revision_list_free(&list);
	/* built without the lock, as a fetch is; another writer commits meanwhile */
	cr_assert_eq(stance_batch_new(&b, repo), 0, "%s", stance_error_last());
	add(b, "kl/tema", "Hentet tekst.\n", T0 + 5 * 86400);
	other = open_repo(dir);
	write_batch(other, 2, T0 + 2 * 86400, 0);
	stance_repo_free(other);
	before = th_read(dir, ".git/stance-history");
	cr_assert_eq(stance_batch_finish(b), 0, "%s", stance_error_last());
	stance_history_add_batch(repo, b);
	stance_batch_free(b);
	after = th_read(dir, ".git/stance-history");
	cr_expect_str_eq(after, before, "the replayed commits are not the ones the batch recorded");
	free(before);
	free(after);
	/* the next reader brings it up to date */
	cr_assert_eq(stance_history_list(&list, repo, NULL), 0, "%s", stance_error_last());
	cr_expect_eq(list.count, 5);
	stance_revision_list_free(&list);
	stance_repo_free(repo);
	free(dir);
}
