/*
 * test_sync.c: two clones of a bare repository on local disk, syncing
 * through the library: each merge case of the sync issue, and that no
 * revision either side had is ever lost.
 */
#include <string.h>

#include "helpers.h"


typedef struct {
	char *dir;          /* holds hub.git, a/, b/ */
	stance_repo *a, *b;
} team;

static void check(int error, const char *what)
{
	cr_assert(error >= 0, "%s failed (%d): %s", what, error, stance_error_last());
}

/* Saves `body` under `id` in `repo`, with `trailers` and author time `t`. */
static void save(stance_repo *repo, const char *id, const char *title, const char *body,
	const char *trailers, int64_t t)
{
	stance_document *doc = NULL;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result res;
	check(stance_document_new(&doc), "new document");
	check(stance_document_set(doc, "id", id), "set id");
	check(stance_document_set(doc, "title", title), "set title");
	check(stance_document_set_body(doc, body, strlen(body)), "set body");
	o.trailers = trailers;
	o.time = t;
	check(stance_store_save(&res, repo, doc, &o), "save");
	cr_assert(res.changed, "the save changed nothing");
	stance_document_free(doc);
}

static void sync_ok(stance_repo *repo, stance_sync_result *res)
{
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	int error = stance_sync_run(res ? res : &r, repo, NULL, NULL);
	cr_assert_eq(error, 0, "sync failed (%d): %s", error, stance_error_last());
	stance_sync_result_clear(&r);
}

/* A hub, clone a (which made it) and clone b. */
static void team_make(team *t)
{
	stance_buf path = STANCE_BUF_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	t->dir = th_tmpdir();
	cr_assert_eq(th_sh(t->dir, NULL, "git init -q --bare -b main hub.git"), 0);
	stance_buf_printf(&path, "%s/a", t->dir);
	check(stance_repo_init(&t->a, path.ptr), "init a");
	check(stance_repo_lock(t->a, 1000), "lock a");
	check(stance_remote_add(t->a, "origin", "../hub.git"), "remote add");
	check(stance_sync_push(&r, t->a, NULL, NULL), "first push");
	stance_sync_result_clear(&r);
	stance_buf_clear(&path);
	stance_buf_printf(&path, "%s/b", t->dir);
	{
		stance_buf url = STANCE_BUF_INIT;
		stance_buf_printf(&url, "%s/hub.git", t->dir);
		check(stance_sync_clone(&t->b, &r, url.ptr, path.ptr, NULL), "clone");
		stance_buf_dispose(&url);
	}
	cr_assert_eq(strlen(r.head), 40, "the clone names its head");
	check(stance_repo_lock(t->b, 1000), "lock b");
	stance_sync_result_clear(&r);
	stance_buf_dispose(&path);
}

static void team_free(team *t)
{
	stance_repo_free(t->a);
	stance_repo_free(t->b);
	free(t->dir);
}

static char *head_of(const char *dir)
{
	char *h = th_sh_out(dir, "git rev-parse HEAD");
	h[strcspn(h, "\n")] = '\0';
	return h;
}

/* Every commit in `tips` (space separated) is an ancestor of main in `dir`. */
static void all_reachable(const char *dir, const char *tips)
{
	stance_buf cmd = STANCE_BUF_INIT;
	stance_buf_printf(&cmd, "for c in %s; do git merge-base --is-ancestor $c main || { echo lost $c; exit 1; }; done", tips);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0, "a revision was lost in %s", dir);
	stance_buf_dispose(&cmd);
}

Test(sync, different_documents_merge_without_a_question, .fini = th_cleanup)
{
	team t;
	stance_buf da = STANCE_BUF_INIT, db = STANCE_BUF_INIT, tips = STANCE_BUF_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	char *ha, *hb;
	team_make(&t);
	stance_buf_printf(&da, "%s/a", t.dir);
	stance_buf_printf(&db, "%s/b", t.dir);
	save(t.a, "kl/alpha", "Alpha", "Vi skal spare.\n", NULL, 1600000000);
	save(t.b, "kl/beta", "Beta", "Vi bør investere.\n", NULL, 1600000100);
	ha = head_of(da.ptr);
	hb = head_of(db.ptr);
	sync_ok(t.a, NULL);
	sync_ok(t.b, &r);
	cr_assert_eq(r.outcome, STANCE_SYNC_MERGED);
	cr_assert_eq(r.commits_in, 1);
	cr_assert_eq(r.commits_out, 2, "b sent its commit and the merge: %zu", r.commits_out);
	cr_assert_eq(r.conflict_count, 0);
	stance_sync_result_clear(&r);
	sync_ok(t.a, &r);
	cr_assert_eq(r.outcome, STANCE_SYNC_FAST_FORWARD);
	stance_sync_result_clear(&r);
	cr_assert(th_exists(da.ptr, "kl/beta.md") && th_exists(db.ptr, "kl/alpha.md"));
	stance_buf_printf(&tips, "%s %s", ha, hb);
	all_reachable(da.ptr, tips.ptr);
	all_reachable(db.ptr, tips.ptr);
	{
		char *h1 = head_of(da.ptr), *h2 = head_of(db.ptr);
		cr_assert_str_eq(h1, h2, "both clones agree");
		free(h1);
		free(h2);
	}
	/* a merge commit, never a rewrite: both tips are its parents */
	{
		char *parents = th_sh_out(db.ptr, "git log -1 --format=%P");
		cr_assert(strstr(parents, ha) && strstr(parents, hb), "%s", parents);
		free(parents);
	}
	/* the working folder is clean after the merge */
	{
		char *st = th_sh_out(db.ptr, "git status --porcelain --untracked-files=no");
		cr_assert_str_eq(st, "");
		free(st);
	}
	free(ha);
	free(hb);
	stance_buf_dispose(&da);
	stance_buf_dispose(&db);
	stance_buf_dispose(&tips);
	team_free(&t);
}

static void fetched_story(int later_first)
{
	team t;
	stance_buf da = STANCE_BUF_INIT, db = STANCE_BUF_INIT;
	char *a_text, *b_text, *count;
	team_make(&t);
	stance_buf_printf(&da, "%s/a", t.dir);
	stance_buf_printf(&db, "%s/b", t.dir);
	save(t.a, "kl/page", "Page", "Første udgave.\n", NULL, 1600000000);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	/* both fetched the page: a at 10:00, b at 12:00; the commit dates say
	 * the opposite, so only the Fetched-At trailers can decide */
	save(t.a, "kl/page", "Page", "Udgave set klokken ti.\n",
		"Source: https://example.org/page\nFetched-At: 2026-11-20T10:00:00Z\n", 1763650000);
	save(t.b, "kl/page", "Page", "Udgave set klokken tolv.\n",
		"Source: https://example.org/page\nFetched-At: 2026-11-20T12:00:00Z\n", 1763600000);
	if (later_first) {
		sync_ok(t.b, NULL);
		sync_ok(t.a, NULL);
		sync_ok(t.b, NULL);
	} else {
		sync_ok(t.a, NULL);
		sync_ok(t.b, NULL);
		sync_ok(t.a, NULL);
	}
	a_text = th_read(da.ptr, "kl/page.md");
	b_text = th_read(db.ptr, "kl/page.md");
	cr_assert(strstr(a_text, "klokken tolv"), "the later observation wins: %s", a_text);
	cr_assert_str_eq(a_text, b_text);
	/* both observations stay in history */
	count = th_sh_out(da.ptr, "git log --full-history --format=%s%n%b main -- kl/page.md | grep -c Fetched-At");
	cr_assert_str_eq(count, "2\n", "both fetched revisions are reachable");
	cr_assert(!stance_sync_in_progress(t.a) && !stance_sync_in_progress(t.b));
	free(count);
	free(a_text);
	free(b_text);
	stance_buf_dispose(&da);
	stance_buf_dispose(&db);
	team_free(&t);
}

Test(sync, both_fetched_the_later_observation_wins_earlier_first, .fini = th_cleanup)
{
	fetched_story(0);
}

Test(sync, both_fetched_the_later_observation_wins_later_first, .fini = th_cleanup)
{
	fetched_story(1);
}

Test(sync, front_matter_and_body_edits_merge_field_by_field, .fini = th_cleanup)
{
	team t;
	stance_buf da = STANCE_BUF_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	char *text;
	team_make(&t);
	stance_buf_printf(&da, "%s/a", t.dir);
	save(t.a, "kl/doc", "Titel med tastefjl", "Vi skal have en reform.\n\nDet haster.\n", NULL, 1600000000);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	save(t.a, "kl/doc", "Titel med tastefejl rettet", "Vi skal have en reform.\n\nDet haster.\n", NULL, 1600000100);
	save(t.b, "kl/doc", "Titel med tastefjl", "Vi skal have en reform.\n\nDet haster meget.\n", NULL, 1600000200);
	sync_ok(t.a, NULL);
	sync_ok(t.b, &r);
	cr_assert_eq(r.merged_count, 1);
	cr_assert_str_eq(r.merged[0], "kl/doc");
	stance_sync_result_clear(&r);
	sync_ok(t.a, NULL);
	text = th_read(da.ptr, "kl/doc.md");
	cr_assert(strstr(text, "tastefejl rettet") && strstr(text, "haster meget"), "%s", text);
	free(text);
	stance_buf_dispose(&da);
	team_free(&t);
}

Test(sync, a_deletion_against_an_edit_keeps_the_edit, .fini = th_cleanup)
{
	team t;
	stance_buf db = STANCE_BUF_INIT;
	team_make(&t);
	stance_buf_printf(&db, "%s/b", t.dir);
	save(t.a, "kl/doc", "Doc", "Tekst.\n", NULL, 1600000000);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	cr_assert_eq(th_sh(db.ptr, NULL, "git rm -q kl/doc.md && git commit -q -m 'Remove kl/doc'"), 0);
	save(t.a, "kl/doc", "Doc", "Tekst, rettet.\n", NULL, 1600000100);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	cr_assert(th_exists(db.ptr, "kl/doc.md"), "the edited document is kept");
	stance_buf_dispose(&db);
	team_free(&t);
}

Test(sync, overlapping_hand_edits_stop_then_continue_or_abort, .fini = th_cleanup)
{
	team t;
	stance_buf da = STANCE_BUF_INIT, db = STANCE_BUF_INIT, remote = STANCE_BUF_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	char *before, *text, *hb, *ha;
	int error;
	team_make(&t);
	stance_buf_printf(&da, "%s/a", t.dir);
	stance_buf_printf(&db, "%s/b", t.dir);
	save(t.a, "kl/doc", "Doc", "Vi skal spare.\n\nDet er vigtigt.\n", NULL, 1600000000);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	save(t.a, "kl/doc", "Doc", "Vi skal spare meget.\n\nDet er vigtigt.\n", NULL, 1600000100);
	save(t.b, "kl/doc", "Doc", "Vi skal ikke spare.\n\nDet er vigtigt.\n", NULL, 1600000200);
	sync_ok(t.a, NULL);
	ha = head_of(da.ptr);
	hb = head_of(db.ptr);
	before = th_read(db.ptr, "kl/doc.md");

	error = stance_sync_run(&r, t.b, NULL, NULL);
	cr_assert_eq(error, STANCE_ECONFLICT, "%d: %s", error, stance_error_last());
	cr_assert_eq(r.outcome, STANCE_SYNC_CONFLICT);
	cr_assert_eq(r.conflict_count, 1);
	cr_assert_str_eq(r.conflicts[0].id, "kl/doc");
	cr_assert_str_eq(r.conflicts[0].passage, "paragraph 1: ours \"Vi skal ikke spare.\", theirs \"Vi skal spare meget.\"");
	cr_assert(strstr(stance_error_last(), "origin"), "%s", stance_error_last());
	stance_sync_result_clear(&r);
	cr_assert(stance_sync_in_progress(t.b));
	/* both versions readable through history, main did not move */
	{
		stance_document *theirs = NULL;
		check(stance_history_read(&theirs, t.b, "kl/doc", "refs/stance/theirs"), "read theirs");
		cr_assert(strstr(stance_document_body(theirs), "spare meget"));
		stance_document_free(theirs);
	}
	{
		char *h = head_of(db.ptr);
		cr_assert_str_eq(h, hb, "main stays where it was until the user chose");
		free(h);
	}
	/* pull and push refuse while the merge waits */
	cr_assert_eq(stance_sync_pull(&r, t.b, NULL, NULL), STANCE_ECONFLICT);
	stance_sync_result_clear(&r);

	/* abort: back to before, nothing lost */
	check(stance_sync_abort(t.b), "abort");
	cr_assert(!stance_sync_in_progress(t.b));
	text = th_read(db.ptr, "kl/doc.md");
	cr_assert_str_eq(text, before);
	free(text);
	cr_assert_eq(stance_sync_abort(t.b), STANCE_ENOTFOUND, "nothing to abort twice");

	/* again, and this time the user writes their choice */
	cr_assert_eq(stance_sync_run(&r, t.b, NULL, NULL), STANCE_ECONFLICT);
	stance_sync_result_clear(&r);
	th_write(db.ptr, "kl/doc.md", "---\nid: kl/doc\ntitle: Doc\n---\n\nVi skal spare lidt.\n\nDet er vigtigt.\n");
	check(stance_sync_continue(&r, &remote, t.b, STANCE_SYNC_TAKE_WORKTREE), "continue");
	cr_assert_str_eq(remote.ptr, "origin");
	stance_sync_result_clear(&r);
	sync_ok(t.b, &r);
	cr_assert_eq(r.commits_out, 2, "b's edit and the merge went out: %zu", r.commits_out);
	stance_sync_result_clear(&r);
	sync_ok(t.a, NULL);
	text = th_read(da.ptr, "kl/doc.md");
	cr_assert(strstr(text, "spare lidt"), "%s", text);
	free(text);
	{
		stance_buf tips = STANCE_BUF_INIT;
		stance_buf_printf(&tips, "%s %s", ha, hb);
		all_reachable(da.ptr, tips.ptr);
		stance_buf_dispose(&tips);
	}
	cr_assert_eq(th_sh(db.ptr, NULL, "! git show-ref --verify -q refs/stance/theirs"), 0, "the picks are gone");
	free(before);
	free(ha);
	free(hb);
	stance_buf_dispose(&da);
	stance_buf_dispose(&db);
	stance_buf_dispose(&remote);
	team_free(&t);
}

Test(sync, a_continue_with_a_broken_document_is_refused, .fini = th_cleanup)
{
	team t;
	stance_buf db = STANCE_BUF_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	team_make(&t);
	stance_buf_printf(&db, "%s/b", t.dir);
	save(t.a, "kl/doc", "Doc", "En.\n", NULL, 1600000000);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	save(t.a, "kl/doc", "Doc", "En A.\n", NULL, 1600000100);
	save(t.b, "kl/doc", "Doc", "En B.\n", NULL, 1600000200);
	sync_ok(t.a, NULL);
	cr_assert_eq(stance_sync_run(&r, t.b, NULL, NULL), STANCE_ECONFLICT);
	stance_sync_result_clear(&r);
	th_write(db.ptr, "kl/doc.md", "---\ntitle: [broken\n");
	cr_assert(stance_sync_continue(&r, NULL, t.b, STANCE_SYNC_TAKE_WORKTREE) < 0);
	cr_assert(strstr(stance_error_last(), "kl/doc.md"), "%s", stance_error_last());
	cr_assert(stance_sync_in_progress(t.b), "the merge still waits");
	/* taking theirs resolves it */
	check(stance_sync_continue(&r, NULL, t.b, STANCE_SYNC_TAKE_THEIRS), "continue --theirs");
	stance_sync_result_clear(&r);
	{
		char *text = th_read(db.ptr, "kl/doc.md");
		cr_assert(strstr(text, "En A."), "%s", text);
		free(text);
	}
	stance_buf_dispose(&db);
	team_free(&t);
}

Test(sync, the_snapshots_branch_travels_too, .fini = th_cleanup)
{
	team t;
	stance_buf db = STANCE_BUF_INIT, da = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result res;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	char *sa, *sb;
	team_make(&t);
	stance_buf_printf(&da, "%s/a", t.dir);
	stance_buf_printf(&db, "%s/b", t.dir);
	check(stance_document_new(&doc), "new");
	check(stance_document_set(doc, "id", "kl/page"), "id");
	check(stance_document_set_body(doc, "Tekst.\n", 7), "body");
	o.trailers = "Fetched-At: 2026-11-20T10:00:00Z\n";
	o.snapshot_ext = "html";
	o.snapshot_data = "<p>Tekst.</p>";
	o.snapshot_len = 13;
	check(stance_store_save(&res, t.a, doc, &o), "save");
	stance_document_free(doc);
	sync_ok(t.a, &r);
	cr_assert_eq(r.snapshots_out, 1, "%zu", r.snapshots_out);
	stance_sync_result_clear(&r);
	sync_ok(t.b, &r);
	cr_assert_eq(r.snapshots_in, 1, "%zu", r.snapshots_in);
	stance_sync_result_clear(&r);
	sa = th_sh_out(da.ptr, "git rev-parse snapshots");
	sb = th_sh_out(db.ptr, "git rev-parse snapshots");
	cr_assert_str_eq(sa, sb);
	free(sa);
	free(sb);
	stance_buf_dispose(&da);
	stance_buf_dispose(&db);
	team_free(&t);
}

Test(sync, a_push_behind_the_remote_is_refused_and_sync_retries, .fini = th_cleanup)
{
	team t;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	team_make(&t);
	save(t.a, "kl/a", "A", "A.\n", NULL, 1600000000);
	save(t.b, "kl/b", "B", "B.\n", NULL, 1600000100);
	sync_ok(t.a, NULL);
	cr_assert_eq(stance_sync_push(&r, t.b, NULL, NULL), STANCE_ECONFLICT);
	cr_assert(strstr(stance_error_last(), "stance sync"), "%s", stance_error_last());
	stance_sync_result_clear(&r);
	sync_ok(t.b, &r);
	cr_assert_eq(r.outcome, STANCE_SYNC_MERGED);
	stance_sync_result_clear(&r);
	team_free(&t);
}

Test(sync, remotes_are_listed_named_and_checked, .fini = th_cleanup)
{
	team t;
	stance_remote_array list = { NULL, 0 };
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	team_make(&t);
	check(stance_remote_add(t.a, "backup", "https://archivist:t0ps3cret@example.org/team/policies.git"), "add");
	cr_assert_eq(stance_remote_add(t.a, "backup", "../x"), STANCE_EEXISTS);
	cr_assert_eq(stance_remote_add(t.a, "bad name", "../x"), STANCE_EINVALID);
	cr_assert_eq(stance_remote_add(t.a, "empty", ""), STANCE_EINVALID);
	check(stance_remote_list(&list, t.a), "list");
	cr_assert_eq(list.count, 2);
	cr_assert_str_eq(list.items[0].name, "backup");
	cr_assert_str_eq(list.items[0].url, "https://archivist@example.org/team/policies.git", "no password shown");
	stance_remote_array_free(&list);
	check(stance_remote_remove(t.a, "backup"), "remove");
	cr_assert_eq(stance_remote_remove(t.a, "backup"), STANCE_ENOTFOUND);
	cr_assert_eq(stance_sync_pull(&r, t.a, "nowhere", NULL), STANCE_ENOTFOUND);
	cr_assert(strstr(stance_error_last(), "nowhere"), "%s", stance_error_last());
	stance_sync_result_clear(&r);
	team_free(&t);
}

Test(sync, url_redaction_keeps_the_user_and_drops_the_secret)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_url_redact(&b, "https://u:tok@host:8443/x.git");
	cr_assert_str_eq(b.ptr, "https://u@host:8443/x.git");
	stance_buf_clear(&b);
	stance_url_redact(&b, "ssh://git@host/x.git");
	cr_assert_str_eq(b.ptr, "ssh://git@host/x.git");
	stance_buf_clear(&b);
	stance_url_redact(&b, "https://host/a@b");
	cr_assert_str_eq(b.ptr, "https://host/a@b");
	stance_buf_clear(&b);
	stance_url_redact(&b, "/srv/git/x.git");
	cr_assert_str_eq(b.ptr, "/srv/git/x.git");
	stance_buf_dispose(&b);
}

/* A password with an '@' in it is read up to the authority's last '@' (the
 * URL module's reading) and goes whole: the hand-written redaction stopped
 * at the first '@' and showed "https://u@ss@host/x". */
Test(sync, url_redaction_drops_a_password_with_an_at_sign_whole)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_url_redact(&b, "https://u:p@ss@host/x");
	cr_assert_str_eq(b.ptr, "https://u@host/x");
	stance_buf_clear(&b);
	stance_url_redact(&b, "ssh://git:pw@ss@host:2222/x.git");
	cr_assert_str_eq(b.ptr, "ssh://git@host:2222/x.git");
	stance_buf_clear(&b);
	stance_url_redact(&b, "git@host:team/x.git");
	cr_assert_str_eq(b.ptr, "git@host:team/x.git", "scp-like: no password to drop");
	stance_buf_dispose(&b);
}

Test(sync, a_remote_with_unrelated_history_is_refused_by_name, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_buf p1 = STANCE_BUF_INIT, p2 = STANCE_BUF_INIT;
	stance_repo *one = NULL, *two = NULL;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	char *before, *after;
	stance_buf_printf(&p1, "%s/one", dir);
	stance_buf_printf(&p2, "%s/two", dir);
	check(stance_repo_init(&one, p1.ptr), "init one");
	check(stance_repo_init(&two, p2.ptr), "init two");
	check(stance_repo_lock(two, 1000), "lock");
	check(stance_remote_add(two, "other", "../one"), "remote add");
	/* two inits in the same second make the same commit: make one's differ */
	cr_assert_eq(th_sh(p1.ptr, NULL, "git commit -q --amend --no-verify -m 'Another beginning'"), 0);
	before = th_sh_out(p2.ptr, "git rev-parse main");
	cr_assert_eq(stance_sync_pull(&r, two, "other", NULL), STANCE_EINVALID, "%s", stance_error_last());
	cr_assert(strstr(stance_error_last(), "'other'") && strstr(stance_error_last(), "shares no history"),
		"%s", stance_error_last());
	after = th_sh_out(p2.ptr, "git rev-parse main");
	cr_assert_str_eq(before, after, "nothing moved");
	stance_sync_result_clear(&r);
	free(before);
	free(after);
	stance_repo_free(one);
	stance_repo_free(two);
	stance_buf_dispose(&p1);
	stance_buf_dispose(&p2);
	free(dir);
}

Test(sync, a_title_changed_on_both_sides_stops_and_ours_can_be_taken, .fini = th_cleanup)
{
	team t;
	stance_buf da = STANCE_BUF_INIT, db = STANCE_BUF_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	char *text;
	team_make(&t);
	stance_buf_printf(&da, "%s/a", t.dir);
	stance_buf_printf(&db, "%s/b", t.dir);
	save(t.a, "kl/doc", "Gammel titel", "Tekst.\n\nMere tekst.\n", NULL, 1600000000);
	sync_ok(t.a, NULL);
	sync_ok(t.b, NULL);
	/* both retitle; a also edits the second paragraph, which must survive */
	save(t.a, "kl/doc", "Titel fra A", "Tekst.\n\nMere tekst fra A.\n", NULL, 1600000100);
	save(t.b, "kl/doc", "Titel fra B", "Tekst.\n\nMere tekst.\n", NULL, 1600000200);
	sync_ok(t.a, NULL);
	cr_assert_eq(stance_sync_run(&r, t.b, NULL, NULL), STANCE_ECONFLICT);
	cr_assert_eq(r.conflict_count, 1);
	cr_assert_str_eq(r.conflicts[0].passage, "front matter field 'title': ours \"Titel fra B\", theirs \"Titel fra A\"");
	stance_sync_result_clear(&r);
	check(stance_sync_continue(&r, NULL, t.b, STANCE_SYNC_TAKE_OURS), "continue --ours");
	stance_sync_result_clear(&r);
	sync_ok(t.b, NULL);
	sync_ok(t.a, NULL);
	text = th_read(da.ptr, "kl/doc.md");
	cr_assert(strstr(text, "Titel fra B") && strstr(text, "Mere tekst fra A."), "%s", text);
	free(text);
	{
		char *st = th_sh_out(db.ptr, "git status --porcelain --untracked-files=no");
		cr_assert_str_eq(st, "", "the working folder is clean after continue");
		free(st);
	}
	stance_buf_dispose(&da);
	stance_buf_dispose(&db);
	team_free(&t);
}
