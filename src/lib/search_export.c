/*
 * search_export.c: the current documents' loose stems and word forms, read
 * from the index's table of current blocks (`cur`) for the site's search
 * (search_export.h). The stems are the index's own (fts5vocab over `cur`);
 * a word form is paired with its stem by tokenizing the block's text again
 * as search_analyze does when it indexes it, word for stem, so no stemmer
 * runs here.
 */
#include "search_internal.h"
#include "search_export.h"

/* Word form → stem, open addressing; the strings are owned here until
 * moved into the export. */
typedef struct {
	uint64_t *hashes;
	char **forms, **terms;
	size_t cap, count;
} form_map;

static int form_map_grow(form_map *m)
{
	size_t cap = m->cap ? 2 * m->cap : 1024, i;
	form_map n = { calloc(cap, sizeof(uint64_t)), calloc(cap, sizeof(char *)), calloc(cap, sizeof(char *)), cap, m->count };
	if (!n.hashes || !n.forms || !n.terms) {
		free(n.hashes);
		free(n.forms);
		free(n.terms);
		return stance_error_oom();
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;
		if (!m->forms[i])
			continue;
		for (j = m->hashes[i] & (cap - 1); n.forms[j]; j = (j + 1) & (cap - 1))
			;
		n.hashes[j] = m->hashes[i];
		n.forms[j] = m->forms[i];
		n.terms[j] = m->terms[i];
	}
	free(m->hashes);
	free(m->forms);
	free(m->terms);
	*m = n;
	return 0;
}

/* Adds form → term unless the form is there already (the first stem seen wins). */
static int form_map_put(form_map *m, const char *form, size_t flen, const char *term, size_t tlen)
{
	uint64_t h = stance_fnv64(form, flen);
	size_t j;
	if (2 * (m->count + 1) > m->cap && form_map_grow(m) < 0)
		return -1;
	for (j = h & (m->cap - 1); m->forms[j]; j = (j + 1) & (m->cap - 1))
		if (m->hashes[j] == h && !strncmp(m->forms[j], form, flen) && !m->forms[j][flen])
			return 0;
	if (!(m->forms[j] = stance_strndup(form, flen)) || !(m->terms[j] = stance_strndup(term, tlen))) {
		free(m->forms[j]);
		m->forms[j] = NULL;
		return stance_error_oom();
	}
	m->hashes[j] = h;
	m->count++;
	return 0;
}

static void form_map_free(form_map *m)
{
	size_t i;
	for (i = 0; i < m->cap; i++) {
		free(m->forms[i]);
		free(m->terms[i]);
	}
	free(m->hashes);
	free(m->forms);
	free(m->terms);
}

/* The next space-separated word of [*p, end): its start and length; 0 at the end. */
static int next_word(const char **p, const char *end, const char **w, size_t *len)
{
	while (*p < end && **p == ' ')
		(*p)++;
	if (*p >= end)
		return 0;
	*w = *p;
	while (*p < end && **p != ' ')
		(*p)++;
	*len = (size_t)(*p - *w);
	return 1;
}

/* The forms of one block: its words folded (and loose-folded) beside the
 * loose stems the index holds for it, in the same order. */
static int block_forms(form_map *m, const char *text, size_t len, const char *stems, size_t slen)
{
	stance_buf folded = STANCE_BUF_INIT, loose = STANCE_BUF_INIT;
	const char *pf, *pl, *ps, *ef, *el, *es;
	int error = -1;
	if (search_analyze(&folded, &loose, NULL, text, len) < 0)
		goto done;
	pf = stance_buf_cstr(&folded), ef = pf + folded.size;
	pl = stance_buf_cstr(&loose), el = pl + loose.size;
	ps = stems, es = stems + slen;
	for (;;) {
		const char *f = NULL, *l = NULL, *s = NULL;
		size_t fl = 0, ll = 0, sl = 0;
		int hf = next_word(&pf, ef, &f, &fl), hl = next_word(&pl, el, &l, &ll), hs = next_word(&ps, es, &s, &sl);
		if (!hf || !hl || !hs)
			break;   /* a block indexed otherwise (it cannot be, but then its forms are left out) */
		if ((fl != sl || memcmp(f, s, fl)) && form_map_put(m, f, fl, s, sl) < 0)
			goto done;
		if ((ll != sl || memcmp(l, s, ll)) && (ll != fl || memcmp(l, f, ll)) &&
		    form_map_put(m, l, ll, s, sl) < 0)
			goto done;
	}
	error = 0;
done:
	stance_buf_dispose(&folded);
	stance_buf_dispose(&loose);
	return error;
}

static int cmp_form(const void *a, const void *b)
{
	return strcmp(((const search_export_form *)a)->form, ((const search_export_form *)b)->form);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The current documents, sorted by id, and each doc_no's index among them. */
static int read_docs(search_export *out, uint32_t **index_of, size_t *nindex, search_index *ix)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;
	if (search_prepare(ix, &st, "SELECT doc_no, doc FROM latest ORDER BY doc") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 no = sqlite3_column_int64(st, 0);
		if (no < 0 || no > (sqlite3_int64)UINT32_MAX ||
		    stance_array_grow(&out->docs, &cap, out->ndocs + 1, sizeof(*out->docs)) < 0)
			goto fail;
		if ((size_t)no >= *nindex) {
			size_t n = (size_t)no + 1 > 2 * *nindex ? (size_t)no + 1 : 2 * *nindex, i;
			uint32_t *bigger = realloc(*index_of, n * sizeof(**index_of));
			if (!bigger) {
				stance_error_oom();
				goto fail;
			}
			for (i = *nindex; i < n; i++)
				bigger[i] = UINT32_MAX;
			*index_of = bigger;
			*nindex = n;
		}
		(*index_of)[no] = (uint32_t)out->ndocs;
		if (!(out->docs[out->ndocs] = stance_strdup((const char *)sqlite3_column_text(st, 1)))) {
			stance_error_oom();
			goto fail;
		}
		out->ndocs++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : search_db_error(ix, "listing the current documents");
fail:
	sqlite3_finalize(st);
	return -1;
}

/* Ends the postings of the term being read: sorted, each document once. */
static int finish_term(search_export *out, size_t *cap, stance_buf *term, uint32_t *docs, size_t n)
{
	search_export_term *t;
	size_t i, k = 0;
	if (!n)
		return 0;
	qsort(docs, n, sizeof(*docs), cmp_u32);
	for (i = 0; i < n; i++)
		if (!k || docs[k - 1] != docs[i])
			docs[k++] = docs[i];
	if (stance_array_grow(&out->terms, cap, out->nterms + 1, sizeof(*out->terms)) < 0)
		return -1;
	t = &out->terms[out->nterms];
	if (!(t->term = stance_strndup(stance_buf_cstr(term), term->size)) ||
	    !(t->docs = malloc(k * sizeof(*t->docs)))) {
		free(t->term);
		return stance_error_oom();
	}
	memcpy(t->docs, docs, k * sizeof(*docs));
	t->ndocs = k;
	out->nterms++;
	return 0;
}

/* Each loose stem of the current blocks and its documents, from fts5vocab's
 * instances (term order, then row order). */
static int read_terms(search_export *out, search_index *ix, const uint32_t *index_of, size_t nindex)
{
	sqlite3_stmt *st = NULL;
	stance_buf term = STANCE_BUF_INIT;
	uint32_t *docs = NULL;
	size_t n = 0, cap = 0, tcap = 0;
	int rc, error = -1;
	if (sqlite3_exec(ix->db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.export_vocab"
			" USING fts5vocab(main, cur, instance)", NULL, NULL, NULL) != SQLITE_OK)
		return search_db_error(ix, "reading the current documents' terms");
	if (search_prepare(ix, &st, "SELECT term, doc FROM temp.export_vocab"
			" WHERE col IN ('title_loose', 'body_loose')") < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		size_t tl = (size_t)sqlite3_column_bytes(st, 0);
		sqlite3_int64 no = sqlite3_column_int64(st, 1) >> SEARCH_DOC_SHIFT;
		if (no < 0 || (size_t)no >= nindex || index_of[no] == UINT32_MAX)
			continue;   /* a row of no current document (cannot be) */
		if (tl != term.size || memcmp(t, stance_buf_cstr(&term), tl)) {
			if (finish_term(out, &tcap, &term, docs, n) < 0)
				goto done;
			n = 0;
			stance_buf_clear(&term);
			if (stance_buf_put(&term, t, tl) < 0)
				goto done;
		}
		if (n && docs[n - 1] == index_of[no])
			continue;
		if (stance_array_grow(&docs, &cap, n + 1, sizeof(*docs)) < 0)
			goto done;
		docs[n++] = index_of[no];
	}
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "reading the current documents' terms");
		goto done;
	}
	error = finish_term(out, &tcap, &term, docs, n);
done:
	sqlite3_finalize(st);
	stance_buf_dispose(&term);
	free(docs);
	return error;
}

/* Each word form of the current blocks beside its stem. */
static int read_forms(search_export *out, search_index *ix)
{
	sqlite3_stmt *docs = NULL, *block = NULL, *row = NULL;
	form_map m = { 0 };
	size_t i, k = 0;
	int rc, error = -1;
	if (search_prepare(ix, &docs, "SELECT doc_no, slots FROM latest") < 0 ||
	    search_prepare(ix, &block, "SELECT text FROM blocks WHERE id = ?") < 0 ||
	    search_prepare(ix, &row, "SELECT title_loose || body_loose FROM cur WHERE rowid = ?") < 0)
		goto done;
	while ((rc = sqlite3_step(docs)) == SQLITE_ROW) {
		sqlite3_int64 base = sqlite3_column_int64(docs, 0) << SEARCH_DOC_SHIFT;
		const void *slots = sqlite3_column_blob(docs, 1);
		size_t nslots = (size_t)sqlite3_column_bytes(docs, 1) / 4, s;
		for (s = 0; s < nslots; s++) {
			uint32_t b = search_block_at(slots, s);
			if (!b)
				continue;
			sqlite3_reset(block);
			sqlite3_bind_int64(block, 1, b);
			sqlite3_reset(row);
			sqlite3_bind_int64(row, 1, base | (sqlite3_int64)s);
			if (sqlite3_step(block) != SQLITE_ROW || sqlite3_step(row) != SQLITE_ROW) {
				search_db_error(ix, "reading a current paragraph");
				goto done;
			}
			if (block_forms(&m, (const char *)sqlite3_column_text(block, 0), (size_t)sqlite3_column_bytes(block, 0),
					(const char *)sqlite3_column_text(row, 0), (size_t)sqlite3_column_bytes(row, 0)) < 0)
				goto done;
		}
	}
	if (rc != SQLITE_DONE) {
		search_db_error(ix, "listing the current documents");
		goto done;
	}
	if (m.count && !(out->forms = calloc(m.count, sizeof(*out->forms)))) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < m.cap; i++)
		if (m.forms[i]) {
			out->forms[k].form = m.forms[i];
			out->forms[k++].term = m.terms[i];
			m.forms[i] = m.terms[i] = NULL;
		}
	out->nforms = k;
	qsort(out->forms, out->nforms, sizeof(*out->forms), cmp_form);
	error = 0;
done:
	sqlite3_finalize(docs);
	sqlite3_finalize(block);
	sqlite3_finalize(row);
	form_map_free(&m);
	return error;
}

int search_export_read(search_export *out, stance_repo *repo)
{
	search_index ix;
	stance_search_update_stats stats;
	uint32_t *index_of = NULL;
	size_t nindex = 0;
	int error;
	memset(out, 0, sizeof(*out));
	error = search_index_open(&ix, repo, &stats);
	if (!error)
		error = read_docs(out, &index_of, &nindex, &ix);
	if (!error)
		error = read_terms(out, &ix, index_of, nindex);
	if (!error)
		error = read_forms(out, &ix);
	free(index_of);
	search_index_close(&ix);
	if (error)
		search_export_free(out);
	return error;
}

void search_export_free(search_export *e)
{
	size_t i;
	for (i = 0; i < e->ndocs; i++)
		free(e->docs[i]);
	for (i = 0; i < e->nterms; i++) {
		free(e->terms[i].term);
		free(e->terms[i].docs);
	}
	for (i = 0; i < e->nforms; i++) {
		free(e->forms[i].form);
		free(e->forms[i].term);
	}
	free(e->docs);
	free(e->terms);
	free(e->forms);
	memset(e, 0, sizeof(*e));
}
