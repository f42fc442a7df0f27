/*
 * test_search.c: `stance search`: ranked full-text search on SQLite FTS5
 * with Snowball stems, phrases, prefixes, loose diacritics, the state on a
 * date and every revision; the index a cache in .git, made when missing
 * and brought up to date after commits from stance or plain git, the
 * update answering as an index made anew.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "helpers.h"

static void add(const char *dir, const char *id, const char *date, const char *fm, const char *body)
{
	stance_buf doc = STANCE_BUF_INIT;
	stance_buf_printf(&doc, "---\n%s---\n\n%s", fm, body);
	th_write(dir, "in/doc.md", doc.ptr);
	OK0(dir, "add", "in/doc.md", "--id", id, "--date", date);
	stance_buf_dispose(&doc);
}

static char *archive(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	add(dir, "kl/frikommuner", "2019-01-01",
		"title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Kommunerne skal have mere frihed. Frikommunerne viser vejen.\n\nDer er brug for en ny reform.\n");
	add(dir, "kl/aalborg", "2019-02-01",
		"title: \"Aalborg\"\nkind: theme\norganization: KL\nlanguage: da\n",
		"Aalborg Kommune har en reform, der er ny.\n");
	add(dir, "dn/climate", "2019-03-01",
		"title: \"Climate\"\nkind: debate\norganization: DN\nlanguage: en\n",
		"The municipalities are demanding a halving of emissions.\n");
	add(dir, "kl/frikommuner", "2021-01-01",
		"title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Der er brug for en ny reform.\n");
	return dir;
}

Test(search, stems_phrases_and_prefixes, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "search", "reformen");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && strstr(r.out.ptr, "kl/aalborg"),
		"Danish stem reform: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "\"ny reform\"");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && !strstr(r.out.ptr, "kl/aalborg"),
		"a phrase, words in a row: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "demand", "halve");
	cr_assert(strstr(r.out.ptr, "dn/climate"), "English stems, all words: %s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "demand", "frihed");
	cr_assert_eq(r.status, 1, "no document has both: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "municip*", "--json");
	cr_assert(strstr(r.out.ptr, "\"id\": \"dn/climate\""), "a prefix: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "reform", "--organization", "kl", "--kind", "theme");
	cr_assert(strstr(r.out.ptr, "kl/aalborg") && !strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "...");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'...' has no word"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(search, old_spellings_match_with_ignore_diacritics, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	TH_RUN(&r, dir, "search", "Ålborg");
	cr_assert_eq(r.status, 1, "å is not aa by default: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "Ålborg", "--ignore-diacritics");
	cr_assert(strstr(r.out.ptr, "kl/aalborg"), "aa ~ å: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(search, as_of_a_date_and_every_revision, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	TH_RUN(&r, dir, "search", "frihed");
	cr_assert_eq(r.status, 1, "the current text dropped it: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "frihed", "--as-of", "2020-06-01");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && strstr(r.out.ptr, "2019-01-01"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "frihed", "--as-of", "2018-12-31");
	cr_assert_eq(r.status, 1, "not written yet: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "frihed", "--history", "--json");
	cr_assert(strstr(r.out.ptr, "\"first_date\": \"2019-01-01T00:00:00Z\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"current\": false"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"revisions\": 1"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "reform", "--history");
	cr_assert(strstr(r.out.ptr, "(2 revisions, current)"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

/* --history counts a revision only when it holds every term: two to four
 * terms are counted together, more one by one; each way gives the
 * revisions that hold them all, and a title's match. */
Test(search, every_revision_with_several_terms, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "search", "--history", "--json", "reform", "frihed");
	cr_assert(strstr(r.out.ptr, "\"id\": \"kl/frikommuner\"") && !strstr(r.out.ptr, "kl/aalborg"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"revisions\": 1,") && strstr(r.out.ptr, "\"current\": false"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"first_date\": \"2019-01-01T00:00:00Z\""), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "--history", "reform", "ny", "brug", "frikommuner");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && strstr(r.out.ptr, "(2 revisions, current)"), "the title's match, four terms: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "kl/aalborg"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "--history", "kommunerne", "skal", "have", "mere", "frihed");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && strstr(r.out.ptr, "(1 revisions, no longer)"), "five terms: %s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "--history", "reform", "ny", "brug", "frikommuner", "aalborg");
	cr_assert_eq(r.status, 1, "no revision holds all five: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(search, the_index_is_a_cache_kept_up_to_date, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	stance_buf st = STANCE_BUF_INIT;
	cr_assert(!th_exists(dir, ".git/stance-search.sqlite"), "not made before a search");
	OK(&r, dir, "search", "reform");
	th_result_free(&r);
	cr_assert(th_exists(dir, ".git/stance-search.sqlite"), "made by the first search");
	/* a commit of plain git is found by the next search (dated before the
	 * next revision: the current text is the newest observation, as for show) */
	free(th_sh_out(dir, "sed -i 's/Der er brug for en ny reform./Skolerne mangler lærere./' kl/frikommuner.md && "
		"GIT_AUTHOR_DATE=2021-06-01T12:00:00Z git commit -q -a -m 'Update kl/frikommuner'"));
	OK(&r, dir, "search", "lærer");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	/* ... and one of stance */
	add(dir, "kl/frikommuner", "2022-01-01", "title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Skolerne har nok lærere.\n");
	TH_RUN(&r, dir, "search", "mangler");
	cr_assert_eq(r.status, 1, "the new text is searched: %s", r.out.ptr);
	th_result_free(&r);
	/* a history rewritten under it: what is gone is gone from the index */
	free(th_sh_out(dir, "git reset -q --hard HEAD~2"));
	TH_RUN(&r, dir, "search", "lærer", "--history");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	th_result_free(&r);
	/* a damaged cache is made again */
	th_write(dir, ".git/stance-search.sqlite", "not a database");
	OK(&r, dir, "search", "reform");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	th_sh(dir, &st, "git status --porcelain --ignored");
	cr_assert(!strstr(stance_buf_cstr(&st), "search"), "never in the work tree: %s", stance_buf_cstr(&st));
	stance_buf_dispose(&st);
	free(dir);
}

/* A value of the index's meta table; "" when none. */
static char *meta(const char *dir, const char *key)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *path = th_path(dir, ".git/stance-search.sqlite"), *v;
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	v = strdup(sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return v;
}

static void sql(const char *dir, const char *statement)
{
	sqlite3 *db = NULL;
	char *path = th_path(dir, ".git/stance-search.sqlite");
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, statement, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	free(path);
}

static char *rows(const char *dir, const char *query);

Test(search, an_index_of_another_format_or_unfinished_is_made_again, .fini = th_cleanup)
{
	char *dir = archive(), *v, *head = th_sh_out(dir, "git rev-parse HEAD");
	th_result r;
	head[strcspn(head, "\n")] = 0;
	OK(&r, dir, "search", "reform");
	th_result_free(&r);
	v = meta(dir, "head");
	cr_assert_str_eq(v, head, "the tip it was brought to");
	free(v);
	/* the format before paragraphs: texts whole */
	sql(dir, "UPDATE meta SET value = '3' WHERE key = 'format'; DROP TABLE cur");
	OK(&r, dir, "search", "reform");
	cr_assert(strstr(r.out.ptr, "kl/aalborg"), "%s", r.out.ptr);
	th_result_free(&r);
	v = meta(dir, "format");
	cr_assert_str_eq(v, "7");
	free(v);
	/* format 5, before the index of each document's revisions by time */
	sql(dir, "UPDATE meta SET value = '5' WHERE key = 'format'; DROP INDEX revisions_doc_time");
	OK(&r, dir, "search", "reform", "--as-of", "2030-01-01");
	cr_assert(strstr(r.out.ptr, "kl/aalborg"), "%s", r.out.ptr);
	th_result_free(&r);
	v = meta(dir, "format");
	cr_assert_str_eq(v, "7");
	free(v);
	v = rows(dir, "SELECT name FROM sqlite_master WHERE name = 'revisions_doc_time'");
	cr_assert_str_eq(v, "revisions_doc_time\n", "made again with the index");
	free(v);
	/* format 6, before each text's changes against an earlier one */
	sql(dir, "UPDATE meta SET value = '6' WHERE key = 'format'; DROP TABLE text_changes");
	OK(&r, dir, "search", "reform", "--history");
	cr_assert(strstr(r.out.ptr, "kl/aalborg") && strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	v = meta(dir, "format");
	cr_assert_str_eq(v, "7");
	free(v);
	v = rows(dir, "SELECT count(*) FROM text_changes");
	cr_assert_str_eq(v, "4\n", "made again with every text's changes");
	free(v);
	/* a build that did not finish is not trusted */
	sql(dir, "DELETE FROM meta WHERE key = 'complete'; DELETE FROM latest");
	OK(&r, dir, "search", "reform");
	cr_assert(strstr(r.out.ptr, "kl/aalborg") && strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	v = meta(dir, "complete");
	cr_assert_str_eq(v, "1");
	free(v);
	free(head);
	free(dir);
}

Test(search, a_build_killed_half_way_leaves_no_index, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *gen = th_source("bench/gen_archive.py"), *out;
	stance_buf cmd = STANCE_BUF_INIT;
	th_result r;
	free(th_sh_out(dir, "git init -q -b main . && git config user.name T && git config user.email t@example.org"));
	stance_buf_printf(&cmd, "python3 %s 30 400 20 | git fast-import --quiet && git checkout -q main", gen);
	free(th_sh_out(dir, cmd.ptr));
	/* the revision table first, so that the build is what is killed */
	OK(&r, dir, "log", "-n", "1");
	th_result_free(&r);
	/* killed as soon as its temporary file appears */
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "%s --no-pager search reform >/dev/null 2>&1 & pid=$!; "
		"while :; do for f in .git/stance-search.sqlite.tmp.*; do [ -e \"$f\" ] && break 2; done; "
		"kill -0 $pid 2>/dev/null || break; done; kill -9 $pid 2>/dev/null; wait $pid; "
		"ls .git | grep stance-search || true", STANCE_BIN);
	out = th_sh_out(dir, cmd.ptr);
	if (th_exists(dir, ".git/stance-search.sqlite")) {
		/* finished before the kill: then whole */
		char *v = meta(dir, "complete");
		cr_assert_str_eq(v, "1", "%s", out);
		free(v);
	} else {
		cr_assert(strstr(out, "stance-search.sqlite.tmp."), "killed mid-build: only its temporary file: %s", out);
	}
	free(out);
	OK(&r, dir, "search", "reform");
	cr_assert(r.out.size, "the next search builds it");
	th_result_free(&r);
	out = th_sh_out(dir, "ls .git | grep stance-search || true");
	cr_assert_str_eq(out, "stance-search.sqlite\n", "the dead build's file removed: %s", out);
	free(out);
	stance_buf_dispose(&cmd);
	free(gen);
	free(dir);
}

Test(search, a_new_revision_adds_only_the_paragraphs_it_changed, .fini = th_cleanup)
{
	char *dir = archive();
	stance_search_update_stats st;
	stance_repo *repo = NULL;
	cr_assert_eq(stance_repo_open(&repo, dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_search_update(&st, repo), 0, "%s", stance_error_last());
	cr_assert(st.rebuilt && st.revisions_added == 4, "built: %zu revisions", st.revisions_added);
	stance_repo_free(repo);
	/* one paragraph of three reworded, one kept, one added */
	add(dir, "kl/frikommuner", "2022-01-01", "title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Der er brug for en ny reform.\n\nSkolerne mangler lærere.\n\nEn tredje tanke.\n");
	cr_assert_eq(stance_repo_open(&repo, dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_search_update(&st, repo), 0, "%s", stance_error_last());
	cr_assert(!st.rebuilt, "brought up to date, not made again");
	cr_assert_eq(st.revisions_added, 1);
	cr_assert_eq(st.texts_added, 1);
	cr_assert_eq(st.blocks_added, 2, "the two new paragraphs only, not the text again: %zu", st.blocks_added);
	cr_assert_eq(stance_search_update(&st, repo), 0);
	cr_assert_eq(st.revisions_added + st.blocks_added, 0, "nothing new");
	stance_repo_free(repo);
	/* the current documents' table, brought up to date row by row, answers
	 * as one made anew */
	{
		const char *const queries[] = { "reform", "lærere", "frihed", "tredje", "frikommuner" };
		size_t i;
		stance_buf kept = STANCE_BUF_INIT, fresh = STANCE_BUF_INIT;
		for (i = 0; i < sizeof(queries) / sizeof(*queries); i++) {
			th_result r;
			TH_RUN(&r, dir, "search", queries[i], "--json");
			stance_buf_puts(&kept, r.out.ptr);
			th_result_free(&r);
		}
		cr_assert(strstr(kept.ptr, "tredje") || strstr(kept.ptr, "kl/frikommuner"), "%s", kept.ptr);
		free(th_sh_out(dir, "rm .git/stance-search.sqlite"));
		for (i = 0; i < sizeof(queries) / sizeof(*queries); i++) {
			th_result r;
			TH_RUN(&r, dir, "search", queries[i], "--json");
			stance_buf_puts(&fresh, r.out.ptr);
			th_result_free(&r);
		}
		cr_assert_str_eq(kept.ptr, fresh.ptr);
		stance_buf_dispose(&kept);
		stance_buf_dispose(&fresh);
	}
	free(dir);
}

/* The rows of `query` on the index, one a line, columns between '|'. */
static char *rows(const char *dir, const char *query)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *path = th_path(dir, ".git/stance-search.sqlite");
	stance_buf out = STANCE_BUF_INIT;
	int i;
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			stance_buf_printf(&out, "%s%s", i ? "|" : "", v ? (const char *)v : "NULL");
		}
		stance_buf_putc(&out, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return stance_buf_detach(&out);
}

/* Every answer to `queries`, each as --json, in one string. */
static char *answers(const char *dir, const char *const *queries, size_t n)
{
	stance_buf all = STANCE_BUF_INIT;
	size_t i;
	for (i = 0; i < n; i++) {
		th_result r;
		TH_RUN(&r, dir, "search", "--json", queries[i]);
		stance_buf_printf(&all, "%s => %d %s", queries[i], r.status, r.out.ptr);
		th_result_free(&r);
		TH_RUN(&r, dir, "search", "--json", "--history", queries[i]);
		stance_buf_printf(&all, "--history %s => %d %s", queries[i], r.status, r.out.ptr);
		th_result_free(&r);
		/* between the new revisions, and after them all */
		TH_RUN(&r, dir, "search", "--json", "--as-of", "2021-06-15", queries[i]);
		stance_buf_printf(&all, "--as-of 2021-06-15 %s => %d %s", queries[i], r.status, r.out.ptr);
		th_result_free(&r);
		TH_RUN(&r, dir, "search", "--json", "--as-of", "2030-01-01", queries[i]);
		stance_buf_printf(&all, "--as-of 2030-01-01 %s => %d %s", queries[i], r.status, r.out.ptr);
		th_result_free(&r);
	}
	return stance_buf_detach(&all);
}

#define LATEST_ROWS "SELECT l.doc, t.blob, l.commit_id, l.time FROM latest l JOIN texts t ON t.id = l.text_id ORDER BY l.doc"

/* An update visits only the documents its new or dropped revisions are
 * of (temp.touched); whatever happened, the index then answers as one made
 * anew, and keeps the list of its texts' languages the queries stem in. */
Test(search, an_update_answers_as_an_index_made_anew, .fini = th_cleanup)
{
	char *dir = archive(), *kept, *fresh, *latest, *v;
	static const char *const queries[] = { "reform", "lærere", "frihed", "Gemeinde", "municipality", "kommun*",
		"\"ny reform\"" };
	const size_t nq = sizeof(queries) / sizeof(*queries);
	th_result r;
	OK(&r, dir, "search", "reform");
	th_result_free(&r);
	v = meta(dir, "languages");
	cr_assert_str_eq(v, "da\nen\n", "the build lists its texts' languages");
	free(v);
	/* plain git: one document changed, one removed, one added in a language the index had not seen */
	free(th_sh_out(dir, "sed -i 's/Der er brug for en ny reform./Skolerne mangler lærere./' kl/frikommuner.md && "
		"GIT_AUTHOR_DATE=2021-06-01T12:00:00Z git commit -q -a -m 'Update kl/frikommuner' && "
		"git rm -q kl/aalborg.md && GIT_AUTHOR_DATE=2021-07-01T12:00:00Z git commit -q -m 'Remove kl/aalborg' && "
		"mkdir -p de && printf -- '---\\nid: de/gemeinden\\ntitle: Gemeinden\\nlanguage: de\\n---\\n\\n"
		"Die Gemeinden brauchen eine Reform.\\n' > de/gemeinden.md && git add de/gemeinden.md && "
		"GIT_AUTHOR_DATE=2021-08-01T12:00:00Z git commit -q -m 'Add de/gemeinden'"));
	kept = answers(dir, queries, nq);
	cr_assert(strstr(kept, "Gemeinde => 0") && strstr(kept, "de/gemeinden"), "German stems once the text is in: %s", kept);
	v = meta(dir, "languages");
	cr_assert_str_eq(v, "da\nen\nde\n");
	free(v);
	latest = rows(dir, LATEST_ROWS);
	cr_assert(!strstr(latest, "kl/aalborg") && strstr(latest, "de/gemeinden") && strstr(latest, "dn/climate"),
		"%s", latest);
	free(th_sh_out(dir, "rm .git/stance-search.sqlite"));
	fresh = answers(dir, queries, nq);
	cr_assert_str_eq(kept, fresh);
	v = rows(dir, LATEST_ROWS);
	cr_assert_str_eq(latest, v, "each document's newest, as a build finds it");
	free(v);
	free(kept);
	free(fresh);
	free(latest);
	/* the history rewritten under it: dropped revisions bring back the newest before them */
	free(th_sh_out(dir, "git reset -q --hard HEAD~2"));
	kept = answers(dir, queries, nq);
	latest = rows(dir, LATEST_ROWS);
	cr_assert(strstr(latest, "kl/aalborg") && !strstr(latest, "de/gemeinden"), "%s", latest);
	free(th_sh_out(dir, "rm .git/stance-search.sqlite"));
	fresh = answers(dir, queries, nq);
	cr_assert_str_eq(kept, fresh);
	v = rows(dir, LATEST_ROWS);
	cr_assert_str_eq(latest, v);
	free(v);
	/* an index made before the list was kept reads the languages from its texts, and records them when next updated */
	sql(dir, "DELETE FROM meta WHERE key = 'languages'");
	v = answers(dir, queries, nq);
	cr_assert_str_eq(v, fresh);
	free(v);
	free(th_sh_out(dir, "echo 'Endnu en reform.' >> kl/frikommuner.md && git commit -q -a -m 'Update kl/frikommuner'"));
	OK(&r, dir, "search", "reform");
	th_result_free(&r);
	v = meta(dir, "languages");
	cr_assert_str_eq(v, "da\nen\n");
	free(v);
	free(kept);
	free(fresh);
	free(latest);
	free(dir);
}

/* --- text_changes: each text as its base with the blocks it added and dropped */

typedef struct {
	unsigned char *bytes;
	size_t size;
} blob_row;

/* The blobs of `query` (id, blob) by id, ids below `cap`. */
static void blobs_by_id(blob_row *out, size_t cap, const char *dir, const char *query)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *path = th_path(dir, ".git/stance-search.sqlite");
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		cr_assert(id > 0 && (size_t)id < cap, "text id %lld", (long long)id);
		out[id].size = (size_t)sqlite3_column_bytes(st, 1);
		out[id].bytes = malloc(out[id].size + 1);
		memcpy(out[id].bytes, sqlite3_column_blob(st, 1), out[id].size);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
}

static uint32_t word_at(const blob_row *b, size_t i)
{
	const unsigned char *p = b->bytes + 4 * i;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmp_word(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

#define MAX_TEXTS 64
#define MAX_BLOCKS 64

/* A text of the archive below: each revision changes a few paragraphs;
 * one repeats a paragraph, one drops it again, one goes back to an
 * earlier wording (a text the index has already). */
static void changing_document(const char *dir)
{
	static const char *const bodies[] = {
		"Kommunerne skal have mere frihed.\n\nDer er brug for en ny reform.\n",
		"Kommunerne skal have mere frihed.\n\nDer er brug for en ny reform.\n\nKommunerne skal have mere frihed.\n",
		"Der er brug for en ny reform.\n\nKommunerne skal have mere frihed.\n\nSkolerne mangler lærere.\n",
		"Skolerne mangler lærere.\n",
		"Kommunerne skal have mere frihed.\n\nDer er brug for en ny reform.\n",
		"Frikommunerne viser vejen.\n\nFrikommunerne viser vejen.\n\nFrikommunerne viser vejen.\n",
	};
	static const char *const dates[] = { "2022-01-01", "2022-02-01", "2022-03-01", "2022-04-01", "2022-05-01",
		"2022-06-01" };
	size_t i;
	for (i = 0; i < sizeof(bodies) / sizeof(*bodies); i++)
		add(dir, "kl/reform", dates[i], i == 3 ? "title: \"Lærere\"\nkind: debate\norganization: KL\n"
						: "title: \"Reform\"\nkind: debate\norganization: KL\n",
			bodies[i]);
}

Test(search, each_text_is_its_base_with_the_blocks_it_added_and_dropped, .fini = th_cleanup)
{
	char *dir = archive();
	blob_row texts[MAX_TEXTS] = { { NULL, 0 } }, changes[MAX_TEXTS] = { { NULL, 0 } };
	uint32_t have[MAX_TEXTS][MAX_BLOCKS], want[MAX_BLOCKS];
	size_t nhave[MAX_TEXTS] = { 0 }, id, i, j, checked = 0, with_base = 0;
	th_result r;
	changing_document(dir);
	OK(&r, dir, "search", "reform", "--history");
	th_result_free(&r);
	blobs_by_id(texts, MAX_TEXTS, dir, "SELECT id, blocks FROM texts");
	blobs_by_id(changes, MAX_TEXTS, dir, "SELECT id, changes FROM text_changes");
	for (id = 1; id < MAX_TEXTS; id++) {
		size_t words, base, nadded, n;
		if (!texts[id].bytes) {
			cr_assert_null(changes[id].bytes, "changes of text %zu, which is not there", id);
			continue;
		}
		cr_assert_not_null(changes[id].bytes, "text %zu has its changes", id);
		words = changes[id].size / 4;
		cr_assert(words >= 4 && changes[id].size % 4 == 0);
		base = word_at(&changes[id], 0);
		nadded = word_at(&changes[id], 3);
		cr_assert(base < id && (base == 0 || texts[base].bytes), "text %zu: base %zu is an earlier text", id, base);
		with_base += base != 0;
		n = texts[id].size / 4;
		cr_assert_eq(word_at(&changes[id], 1), n, "text %zu: its block count", id);
		cr_assert_eq(word_at(&changes[id], 2), word_at(&texts[id], 0), "text %zu: its title block", id);
		/* the base's blocks, plus the added, less the dropped */
		memcpy(have[id], have[base], nhave[base] * sizeof(uint32_t));
		nhave[id] = base ? nhave[base] : 0;
		cr_assert(nadded <= words - 4);
		for (i = 4; i < 4 + nadded; i++) {
			cr_assert(nhave[id] < MAX_BLOCKS);
			have[id][nhave[id]++] = word_at(&changes[id], i);
		}
		for (i = 4 + nadded; i < words; i++) {
			uint32_t b = word_at(&changes[id], i);
			for (j = 0; j < nhave[id] && have[id][j] != b; j++)
				;
			cr_assert(j < nhave[id], "text %zu drops block %u, which its base does not hold", id, b);
			have[id][j] = have[id][--nhave[id]];
		}
		qsort(have[id], nhave[id], sizeof(uint32_t), cmp_word);
		cr_assert(n >= 1 && n - 1 <= MAX_BLOCKS);
		for (i = 1; i < n; i++)
			want[i - 1] = word_at(&texts[id], i);
		qsort(want, n - 1, sizeof(uint32_t), cmp_word);
		cr_assert_eq(nhave[id], n - 1, "text %zu: %zu blocks from its changes, %zu in its list", id, nhave[id], n - 1);
		cr_assert_eq(memcmp(have[id], want, (n - 1) * sizeof(uint32_t)), 0, "text %zu: the same blocks", id);
		checked++;
	}
	/* archive(): 4 texts, one of them a later revision; changing_document(): 5
	 * more, the first of a new document (one revision goes back to a text it had) */
	cr_assert_eq(checked, 9, "%zu texts", checked);
	cr_assert_eq(with_base, 5, "the later texts of a document start from an earlier one: %zu", with_base);
	for (id = 0; id < MAX_TEXTS; id++) {
		free(texts[id].bytes);
		free(changes[id].bytes);
	}
	free(dir);
}

/* A text whose base is not an earlier text (an index damaged by hand) is
 * counted from its whole block list: --history answers the same. */
Test(search, a_text_whose_base_is_damaged_is_read_whole, .fini = th_cleanup)
{
	char *dir = archive(), *before, *after;
	static const char *const queries[] = { "reform", "frihed", "lærere", "frikommunerne", "\"ny reform\"" };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *put = NULL;
	char *path;
	int damaged = 0;
	changing_document(dir);
	before = answers(dir, queries, sizeof(queries) / sizeof(*queries));
	cr_assert(strstr(before, "kl/reform"), "%s", before);
	path = th_path(dir, ".git/stance-search.sqlite");
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT id, changes FROM text_changes", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE text_changes SET changes = ?2 WHERE id = ?1", -1, &put, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		unsigned char rec[4096];
		size_t n = (size_t)sqlite3_column_bytes(st, 1);
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		cr_assert(n >= 16 && n <= sizeof(rec));
		memcpy(rec, sqlite3_column_blob(st, 1), n);
		if (!(rec[0] | rec[1] | rec[2] | rec[3]))
			continue;
		/* every other text's base names the text itself, or one past the last */
		rec[0] = (unsigned char)(damaged % 2 ? id : 0x7f);
		rec[1] = rec[2] = 0;
		rec[3] = (unsigned char)(damaged % 2 ? 0 : 0x7f);
		damaged++;
		sqlite3_reset(put);
		sqlite3_bind_int64(put, 1, id);
		sqlite3_bind_blob(put, 2, rec, (int)n, SQLITE_TRANSIENT);
		cr_assert_eq(sqlite3_step(put), SQLITE_DONE);
	}
	cr_assert_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_finalize(st);
	sqlite3_finalize(put);
	sqlite3_close(db);
	free(path);
	cr_assert(damaged >= 4, "%d", damaged);
	after = answers(dir, queries, sizeof(queries) / sizeof(*queries));
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	free(dir);
}
