/*
 * search_changes.c: each text of the index as the blocks it adds to and
 * drops from an earlier text of its document (the table text_changes,
 * search_internal.h). A revision changes a few paragraphs of a document,
 * so `search --history` reads a few block ids a text from it instead of
 * every text's whole block list (18 MB on a 40,000-revision archive).
 */
#include <stdlib.h>

#include "search_internal.h"

int search_changes_prepare(search_changes_writer *w, search_index *ix)
{
	memset(w, 0, sizeof(*w));
	/* the base: the document's newest earlier text (the revision being
	 * indexed is written after its text, so it is not among them) */
	if (search_prepare(ix, &w->find_base, "SELECT r.text_id, t.blocks FROM revisions r JOIN texts t ON t.id = r.text_id"
		    " WHERE r.doc = ?1 AND r.text_id IS NOT NULL AND r.text_id < ?2"
		    " ORDER BY r.time DESC, r.seq DESC LIMIT 1") < 0 ||
	    search_prepare(ix, &w->add, "INSERT INTO text_changes(id, changes, organization, kind)"
		    " VALUES(?1, ?2, ?3, ?4)") < 0) {
		search_changes_finalize(w);
		return -1;
	}
	return 0;
}

void search_changes_finalize(search_changes_writer *w)
{
	sqlite3_finalize(w->find_base);
	sqlite3_finalize(w->add);
	memset(w, 0, sizeof(*w));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The body's block ids of a list (all but the title), sorted. */
static uint32_t *sorted_body(const void *list, size_t n, size_t *count)
{
	uint32_t *v;
	size_t i;
	*count = n > 1 ? n - 1 : 0;
	if (!(v = malloc((*count ? *count : 1) * sizeof(*v))))
		return NULL;
	for (i = 0; i < *count; i++)
		v[i] = search_block_at(list, i + 1);
	qsort(v, *count, sizeof(*v), cmp_u32);
	return v;
}

int search_changes_add(search_index *ix, search_changes_writer *w, sqlite3_int64 id, const char *doc,
	const char *organization, const char *kind, const void *list, size_t n)
{
	stance_buf added = STANCE_BUF_INIT, removed = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
	uint32_t *now = NULL, *before = NULL;
	size_t nnow = 0, nbefore = 0, i = 0, j = 0;
	sqlite3_int64 base = 0;
	int error = -1;

	sqlite3_reset(w->find_base);
	sqlite3_bind_text(w->find_base, 1, doc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(w->find_base, 2, id);
	if (!(now = sorted_body(list, n, &nnow)))
		goto oom;
	switch (sqlite3_step(w->find_base)) {
	case SQLITE_ROW:
		base = sqlite3_column_int64(w->find_base, 0);
		if (!(before = sorted_body(sqlite3_column_blob(w->find_base, 1),
			      (size_t)sqlite3_column_bytes(w->find_base, 1) / 4, &nbefore)))
			goto oom;
		break;
	case SQLITE_DONE:
		break;
	default:
		search_db_error(ix, "reading a text");
		goto done;
	}
	/* the two lists as multisets: a paragraph may stand twice in a text */
	while (i < nnow || j < nbefore) {
		int r = 0;
		if (j == nbefore || (i < nnow && now[i] < before[j]))
			r = search_put_block(&added, now[i++]);
		else if (i == nnow || before[j] < now[i])
			r = search_put_block(&removed, before[j++]);
		else
			i++, j++;
		if (r < 0)
			goto oom;
	}
	/* the record: base, block count, title, number added, the added, the dropped */
	stance_buf_clear(&head);
	if (search_put_block(&head, (uint32_t)base) < 0 || search_put_block(&head, (uint32_t)n) < 0 ||
	    search_put_block(&head, n ? search_block_at(list, 0) : 0) < 0 || search_put_block(&head, (uint32_t)(added.size / 4)) < 0 ||
	    stance_buf_put(&head, added.ptr ? added.ptr : "", added.size) < 0 ||
	    stance_buf_put(&head, removed.ptr ? removed.ptr : "", removed.size) < 0)
		goto oom;
	sqlite3_reset(w->add);
	sqlite3_bind_int64(w->add, 1, id);
	sqlite3_bind_blob(w->add, 2, head.ptr, (int)head.size, SQLITE_STATIC);
	sqlite3_bind_text(w->add, 3, organization, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->add, 4, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(w->add) != SQLITE_DONE) {
		search_db_error(ix, "writing a text's changes");
		goto done;
	}
	error = 0;
	goto done;
oom:
	stance_error_oom();
done:
	sqlite3_reset(w->find_base);
	free(now);
	free(before);
	stance_buf_dispose(&added);
	stance_buf_dispose(&removed);
	stance_buf_dispose(&head);
	return error;
}
