/*
 * search_index.c: the full-text index in .git/stance-search.sqlite
 * (search_internal.h): made from the history, brought up to date with the
 * revisions it lacks. Each distinct paragraph (a block: the body's runs of
 * lines between blank lines, and the title) is analyzed and indexed once;
 * a text is its list of blocks, a revision points at its text.
 */
#include <utf8proc.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "search_internal.h"
#include "stance/history.h"
#include "stance/document.h"
#include "segment.h"

/* Bumped when the tables or the analysis change: an index of another
 * format is made anew. */
#define SEARCH_FORMAT "7"
/* A build commits every this many revisions, so that SQLite's page cache
 * stays bounded; the file is a temporary one until the build is done. */
#define SEARCH_BUILD_BATCH 2000

static const char *const schema =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE blocks(id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, kind INTEGER NOT NULL,"
	" language TEXT, text TEXT NOT NULL);"
	"CREATE VIRTUAL TABLE fts USING fts5(title, body, title_loose, body_loose, content='',"
	" tokenize='unicode61 remove_diacritics 0');"
	"CREATE TABLE texts(id INTEGER PRIMARY KEY, blob TEXT UNIQUE NOT NULL, title TEXT,"
	" organization TEXT, kind TEXT, language TEXT, blocks BLOB NOT NULL);"
	"CREATE TABLE text_changes(id INTEGER PRIMARY KEY, changes BLOB NOT NULL, organization TEXT, kind TEXT);"
	"CREATE TABLE revisions(seq INTEGER PRIMARY KEY, commit_id TEXT NOT NULL, doc TEXT NOT NULL,"
	" text_id INTEGER, time INTEGER NOT NULL, removed INTEGER NOT NULL, UNIQUE(commit_id, doc));"
	"CREATE TABLE docs(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"
	"CREATE TABLE latest(doc TEXT PRIMARY KEY, doc_no INTEGER NOT NULL, text_id INTEGER NOT NULL,"
	" commit_id TEXT, time INTEGER, slots BLOB);"
	"CREATE VIRTUAL TABLE cur USING fts5(title, body, title_loose, body_loose,"
	" tokenize='unicode61 remove_diacritics 0');"
	/* a document's revisions in time order, covering what --history reads
	 * of them: --as-of seeks each document's revision of the date,
	 * --history walks them without a sort or a table read, and a new
	 * text finds its base (text_changes) in it while the index is built */
	"CREATE INDEX revisions_doc_time ON revisions(doc, time, seq, text_id, commit_id);"
	"INSERT INTO meta VALUES('format', '" SEARCH_FORMAT "');";

int search_db_error(search_index *ix, const char *what)
{
	return stance_error_set(STANCE_ERROR, "search index %s: %s: %s", ix->path, what,
		ix->db ? sqlite3_errmsg(ix->db) : "cannot open");
}

int search_prepare(search_index *ix, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v2(ix->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : search_db_error(ix, "reading");
}

static int exec_sql(search_index *ix, const char *sql)
{
	return sqlite3_exec(ix->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : search_db_error(ix, "writing");
}

struct sb_stemmer *search_stemmer_for(search_index *ix, const char *language)
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

void search_index_close(search_index *ix)
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

int search_analyze(stance_buf *stems, stance_buf *loose, struct sb_stemmer *st, const char *text, size_t len)
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

/* Block hash → block id, open addressing; 0 is no key. */
typedef struct {
	uint64_t *keys;
	uint32_t *ids;
	size_t cap, count;
} block_map;

static uint32_t block_map_get(const block_map *m, uint64_t key)
{
	size_t i;
	if (!m->cap)
		return 0;
	for (i = key & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->ids[i];
	return 0;
}

static int block_map_put(block_map *m, uint64_t key, uint32_t id)
{
	size_t i;
	if ((m->count + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096, j;
		uint64_t *k = calloc(cap, sizeof(*k));
		uint32_t *v = calloc(cap, sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return stance_error_oom();
		}
		for (j = 0; j < m->cap; j++) {
			if (!m->keys[j])
				continue;
			for (i = m->keys[j] & (cap - 1); k[i]; i = (i + 1) & (cap - 1))
				;
			k[i] = m->keys[j];
			v[i] = m->ids[j];
		}
		free(m->keys);
		free(m->ids);
		m->keys = k;
		m->ids = v;
		m->cap = cap;
	}
	for (i = key & (m->cap - 1); m->keys[i] && m->keys[i] != key; i = (i + 1) & (m->cap - 1))
		;
	if (!m->keys[i])
		m->count++;
	m->keys[i] = key;
	m->ids[i] = id;
	return 0;
}

static uint64_t block_hash(int kind, const char *lang, const char *text, size_t len)
{
	uint64_t h = stance_fnv64_step(STANCE_FNV64_BASIS, (unsigned char)('0' + kind));
	size_t i;
	for (; lang && *lang; lang++)
		h = stance_fnv64_step(h, (unsigned char)*lang);
	h = stance_fnv64_step(h, 0);
	for (i = 0; i < len; i++)
		h = stance_fnv64_step(h, (unsigned char)text[i]);
	return h ? h : 1;
}

typedef struct {
	sqlite3_stmt *find_text, *add_text, *add_block, *add_fts, *add_rev, *drop_rev, *add_cur, *find_block;
	search_changes_writer changes;
	block_map blocks;  /* a build: every block's hash; an update looks them up with find_block */
	stance_buf langs;  /* the languages of the texts added (search_index_languages' form) */
	int bulk;
	stance_search_update_stats *stats;
} updater;

/* Indexes one block in `table` (fts or cur) as its kind's columns. */
static int index_block(search_index *ix, sqlite3_stmt *st, sqlite3_int64 rowid, int kind, struct sb_stemmer *stemmer,
	const char *text, size_t len)
{
	stance_buf stems = STANCE_BUF_INIT, loose = STANCE_BUF_INIT;
	int error = -1;
	if (search_analyze(&stems, &loose, stemmer, text, len) < 0)
		goto done;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_text(st, 2, kind ? stance_buf_cstr(&stems) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind ? "" : stance_buf_cstr(&stems), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, kind ? stance_buf_cstr(&loose) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, kind ? "" : stance_buf_cstr(&loose), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		search_db_error(ix, "indexing a paragraph");
		goto done;
	}
	error = 0;
done:
	stance_buf_dispose(&stems);
	stance_buf_dispose(&loose);
	return error;
}

/* The id of the block (kind 0 a paragraph, 1 a title), indexing it when new. */
static int block_id(search_index *ix, updater *u, uint32_t *out, int kind, const char *lang,
	struct sb_stemmer *stemmer, const char *text, size_t len)
{
	uint64_t h = block_hash(kind, lang, text, len);
	sqlite3_int64 id;
	if (u->bulk) {
		if ((*out = block_map_get(&u->blocks, h)))
			return 0;
	} else {
		sqlite3_reset(u->find_block);
		sqlite3_bind_int64(u->find_block, 1, (sqlite3_int64)h);
		if (sqlite3_step(u->find_block) == SQLITE_ROW) {
			*out = (uint32_t)sqlite3_column_int64(u->find_block, 0);
			return 0;
		}
	}
	sqlite3_reset(u->add_block);
	sqlite3_bind_int64(u->add_block, 1, (sqlite3_int64)h);
	sqlite3_bind_int(u->add_block, 2, kind);
	sqlite3_bind_text(u->add_block, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_block, 4, text, (int)len, SQLITE_STATIC);
	if (sqlite3_step(u->add_block) != SQLITE_DONE)
		return search_db_error(ix, "writing a paragraph");
	id = sqlite3_last_insert_rowid(ix->db);
	if (id > (sqlite3_int64)UINT32_MAX)
		return stance_error_set(STANCE_ERROR, "search index %s: more paragraphs than it can number", ix->path);
	if (index_block(ix, u->add_fts, id, kind, stemmer, text, len) < 0 ||
	    (u->bulk && block_map_put(&u->blocks, h, (uint32_t)id) < 0))
		return -1;
	u->stats->blocks_added++;
	*out = (uint32_t)id;
	return 0;
}

static int blank(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int search_paragraph_next(const char *body, size_t len, size_t *pos, size_t *start, size_t *stop)
{
	size_t p = *pos, first = 0;
	int in_block = 0;
	while (p <= len) {
		const char *nl = p < len ? memchr(body + p, '\n', len - p) : NULL;
		size_t end = nl ? (size_t)(nl - body) : len;
		int is_blank = blank(body + p, end - p);
		if (!is_blank && !in_block) {
			first = p;
			in_block = 1;
		}
		if (in_block && (is_blank || end == len)) {
			size_t last = is_blank ? p : end;
			while (last > first && (body[last - 1] == '\n' || body[last - 1] == '\r'))
				last--;
			*start = first;
			*stop = last;
			*pos = end == len ? len + 1 : end + 1;
			return 1;
		}
		if (end == len)
			break;
		p = end + 1;
	}
	*pos = len + 1;
	return 0;
}

/* 1 when `list` (entries each ended by a line break) holds `lang`. */
static int language_listed(const stance_buf *list, const char *lang, size_t len)
{
	const char *p = list->ptr, *end = p ? p + list->size : NULL;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if ((size_t)(nl - p) == len && !memcmp(p, lang, len))
			return 1;
		p = nl + 1;
	}
	return 0;
}

/* Adds `lang` (NULL: none, listed as "") to `list` unless there. A line
 * break inside it becomes a space: no stemmer knows either. */
static int language_add(stance_buf *list, const char *lang)
{
	size_t len = lang ? strlen(lang) : 0, i, at;
	if (language_listed(list, lang ? lang : "", len))
		return 0;
	at = list->size;
	if (stance_buf_put(list, lang ? lang : "", len) < 0 || stance_buf_putc(list, '\n') < 0)
		return -1;
	for (i = at; i < at + len; i++)
		if (list->ptr[i] == '\n')
			list->ptr[i] = ' ';
	return 0;
}

int search_index_languages(stance_buf *out, search_index *ix)
{
	sqlite3_stmt *st = NULL;
	int rc;
	stance_buf_clear(out);
	if (search_prepare(ix, &st, "SELECT value FROM meta WHERE key = 'languages'") < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		rc = stance_buf_put(out, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	/* an index made before the list was kept: every text read once */
	if (search_prepare(ix, &st, "SELECT DISTINCT language FROM texts") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (language_add(out, (const char *)sqlite3_column_text(st, 0)) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : search_db_error(ix, "reading");
}

/* The texts row of blob `r->blob`, indexing the text's new blocks. */
static int text_row(search_index *ix, stance_repo *repo, updater *u, const stance_revision *r, int64_t *id)
{
	stance_buf raw = STANCE_BUF_INIT, list = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	const char *title = NULL, *org = NULL, *kind = NULL, *lang = NULL, *body;
	struct sb_stemmer *stemmer;
	size_t off, len, p, start = 0, stop = 0;
	uint32_t bid = 0;
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
	if (stance_document_parse(&doc, stance_buf_cstr(&raw), off, r->id) == 0) {
		title = stance_document_get(doc, "title");
		org = stance_document_get(doc, "organization");
		kind = stance_document_get(doc, "kind");
		lang = stance_document_get(doc, "language");
	}
	if (!lang)
		lang = stance_repo_language(repo);
	stemmer = search_stemmer_for(ix, lang);
	if (language_add(&u->langs, lang) < 0)
		goto done;
	if (title && *title && block_id(ix, u, &bid, 1, lang, stemmer, title, strlen(title)) < 0)
		goto done;
	if (search_put_block(&list, bid) < 0)
		goto done;
	/* the body's blocks: its runs of lines between blank lines, as -S reads them */
	body = stance_buf_cstr(&raw) + off;
	len = raw.size - off;
	p = 0;
	while (search_paragraph_next(body, len, &p, &start, &stop))
		if (list.size / 4 <= SEARCH_MAX_BLOCKS &&
		    (block_id(ix, u, &bid, 0, lang, stemmer, body + start, stop - start) < 0 || search_put_block(&list, bid) < 0))
			goto done;
	sqlite3_reset(u->add_text);
	sqlite3_bind_text(u->add_text, 1, r->blob, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 3, org, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->add_text, 5, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(u->add_text, 6, list.ptr, (int)list.size, SQLITE_STATIC);
	if (sqlite3_step(u->add_text) != SQLITE_DONE) {
		search_db_error(ix, "writing a text");
		goto done;
	}
	*id = sqlite3_last_insert_rowid(ix->db);
	if (search_changes_add(ix, &u->changes, *id, r->id, org, kind, list.ptr, list.size / 4) < 0)
		goto done;
	u->stats->texts_added++;
	error = 0;
done:
	stance_document_free(doc);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&list);
	return error;
}

static int set_meta(search_index *ix, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int ok;
	if (search_prepare(ix, &st, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)") < 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok ? 0 : search_db_error(ix, "writing");
}

/* 1 when meta `key` is `value`. */
static int meta_is(search_index *ix, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int same = 0;
	if (sqlite3_prepare_v2(ix->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	same = value[0] && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		!strcmp((const char *)sqlite3_column_text(st, 0), value);
	sqlite3_finalize(st);
	return same;
}

/* 1 when meta `key` is there. */
static int meta_is_set(search_index *ix, const char *key)
{
	sqlite3_stmt *st = NULL;
	int set;
	if (sqlite3_prepare_v2(ix->db, "SELECT 1 FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	set = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return set;
}

/* A document whose newest revision changed, read before `latest` is written. */
typedef struct {
	sqlite3_int64 doc_no, text_id, time;  /* text_id 0: the document is gone */
	char *name, *commit;
	stance_buf slots;                      /* latest.slots: the block in each row of cur */
	int same_text;
} changed_doc;

static int cur_row(search_index *ix, updater *u, sqlite3_stmt *blocks, sqlite3_int64 rowid, uint32_t block)
{
	int error;
	sqlite3_reset(blocks);
	sqlite3_bind_int64(blocks, 1, block);
	if (sqlite3_step(blocks) != SQLITE_ROW)
		return search_db_error(ix, "reading a paragraph");
	error = index_block(ix, u->add_cur, rowid, sqlite3_column_int(blocks, 0),
		search_stemmer_for(ix, (const char *)sqlite3_column_text(blocks, 1)),
		(const char *)sqlite3_column_text(blocks, 2), (size_t)sqlite3_column_bytes(blocks, 2));
	sqlite3_reset(blocks);
	return error;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Brings a document's rows of `cur` from its old text's blocks (`slots`,
 * the block of each row; the title's at 0) to the new text's `list`: a row
 * whose block the new text lacks is deleted, a block the old text lacked
 * takes a free row; the rest stay, so that an update analyzes only the
 * paragraphs that changed. */
static int move_slots(search_index *ix, updater *u, sqlite3_stmt *blocks, sqlite3_stmt *drop, changed_doc *d,
	const void *list, size_t n)
{
	sqlite3_int64 base = d->doc_no << SEARCH_DOC_SHIFT;
	size_t nslots = d->slots.size / 4, i, k, free_at = 1;
	uint32_t *want = NULL, *slots = NULL;
	unsigned char *used = NULL;
	int error = -1;
	if (!(slots = calloc(nslots + n + 1, sizeof(*slots))) || !(want = calloc(n + 1, sizeof(*want))) ||
	    !(used = calloc(n + 1, 1))) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < nslots; i++)
		slots[i] = search_block_at(d->slots.ptr, i);
	for (i = 1; i < n; i++)
		want[i - 1] = search_block_at(list, i);
	if (n > 1)
		qsort(want, n - 1, sizeof(*want), cmp_u32);
	/* the title's row */
	if (slots[0] != (n ? search_block_at(list, 0) : 0)) {
		sqlite3_reset(drop);
		sqlite3_bind_int64(drop, 1, base);
		sqlite3_bind_int64(drop, 2, base);
		if (slots[0] && sqlite3_step(drop) != SQLITE_DONE) {
			search_db_error(ix, "writing");
			goto done;
		}
		slots[0] = n ? search_block_at(list, 0) : 0;
		if (slots[0] && cur_row(ix, u, blocks, base, slots[0]) < 0)
			goto done;
	}
	if (nslots < 1)
		nslots = 1;
	/* rows kept, rows dropped */
	for (i = 1; i < nslots; i++) {
		uint32_t *hit;
		if (!slots[i])
			continue;
		hit = n > 1 ? bsearch(&slots[i], want, n - 1, sizeof(*want), cmp_u32) : NULL;
		while (hit && hit > want && hit[-1] == slots[i])
			hit--;
		while (hit && hit < want + n - 1 && *hit == slots[i] && used[hit - want])
			hit++;
		if (hit && hit < want + n - 1 && *hit == slots[i]) {
			used[hit - want] = 1;
			continue;
		}
		sqlite3_reset(drop);
		sqlite3_bind_int64(drop, 1, base + (sqlite3_int64)i);
		sqlite3_bind_int64(drop, 2, base + (sqlite3_int64)i);
		if (sqlite3_step(drop) != SQLITE_DONE) {
			search_db_error(ix, "writing");
			goto done;
		}
		slots[i] = 0;
	}
	/* the new blocks into free rows */
	for (k = 0; k + 1 < n; k++) {
		if (used[k] || !want[k])
			continue;
		while (free_at < nslots && slots[free_at])
			free_at++;
		if (free_at > SEARCH_MAX_BLOCKS)
			break;
		if (free_at == nslots)
			nslots++;
		slots[free_at] = want[k];
		if (cur_row(ix, u, blocks, base + (sqlite3_int64)free_at, want[k]) < 0)
			goto done;
	}
	while (nslots > 1 && !slots[nslots - 1])
		nslots--;
	stance_buf_clear(&d->slots);
	for (i = 0; i < nslots; i++)
		if (search_put_block(&d->slots, slots[i]) < 0)
			goto done;
	error = 0;
done:
	free(slots);
	free(want);
	free(used);
	return error;
}

static void reset_all(search_index *ix)
{
	sqlite3_stmt *s;
	for (s = sqlite3_next_stmt(ix->db, NULL); s; s = sqlite3_next_stmt(ix->db, s))
		sqlite3_reset(s);
}

/* `latest` and the current-blocks table `cur` brought to each document's
 * newest revision now: of every document, or when `only_touched` of those
 * in temp.touched (an update's: the others' revisions did not change, so
 * neither did their newest; the window over the whole history is what a
 * small update would otherwise spend most of its time on). */
static int refresh_current(search_index *ix, updater *u, int only_touched)
{
	sqlite3_stmt *changed = NULL, *drop = NULL, *blocks = NULL, *text = NULL, *put = NULL, *gone = NULL;
	changed_doc *docs = NULL;
	size_t ndocs = 0, alloc = 0, i;
	int error = -1, rc;
	stance_buf sql = STANCE_BUF_INIT;
	const char *which = only_touched ? " WHERE doc IN (SELECT doc FROM temp.touched)" : "";
	/* a statement left on a row keeps its table from being dropped */
	reset_all(ix);
	if (stance_buf_printf(&sql, "DROP TABLE IF EXISTS temp.new_latest;"
		    "CREATE TEMP TABLE new_latest AS SELECT doc, text_id, commit_id, time FROM (SELECT doc, text_id,"
		    " commit_id, time, removed, row_number() OVER (PARTITION BY doc ORDER BY time DESC, seq DESC) AS rn"
		    " FROM revisions%s) WHERE rn = 1 AND removed = 0 AND text_id IS NOT NULL;"
		    "CREATE UNIQUE INDEX temp.new_latest_doc ON new_latest(doc);"
		    "INSERT OR IGNORE INTO docs(name) SELECT doc FROM new_latest;", which) < 0 ||
	    exec_sql(ix, sql.ptr) < 0)
		goto done;
	stance_buf_clear(&sql);
	if (stance_buf_printf(&sql,
		    "SELECT d.id, d.name, n.text_id, n.commit_id, n.time, n.text_id IS l.text_id, l.slots FROM docs d"
		    " LEFT JOIN new_latest n ON n.doc = d.name LEFT JOIN latest l ON l.doc = d.name"
		    " WHERE (n.text_id IS NOT l.text_id OR n.commit_id IS NOT l.commit_id OR n.time IS NOT l.time)%s",
		    only_touched ? " AND d.name IN (SELECT doc FROM temp.touched)" : "") < 0 ||
	    search_prepare(ix, &changed, sql.ptr) < 0)
		goto done;
	while ((rc = sqlite3_step(changed)) == SQLITE_ROW) {
		changed_doc *d;
		if (stance_array_grow(&docs, &alloc, ndocs + 1, sizeof(*docs)) < 0)
			goto done;
		d = &docs[ndocs++];
		memset(d, 0, sizeof(*d));
		d->doc_no = sqlite3_column_int64(changed, 0);
		d->name = stance_strdup((const char *)sqlite3_column_text(changed, 1));
		d->text_id = sqlite3_column_int64(changed, 2);
		d->commit = stance_strdup(sqlite3_column_text(changed, 3) ? (const char *)sqlite3_column_text(changed, 3) : "");
		d->time = sqlite3_column_int64(changed, 4);
		d->same_text = sqlite3_column_int(changed, 5);
		if (!d->name || !d->commit ||
		    stance_buf_put(&d->slots, sqlite3_column_blob(changed, 6), (size_t)sqlite3_column_bytes(changed, 6)) < 0) {
			stance_error_oom();
			goto done;
		}
	}
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "reading");
		goto done;
	}
	sqlite3_finalize(changed);
	changed = NULL;
	if (search_prepare(ix, &drop, "DELETE FROM cur WHERE rowid BETWEEN ?1 AND ?2") < 0 ||
	    search_prepare(ix, &text, "SELECT blocks FROM texts WHERE id = ?1") < 0 ||
	    search_prepare(ix, &blocks, "SELECT kind, language, text FROM blocks WHERE id = ?1") < 0 ||
	    search_prepare(ix, &put, "INSERT OR REPLACE INTO latest(doc, doc_no, text_id, commit_id, time, slots)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)") < 0 ||
	    search_prepare(ix, &gone, "DELETE FROM latest WHERE doc = ?1") < 0)
		goto done;
	for (i = 0; i < ndocs; i++) {
		changed_doc *d = &docs[i];
		sqlite3_stmt *w = d->text_id ? put : gone;
		if (!d->text_id) {
			sqlite3_int64 base = d->doc_no << SEARCH_DOC_SHIFT;
			sqlite3_reset(drop);
			sqlite3_bind_int64(drop, 1, base);
			sqlite3_bind_int64(drop, 2, base + SEARCH_MAX_BLOCKS);
			if (sqlite3_step(drop) != SQLITE_DONE) {
				search_db_error(ix, "writing");
				goto done;
			}
		} else if (!d->same_text) {
			int ok;
			sqlite3_reset(text);
			sqlite3_bind_int64(text, 1, d->text_id);
			if (sqlite3_step(text) != SQLITE_ROW) {
				search_db_error(ix, "reading a text");
				goto done;
			}
			ok = move_slots(ix, u, blocks, drop, d, sqlite3_column_blob(text, 0),
				(size_t)sqlite3_column_bytes(text, 0) / 4) == 0;
			sqlite3_reset(text);
			if (!ok)
				goto done;
		}
		sqlite3_reset(w);
		sqlite3_bind_text(w, 1, d->name, -1, SQLITE_STATIC);
		if (d->text_id) {
			sqlite3_bind_int64(w, 2, d->doc_no);
			sqlite3_bind_int64(w, 3, d->text_id);
			sqlite3_bind_text(w, 4, d->commit, -1, SQLITE_STATIC);
			sqlite3_bind_int64(w, 5, d->time);
			sqlite3_bind_blob(w, 6, d->slots.ptr ? d->slots.ptr : "", (int)d->slots.size, SQLITE_STATIC);
		}
		if (sqlite3_step(w) != SQLITE_DONE) {
			search_db_error(ix, "writing");
			goto done;
		}
	}
	reset_all(ix);
	if (exec_sql(ix, "DROP TABLE temp.new_latest;") < 0)
		goto done;
	error = 0;
done:
	for (i = 0; i < ndocs; i++) {
		free(docs[i].name);
		free(docs[i].commit);
		stance_buf_dispose(&docs[i].slots);
	}
	free(docs);
	stance_buf_dispose(&sql);
	sqlite3_finalize(changed);
	sqlite3_finalize(drop);
	sqlite3_finalize(text);
	sqlite3_finalize(blocks);
	sqlite3_finalize(put);
	sqlite3_finalize(gone);
	return error;
}

/* The revisions the index holds, found by commit and document through a
 * hash of both (the strings compared on a hit). */
typedef struct {
	char commit[41];
	char *doc;
	int64_t seq;
	int seen;        /* the history still holds it */
} indexed_rev;

typedef struct {
	indexed_rev *items;
	size_t count, alloc;
	uint32_t *slots; /* 1 + index into items; 0 empty */
	size_t cap;
} indexed_set;

static uint64_t rev_hash(const char *commit, const char *doc)
{
	uint64_t h = STANCE_FNV64_BASIS;
	for (; *commit; commit++)
		h = stance_fnv64_step(h, (unsigned char)*commit);
	h = stance_fnv64_step(h, ' ');
	for (; *doc; doc++)
		h = stance_fnv64_step(h, (unsigned char)*doc);
	return h;
}

static indexed_rev *indexed_find(const indexed_set *set, const char *commit, const char *doc)
{
	size_t i;
	if (!set->cap)
		return NULL;
	for (i = rev_hash(commit, doc) & (set->cap - 1); set->slots[i]; i = (i + 1) & (set->cap - 1)) {
		indexed_rev *r = &set->items[set->slots[i] - 1];
		if (!strcmp(r->commit, commit) && !strcmp(r->doc, doc))
			return r;
	}
	return NULL;
}

/* The revisions table's keys into `set`. */
static int indexed_load(indexed_set *set, search_index *ix)
{
	sqlite3_stmt *st = NULL;
	size_t i, j;
	int rc;
	if (search_prepare(ix, &st, "SELECT commit_id, doc, seq FROM revisions") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		indexed_rev *r;
		const char *commit = (const char *)sqlite3_column_text(st, 0), *doc = (const char *)sqlite3_column_text(st, 1);
		if (stance_array_grow(&set->items, &set->alloc, set->count + 1, sizeof(*set->items)) < 0)
			goto fail;
		r = &set->items[set->count];
		memset(r, 0, sizeof(*r));
		snprintf(r->commit, sizeof(r->commit), "%s", commit ? commit : "");
		r->seq = sqlite3_column_int64(st, 2);
		if (!(r->doc = stance_strdup(doc ? doc : "")))
			goto fail;
		set->count++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return search_db_error(ix, "reading");
	for (set->cap = 16; set->cap < 2 * set->count; set->cap *= 2)
		;
	if (!(set->slots = calloc(set->cap, sizeof(*set->slots))))
		return stance_error_oom();
	for (i = 0; i < set->count; i++) {
		for (j = rev_hash(set->items[i].commit, set->items[i].doc) & (set->cap - 1); set->slots[j];
		     j = (j + 1) & (set->cap - 1))
			;
		set->slots[j] = (uint32_t)(i + 1);
	}
	return 0;
fail:
	sqlite3_finalize(st);
	return stance_error_oom();
}

static void indexed_free(indexed_set *set)
{
	size_t i;
	for (i = 0; i < set->count; i++)
		free(set->items[i].doc);
	free(set->items);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

/* Notes `doc` as one whose newest revision may have changed. */
static int touch(search_index *ix, sqlite3_stmt *st, const char *doc)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : search_db_error(ix, "writing");
}

/* meta 'languages': every language of the texts, so that a query need
 * not read the whole texts table for them (texts are never deleted, so
 * the list only grows). */
static int record_languages(search_index *ix, updater *u)
{
	stance_buf have = STANCE_BUF_INIT;
	const char *p = u->langs.ptr, *end = p ? p + u->langs.size : NULL;
	int error = -1, had = meta_is_set(ix, "languages");
	size_t before;
	if (had && !u->langs.size)
		return 0;
	if (search_index_languages(&have, ix) < 0)
		goto done;
	before = have.size;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!language_listed(&have, p, (size_t)(nl - p)) &&
		    (stance_buf_put(&have, p, (size_t)(nl - p + 1)) < 0))
			goto done;
		p = nl + 1;
	}
	error = had && have.size == before ? 0 : set_meta(ix, "languages", stance_buf_cstr(&have));
done:
	stance_buf_dispose(&have);
	return error;
}

/* Adds the revisions the index lacks (oldest first), drops those the
 * history no longer holds, and records the tip. `bulk`: a build, which
 * commits every SEARCH_BUILD_BATCH revisions. */
static int index_update(search_index *ix, stance_repo *repo, stance_search_update_stats *stats, int bulk)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	updater u;
	sqlite3_stmt *touched = NULL;
	indexed_set have;
	size_t i, pending = 0;
	char signature[64], tip[41];
	stance_history_walk walk;
	int error = -1, in_tx = 0, walking = 0;

	memset(&u, 0, sizeof(u));
	memset(&have, 0, sizeof(have));
	u.stats = stats;
	u.bulk = bulk;
	hopts.include_reextract = 1;
	hopts.table_only = 1; /* the revision keys, times and blobs: no commit read */
	/* a walk over blobs the repository holds, begun before the first read
	 * of the pack maps it whole */
	stance_history_walk_begin(&walk);
	walking = 1;
	/* nothing to do when the index was brought up to this HEAD */
	if (stance_history_tip(tip, repo) < 0)
		goto done;
	if (!bulk && meta_is(ix, "head", tip)) {
		error = 0;
		goto done;
	}
	if (stance_history_list(&list, repo, &hopts) < 0)
		goto done;
	/* the revisions the history holds, as one hash: when the index was
	 * brought up to the same, there is nothing to do */
	{
		uint64_t h = STANCE_FNV64_BASIS;
		const unsigned char *c;
		for (i = 0; i < list.count; i++) {
			for (c = (const unsigned char *)list.items[i].commit; *c; c++)
				h = stance_fnv64_step(h, *c);
			for (c = (const unsigned char *)list.items[i].id; *c; c++)
				h = stance_fnv64_step(h, *c);
			h = stance_fnv64_step(h, '\n');
		}
		snprintf(signature, sizeof(signature), "%zu:%016llx", list.count, (unsigned long long)h);
	}
	if (exec_sql(ix, "BEGIN IMMEDIATE") < 0)
		goto done;
	in_tx = 1;
	if (!bulk && meta_is(ix, "signature", signature)) {
		/* the same revisions (a commit that changed no document) */
		if (set_meta(ix, "head", tip) < 0 || exec_sql(ix, "COMMIT") < 0)
			goto done;
		in_tx = 0;
		error = 0;
		goto done;
	}
	/* a build indexes every revision; an update looks each one up, and
	 * notes the documents whose newest revision may have moved */
	if (!bulk && (indexed_load(&have, ix) < 0 ||
		    exec_sql(ix, "CREATE TEMP TABLE IF NOT EXISTS touched(doc TEXT PRIMARY KEY); DELETE FROM temp.touched") < 0 ||
		    search_prepare(ix, &touched, "INSERT OR IGNORE INTO temp.touched VALUES(?1)") < 0))
		goto done;
	if (search_prepare(ix, &u.find_text, "SELECT id FROM texts WHERE blob = ?1") < 0 ||
	    search_prepare(ix, &u.add_text, "INSERT INTO texts(blob, title, organization, kind, language, blocks)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)") < 0 ||
	    search_prepare(ix, &u.add_block, "INSERT INTO blocks(hash, kind, language, text) VALUES(?1, ?2, ?3, ?4)") < 0 ||
	    search_prepare(ix, &u.add_fts, "INSERT INTO fts(rowid, title, body, title_loose, body_loose)"
		    " VALUES(?1, ?2, ?3, ?4, ?5)") < 0 ||
	    search_prepare(ix, &u.add_cur, "INSERT INTO cur(rowid, title, body, title_loose, body_loose)"
		    " VALUES(?1, ?2, ?3, ?4, ?5)") < 0 ||
	    search_prepare(ix, &u.add_rev, "INSERT INTO revisions(commit_id, doc, text_id, time, removed)"
		    " VALUES(?1, ?2, ?3, ?4, ?5)") < 0 ||
	    search_prepare(ix, &u.drop_rev, "DELETE FROM revisions WHERE seq = ?1") < 0 ||
	    (!bulk && search_prepare(ix, &u.find_block, "SELECT id FROM blocks WHERE hash = ?1") < 0) ||
	    search_changes_prepare(&u.changes, ix) < 0)
		goto done;
	/* a walk over blobs the repository holds: not hashed again on read */
	/* oldest first, so that seq follows the history where times tie */
	for (i = list.count; i-- > 0;) {
		const stance_revision *r = &list.items[i];
		indexed_rev *hit = indexed_find(&have, r->commit, r->id);
		int64_t text_id = 0;
		if (hit) {
			hit->seen = 1;
			continue;
		}
		if (touched && touch(ix, touched, r->id) < 0)
			goto done;
		if (!r->removed && r->blob[0] && text_row(ix, repo, &u, r, &text_id) < 0)
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
			search_db_error(ix, "writing a revision");
			goto done;
		}
		stats->revisions_added++;
		if (bulk && ++pending == SEARCH_BUILD_BATCH) {
			if (exec_sql(ix, "COMMIT; BEGIN") < 0)
				goto done;
			pending = 0;
		}
	}
	/* what the history no longer holds (a reset, a rewritten branch) */
	for (i = 0; i < have.count; i++) {
		if (have.items[i].seen)
			continue;
		sqlite3_reset(u.drop_rev);
		sqlite3_bind_int64(u.drop_rev, 1, have.items[i].seq);
		if (sqlite3_step(u.drop_rev) != SQLITE_DONE) {
			search_db_error(ix, "dropping a revision");
			goto done;
		}
		if (touch(ix, touched, have.items[i].doc) < 0)
			goto done;
		stats->revisions_dropped++;
	}
	if (refresh_current(ix, &u, !bulk) < 0 || record_languages(ix, &u) < 0 ||
	    set_meta(ix, "signature", signature) < 0 || set_meta(ix, "head", tip) < 0 ||
	    exec_sql(ix, "COMMIT") < 0)
		goto done;
	in_tx = 0;
	error = 0;
done:
	if (walking)
		stance_history_walk_end(&walk);
	if (in_tx)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(touched);
	sqlite3_finalize(u.find_text);
	sqlite3_finalize(u.add_text);
	sqlite3_finalize(u.add_block);
	sqlite3_finalize(u.add_fts);
	sqlite3_finalize(u.add_cur);
	sqlite3_finalize(u.add_rev);
	sqlite3_finalize(u.drop_rev);
	sqlite3_finalize(u.find_block);
	search_changes_finalize(&u.changes);
	free(u.blocks.keys);
	free(u.blocks.ids);
	stance_buf_dispose(&u.langs);
	indexed_free(&have);
	stance_revision_list_free(&list);
	return error;
}

/* 1 when the file at ix->path is an index of this format that a build
 * finished (it records the tip it was brought to). */
static int usable(search_index *ix)
{
	/* a connection is one call's, never shared between threads: without
	 * its mutex, which every step and column read took (a twentieth of
	 * search --history) */
	if (sqlite3_open_v2(ix->path, &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(ix->db);
		ix->db = NULL;
		return 0;
	}
	sqlite3_busy_timeout(ix->db, 10000);
	if (meta_is(ix, "format", SEARCH_FORMAT) && meta_is(ix, "complete", "1"))
		return 1;
	sqlite3_close(ix->db);
	ix->db = NULL;
	return 0;
}

/* Removes the temporary files of builds whose process is gone. */
static void remove_dead_builds(const char *gitdir)
{
	DIR *d = opendir(gitdir);
	struct dirent *e;
	static const char prefix[] = "stance-search.sqlite.tmp.";
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end;
		long pid;
		if (strncmp(e->d_name, prefix, sizeof(prefix) - 1))
			continue;
		pid = strtol(e->d_name + sizeof(prefix) - 1, &end, 10);
		if (pid > 0 && (*end == 0 || *end == '-') && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			stance_buf p = STANCE_BUF_INIT;
			if (stance_buf_printf(&p, "%s%s", gitdir, e->d_name) == 0)
				unlink(p.ptr);
			stance_buf_dispose(&p);
		}
	}
	closedir(d);
}

/* A build from the whole history into `PATH.tmp.PID`, renamed over PATH
 * once complete: a build stopped half way leaves no index, never half of one. */
static int build(search_index *ix, stance_repo *repo, stance_search_update_stats *stats)
{
	stance_buf tmp = STANCE_BUF_INIT, side = STANCE_BUF_INIT;
	char *final = ix->path;
	int error = -1, fd;
	static const char *const sides[] = { "-journal", "-wal", "-shm" };
	size_t i;

	remove_dead_builds(stance_repo_gitdir(repo));
	if (stance_buf_printf(&tmp, "%s.tmp.%ld", final, (long)getpid()) < 0)
		return -1;
	unlink(tmp.ptr);
	ix->path = tmp.ptr;
	if (sqlite3_open_v2(ix->path, &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		search_db_error(ix, "making");
		goto done;
	}
	/* no journal and no syncs while building: the file is not the index until renamed */
	if (exec_sql(ix, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-32768") < 0 ||
	    exec_sql(ix, schema) < 0 || index_update(ix, repo, stats, 1) < 0 ||
	    exec_sql(ix, "CREATE INDEX blocks_hash ON blocks(hash)") < 0 || set_meta(ix, "complete", "1") < 0)
		goto done;
	sqlite3_close(ix->db);
	ix->db = NULL;
	/* on disk before it takes the name */
	if ((fd = open(tmp.ptr, O_RDONLY)) >= 0) {
		fsync(fd);
		close(fd);
	}
	/* a journal beside the old file would be played into the new one */
	for (i = 0; i < sizeof(sides) / sizeof(*sides); i++) {
		stance_buf_clear(&side);
		if (stance_buf_printf(&side, "%s%s", final, sides[i]) == 0)
			unlink(side.ptr);
	}
	if (rename(tmp.ptr, final) < 0) {
		error = stance_error_set(STANCE_ERROR, "search index %s: cannot be put in place: %s", final, strerror(errno));
		goto done;
	}
	stats->rebuilt = 1;
	error = 0;
done:
	if (ix->db) {
		sqlite3_close(ix->db);
		ix->db = NULL;
	}
	if (error < 0)
		unlink(tmp.ptr);
	ix->path = final;
	stance_buf_dispose(&tmp);
	stance_buf_dispose(&side);
	return error;
}

int search_index_open(search_index *ix, stance_repo *repo, stance_search_update_stats *stats)
{
	stance_buf path = STANCE_BUF_INIT;
	memset(ix, 0, sizeof(*ix));
	memset(stats, 0, sizeof(*stats));
	if (stance_buf_printf(&path, "%sstance-search.sqlite", stance_repo_gitdir(repo)) < 0)
		return -1;
	ix->path = stance_buf_detach(&path);
	if (!usable(ix)) {
		/* a cache: whatever is there is made again from git */
		if (build(ix, repo, stats) < 0)
			return -1;
		if (!usable(ix))
			return stance_error_set(STANCE_ERROR, "search index %s: cannot be read after it was made", ix->path);
		return 0;
	}
	sqlite3_exec(ix->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	return index_update(ix, repo, stats, 0);
}

int stance_search_update(stance_search_update_stats *stats, stance_repo *repo)
{
	search_index ix;
	int error = search_index_open(&ix, repo, stats);
	search_index_close(&ix);
	return error;
}
