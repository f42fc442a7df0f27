/*
 * test_store.c: the store module (store.h) on real repositories: a saved
 * document is one commit ("Add <id>", then "Update <id>") and its file in
 * canonical form; the same text again writes nothing; time, author, message
 * and trailers go into the commit; a snapshot goes to the snapshots branch,
 * named in a trailer; a document is read back as of any revision; ids are
 * listed sorted and resolved from prefixes; paths through symbolic links,
 * forged authors and a working file holding changes stance did not store
 * are refused with a clear message; `stance check`'s validation names the
 * file. Danish text and a large body.
 */
#include "helpers.h"

#include <string.h>
#include <unistd.h>

typedef struct {
	char *dir;
	stance_repo *repo;
} fixture;

static fixture open_repo(void)
{
	fixture f;
	f.dir = th_tmpdir();
	f.repo = NULL;
	cr_assert_eq(stance_repo_init(&f.repo, f.dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_lock(f.repo, 0), 0, "%s", stance_error_last());
	return f;
}

static void close_repo(fixture *f)
{
	stance_repo_free(f->repo);
	free(f->dir);
}

static stance_document *make_doc(const char *id, const char *title, const char *body)
{
	stance_document *doc = NULL;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set(doc, "id", id), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_set(doc, "title", title), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_set(doc, "language", "da"), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_set_body(doc, body, strlen(body)), 0, "%s", stance_error_last());
	return doc;
}

static stance_save_result save(fixture *f, const char *id, const char *title, const char *body,
	const stance_save_options *opts)
{
	stance_save_result r;
	stance_document *doc = make_doc(id, title, body);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(stance_store_save(&r, f->repo, doc, opts), 0, "save %s: %s", id, stance_error_last());
	stance_document_free(doc);
	return r;
}

static char *git(const char *dir, const char *cmd)
{
	return th_sh_out(dir, cmd);
}

Test(store, a_new_document_is_one_commit_and_its_file, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_result r = save(&f, "kl/naerhedsreform", "KL's input til nærhedsreform",
		"Kommunerne skal have frihed.\n", NULL);
	char *msg, *file, *head;
	stance_document *doc = NULL;
	cr_expect_eq(r.changed, 1);
	cr_expect_eq(r.created, 1);
	cr_expect_eq(strlen(r.commit), 40);
	head = git(f.dir, "git rev-parse HEAD");
	cr_expect_eq(strncmp(head, r.commit, 40), 0, "the branch is at the new commit");
	msg = git(f.dir, "git log -1 --format=%s");
	cr_expect_str_eq(msg, "Add kl/naerhedsreform\n");
	file = th_read(f.dir, "kl/naerhedsreform.md");
	cr_expect(strstr(file, "title: KL's input til nærhedsreform\n") != NULL, "%s", file);
	cr_expect(strstr(file, "\n---\n") != NULL, "%s", file);
	cr_expect_str_eq(file + strlen(file) - strlen("Kommunerne skal have frihed.\n"), "Kommunerne skal have frihed.\n");
	/* the file and the index are the commit's */
	free(msg);
	msg = git(f.dir, "git status --porcelain");
	cr_expect_str_eq(msg, "");
	cr_assert_eq(stance_store_load(&doc, f.repo, "kl/naerhedsreform", NULL), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_document_get(doc, "title"), "KL's input til nærhedsreform");
	cr_expect_str_eq(stance_document_body(doc), "Kommunerne skal have frihed.\n");
	stance_document_free(doc);
	free(head);
	free(msg);
	free(file);
	close_repo(&f);
}

Test(store, the_same_text_again_writes_nothing_and_a_change_is_an_update, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_result r1 = save(&f, "a/b", "T", "Første version.\n", NULL), r2, r3;
	char *msg, *count;
	r2 = save(&f, "a/b", "T", "Første version.\n", NULL);
	cr_expect_eq(r2.changed, 0);
	cr_expect_eq(r2.created, 0);
	/* the same text written otherwise is the same canonical document */
	r2 = save(&f, "a/b", "T", "Første version.\n\n\n", NULL);
	cr_expect_eq(r2.changed, 0, "blank lines at the end are not canonical");
	r3 = save(&f, "a/b", "T", "Anden version.\n", NULL);
	cr_expect_eq(r3.changed, 1);
	cr_expect_eq(r3.created, 0);
	cr_expect_neq(strcmp(r1.commit, r3.commit), 0);
	msg = git(f.dir, "git log -1 --format=%s");
	cr_expect_str_eq(msg, "Update a/b\n");
	count = git(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "3\n", "init, add, update");
	free(msg);
	free(count);
	close_repo(&f);
}

Test(store, time_author_message_and_trailers_go_into_the_commit, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_buf trailers = STANCE_BUF_INIT;
	char *log;
	cr_assert_eq(stance_store_trailer(&trailers, "Source", "https://kl.dk/tema"), 0);
	cr_assert_eq(stance_store_trailer(&trailers, "Fetched-At", "2020-12-04T12:09:00+01:00"), 0);
	o.time = 1607080140; /* 2020-12-04T11:09:00Z */
	o.tz_minutes = 60;
	o.author_name = "Søren Ærø";
	o.author_email = "soren@example.dk";
	o.message = "Hent kl/tema";
	o.trailers = trailers.ptr;
	save(&f, "kl/tema", "Tema", "Tekst.\n", &o);
	log = git(f.dir, "git log -1 --format='%an <%ae>|%ad|%B' --date=iso-strict");
	cr_expect_str_eq(log, "Søren Ærø <soren@example.dk>|2020-12-04T12:09:00+01:00|Hent kl/tema\n\n"
		"Source: https://kl.dk/tema\nFetched-At: 2020-12-04T12:09:00+01:00\n\n");
	free(log);
	stance_buf_dispose(&trailers);
	close_repo(&f);
}

Test(store, a_trailer_value_stays_on_one_line)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_store_trailer(&b, "Source", "https://x/\nForged: yes"), 0);
	cr_expect(strchr(b.ptr, '\n') == b.ptr + b.size - 1, "'%s' is not one line", b.ptr);
	cr_expect_eq(strncmp(b.ptr, "Source: https://x/", 18), 0, "%s", b.ptr);
	stance_buf_dispose(&b);
}

Test(store, a_snapshot_goes_to_its_branch_named_in_a_trailer, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	static const char html[] = "<html><body><p>Rå side</p></body></html>";
	char *snap, *body, *files;
	o.snapshot_ext = "html";
	o.snapshot_data = html;
	o.snapshot_len = sizeof(html) - 1;
	save(&f, "kl/side", "Side", "Rå side\n", &o);
	snap = git(f.dir, "git show snapshots:kl/side.html");
	cr_expect_str_eq(snap, html);
	body = git(f.dir, "git log -1 --format=%B main 2>/dev/null || git log -1 --format=%B HEAD");
	cr_expect(strstr(body, "Snapshot: ") != NULL, "%s", body);
	files = git(f.dir, "git ls-files");
	cr_expect(strstr(files, "kl/side.html") == NULL, "the snapshot is not on the main branch: %s", files);
	free(snap);
	free(body);
	free(files);
	close_repo(&f);
}

Test(store, a_document_is_read_as_of_any_revision, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_result r1 = save(&f, "x/doc", "Gammel", "Gammel tekst.\n", NULL);
	stance_document *doc = NULL;
	save(&f, "x/doc", "Ny", "Ny tekst.\n", NULL);
	cr_assert_eq(stance_store_load(&doc, f.repo, "x/doc", r1.commit), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_document_get(doc, "title"), "Gammel");
	stance_document_free(doc);
	doc = NULL;
	cr_assert_eq(stance_store_load(&doc, f.repo, "x/doc", "HEAD~1"), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_document_body(doc), "Gammel tekst.\n");
	stance_document_free(doc);
	doc = NULL;
	cr_assert_eq(stance_store_load(&doc, f.repo, "x/doc", NULL), 0);
	cr_expect_str_eq(stance_document_body(doc), "Ny tekst.\n");
	stance_document_free(doc);
	doc = NULL;
	cr_expect_eq(stance_store_load(&doc, f.repo, "x/nosuch", NULL), STANCE_ENOTFOUND);
	cr_expect(strstr(stance_error_last(), "x/nosuch") != NULL, "%s", stance_error_last());
	cr_expect_null(doc);
	cr_expect_eq(stance_store_load(&doc, f.repo, "x/doc", "HEAD~5"), STANCE_ENOTFOUND);
	cr_expect_lt(stance_store_load(&doc, f.repo, "x/doc", "no-such-revision"), 0);
	cr_expect(strstr(stance_error_last(), "no-such-revision") != NULL, "%s", stance_error_last());
	close_repo(&f);
}

static int collect(const char *id, void *payload)
{
	stance_buf_printf(payload, "%s;", id);
	return 0;
}

static int stop_at_second(const char *id, void *payload)
{
	int *n = payload;
	(void)id;
	return ++*n == 2 ? 42 : 0;
}

Test(store, ids_are_listed_sorted_and_resolved_from_prefixes, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_buf ids = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
	int n = 0;
	save(&f, "kl/oekonomi", "Ø", "Tekst.\n", NULL);
	save(&f, "kl/naerhedsreform", "N", "Tekst.\n", NULL);
	save(&f, "da/aeldre", "Æ", "Tekst.\n", NULL);
	save(&f, "kl/naerhed-2", "N2", "Tekst.\n", NULL);
	cr_assert_eq(stance_store_foreach(f.repo, NULL, collect, &ids), 0);
	cr_expect_str_eq(ids.ptr, "da/aeldre;kl/naerhed-2;kl/naerhedsreform;kl/oekonomi;");
	cr_expect_eq(stance_store_foreach(f.repo, NULL, stop_at_second, &n), 42, "the callback's value stops the walk");
	cr_expect_eq(n, 2);
	cr_assert_eq(stance_store_resolve_id(&id, f.repo, "kl/oekonomi"), 0);
	cr_expect_str_eq(id.ptr, "kl/oekonomi");
	stance_buf_clear(&id);
	cr_assert_eq(stance_store_resolve_id(&id, f.repo, "da"), 0, "%s", stance_error_last());
	cr_expect_str_eq(id.ptr, "da/aeldre");
	stance_buf_clear(&id);
	cr_assert_eq(stance_store_resolve_id(&id, f.repo, "kl/oek"), 0, "%s", stance_error_last());
	cr_expect_str_eq(id.ptr, "kl/oekonomi");
	stance_buf_clear(&id);
	cr_expect_eq(stance_store_resolve_id(&id, f.repo, "kl/naerhed"), STANCE_EAMBIGUOUS);
	cr_expect(strstr(stance_error_last(), "kl/naerhed-2") && strstr(stance_error_last(), "kl/naerhedsreform"),
		"the candidates are listed: %s", stance_error_last());
	cr_expect_eq(stance_store_resolve_id(&id, f.repo, "zz"), STANCE_ENOTFOUND);
	cr_expect(strstr(stance_error_last(), "zz") != NULL, "%s", stance_error_last());
	stance_buf_dispose(&ids);
	stance_buf_dispose(&id);
	close_repo(&f);
}

Test(store, a_path_through_a_symbolic_link_is_refused, .fini = th_cleanup)
{
	fixture f = open_repo();
	char *out = th_tmpdir(), *link = th_path(f.dir, "ud");
	stance_document *doc = make_doc("ud/fil", "T", "Tekst.\n");
	stance_save_result r;
	stance_buf long_id = STANCE_BUF_INIT;
	int i;
	cr_assert_eq(symlink(out, link), 0);
	cr_expect_eq(stance_store_check_path(f.repo, "ud/fil"), STANCE_EINVALID);
	cr_expect(strstr(stance_error_last(), "ud") != NULL, "%s", stance_error_last());
	cr_expect_lt(stance_store_save(&r, f.repo, doc, NULL), 0);
	cr_expect(!th_exists(out, "fil.md"), "nothing was written through the link");
	cr_expect_eq(stance_store_check_file(f.repo, "ud/x.txt"), STANCE_EINVALID);
	cr_expect_eq(stance_store_check_path(f.repo, "kl/ok"), 0, "%s", stance_error_last());
	/* a path longer than the system takes */
	for (i = 0; i < 40; i++)
		stance_buf_puts(&long_id, i ? "/abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz" : "x");
	cr_expect_eq(stance_store_check_path(f.repo, long_id.ptr), STANCE_EINVALID);
	stance_buf_dispose(&long_id);
	stance_document_free(doc);
	free(link);
	free(out);
	close_repo(&f);
}

Test(store, forged_authors_are_refused)
{
	cr_expect_eq(stance_store_check_identity(NULL, NULL), 0);
	cr_expect_eq(stance_store_check_identity("", ""), 0);
	cr_expect_eq(stance_store_check_identity("Søren Ærø", "s@example.dk"), 0);
	cr_expect_eq(stance_store_check_identity("A\nB", "a@example.org"), STANCE_EINVALID);
	cr_expect(strstr(stance_error_last(), "name") != NULL, "%s", stance_error_last());
	cr_expect_eq(stance_store_check_identity("A", "a@example.org\r\ncommitter x"), STANCE_EINVALID);
	cr_expect(strstr(stance_error_last(), "mail") != NULL, "%s", stance_error_last());
	cr_expect_eq(stance_store_check_identity("S\xf8ren", "s@example.dk"), STANCE_EINVALID, "Latin-1, not UTF-8");
}

Test(store, a_save_with_a_forged_author_writes_nothing, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_document *doc = make_doc("a/b", "T", "Tekst.\n");
	stance_save_result r;
	char *count;
	o.author_name = "Evil\nSigned-off-by: someone";
	cr_expect_eq(stance_store_save(&r, f.repo, doc, &o), STANCE_EINVALID);
	cr_expect(!th_exists(f.dir, "a/b.md"));
	count = git(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "1\n");
	free(count);
	stance_document_free(doc);
	close_repo(&f);
}

Test(store, a_working_file_with_unstored_changes_is_not_overwritten, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_document *doc = make_doc("a/b", "T", "Fra nettet.\n");
	stance_save_result r;
	char *kept, *count;
	save(&f, "a/b", "T", "Første.\n", NULL);
	th_write(f.dir, "a/b.md", "---\nid: a/b\ntitle: T\n---\nMine egne rettelser.\n");
	cr_expect_lt(stance_store_save(&r, f.repo, doc, NULL), 0);
	cr_expect(strstr(stance_error_last(), "a/b.md") != NULL, "the message names the file: %s", stance_error_last());
	kept = th_read(f.dir, "a/b.md");
	cr_expect(strstr(kept, "Mine egne rettelser.") != NULL, "%s", kept);
	count = git(f.dir, "git rev-list --count HEAD");
	cr_expect_str_eq(count, "2\n", "nothing committed");
	free(kept);
	free(count);
	stance_document_free(doc);
	close_repo(&f);
}

Test(store, a_document_without_an_id_is_refused, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_document *doc = NULL;
	stance_save_result r;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set_body(doc, "Tekst.\n", 7), 0);
	cr_expect_lt(stance_store_save(&r, f.repo, doc, NULL), 0);
	cr_expect_gt(strlen(stance_error_last()), 0);
	stance_document_free(doc);
	close_repo(&f);
}

static void on_problem(const char *path, size_t line, const char *problem, void *payload)
{
	stance_buf_printf(payload, "%s:%zu: %s\n", path, line, problem);
}

Test(store, check_names_the_file_of_each_problem, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_buf seen = STANCE_BUF_INIT;
	size_t problems = 99;
	save(&f, "a/god", "God", "Tekst.\n", NULL);
	cr_assert_eq(stance_store_check(&problems, f.repo, 0, NULL, 0, on_problem, &seen), 0, "%s",
		stance_error_last());
	cr_expect_eq(problems, 0, "%s", stance_buf_cstr(&seen));
	save(&f, "a/daarlig", "D", "Tekst.\n", NULL);
	save(&f, "a/forkert-id", "F", "Tekst.\n", NULL);
	th_write(f.dir, "a/daarlig.md", "---\ntitle: [ikke lukket\n---\nTekst.\n");
	th_write(f.dir, "a/forkert-id.md", "---\nid: a/andet\ntitle: X\n---\nTekst.\n");
	cr_assert_eq(stance_store_check(&problems, f.repo, 0, NULL, 0, on_problem, &seen), 0, "%s",
		stance_error_last());
	cr_expect_geq(problems, 2, "%s", stance_buf_cstr(&seen));
	cr_expect(strstr(stance_buf_cstr(&seen), "a/daarlig.md") != NULL, "%s", stance_buf_cstr(&seen));
	cr_expect(strstr(stance_buf_cstr(&seen), "a/forkert-id.md") != NULL, "%s", stance_buf_cstr(&seen));
	cr_expect(strstr(stance_buf_cstr(&seen), "a/god.md") == NULL, "%s", stance_buf_cstr(&seen));
	stance_buf_dispose(&seen);
	close_repo(&f);
}

Test(store, commit_file_commits_a_changed_file_only, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_save_result r;
	char *msg;
	memset(&r, 0, sizeof(r));
	cr_assert_eq(stance_store_commit_file(&r, f.repo, ".stance/config", "Uændret"), 0, "%s", stance_error_last());
	cr_expect_eq(r.changed, 0);
	cr_assert_eq(stance_repo_config_set(f.repo, "stance.organisation", "Aarhus Kommune"), 0);
	cr_assert_eq(stance_store_commit_file(&r, f.repo, ".stance/config", "Sprog: dansk"), 0, "%s",
		stance_error_last());
	cr_expect_eq(r.changed, 1);
	msg = git(f.dir, "git log -1 --format=%s");
	cr_expect_str_eq(msg, "Sprog: dansk\n");
	free(msg);
	close_repo(&f);
}

Test(store, a_large_body_round_trips, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_buf body = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	int i;
	for (i = 0; i < 20000; i++)
		stance_buf_printf(&body, "Afsnit %d: kommunen skal bygge flere boliger, og regionen bør betale.\n\n", i);
	body.size--;
	body.ptr[body.size] = '\0';
	save(&f, "stor/tekst", "Stor", body.ptr, NULL);
	cr_assert_eq(stance_store_load(&doc, f.repo, "stor/tekst", NULL), 0, "%s", stance_error_last());
	cr_expect_eq(strlen(stance_document_body(doc)), body.size);
	cr_expect_str_eq(stance_document_body(doc), body.ptr);
	stance_document_free(doc);
	stance_buf_dispose(&body);
	close_repo(&f);
}

/* The library reads no environment variable: the default author and the
 * lock timeout come from stance_process_settings_set() alone. */
Test(store, the_default_author_comes_from_the_process_settings_not_the_environment, .fini = th_cleanup)
{
	stance_process_settings settings = STANCE_PROCESS_SETTINGS_INIT;
	fixture f;
	stance_save_result r;
	char *who;
	setenv("GIT_AUTHOR_NAME", "From The Environment", 1);
	setenv("GIT_AUTHOR_EMAIL", "env@example.org", 1);
	setenv("STANCE_LOCK_TIMEOUT_MS", "7", 1);
	cr_expect_eq(stance_repo_lock_timeout(), 5000, "the library read STANCE_LOCK_TIMEOUT_MS");
	settings.lock_timeout_ms = 250;
	settings.author_name = "Anna Holm";
	settings.author_email = "anna@example.org";
	cr_assert_eq(stance_process_settings_set(&settings), 0);
	cr_expect_eq(stance_repo_lock_timeout(), 250);
	f = open_repo();
	r = save(&f, "kl/forfatter", "Forfatter", "Vi skal vide, hvem der skrev.\n", NULL);
	cr_expect_eq(r.created, 1);
	who = git(f.dir, "git log -1 --format='%an <%ae>'");
	cr_expect(strstr(who, "Anna Holm <anna@example.org>"), "the commit's author: %s", who);
	free(who);
	close_repo(&f);
}
