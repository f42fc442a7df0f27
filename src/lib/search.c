/*
 * search.c: the full-text index in .git/stance-search.sqlite (search.h):
 * SQLite FTS5 over Snowball stems (libstemmer) that this file makes itself,
 * one row per distinct document text, and a table of the revisions that
 * point at them.
 */
#include <sqlite3.h>
#include <libstemmer.h>
#include <utf8proc.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"
#include "stance/search.h"
#include "stance/history.h"
#include "stance/document.h"
#include "segment.h"

/* Bumped when the tables or the analysis change: an index of another
 * format is made anew. */
#define SEARCH_FORMAT "3"
#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_LANGUAGES 16

static const char *const schema =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE texts(id INTEGER PRIMARY KEY, blob TEXT UNIQUE NOT NULL, title TEXT,"
	" organization TEXT, kind TEXT, language TEXT);"
	"CREATE VIRTUAL TABLE fts USING fts5(title, body, loose, tokenize='unicode61 remove_diacritics 0');"
	"CREATE TABLE revisions(seq INTEGER PRIMARY KEY, commit_id TEXT NOT NULL, doc TEXT NOT NULL,"
	" text_id INTEGER, time INTEGER NOT NULL, removed INTEGER NOT NULL, UNIQUE(commit_id, doc));"
	"CREATE INDEX revisions_text ON revisions(text_id);"
	"CREATE TABLE latest(doc TEXT PRIMARY KEY, text_id INTEGER, commit_id TEXT, time INTEGER);"
	"CREATE INDEX latest_text ON latest(text_id);"
	"INSERT INTO meta VALUES('format', '" SEARCH_FORMAT "');";

typedef struct {
	char *name;
	struct sb_stemmer *stemmer; /* NULL: a language libstemmer does not know: words folded only */
} language_stemmer;

typedef struct {
	sqlite3 *db;
	char *path;
	language_stemmer langs[SEARCH_MAX_LANGUAGES];
	size_t nlangs;
} search_index;

static int db_error(search_index *ix, const char *what)
{
	return stance_error_set(STANCE_ERROR, "search index %s: %s: %s", ix->path, what,
		ix->db ? sqlite3_errmsg(ix->db) : "cannot open");
}

static struct sb_stemmer *stemmer_for(search_index *ix, const char *language)
{
	size_t i;
	char code[8];
	if (!language || !*language)
		return NULL;
	/* "da-DK" is Danish */
	for (i = 0; i + 1 < sizeof(code) && language[i] && language[i] != '-' && language[i] != '_'; i++)
		code[i] = (char)(language[i] >= 'A' && language[i] <= 'Z' ? language[i] + 32 : language[i]);
	code[i] = 0;
	for (i = 0; i < ix->nlangs; i++)
		if (!strcmp(ix->langs[i].name, code))
			return ix->langs[i].stemmer;
	if (ix->nlangs == SEARCH_MAX_LANGUAGES)
		return NULL;
	ix->langs[ix->nlangs].name = stance_strdup(code);
	ix->langs[ix->nlangs].stemmer = sb_stemmer_new(code, "UTF_8");
	return ix->langs[ix->nlangs++].stemmer;
}

static void index_close(search_index *ix)
{
	size_t i;
	for (i = 0; i < ix->nlangs; i++) {
		if (ix->langs[i].stemmer)
			sb_stemmer_delete(ix->langs[i].stemmer);
		free(ix->langs[i].name);
	}
	if (ix->db)
		sqlite3_close(ix->db);
	free(ix->path);
	memset(ix, 0, sizeof(*ix));
}

/* A folded word without its diacritics, in the old Danish spelling's
 * terms: å → aa, æ → ae, ø → oe (and ä, ö, ü likewise), other marks dropped. */
static int loose_fold(stance_buf *out, const char *w, size_t len)
{
	stance_buf tmp = STANCE_BUF_INIT;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n;
	size_t i = 0;
	int ascii = 1;
	for (i = 0; i < len; i++)
		if ((unsigned char)w[i] >= 0x80)
			ascii = 0;
	if (ascii)
		return stance_buf_put(out, w, len);
	for (i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(len - i), &cp);
		const char *rep = NULL;
		if (k <= 0)
			break;
		switch (cp) {
		case 0xE5: rep = "aa"; break;
		case 0xE6: case 0xE4: rep = "ae"; break;
		case 0xF8: case 0xF6: rep = "oe"; break;
		case 0xFC: rep = "ue"; break;
		}
		if (rep)
			stance_buf_puts(&tmp, rep);
		else
			stance_buf_put(&tmp, w + i, (size_t)k);
		i += (size_t)k;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)stance_buf_cstr(&tmp), (utf8proc_ssize_t)tmp.size, &mapped,
		UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK);
	if (n < 0) {
		stance_buf_dispose(&tmp);
		return stance_buf_put(out, w, len);
	}
	stance_buf_put(out, (const char *)mapped, (size_t)n);
	free(mapped);
	stance_buf_dispose(&tmp);
	return 0;
}

/* The stems of text's words (folded, then stemmed when `st`) to `stems`,
 * one space between, and their loose forms to `loose` (when not NULL). */
static int analyze(stance_buf *stems, stance_buf *loose, struct sb_stemmer *st, const char *text, size_t len)
{
	seg_tokens t = { 0 };
	char small[256], *fold = small;
	size_t i, cap = sizeof(small);
	int error = -1;
	if (seg_tokenize(&t, text, len) < 0)
		return -1;
	for (i = 0; i < t.count; i++) {
		size_t wl = t.items[i].end - t.items[i].start, fl;
		const char *stem;
		size_t sl;
		if (t.items[i].kind != SEG_WORD && t.items[i].kind != SEG_CJK)
			continue;
		if (4 * wl + 1 > cap) {
			char *bigger = malloc(4 * wl + 1);
			if (!bigger) {
				stance_error_oom();
				goto done;
			}
			if (fold != small)
				free(fold);
			fold = bigger;
			cap = 4 * wl + 1;
		}
		fl = seg_fold(fold, text + t.items[i].start, wl);
		stem = fold;
		sl = fl;
		if (st) {
			const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)fold, (int)fl);
			if (s) {
				stem = (const char *)s;
				sl = (size_t)sb_stemmer_length(st);
			}
		}
		if (stems->size)
			stance_buf_putc(stems, ' ');
		if (stance_buf_put(stems, stem, sl) < 0)
			goto done;
		if (loose) {
			if (loose->size)
				stance_buf_putc(loose, ' ');
			if (loose_fold(loose, stem, sl) < 0)
				goto done;
		}
	}
	error = 0;
done:
	if (fold != small)
		free(fold);
	free(t.items);
	return error;
}

static int exec_sql(search_index *ix, const char *sql)
{
	return sqlite3_exec(ix->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_error(ix, "writing");
}

/* Opens the index, making it anew when missing, unreadable or of another format. */
static int index_open(search_index *ix, stance_repo *repo, int *rebuilt)
{
	stance_buf path = STANCE_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int ok = 0, attempt;
	memset(ix, 0, sizeof(*ix));
	*rebuilt = 0;
	if (stance_buf_printf(&path, "%sstance-search.sqlite", stance_repo_gitdir(repo)) < 0)
		return -1;
	ix->path = stance_buf_detach(&path);
	for (attempt = 0; attempt < 2; attempt++) {
		if (sqlite3_open_v2(ix->path, &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
			return db_error(ix, "opening");
		sqlite3_busy_timeout(ix->db, 10000);
		sqlite3_exec(ix->db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
		if (sqlite3_prepare_v2(ix->db, "SELECT value FROM meta WHERE key='format'", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		    !strcmp((const char *)sqlite3_column_text(st, 0), SEARCH_FORMAT))
			ok = 1;
		sqlite3_finalize(st);
		st = NULL;
		if (ok)
			return 0;
		/* a cache: whatever is there is dropped and made again from git */
		sqlite3_close(ix->db);
		ix->db = NULL;
		unlink(ix->path);
		{
			stance_buf j = STANCE_BUF_INIT;
			stance_buf_printf(&j, "%s-journal", ix->path);
			unlink(j.ptr);
			stance_buf_dispose(&j);
		}
		if (sqlite3_open_v2(ix->path, &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
			return db_error(ix, "making");
		if (sqlite3_exec(ix->db, schema, NULL, NULL, NULL) != SQLITE_OK)
			return db_error(ix, "making");
		sqlite3_close(ix->db);
		ix->db = NULL;
		*rebuilt = 1;
	}
	return stance_error_set(STANCE_ERROR, "search index %s: cannot be made", ix->path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
	sqlite3_stmt *find_text, *add_text, *add_fts, *add_rev, *drop_rev;
} update_statements;

/* The texts row of blob `r->blob`, indexing the text when it is new. */
static int text_row(search_index *ix, stance_repo *repo, update_statements *u, const stance_revision *r,
	int64_t *id, size_t *texts_added)
{
	stance_buf raw = STANCE_BUF_INIT, stems = STANCE_BUF_INIT, loose = STANCE_BUF_INIT,
		tstems = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	const char *title = NULL, *org = NULL, *kind = NULL, *lang = NULL;
	struct sb_stemmer *stemmer;
	size_t off;
	int error = -1;

	sqlite3_reset(u->find_text);
	sqlite3_bind_text(u->find_text, 1, r->blob, -1, SQLITE_STATIC);
	if (sqlite3_step(u->find_text) == SQLITE_ROW) {
		*id = sqlite3_column_int64(u->find_text, 0);
		return 0;
	}
	if (stance_history_read_blob(&raw, repo, r->blob) < 0)
		goto done;
	/* a text whose front matter does not parse is still searched, without its fields */
	off = stance_document_body_offset(stance_buf_cstr(&raw), raw.size);
	/* the fields only: the front matter parsed without the body, whose
	 * canonical form would cost more than the whole analysis */
	if (stance_document_parse(&doc, stance_buf_cstr(&raw), off, r->id) == 0) {
		title = stance_document_get(doc, "title");
		org = stance_document_get(doc, "organization");
		kind = stance_document_get(doc, "kind");
		lang = stance_document_get(doc, "language");
	}
	if (!lang)
		lang = stance_repo_language(repo);
	stemmer = stemmer_for(ix, lang);
	if ((title && analyze(&tstems, &loose, stemmer, title, strlen(title)) < 0) ||
	    analyze(&stems, &loose, stemmer, stance_buf_cstr(&raw) + off, raw.size - off) < 0)
		goto done;
	sqlite3_reset(u->add_text);
	sqlite3_bind_text(u->add_text, 1, r->blob, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 3, org, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 5, lang, -1, SQLITE_STATIC);
	if (sqlite3_step(u->add_text) != SQLITE_DONE) {
		db_error(ix, "writing a text");
		goto done;
	}
	*id = sqlite3_last_insert_rowid(ix->db);
	sqlite3_reset(u->add_fts);
	sqlite3_bind_int64(u->add_fts, 1, *id);
	sqlite3_bind_text(u->add_fts, 2, stance_buf_cstr(&tstems), (int)tstems.size, SQLITE_STATIC);
	sqlite3_bind_text(u->add_fts, 3, stance_buf_cstr(&stems), (int)stems.size, SQLITE_STATIC);
	sqlite3_bind_text(u->add_fts, 4, stance_buf_cstr(&loose), (int)loose.size, SQLITE_STATIC);
	if (sqlite3_step(u->add_fts) != SQLITE_DONE) {
		db_error(ix, "indexing a text");
		goto done;
	}
	(*texts_added)++;
	error = 0;
done:
	stance_document_free(doc);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&stems);
	stance_buf_dispose(&tstems);
	stance_buf_dispose(&loose);
	return error;
}

static int prepare(search_index *ix, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v2(ix->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : db_error(ix, "reading");
}

static int record_head(search_index *ix, const char *tip)
{
	sqlite3_stmt *st = NULL;
	int ok;
	if (prepare(ix, &st, "INSERT OR REPLACE INTO meta VALUES('head', ?1)") < 0)
		return -1;
	sqlite3_bind_text(st, 1, tip, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok ? 0 : db_error(ix, "writing");
}

static int index_update(search_index *ix, stance_repo *repo, stance_search_update_stats *stats)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	update_statements u = { NULL, NULL, NULL, NULL, NULL };
	sqlite3_stmt *keys = NULL;
	char **have = NULL;      /* "commit doc" of the revisions indexed, sorted */
	int64_t *have_seq = NULL;
	uint8_t *seen = NULL;
	size_t nhave = 0, ahave = 0, aseq = 0, i;
	stance_buf key = STANCE_BUF_INIT;
	char signature[64], tip[41];
	int error = -1, in_tx = 0;

	hopts.include_reextract = 1;
	/* nothing to do when the index was brought up to this HEAD */
	if (stance_history_tip(tip, repo) < 0)
		goto done;
	{
		sqlite3_stmt *h = NULL;
		int same;
		if (prepare(ix, &h, "SELECT value FROM meta WHERE key = 'head'") < 0)
			goto done;
		same = tip[0] && sqlite3_step(h) == SQLITE_ROW && sqlite3_column_text(h, 0) &&
			!strcmp((const char *)sqlite3_column_text(h, 0), tip);
		sqlite3_finalize(h);
		if (same) {
			error = 0;
			goto done;
		}
	}
	if (stance_history_list(&list, repo, &hopts) < 0)
		goto done;
	/* the revisions the history holds, as one hash: when the index was
	 * brought up to the same, there is nothing to do */
	{
		uint64_t h = STANCE_FNV64_BASIS;
		const unsigned char *c;
		sqlite3_stmt *sig = NULL;
		for (i = 0; i < list.count; i++) {
			for (c = (const unsigned char *)list.items[i].commit; *c; c++)
				h = stance_fnv64_step(h, *c);
			for (c = (const unsigned char *)list.items[i].id; *c; c++)
				h = stance_fnv64_step(h, *c);
			h = stance_fnv64_step(h, '\n');
		}
		snprintf(signature, sizeof(signature), "%zu:%016llx", list.count, (unsigned long long)h);
		if (prepare(ix, &sig, "SELECT value FROM meta WHERE key = 'signature'") < 0)
			goto done;
		if (sqlite3_step(sig) == SQLITE_ROW && sqlite3_column_text(sig, 0) &&
		    !strcmp((const char *)sqlite3_column_text(sig, 0), signature)) {
			sqlite3_finalize(sig);
			/* the same revisions (a commit that changed no document) */
			error = record_head(ix, tip);
			goto done;
		}
		sqlite3_finalize(sig);
	}
	if (prepare(ix, &keys, "SELECT commit_id || ' ' || doc, seq FROM revisions") < 0)
		goto done;
	while (sqlite3_step(keys) == SQLITE_ROW) {
		if (stance_array_grow(&have, &ahave, nhave + 1, sizeof(*have)) < 0 ||
		    stance_array_grow(&have_seq, &aseq, nhave + 1, sizeof(*have_seq)) < 0)
			goto done;
		{
			const char *k = (const char *)sqlite3_column_text(keys, 0);
			int64_t seq = sqlite3_column_int64(keys, 1);
			size_t kl = k ? strlen(k) : 0;
			char *e = malloc(kl + 1 + sizeof(seq));
			if (!e) {
				stance_error_oom();
				goto done;
			}
			memcpy(e, k ? k : "", kl + 1);
			memcpy(e + kl + 1, &seq, sizeof(seq));
			have[nhave++] = e;
		}
	}
	/* SQLite's ORDER BY is its collation's; sort by strcmp for bsearch,
	 * each key with its seq after it (key NUL seq) */
	if (nhave)
		qsort(have, nhave, sizeof(*have), cmp_str);
	for (i = 0; i < nhave; i++) {
		const char *tail = have[i] + strlen(have[i]) + 1;
		memcpy(&have_seq[i], tail, sizeof(int64_t));
	}
	if (!(seen = calloc(nhave + 1, 1))) {
		stance_error_oom();
		goto done;
	}
	if (prepare(ix, &u.find_text, "SELECT id FROM texts WHERE blob = ?1") < 0 ||
	    prepare(ix, &u.add_text, "INSERT INTO texts(blob, title, organization, kind, language) VALUES(?1, ?2, ?3, ?4, ?5)") < 0 ||
	    prepare(ix, &u.add_fts, "INSERT INTO fts(rowid, title, body, loose) VALUES(?1, ?2, ?3, ?4)") < 0 ||
	    prepare(ix, &u.add_rev, "INSERT INTO revisions(commit_id, doc, text_id, time, removed) VALUES(?1, ?2, ?3, ?4, ?5)") < 0 ||
	    prepare(ix, &u.drop_rev, "DELETE FROM revisions WHERE seq = ?1") < 0)
		goto done;
	/* oldest first, so that seq follows the history where times tie */
	for (i = list.count; i-- > 0;) {
		const stance_revision *r = &list.items[i];
		char *k = NULL, **hit;
		int64_t text_id = 0;
		stance_buf_clear(&key);
		if (stance_buf_printf(&key, "%s %s", r->commit, r->id) < 0)
			goto done;
		k = key.ptr;
		hit = nhave ? bsearch(&k, have, nhave, sizeof(*have), cmp_str) : NULL;
		if (hit) {
			seen[hit - have] = 1;
			continue;
		}
		if (!in_tx) {
			if (exec_sql(ix, "BEGIN IMMEDIATE") < 0)
				goto done;
			in_tx = 1;
		}
		if (!r->removed && r->blob[0] && text_row(ix, repo, &u, r, &text_id, &stats->texts_added) < 0)
			goto done;
		sqlite3_reset(u.add_rev);
		sqlite3_bind_text(u.add_rev, 1, r->commit, -1, SQLITE_STATIC);
		sqlite3_bind_text(u.add_rev, 2, r->id, -1, SQLITE_STATIC);
		if (text_id)
			sqlite3_bind_int64(u.add_rev, 3, text_id);
		else
			sqlite3_bind_null(u.add_rev, 3);
		sqlite3_bind_int64(u.add_rev, 4, r->time);
		sqlite3_bind_int(u.add_rev, 5, r->removed || !r->blob[0]);
		if (sqlite3_step(u.add_rev) != SQLITE_DONE) {
			db_error(ix, "writing a revision");
			goto done;
		}
		stats->revisions_added++;
	}
	/* what the history no longer holds (a reset, a rewritten branch) */
	for (i = 0; i < nhave; i++) {
		if (seen[i])
			continue;
		if (!in_tx) {
			if (exec_sql(ix, "BEGIN IMMEDIATE") < 0)
				goto done;
			in_tx = 1;
		}
		sqlite3_reset(u.drop_rev);
		sqlite3_bind_int64(u.drop_rev, 1, have_seq[i]);
		if (sqlite3_step(u.drop_rev) != SQLITE_DONE) {
			db_error(ix, "dropping a revision");
			goto done;
		}
		stats->revisions_dropped++;
	}
	/* each document's newest revision, for the searches of the current text */
	if (!in_tx) {
		if (exec_sql(ix, "BEGIN IMMEDIATE") < 0)
			goto done;
		in_tx = 1;
	}
	if (exec_sql(ix, "DELETE FROM latest;"
		    "INSERT INTO latest SELECT doc, text_id, commit_id, time FROM (SELECT doc, text_id, commit_id, time,"
		    " removed, row_number() OVER (PARTITION BY doc ORDER BY time DESC, seq DESC) AS rn FROM revisions)"
		    " WHERE rn = 1 AND removed = 0") < 0)
		goto done;
	{
		sqlite3_stmt *sig = NULL;
		if (prepare(ix, &sig, "INSERT OR REPLACE INTO meta VALUES('signature', ?1)") < 0)
			goto done;
		sqlite3_bind_text(sig, 1, signature, -1, SQLITE_STATIC);
		if (sqlite3_step(sig) != SQLITE_DONE) {
			sqlite3_finalize(sig);
			db_error(ix, "writing");
			goto done;
		}
		sqlite3_finalize(sig);
	}
	if (record_head(ix, tip) < 0 || exec_sql(ix, "COMMIT") < 0)
		goto done;
	in_tx = 0;
	error = 0;
done:
	if (in_tx)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(keys);
	sqlite3_finalize(u.find_text);
	sqlite3_finalize(u.add_text);
	sqlite3_finalize(u.add_fts);
	sqlite3_finalize(u.add_rev);
	sqlite3_finalize(u.drop_rev);
	for (i = 0; i < nhave; i++)
		free(have[i]);
	free(have);
	free(have_seq);
	free(seen);
	stance_buf_dispose(&key);
	stance_revision_list_free(&list);
	return error;
}

int stance_search_update(stance_search_update_stats *stats, stance_repo *repo)
{
	search_index ix;
	int error;
	memset(stats, 0, sizeof(*stats));
	if ((error = index_open(&ix, repo, &stats->rebuilt)) == 0)
		error = index_update(&ix, repo, stats);
	index_close(&ix);
	return error;
}

/* The FTS5 query for a user's query: each word stemmed in every language
 * the index holds (any of them may match), phrases kept together,
 * prefixes folded but not stemmed. */
static int build_match(stance_buf *out, search_index *ix, const char *query, int loose)
{
	const char *p = query;
	size_t items = 0, i;
	sqlite3_stmt *st = NULL;
	struct sb_stemmer *stemmers[SEARCH_MAX_LANGUAGES + 1];
	size_t nst = 0;
	stance_buf expr = STANCE_BUF_INIT;
	int error = -1;

	if (prepare(ix, &st, "SELECT DISTINCT language FROM texts") < 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW && nst < SEARCH_MAX_LANGUAGES) {
		struct sb_stemmer *s = stemmer_for(ix, (const char *)sqlite3_column_text(st, 0));
		for (i = 0; i < nst && stemmers[i] != s; i++)
			;
		if (i == nst)
			stemmers[nst++] = s;
	}
	sqlite3_finalize(st);
	if (!nst)
		stemmers[nst++] = NULL;
	while (*p) {
		const char *start, *end;
		int phrase = 0, prefix = 0;
		stance_buf variants[SEARCH_MAX_LANGUAGES + 1];
		size_t nv = 0, v;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			phrase = 1;
			start = ++p;
			while (*p && *p != '"')
				p++;
			end = p;
			if (*p)
				p++;
		} else {
			start = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '"')
				p++;
			end = p;
			if (end > start && end[-1] == '*') {
				prefix = 1;
				end--;
			}
		}
		for (i = 0; i < (prefix ? 1 : nst); i++) {
			stance_buf stems = STANCE_BUF_INIT, lo = STANCE_BUF_INIT;
			if (analyze(&stems, &lo, prefix ? NULL : stemmers[i], start, (size_t)(end - start)) < 0) {
				stance_buf_dispose(&stems);
				stance_buf_dispose(&lo);
				goto done;
			}
			if (loose) {
				stance_buf t = stems;
				stems = lo;
				lo = t;
			}
			stance_buf_dispose(&lo);
			if (!stems.size || (!phrase && strchr(stems.ptr, ' ') && prefix)) {
				stance_buf_dispose(&stems);
				continue;
			}
			for (v = 0; v < nv && strcmp(variants[v].ptr, stems.ptr); v++)
				;
			if (v < nv)
				stance_buf_dispose(&stems);
			else
				variants[nv++] = stems;
		}
		if (!nv)
			continue;
		if (items++)
			stance_buf_puts(&expr, " AND ");
		stance_buf_putc(&expr, '(');
		for (v = 0; v < nv; v++) {
			stance_buf_printf(&expr, "%s\"%s\"%s", v ? " OR " : "", variants[v].ptr, prefix ? " *" : "");
			stance_buf_dispose(&variants[v]);
		}
		stance_buf_putc(&expr, ')');
	}
	if (!items) {
		error = stance_error_set(STANCE_EINVALID, "the query '%s' has no word to search for", query);
		goto done;
	}
	stance_buf_printf(out, "%s : (%s)", loose ? "loose" : "{title body}", expr.ptr);
	error = 0;
done:
	stance_buf_dispose(&expr);
	return error;
}

void stance_search_results_free(stance_search_results *r)
{
	size_t i;
	for (i = 0; i < r->count; i++) {
		free(r->items[i].id);
		free(r->items[i].title);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return stance_strdup(t ? (const char *)t : "");
}

static void col_commit(char out[41], sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, 41, "%s", t ? (const char *)t : "");
}

/* Which documents match now (or as of a time): the newest revision of each
 * before the time, when it is not a removal. */
static const char *const latest_sql =
	"WITH m AS (SELECT rowid AS id, bm25(fts, 5.0, 1.0, 1.0) AS score FROM fts WHERE fts MATCH ?1)"
	" SELECT l.doc, t.title, l.commit_id, l.time, m.score FROM m"
	" JOIN latest l ON l.text_id = m.id JOIN texts t ON t.id = m.id"
	" WHERE ?2 = 0 AND (?3 IS NULL OR t.organization = ?3 COLLATE NOCASE) AND (?4 IS NULL OR t.kind = ?4 COLLATE NOCASE)"
	" ORDER BY m.score, l.doc LIMIT ?5";

static const char *const current_sql =
	"WITH cur AS (SELECT doc, commit_id, time, text_id, removed,"
	"  row_number() OVER (PARTITION BY doc ORDER BY time DESC, seq DESC) AS rn"
	"  FROM revisions WHERE (?2 = 0 OR time < ?2)),"
	" m AS (SELECT rowid AS id, bm25(fts, 5.0, 1.0, 1.0) AS score FROM fts WHERE fts MATCH ?1)"
	" SELECT cur.doc, t.title, cur.commit_id, cur.time, m.score FROM m"
	" JOIN texts t ON t.id = m.id JOIN cur ON cur.text_id = m.id AND cur.rn = 1 AND cur.removed = 0"
	" WHERE (?3 IS NULL OR t.organization = ?3 COLLATE NOCASE) AND (?4 IS NULL OR t.kind = ?4 COLLATE NOCASE)"
	" ORDER BY m.score, cur.doc LIMIT ?5";

/* Which documents ever matched: per document, the first and the last
 * revision that did, how many did, the best score, and whether the
 * current text does. */
static const char *const history_sql =
	"WITH m AS (SELECT rowid AS id, bm25(fts, 5.0, 1.0, 1.0) AS score FROM fts WHERE fts MATCH ?1),"
	" hits AS (SELECT r.doc, r.commit_id, r.time, r.seq, m.score, t.title FROM m JOIN texts t ON t.id = m.id"
	"  JOIN revisions r ON r.text_id = m.id"
	"  WHERE (?3 IS NULL OR t.organization = ?3 COLLATE NOCASE) AND (?4 IS NULL OR t.kind = ?4 COLLATE NOCASE))"
	" SELECT h.doc, (SELECT title FROM hits h2 WHERE h2.doc = h.doc ORDER BY time DESC, seq DESC LIMIT 1),"
	"  (SELECT commit_id FROM hits h2 WHERE h2.doc = h.doc ORDER BY time DESC, seq DESC LIMIT 1), max(h.time),"
	"  min(h.score),"
	"  (SELECT commit_id FROM hits h2 WHERE h2.doc = h.doc ORDER BY time, seq LIMIT 1), min(h.time), count(*),"
	"  EXISTS(SELECT 1 FROM latest l JOIN m ON m.id = l.text_id WHERE l.doc = h.doc)"
	" FROM hits h GROUP BY h.doc ORDER BY min(h.score), h.doc LIMIT ?5";

int stance_search(stance_search_results *out, stance_repo *repo, const char *query,
	const stance_search_options *opts)
{
	stance_search_options defaults = STANCE_SEARCH_OPTIONS_INIT;
	stance_search_update_stats stats;
	search_index ix;
	stance_buf match = STANCE_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int error, rebuilt, rc;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	STANCE_CHECK_OPTIONS(opts, STANCE_SEARCH_OPTIONS_VERSION, "stance_search_options");
	memset(&stats, 0, sizeof(stats));
	if ((error = index_open(&ix, repo, &rebuilt)) < 0 || (error = index_update(&ix, repo, &stats)) < 0 ||
	    (error = build_match(&match, &ix, query, opts->loose)) < 0)
		goto done;
	error = -1;
	if (prepare(&ix, &st, opts->history ? history_sql : opts->as_of ? current_sql : latest_sql) < 0)
		goto done;
	sqlite3_bind_text(st, 1, match.ptr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, opts->as_of);
	sqlite3_bind_text(st, 3, opts->organization, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, opts->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)(opts->limit ? opts->limit : SEARCH_DEFAULT_LIMIT));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		stance_search_hit *h;
		if (stance_array_grow(&out->items, &alloc, out->count + 1, sizeof(*out->items)) < 0)
			goto done;
		h = &out->items[out->count++];
		memset(h, 0, sizeof(*h));
		h->id = col_dup(st, 0);
		h->title = col_dup(st, 1);
		col_commit(h->commit, st, 2);
		h->time = sqlite3_column_int64(st, 3);
		h->score = sqlite3_column_double(st, 4);
		if (opts->history) {
			col_commit(h->first_commit, st, 5);
			h->first_time = sqlite3_column_int64(st, 6);
			h->revisions = (size_t)sqlite3_column_int64(st, 7);
			h->current = sqlite3_column_int(st, 8);
		}
		if (!h->id || !h->title) {
			stance_error_oom();
			goto done;
		}
	}
	if (rc != SQLITE_DONE) {
		db_error(&ix, "searching");
		goto done;
	}
	error = 0;
done:
	sqlite3_finalize(st);
	stance_buf_dispose(&match);
	index_close(&ix);
	if (error < 0)
		stance_search_results_free(out);
	return error;
}
