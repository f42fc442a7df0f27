/*
 * search.c: the searches over the full-text index (search.h): the query
 * read into terms, each term's blocks found by FTS5 (the current blocks'
 * table for the current documents, every block's for a date or the whole
 * history), and the documents ranked by BM25 over their blocks; the counts
 * of a phrase per text for `log -S`. The index itself is search_index.c's.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdio.h>

#include "search_internal.h"
#include "stance/words.h"

#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_TERMS 32
/* a title's block counts this many times a paragraph */
#define SEARCH_TITLE_WEIGHT 5.0

typedef struct {
	char *expr[SEARCH_MAX_TERMS]; /* each term's FTS5 expression */
	size_t count;
} search_terms;

static void terms_free(search_terms *t)
{
	size_t i;
	for (i = 0; i < t->count; i++)
		free(t->expr[i]);
	t->count = 0;
}

/* The stemmers of the languages the index holds (a query word may be
 * in any of them). */
static int query_stemmers(struct sb_stemmer **out, size_t *n, search_index *ix)
{
	stance_buf langs = STANCE_BUF_INIT;
	const char *p, *end;
	size_t i;
	*n = 0;
	if (search_index_languages(&langs, ix) < 0) {
		stance_buf_dispose(&langs);
		return -1;
	}
	for (p = langs.ptr, end = p ? p + langs.size : NULL; p && p < end && *n < SEARCH_MAX_LANGUAGES;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		struct sb_stemmer *s;
		*nl = '\0';
		s = search_stemmer_for(ix, p);
		for (i = 0; i < *n && out[i] != s; i++)
			;
		if (i == *n)
			out[(*n)++] = s;
		p = nl + 1;
	}
	stance_buf_dispose(&langs);
	if (!*n)
		out[(*n)++] = NULL;
	return 0;
}

/* One term's expression: its words stemmed in each language (any may
 * match), as a phrase when `phrase`, a prefix (folded, not stemmed) when
 * `prefix`; "" in `out` when it has no word. */
static int term_expr(stance_buf *out, search_index *ix, struct sb_stemmer **stemmers, size_t nst,
	const char *start, size_t len, int phrase, int prefix, const char *columns, int loose)
{
	stance_buf variants[SEARCH_MAX_LANGUAGES + 1];
	size_t nv = 0, v, i;
	int error = 0;
	for (i = 0; i < (prefix ? 1 : nst); i++) {
		stance_buf stems = STANCE_BUF_INIT, lo = STANCE_BUF_INIT;
		if (search_analyze(&stems, &lo, prefix ? NULL : stemmers[i], start, len) < 0) {
			stance_buf_dispose(&stems);
			stance_buf_dispose(&lo);
			error = -1;
			break;
		}
		if (loose) {
			stance_buf t = stems;
			stems = lo;
			lo = t;
		}
		stance_buf_dispose(&lo);
		if (!stems.size || (!phrase && prefix && strchr(stems.ptr, ' '))) {
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
	(void)ix;
	if (!error && nv) {
		stance_buf_printf(out, "%s : (", columns);
		for (v = 0; v < nv; v++)
			stance_buf_printf(out, "%s\"%s\"%s", v ? " OR " : "", variants[v].ptr, prefix ? " *" : "");
		stance_buf_putc(out, ')');
	}
	for (v = 0; v < nv; v++)
		stance_buf_dispose(&variants[v]);
	return error;
}

/* The user's query as terms: words, "phrases" and prefix* (build_match's
 * reading of a query, one FTS5 expression a term). */
static int parse_query(search_terms *out, search_index *ix, const char *query, int loose)
{
	struct sb_stemmer *stemmers[SEARCH_MAX_LANGUAGES + 1];
	size_t nst;
	const char *p = query;
	const char *columns = loose ? "{title_loose body_loose}" : "{title body}";
	memset(out, 0, sizeof(*out));
	if (query_stemmers(stemmers, &nst, ix) < 0)
		return -1;
	while (*p) {
		const char *start, *end;
		int phrase = 0, prefix = 0;
		stance_buf e = STANCE_BUF_INIT;
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
		if (term_expr(&e, ix, stemmers, nst, start, (size_t)(end - start), phrase, prefix, columns, loose) < 0) {
			stance_buf_dispose(&e);
			terms_free(out);
			return -1;
		}
		if (!e.size)
			continue;
		if (out->count == SEARCH_MAX_TERMS) {
			stance_buf_dispose(&e);
			terms_free(out);
			return stance_error_set(STANCE_EINVALID, "the query '%s' has more than %d terms", query, SEARCH_MAX_TERMS);
		}
		out->expr[out->count++] = stance_buf_detach(&e);
	}
	if (!out->count)
		return stance_error_set(STANCE_EINVALID, "the query '%s' has no word to search for", query);
	return 0;
}

/* Block id → the terms it holds (bit i: term i), open addressing. */
typedef struct {
	uint32_t *keys, *masks;
	size_t cap, count;
} mask_map;

static uint32_t mask_get(const mask_map *m, uint32_t key)
{
	size_t i;
	if (!m->cap || !key)
		return 0;
	for (i = (key * 2654435761u) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->masks[i];
	return 0;
}

static int mask_or(mask_map *m, uint32_t key, uint32_t bits)
{
	size_t i;
	if ((m->count + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024, j;
		uint32_t *k = calloc(cap, sizeof(*k)), *v = calloc(cap, sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return stance_error_oom();
		}
		for (j = 0; j < m->cap; j++) {
			if (!m->keys[j])
				continue;
			for (i = (m->keys[j] * 2654435761u) & (cap - 1); k[i]; i = (i + 1) & (cap - 1))
				;
			k[i] = m->keys[j];
			v[i] = m->masks[j];
		}
		free(m->keys);
		free(m->masks);
		m->keys = k;
		m->masks = v;
		m->cap = cap;
	}
	for (i = (key * 2654435761u) & (m->cap - 1); m->keys[i] && m->keys[i] != key; i = (i + 1) & (m->cap - 1))
		;
	if (!m->keys[i]) {
		m->count++;
		m->keys[i] = key;
	}
	m->masks[i] |= bits;
	return 0;
}

static void mask_free(mask_map *m)
{
	free(m->keys);
	free(m->masks);
	memset(m, 0, sizeof(*m));
}

/* Runs each term's expression on `table`, calling back each rowid. */
static int match_terms(search_index *ix, const search_terms *terms, const char *table,
	int (*hit)(void *payload, sqlite3_int64 rowid, size_t term), void *payload)
{
	stance_buf sql = STANCE_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t t;
	int rc, error = -1;
	if (stance_buf_printf(&sql, "SELECT rowid FROM %s WHERE %s MATCH ?1", table, table) < 0 ||
	    search_prepare(ix, &st, sql.ptr) < 0)
		goto done;
	for (t = 0; t < terms->count; t++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, terms->expr[t], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (hit(payload, sqlite3_column_int64(st, 0), t) < 0)
				goto done;
		if (rc != SQLITE_DONE) {
			search_db_error(ix, "searching");
			goto done;
		}
	}
	error = 0;
done:
	sqlite3_finalize(st);
	stance_buf_dispose(&sql);
	return error;
}

static int hit_block(void *payload, sqlite3_int64 rowid, size_t term)
{
	return mask_or(payload, (uint32_t)rowid, (uint32_t)1 << term);
}

/*
 * BM25 with a document's blocks as its words: a term's frequency in a
 * document is the number of its blocks holding the term (a title block
 * SEARCH_TITLE_WEIGHT times), the document's length its number of
 * blocks, the inverse document frequency over the documents searched.
 * Returned negated, as FTS5's bm25(): lower is better.
 */
static double bm25_blocks(const double *tf, const double *idf, size_t nterms, double dl, double avgdl)
{
	const double k1 = 1.2, b = 0.75;
	double s = 0;
	size_t t;
	for (t = 0; t < nterms; t++)
		s += idf[t] * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * dl / (avgdl > 0 ? avgdl : 1)));
	return -s;
}

static void idf_of(double *idf, const size_t *with, size_t nterms, size_t n)
{
	size_t t;
	for (t = 0; t < nterms; t++)
		idf[t] = log(1 + ((double)n - (double)with[t] + 0.5) / ((double)with[t] + 0.5));
}

/* A text's term frequencies from its block list; 1 when it holds every term. */
static int text_tf(double *tf, size_t nterms, const mask_map *m, const void *list, size_t n)
{
	size_t i, t;
	uint32_t all = nterms == 32 ? 0xffffffffu : (((uint32_t)1 << nterms) - 1), seen = 0;
	for (t = 0; t < nterms; t++)
		tf[t] = 0;
	for (i = 0; i < n; i++) {
		uint32_t bits = mask_get(m, search_block_at(list, i));
		if (!bits)
			continue;
		seen |= bits;
		for (t = 0; t < nterms; t++)
			if (bits & ((uint32_t)1 << t))
				tf[t] += i == 0 ? SEARCH_TITLE_WEIGHT : 1.0;
	}
	return seen == all;
}

/* A candidate document of a search, before ranking. */
typedef struct {
	char *id, *title;
	char commit[41], first_commit[41];
	int64_t time, first_time;
	double tf[SEARCH_MAX_TERMS], dl, score;
	size_t revisions;
	int current;
	sqlite3_int64 title_text; /* --history: the text of the last match */
	sqlite3_int64 first_seq, last_seq; /* --history: the first and last matching revisions */
} candidate;

typedef struct {
	candidate *items;
	size_t count, alloc;
	size_t with[SEARCH_MAX_TERMS]; /* documents holding each term */
	size_t searched;               /* documents searched */
	double total_dl;
} candidates;

static void candidates_free(candidates *c)
{
	size_t i;
	for (i = 0; i < c->count; i++) {
		free(c->items[i].id);
		free(c->items[i].title);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
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

static candidate *add_candidate(candidates *c, sqlite3_stmt *st, int id_col, int title_col)
{
	candidate *k;
	if (stance_array_grow(&c->items, &c->alloc, c->count + 1, sizeof(*c->items)) < 0)
		return NULL;
	k = &c->items[c->count++];
	memset(k, 0, sizeof(*k));
	k->id = col_dup(st, id_col);
	k->title = col_dup(st, title_col);
	if (!k->id || !k->title) {
		stance_error_oom();
		return NULL;
	}
	return k;
}

/* The current documents: each term's rows in `cur` (document << shift | position). */
typedef struct {
	double *tf;      /* [doc_no * nterms + term] */
	size_t ndocs, nterms;
} current_hits;

static int hit_current(void *payload, sqlite3_int64 rowid, size_t term)
{
	current_hits *h = payload;
	size_t doc = (size_t)(rowid >> SEARCH_DOC_SHIFT);
	if (doc < h->ndocs)
		h->tf[doc * h->nterms + term] += (rowid & SEARCH_MAX_BLOCKS) == 0 ? SEARCH_TITLE_WEIGHT : 1.0;
	return 0;
}

/* The organization (?1) and kind (?2) asked for, of the text t. */
#define SEARCH_FILTER "(?1 IS NULL OR t.organization = ?1 COLLATE NOCASE) AND (?2 IS NULL OR t.kind = ?2 COLLATE NOCASE)"

/* One past the largest id of `table` (a table of the index's own, named
 * here, never from input), for arrays indexed by id. */
static int id_bound(size_t *out, search_index *ix, const char *table)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	int ok;
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) + 1 FROM %s", table);
	if (search_prepare(ix, &st, sql) < 0)
		return -1;
	ok = sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		*out = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ok ? 0 : search_db_error(ix, "searching");
}

static int search_current(candidates *c, search_index *ix, const search_terms *terms, const stance_search_options *opts)
{
	current_hits h = { NULL, 0, terms->count };
	sqlite3_stmt *st = NULL;
	size_t t;
	int rc, error = -1;
	if (id_bound(&h.ndocs, ix, "docs") < 0)
		return -1;
	if (!(h.tf = calloc(h.ndocs * h.nterms + 1, sizeof(double)))) {
		stance_error_oom();
		return -1;
	}
	if (match_terms(ix, terms, "cur", hit_current, &h) < 0 ||
	    search_prepare(ix, &st, "SELECT l.doc, t.title, l.commit_id, l.time, l.doc_no, length(t.blocks) / 4,"
		    " " SEARCH_FILTER
		    " FROM latest l JOIN texts t ON t.id = l.text_id") < 0)
		goto done;
	sqlite3_bind_text(st, 1, opts->organization, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, opts->kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t doc = (size_t)sqlite3_column_int64(st, 4), all = 1;
		const double *tf = doc < h.ndocs ? h.tf + doc * h.nterms : NULL;
		candidate *k;
		c->searched++;
		c->total_dl += (double)sqlite3_column_int64(st, 5);
		for (t = 0; t < h.nterms; t++) {
			if (tf && tf[t] > 0)
				c->with[t]++;
			else
				all = 0;
		}
		if (!all || !sqlite3_column_int(st, 6))
			continue;
		if (!(k = add_candidate(c, st, 0, 1)))
			goto done;
		col_commit(k->commit, st, 2);
		k->time = sqlite3_column_int64(st, 3);
		k->dl = (double)sqlite3_column_int64(st, 5);
		memcpy(k->tf, tf, h.nterms * sizeof(double));
	}
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "searching");
		goto done;
	}
	error = 0;
done:
	sqlite3_finalize(st);
	free(h.tf);
	return error;
}

/* The documents as they stood just before a time: the newest revision of
 * each before it, when not a removal. */
static int search_as_of(candidates *c, search_index *ix, const mask_map *m, size_t nterms,
	const stance_search_options *opts)
{
	sqlite3_stmt *st = NULL;
	double tf[SEARCH_MAX_TERMS];
	size_t t;
	int rc, error = -1;
	if (search_prepare(ix, &st,
		    /* one seek per document in revisions_doc_time, not a pass over
		     * every revision */
		    "WITH d AS (SELECT DISTINCT doc FROM revisions),"
		    " cur AS (SELECT r.doc, r.commit_id, r.time, r.text_id, r.removed FROM d JOIN revisions r"
		    "  ON r.seq = (SELECT seq FROM revisions WHERE doc = d.doc AND time < ?3"
		    "  ORDER BY time DESC, seq DESC LIMIT 1))"
		    " SELECT cur.doc, t.title, cur.commit_id, cur.time, t.blocks,"
		    "  " SEARCH_FILTER
		    " FROM cur JOIN texts t ON t.id = cur.text_id WHERE cur.removed = 0") < 0)
		return -1;
	sqlite3_bind_text(st, 1, opts->organization, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, opts->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, opts->as_of);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 4) / 4;
		int all = text_tf(tf, nterms, m, sqlite3_column_blob(st, 4), n);
		candidate *k;
		c->searched++;
		c->total_dl += (double)n;
		for (t = 0; t < nterms; t++)
			if (tf[t] > 0)
				c->with[t]++;
		if (!all || !sqlite3_column_int(st, 5))
			continue;
		if (!(k = add_candidate(c, st, 0, 1)))
			goto done;
		col_commit(k->commit, st, 2);
		k->time = sqlite3_column_int64(st, 3);
		k->dl = (double)n;
		memcpy(k->tf, tf, nterms * sizeof(double));
	}
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "searching");
		goto done;
	}
	error = 0;
done:
	sqlite3_finalize(st);
	return error;
}

/* A text of the index as --history sees it: whether it passes the
 * filters, its number of blocks, whether it holds every term, and its
 * term frequencies at tf[id * nterms]. */
typedef struct {
	unsigned char *known, *ok, *all;
	size_t *n;
	double *tf;
	size_t cap;
} history_texts;

static void history_texts_free(history_texts *h)
{
	free(h->known);
	free(h->ok);
	free(h->all);
	free(h->n);
	free(h->tf);
	memset(h, 0, sizeof(*h));
}

/* Block id → the terms it holds (bit i: term i), an array over every
 * block id: --history matches half the blocks for a common word, where
 * growing a hash of them was a tenth of its CPU. */
typedef struct {
	uint32_t *bits;
	size_t n;
} dense_masks;

static int hit_dense(void *payload, sqlite3_int64 rowid, size_t term)
{
	dense_masks *d = payload;
	if (rowid > 0 && (size_t)rowid < d->n)
		d->bits[rowid] |= (uint32_t)1 << term;
	return 0;
}

/* The terms' blocks as dense masks, sized by the largest block id. */
static int history_match(dense_masks *d, search_index *ix, const search_terms *terms)
{
	if (id_bound(&d->n, ix, "blocks") < 0)
		return -1;
	if (!(d->bits = calloc(d->n, sizeof(*d->bits))))
		return stance_error_oom();
	return match_terms(ix, terms, "fts", hit_dense, d);
}

/* Adds (sign > 0) or takes away the blocks list[from, n) holding each
 * term to count[]. */
static void count_blocks(uint32_t *count, size_t nterms, const dense_masks *d, const void *list, size_t from,
	size_t n, int sign)
{
	size_t i, t;
	for (i = from; i < n; i++) {
		uint32_t b = search_block_at(list, i), bits = b < d->n ? d->bits[b] : 0;
		for (t = 0; bits && t < nterms; t++, bits >>= 1)
			if (bits & 1u)
				count[t] += sign > 0 ? 1u : (uint32_t)-1;
	}
}

/* A text's term counts from its whole block list in texts, for a text
 * whose base is not there to start from (an index damaged by hand). */
static int count_whole_text(uint32_t *count, size_t nterms, const dense_masks *d, sqlite3_stmt *whole,
	sqlite3_int64 id)
{
	int rc;
	sqlite3_reset(whole);
	sqlite3_bind_int64(whole, 1, id);
	memset(count, 0, nterms * sizeof(*count));
	if ((rc = sqlite3_step(whole)) == SQLITE_ROW)
		count_blocks(count, nterms, d, sqlite3_column_blob(whole, 0), 1,
			(size_t)sqlite3_column_bytes(whole, 0) / 4, 1);
	sqlite3_reset(whole);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Every text once, in id order, from text_changes: its counts are its
 * base's (read before it, the base's id being smaller) with the blocks it
 * added and dropped, so a revision costs the paragraphs it changed. The
 * filter's columns are read only when there is a filter. */
static int history_read_texts(history_texts *h, search_index *ix, const dense_masks *d, size_t nterms,
	const stance_search_options *opts)
{
	sqlite3_stmt *st = NULL, *whole = NULL;
	uint32_t *count = NULL;
	size_t t;
	int rc, error = -1, filtered = opts->organization || opts->kind;
	if (id_bound(&h->cap, ix, "texts") < 0)
		return -1;
	if (!(h->known = calloc(h->cap, 1)) || !(h->ok = calloc(h->cap, 1)) || !(h->all = calloc(h->cap, 1)) ||
	    !(h->n = calloc(h->cap, sizeof(*h->n))) || !(h->tf = calloc(h->cap * (nterms ? nterms : 1), sizeof(*h->tf))) ||
	    !(count = calloc(h->cap * (nterms ? nterms : 1), sizeof(*count))))
		goto oom;
	if (search_prepare(ix, &st, filtered ? "SELECT t.id, t.changes, " SEARCH_FILTER " FROM text_changes t"
					     : "SELECT t.id, t.changes FROM text_changes t") < 0 ||
	    search_prepare(ix, &whole, "SELECT blocks FROM texts WHERE id = ?1") < 0)
		goto done;
	if (filtered) {
		sqlite3_bind_text(st, 1, opts->organization, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, opts->kind, -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const void *rec = sqlite3_column_blob(st, 1);
		size_t words = (size_t)sqlite3_column_bytes(st, 1) / 4, base, nadded;
		uint32_t *c, seen = 0, tbits, title;
		if (id <= 0 || (size_t)id >= h->cap || words < 4)
			continue;
		base = search_block_at(rec, 0);
		title = search_block_at(rec, 2);
		nadded = search_block_at(rec, 3);
		c = &count[(size_t)id * nterms];
		if (base == 0 || (base < (size_t)id && h->known[base] && nadded <= words - 4)) {
			if (base)
				memcpy(c, &count[base * nterms], nterms * sizeof(*c));
			count_blocks(c, nterms, d, rec, 4, 4 + nadded, 1);
			count_blocks(c, nterms, d, rec, 4 + nadded, words, -1);
		} else if (count_whole_text(c, nterms, d, whole, id) < 0) {
			search_db_error(ix, "searching");
			goto done;
		}
		h->known[id] = 1;
		h->n[id] = search_block_at(rec, 1);
		if (!(h->ok[id] = (unsigned char)(filtered ? sqlite3_column_int(st, 2) : 1)))
			continue;
		tbits = title < d->n ? d->bits[title] : 0;
		for (t = 0; t < nterms; t++) {
			h->tf[(size_t)id * nterms + t] = (double)c[t] + ((tbits >> t) & 1u ? SEARCH_TITLE_WEIGHT : 0.0);
			seen |= (c[t] || ((tbits >> t) & 1u) ? 1u : 0u) << t;
		}
		h->all[id] = nterms && seen == (nterms == 32 ? 0xffffffffu : (((uint32_t)1 << nterms) - 1));
	}
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "searching");
		goto done;
	}
	error = 0;
	goto done;
oom:
	stance_error_oom();
done:
	free(count);
	sqlite3_finalize(st);
	sqlite3_finalize(whole);
	return error;
}

/* Every revision: per document, the first and the last revision that
 * matched, how many did, the best score, and whether the newest does. The
 * frequencies counted over the revisions searched; a document's score is
 * its best revision's. The texts are read once each (history_read_texts),
 * then the revisions in document and time order from revisions_doc_time;
 * the commits, times and titles only of the documents shown
 * (history_fill). */
static int search_history(candidates *c, search_index *ix, const search_terms *terms,
	const stance_search_options *opts)
{
	sqlite3_stmt *st = NULL;
	history_texts h;
	dense_masks d = { NULL, 0 };
	size_t t, nterms = terms->count;
	int rc, error = -1, last_matched = 0;
	candidate *k = NULL;
	stance_buf doc = STANCE_BUF_INIT;
	memset(&h, 0, sizeof(h));
	if (history_match(&d, ix, terms) < 0 || history_read_texts(&h, ix, &d, nterms, opts) < 0 ||
	    search_prepare(ix, &st, "SELECT r.doc, r.text_id, r.seq FROM revisions r ORDER BY r.doc, r.time, r.seq") < 0)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		sqlite3_int64 text = sqlite3_column_int64(st, 1);
		size_t x = sqlite3_column_type(st, 1) == SQLITE_NULL || text < 0 || (size_t)text >= h.cap ? 0 : (size_t)text;
		const double *tf;
		size_t n;
		int all = 0;
		if (!id)
			continue;
		if (!doc.ptr || strcmp(doc.ptr, id)) {
			if (k)
				k->current = last_matched;
			k = NULL;
			stance_buf_clear(&doc);
			stance_buf_puts(&doc, id);
		}
		n = h.n[x];
		tf = &h.tf[x * nterms];
		if (h.known[x] && h.ok[x]) {
			all = h.all[x];
			c->searched++;
			c->total_dl += (double)n;
			for (t = 0; t < nterms; t++)
				if (tf[t] > 0)
					c->with[t]++;
		}
		last_matched = all;
		if (!all)
			continue;
		if (!k) {
			if (stance_array_grow(&c->items, &c->alloc, c->count + 1, sizeof(*c->items)) < 0)
				goto done;
			k = &c->items[c->count++];
			memset(k, 0, sizeof(*k));
			if (!(k->id = col_dup(st, 0))) {
				stance_error_oom();
				goto done;
			}
			k->first_seq = sqlite3_column_int64(st, 2);
			k->dl = -1;
		}
		k->title_text = text;
		k->last_seq = sqlite3_column_int64(st, 2);
		k->revisions++;
		/* the document is ranked as its revision with the largest share of
		 * blocks holding the terms */
		{
			double sum = 0, best = 0;
			for (t = 0; t < nterms; t++) {
				sum += tf[t];
				best += k->tf[t];
			}
			if (k->dl < 0 || sum / (double)(n ? n : 1) > best / (k->dl ? k->dl : 1)) {
				memcpy(k->tf, tf, nterms * sizeof(double));
				k->dl = (double)n;
			}
		}
	}
	if (k)
		k->current = last_matched;
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "searching");
		goto done;
	}
	error = 0;
done:
	stance_buf_dispose(&doc);
	sqlite3_finalize(st);
	history_texts_free(&h);
	free(d.bits);
	return error;
}

/* The first `n` --history candidates' first and last matching revisions'
 * commits and times, and the titles of their last matches. */
static int history_fill(candidate *items, size_t n, search_index *ix)
{
	sqlite3_stmt *rev = NULL, *title = NULL;
	size_t i;
	int error = -1;
	if (search_prepare(ix, &rev, "SELECT commit_id, time FROM revisions WHERE seq = ?1") < 0 ||
	    search_prepare(ix, &title, "SELECT title FROM texts WHERE id = ?1") < 0)
		goto done;
	for (i = 0; i < n; i++) {
		candidate *k = &items[i];
		sqlite3_reset(rev);
		sqlite3_bind_int64(rev, 1, k->first_seq);
		if (sqlite3_step(rev) != SQLITE_ROW)
			goto fail;
		col_commit(k->first_commit, rev, 0);
		k->first_time = sqlite3_column_int64(rev, 1);
		sqlite3_reset(rev);
		sqlite3_bind_int64(rev, 1, k->last_seq);
		if (sqlite3_step(rev) != SQLITE_ROW)
			goto fail;
		col_commit(k->commit, rev, 0);
		k->time = sqlite3_column_int64(rev, 1);
		sqlite3_reset(title);
		sqlite3_bind_int64(title, 1, k->title_text);
		if (sqlite3_step(title) != SQLITE_ROW)
			goto fail;
		if (!(k->title = col_dup(title, 0))) {
			stance_error_oom();
			goto done;
		}
	}
	error = 0;
	goto done;
fail:
	search_db_error(ix, "searching");
done:
	sqlite3_finalize(rev);
	sqlite3_finalize(title);
	return error;
}

static int cmp_candidate(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->id, y->id);
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

int stance_search(stance_search_results *out, stance_repo *repo, const char *query,
	const stance_search_options *opts)
{
	stance_search_options defaults = STANCE_SEARCH_OPTIONS_INIT;
	stance_search_update_stats stats;
	search_index ix;
	search_terms terms = { { NULL }, 0 };
	candidates c;
	mask_map m = { NULL, NULL, 0, 0 };
	double idf[SEARCH_MAX_TERMS];
	size_t i, limit;
	int error, in_tx = 0;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (!opts)
		opts = &defaults;
	STANCE_CHECK_OPTIONS(opts, STANCE_SEARCH_OPTIONS_VERSION, "stance_search_options");
	limit = opts->limit ? opts->limit : SEARCH_DEFAULT_LIMIT;
	if ((error = search_index_open(&ix, repo, &stats)) < 0 ||
	    (error = parse_query(&terms, &ix, query, opts->loose)) < 0)
		goto done;
	if (!opts->history && !opts->as_of)
		error = search_current(&c, &ix, &terms, opts);
	else if (opts->history) {
		/* one read transaction: the commits read after the ranking are of
		 * the same index state */
		if (sqlite3_exec(ix.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			error = search_db_error(&ix, "searching");
		else if ((in_tx = 1))
			error = search_history(&c, &ix, &terms, opts);
	}
	else if ((error = match_terms(&ix, &terms, "fts", hit_block, &m)) == 0)
		error = search_as_of(&c, &ix, &m, terms.count, opts);
	if (error < 0)
		goto done;
	idf_of(idf, c.with, terms.count, c.searched);
	for (i = 0; i < c.count; i++)
		c.items[i].score = bm25_blocks(c.items[i].tf, idf, terms.count, c.items[i].dl,
			c.searched ? c.total_dl / (double)c.searched : 1);
	if (c.count)
		qsort(c.items, c.count, sizeof(*c.items), cmp_candidate);
	if (opts->history && (error = history_fill(c.items, c.count < limit ? c.count : limit, &ix)) < 0)
		goto done;
	error = 0;
	if (c.count && !(out->items = calloc(c.count < limit ? c.count : limit, sizeof(*out->items)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < c.count && i < limit; i++) {
		stance_search_hit *h = &out->items[out->count++];
		candidate *k = &c.items[i];
		h->id = k->id;
		h->title = k->title;
		k->id = k->title = NULL;
		memcpy(h->commit, k->commit, sizeof(h->commit));
		h->time = k->time;
		h->score = k->score;
		if (opts->history) {
			memcpy(h->first_commit, k->first_commit, sizeof(h->first_commit));
			h->first_time = k->first_time;
			h->revisions = k->revisions;
			h->current = k->current;
		}
	}
done:
	if (in_tx)
		sqlite3_exec(ix.db, "COMMIT", NULL, NULL, NULL);
	candidates_free(&c);
	mask_free(&m);
	terms_free(&terms);
	search_index_close(&ix);
	if (error < 0)
		stance_search_results_free(out);
	return error;
}

/* Blob id (its first 16 hex digits) → the phrase's count in that text,
 * with the index kept open for the blocks of the texts asked about. */
struct stance_search_counts {
	uint64_t *keys;
	size_t *counts;
	size_t cap, count;
	mask_map per_block;          /* block id → the phrase's count in it */
	search_index ix;
	sqlite3_stmt *text, *block;  /* a text's block list, a block's bytes */
	uint32_t *old_ids, *new_ids;
	size_t old_alloc, new_alloc;
};

static uint64_t blob_key(const char *hex)
{
	uint64_t k = 0;
	int i;
	for (i = 0; i < 16 && hex[i]; i++)
		k = (k << 4) | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : (hex[i] | 32) - 'a' + 10);
	return k ? k : 1;
}

size_t stance_search_counts_get(const stance_search_counts *c, const char *blob)
{
	uint64_t key;
	size_t i;
	if (!c || !blob[0] || !c->cap)
		return 0;
	key = blob_key(blob);
	for (i = key & (c->cap - 1); c->keys[i]; i = (i + 1) & (c->cap - 1))
		if (c->keys[i] == key)
			return c->counts[i];
	return 0;
}

void stance_search_counts_free(stance_search_counts *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->text);
	sqlite3_finalize(c->block);
	search_index_close(&c->ix);
	mask_free(&c->per_block);
	free(c->keys);
	free(c->counts);
	free(c->old_ids);
	free(c->new_ids);
	free(c);
}

int stance_search_phrase_counts(stance_search_counts **out, stance_repo *repo, const char *phrase,
	stance_search_count_fn count, void *payload)
{
	stance_search_update_stats stats;
	struct sb_stemmer *stemmers[SEARCH_MAX_LANGUAGES + 1];
	size_t nst, i;
	stance_buf expr = STANCE_BUF_INIT;
	sqlite3_stmt *st = NULL;
	stance_search_counts *c;
	size_t ntexts = 0;
	int rc, error = -1;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return stance_error_oom();
	if (search_index_open(&c->ix, repo, &stats) < 0 || query_stemmers(stemmers, &nst, &c->ix) < 0 ||
	    term_expr(&expr, &c->ix, stemmers, nst, phrase, strlen(phrase), 1, 0, "body", 0) < 0 ||
	    search_prepare(&c->ix, &c->text, "SELECT blocks FROM texts WHERE blob = ?1") < 0 ||
	    search_prepare(&c->ix, &c->block, "SELECT text FROM blocks WHERE id = ?1") < 0)
		goto done;
	if (!expr.size) {
		error = 0;
		goto done;
	}
	/* the blocks whose stems hold the phrase's, counted exactly */
	if (search_prepare(&c->ix, &st, "SELECT f.rowid, b.text FROM fts f JOIN blocks b ON b.id = f.rowid"
		    " WHERE fts MATCH ?1") < 0)
		goto done;
	sqlite3_bind_text(st, 1, expr.ptr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long n = count((const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1), payload);
		if (n < 0)
			goto done;
		if (n > 0 && mask_or(&c->per_block, (uint32_t)sqlite3_column_int64(st, 0), (uint32_t)n) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		search_db_error(&c->ix, "searching");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (search_prepare(&c->ix, &st, "SELECT count(*) FROM texts") < 0)
		goto done;
	if (sqlite3_step(st) == SQLITE_ROW)
		ntexts = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	for (c->cap = 16; c->cap < 2 * ntexts + 2; c->cap *= 2)
		;
	if (!(c->keys = calloc(c->cap, sizeof(*c->keys))) || !(c->counts = calloc(c->cap, sizeof(*c->counts)))) {
		stance_error_oom();
		goto done;
	}
	/* each text: the sum over its blocks */
	if (c->per_block.count) {
		if (search_prepare(&c->ix, &st, "SELECT blob, blocks FROM texts") < 0)
			goto done;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const void *list = sqlite3_column_blob(st, 1);
			size_t n = (size_t)sqlite3_column_bytes(st, 1) / 4, sum = 0, j;
			const char *blob = (const char *)sqlite3_column_text(st, 0);
			uint64_t key;
			for (i = 1; i < n; i++)
				sum += mask_get(&c->per_block, search_block_at(list, i));
			if (!sum || !blob || c->count + 1 > c->cap / 2)
				continue;
			key = blob_key(blob);
			for (j = key & (c->cap - 1); c->keys[j] && c->keys[j] != key; j = (j + 1) & (c->cap - 1))
				;
			if (!c->keys[j])
				c->count++;
			c->keys[j] = key;
			c->counts[j] = sum;
		}
		if (rc != SQLITE_DONE) {
			search_db_error(&c->ix, "searching");
			goto done;
		}
	}
	error = 0;
done:
	sqlite3_finalize(st);
	stance_buf_dispose(&expr);
	if (error < 0)
		stance_search_counts_free(c);
	else
		*out = c;
	return error;
}

/* The body's block ids of text `blob` (the title left out) into *ids; a
 * "" blob is an empty text. STANCE_ENOTFOUND when the index lacks it. */
static int text_blocks(stance_search_counts *c, const char *blob, uint32_t **ids, size_t *alloc, size_t *n)
{
	size_t i, count;
	const void *list;
	*n = 0;
	if (!blob[0])
		return 0;
	sqlite3_reset(c->text);
	sqlite3_bind_text(c->text, 1, blob, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(c->text) != SQLITE_ROW)
		return stance_error_set(STANCE_ENOTFOUND, "search index %s: no text %s", c->ix.path, blob);
	list = sqlite3_column_blob(c->text, 0);
	count = (size_t)sqlite3_column_bytes(c->text, 0) / 4;
	if (count > 1 && stance_array_grow(ids, alloc, count - 1, sizeof(**ids)) < 0)
		return -1;
	for (i = 1; i < count; i++)
		(*ids)[(*n)++] = search_block_at(list, i);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int append_block(stance_search_counts *c, stance_buf *out, uint32_t id)
{
	sqlite3_reset(c->block);
	sqlite3_bind_int64(c->block, 1, id);
	if (sqlite3_step(c->block) != SQLITE_ROW)
		return search_db_error(&c->ix, "reading a paragraph");
	if (out->size && stance_buf_puts(out, "\n\n") < 0)
		return -1;
	return stance_buf_put(out, (const char *)sqlite3_column_text(c->block, 0), (size_t)sqlite3_column_bytes(c->block, 0));
}

int stance_search_counts_words(size_t *added, size_t *removed, stance_search_counts *c,
	const char *old_blob, const char *new_blob)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	size_t na, nb, i = 0, j = 0;
	int error = -1;
	*added = *removed = 0;
	if (text_blocks(c, old_blob, &c->old_ids, &c->old_alloc, &na) < 0 ||
	    text_blocks(c, new_blob, &c->new_ids, &c->new_alloc, &nb) < 0)
		return -1;
	if (na)
		qsort(c->old_ids, na, sizeof(uint32_t), cmp_u32);
	if (nb)
		qsort(c->new_ids, nb, sizeof(uint32_t), cmp_u32);
	/* the blocks (with their repeats) on one side only; the rest cancel out */
	while (i < na || j < nb) {
		if (j == nb || (i < na && c->old_ids[i] < c->new_ids[j])) {
			if (append_block(c, &a, c->old_ids[i++]) < 0)
				goto done;
		} else if (i == na || c->new_ids[j] < c->old_ids[i]) {
			if (append_block(c, &b, c->new_ids[j++]) < 0)
				goto done;
		} else {
			i++;
			j++;
		}
	}
	error = stance_words_delta(added, removed, stance_buf_cstr(&a), stance_buf_cstr(&b));
done:
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	return error;
}

/* Whether a paragraph holds a line that may open or close a code fence. */
static int may_fence(const char *s, size_t n)
{
	return memmem(s, n, "```", 3) || memmem(s, n, "~~~", 3);
}

int stance_search_counts_paragraphs(uint32_t **ids, size_t *alloc, size_t *n, stance_search_counts *c,
	const char *blob)
{
	int error;
	if ((error = text_blocks(c, blob, ids, alloc, n)) < 0)
		return error;
	if (*n >= SEARCH_MAX_BLOCKS)
		return stance_error_set(STANCE_ENOTFOUND, "search index %s: only the first paragraphs of %s", c->ix.path, blob);
	return 0;
}

int stance_search_counts_paragraph(const char **text, size_t *len, stance_search_counts *c, uint32_t id)
{
	sqlite3_reset(c->block);
	sqlite3_bind_int64(c->block, 1, id);
	if (sqlite3_step(c->block) != SQLITE_ROW)
		return search_db_error(&c->ix, "reading a paragraph");
	*text = (const char *)sqlite3_column_text(c->block, 0);
	*len = (size_t)sqlite3_column_bytes(c->block, 0);
	if (!*text)
		*text = "";
	if (may_fence(*text, *len))
		return stance_error_set(STANCE_ENOTFOUND, "search index %s: paragraph %u may open or close a code fence",
			c->ix.path, (unsigned)id);
	return 0;
}
