/*
 * source_state.c: the per-source HTTP state (ETag, Last-Modified) in
 * .git/stance-fetch-state, outside the working tree and history, so a run
 * that finds nothing new writes nothing a user sees.
 */
#include "source_internal.h"
#include "stance/repo.h"

#include <stdio.h>

/* ---- fetch state (.git/stance-fetch-state) ---- */


void stance_fetch_state_dispose(fetch_state *s)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].etag);
		free(s->v[i].last_modified);
	}
	free(s->v);
}

/* The state of `id` (made empty when `create`); borrowed from `s`, or NULL. */
state_row *stance_fetch_state_find(fetch_state *s, const char *id, int create)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].id, id))
			return &s->v[i];
	if (!create)
		return NULL;
	if (stance_array_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return NULL;
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	if (!(s->v[s->n].id = stance_strdup(id)))
		return NULL;
	return &s->v[s->n++];
}

static void state_path(stance_buf *out, stance_repo *repo)
{
	stance_buf_printf(out, "%sstance-fetch-state", stance_repo_gitdir(repo));
}

/* Lines of "id TAB etag TAB last-modified", and "TAB misses" when the page
 * was gone on its last fetches (older files have no such column). */
void stance_fetch_state_load(fetch_state *s, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT;
	char *line;
	state_path(&path, repo);
	if (stance_file_read(&data, path.ptr) < 0) {
		stance_error_clear();
		goto done;
	}
	for (line = data.ptr; line && *line;) {
		char *eol = strchr(line, '\n'), *t1, *t2;
		state_row *r;
		if (eol)
			*eol = '\0';
		if ((t1 = strchr(line, '\t')) && (t2 = strchr(t1 + 1, '\t'))) {
			char *t3 = strchr(t2 + 1, '\t');
			long misses = 0;
			*t1 = *t2 = '\0';
			if (t3) {
				*t3 = '\0';
				if (stance_parse_int(&misses, t3 + 1, 0, 1000000) < 0) {
					stance_error_clear();
					misses = 0;
				}
			}
			if ((r = stance_fetch_state_find(s, line, 1))) {
				r->etag = *(t1 + 1) ? stance_strdup(t1 + 1) : NULL;
				r->last_modified = *(t2 + 1) ? stance_strdup(t2 + 1) : NULL;
				r->misses = (unsigned)misses;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&data);
}

int stance_fetch_state_save(fetch_state *s, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT;
	size_t i;
	int error;
	if (!s->dirty)
		return 0;
	for (i = 0; i < s->n; i++) {
		stance_buf_printf(&data, "%s\t%s\t%s", s->v[i].id,
			s->v[i].etag ? s->v[i].etag : "", s->v[i].last_modified ? s->v[i].last_modified : "");
		if (s->v[i].misses)
			stance_buf_printf(&data, "\t%u", s->v[i].misses);
		stance_buf_putc(&data, '\n');
	}
	state_path(&path, repo);
	error = stance_file_write_atomic(path.ptr, data.ptr ? data.ptr : "", data.size);
	stance_buf_dispose(&path);
	stance_buf_dispose(&data);
	return error;
}

void stance_fetch_state_set(fetch_state *s, const char *id, const char *etag, const char *lm)
{
	state_row *r = stance_fetch_state_find(s, id, 1);
	/* Header values never hold tabs or newlines we would keep. */
	if (!r)
		return;
	if ((etag && strpbrk(etag, "\t\n")) || (lm && strpbrk(lm, "\t\n")))
		return;
	if ((r->etag ? strcmp(r->etag, etag ? etag : "") : !!etag) ||
	    (r->last_modified ? strcmp(r->last_modified, lm ? lm : "") : !!lm)) {
		free(r->etag);
		free(r->last_modified);
		r->etag = etag && *etag ? stance_strdup(etag) : NULL;
		r->last_modified = lm && *lm ? stance_strdup(lm) : NULL;
		s->dirty = 1;
	}
}

unsigned stance_fetch_state_miss(fetch_state *s, const char *id, int gone)
{
	state_row *r = stance_fetch_state_find(s, id, gone);
	if (!r)
		return 0;
	if (gone) {
		r->misses++;
		s->dirty = 1;
	} else if (r->misses) {
		r->misses = 0;
		s->dirty = 1;
	}
	return r->misses;
}
