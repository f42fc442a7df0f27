/*
 * history.c: the revisions of documents, and revision specs such as
 * "kl/x@{2}" or "kl/x@2020-12-04" ("what did it say on that date?").
 */
#include "git_internal.h"
#include "history_internal.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/history.h"
#include "stance/repo.h"
#include "stance/store.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void stance_revision_clear(stance_revision *rev)
{
	if (!rev)
		return;
	free(rev->author_name);
	free(rev->author_email);
	free(rev->message);
	free(rev->id);
	memset(rev, 0, sizeof(*rev));
}

void stance_revision_list_free(stance_revision_list *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		stance_revision_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

typedef struct {
	stance_revision_list *list;
	size_t alloc;
} rev_builder;

static int push_revision(rev_builder *b, git_commit *commit, const char *id, const git_oid *blob,
	const git_oid *prev, int removed)
{
	const git_signature *a = git_commit_author(commit);
	stance_revision *r;
	if (stance_array_grow(&b->list->items, &b->alloc, b->list->count + 1, sizeof(*b->list->items)) < 0)
		return STANCE_ERROR;
	r = &b->list->items[b->list->count];
	memset(r, 0, sizeof(*r));
	git_oid_tostr(r->commit, sizeof(r->commit), git_commit_id(commit));
	if (blob)
		git_oid_tostr(r->blob, sizeof(r->blob), blob);
	if (prev)
		git_oid_tostr(r->prev_blob, sizeof(r->prev_blob), prev);
	r->time = (int64_t)a->when.time;
	r->tz_minutes = a->when.offset;
	r->removed = removed;
	r->author_name = stance_strdup(a->name);
	r->author_email = stance_strdup(a->email);
	r->message = stance_strdup(git_commit_message(commit));
	r->id = stance_strdup(id);
	if (!r->author_name || !r->author_email || !r->message || !r->id) {
		stance_revision_clear(r);
		return STANCE_ERROR;
	}
	b->list->count++;
	return 0;
}

/* The blob at `path` in `commit`'s tree: 1 found, 0 absent. */
int history_entry_in(git_oid *out, git_commit *commit, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int found = 0;
	if (git_commit_tree(&tree, commit) == 0 && git_tree_entry_bypath(&entry, tree, path) == 0) {
		git_oid_cpy(out, git_tree_entry_id(entry));
		found = 1;
	}
	git_error_clear();
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return found;
}

int history_path_to_id(stance_buf *out, const char *path)
{
	size_t n = strlen(path);
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (n < 4 || strcmp(path + n - 3, ".md") || path[0] == '.' || strstr(path, "/."))
		return 0;
	if (name == path && (!strcmp(name, "README.md") || !strcmp(name, "CHANGELOG.md")))
		return 0;
	stance_buf_clear(out);
	stance_buf_put(out, path, n - 3);
	if (stance_id_validate(out->ptr) < 0) {
		stance_error_clear();
		return 0;
	}
	return 1;
}


static void table_free(rev_table *t)
{
	size_t i;
	for (i = 0; i < t->count; i++)
		free(t->rows[i].id);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

rev_row *history_table_add(rev_table *t)
{
	if (stance_array_grow(&t->rows, &t->alloc, t->count + 1, sizeof(*t->rows)) < 0)
		return NULL;
	memset(&t->rows[t->count], 0, sizeof(rev_row));
	return &t->rows[t->count++];
}

/* 3: the file ends with "end COUNT CHECKSUM", so a truncated one is seen */
#define CACHE_MAGIC "stance-history 3"

static int cache_path(stance_buf *out, git_repository *git)
{
	return stance_buf_printf(out, "%sstance-history", git_repository_path(git));
}

/* The cache file's bytes, mapped read-only: a 40,000-revision table is 6 MB,
 * and reading it into the heap copied it and touched as many fresh pages
 * again. NULL (size 0) for a missing or empty file. */
static const char *cache_map(size_t *size, const char *path)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*size = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    (p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	close(fd);
	*size = (size_t)st.st_size;
	return p;
}

/* Reads the cached table; returns 0 and sets *tip when it is usable. */
static int cache_read(rev_table *t, git_oid *tip, const char *path)
{
	size_t size, rows = 0;
	const char *data = cache_map(&size, path), *end, *line, *next, *last;
	int ok = 0;

	if (!data)
		return -1;
	/* the last line counts the rows and sums the bytes before it: a file cut
	 * at a line's end, or changed, is not taken for a shorter history */
	{
		char *tail, want[40];
		unsigned long long count;
		if (data[size - 1] != '\n')
			goto done;
		for (last = data + size - 1; last > data && last[-1] != '\n'; last--)
			;
		if (size - (size_t)(last - data) < 4 || strncmp(last, "end ", 4))
			goto done;
		count = strtoull(last + 4, &tail, 10);
		snprintf(want, sizeof(want), " %016llx\n", (unsigned long long)stance_checksum64(data,
			(size_t)(last - data)));
		if (tail == last + 4 || (size_t)(data + size - tail) != strlen(want) ||
		    memcmp(tail, want, strlen(want)))
			goto done;
		/* room for the rows at once; their number is checked below */
		rows = (size_t)count;
		if (rows && rows < size / 64 &&
		    stance_array_grow(&t->rows, &t->alloc, rows, sizeof(*t->rows)) < 0)
			goto done;
		end = last;
	}
	line = data;
	next = memchr(line, '\n', (size_t)(end - line));
	if (!next || (size_t)(next - line) != strlen(CACHE_MAGIC) + 1 + GIT_OID_HEXSZ ||
	    strncmp(line, CACHE_MAGIC " ", strlen(CACHE_MAGIC) + 1) ||
	    git_oid_fromstrn(tip, line + strlen(CACHE_MAGIC) + 1, GIT_OID_HEXSZ) < 0)
		goto done;
	for (line = next + 1; line < end; line = next + 1) {
		/* commit time tz removed blob prev id, each field's start and length */
		const char *f[7], *p = line;
		size_t n[7];
		int k;
		rev_row *row;
		if (!(next = memchr(line, '\n', (size_t)(end - line))))
			goto done;
		for (k = 0; k < 7; k++) {
			const char *sp = k < 6 ? memchr(p, ' ', (size_t)(next - p)) : next;
			if (!sp)
				goto done;
			f[k] = p;
			n[k] = (size_t)(sp - p);
			p = sp + 1;
		}
		if (!(row = history_table_add(t)))
			goto done;
		/* the numbers end at their space, where strtoll stops */
		row->time = n[1] ? (int64_t)strtoll(f[1], NULL, 10) : 0;
		row->tz = n[2] ? (int)strtol(f[2], NULL, 10) : 0;
		row->removed = n[3] > 0 && f[3][0] == '1';
		row->reextract = n[3] > 1 && f[3][1] == 'r';
		if (n[0] != GIT_OID_HEXSZ || (f[4][0] != '-' && n[4] != GIT_OID_HEXSZ) ||
		    (f[5][0] != '-' && n[5] != GIT_OID_HEXSZ) || !(row->id = stance_strndup(f[6], n[6])))
			goto done;
		memcpy(row->commit, f[0], GIT_OID_HEXSZ);
		row->commit[GIT_OID_HEXSZ] = '\0';
		if (f[4][0] != '-') {
			memcpy(row->blob, f[4], GIT_OID_HEXSZ);
			row->blob[GIT_OID_HEXSZ] = '\0';
		}
		if (f[5][0] != '-') {
			memcpy(row->prev, f[5], GIT_OID_HEXSZ);
			row->prev[GIT_OID_HEXSZ] = '\0';
		}
		row->has_prev = f[5][0] != '-';
	}
	ok = t->count == rows;
done:
	munmap((void *)data, size);
	if (!ok) {
		table_free(t);
		git_error_clear();
		return -1;
	}
	return 0;
}

/* Appends the decimal `v` and a space. */
static void put_int_sp(stance_buf *out, long long v)
{
	char digits[24], *p = digits + sizeof(digits);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	*--p = ' ';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	stance_buf_put(out, p, (size_t)(digits + sizeof(digits) - p));
}

/* Each row as "commit time tz removed[r] blob prev id": put together
 * without printf, which was most of rewriting a 40,000-row table after an
 * import of 100 revisions. */
static void put_rows(stance_buf *out, const rev_table *t)
{
	size_t i;
	for (i = 0; t && i < t->count; i++) {
		const rev_row *r = &t->rows[i];
		stance_buf_puts(out, r->commit);
		stance_buf_putc(out, ' ');
		put_int_sp(out, (long long)r->time);
		put_int_sp(out, r->tz);
		stance_buf_putc(out, r->removed ? '1' : '0');
		if (r->reextract)
			stance_buf_putc(out, 'r');
		stance_buf_putc(out, ' ');
		stance_buf_puts(out, r->removed ? "-" : r->blob);
		stance_buf_putc(out, ' ');
		stance_buf_puts(out, r->has_prev ? r->prev : "-");
		stance_buf_putc(out, ' ');
		stance_buf_puts(out, r->id);
		stance_buf_putc(out, '\n');
	}
}

/* Writes the rows of `t`, then those of `older` (may be NULL), as the table at `tip`. */
static void cache_write_rows(const rev_table *t, const rev_table *older, const git_oid *tip, const char *path)
{
	stance_buf out = STANCE_BUF_INIT;
	char a[GIT_OID_HEXSZ + 1];
	stance_buf_printf(&out, CACHE_MAGIC " %s\n", git_oid_tostr(a, sizeof(a), tip));
	put_rows(&out, t);
	put_rows(&out, older);
	stance_buf_printf(&out, "end %zu %016llx\n", t->count + (older ? older->count : 0),
		(unsigned long long)stance_checksum64(out.ptr, out.size));
	/* A cache that cannot be written is only slower next time. */
	if (stance_file_write_atomic(path, stance_buf_cstr(&out), out.size) < 0)
		stance_error_clear();
	stance_buf_dispose(&out);
}

static void cache_write(const rev_table *t, const git_oid *tip, const char *path)
{
	cache_write_rows(t, NULL, tip, path);
}

/* The table for HEAD, from the cache where it is current. */
static int table_for_head(rev_table *out, stance_repo *repo)
{
	git_repository *git = stance_repo_git(repo);
	stance_buf path = STANCE_BUF_INIT;
	rev_table cached = { NULL, 0, 0 };
	git_oid head, tip;
	int error = 0, have_cache;

	memset(out, 0, sizeof(*out));
	if (git_reference_name_to_id(&head, git, "HEAD") < 0) {
		git_error_clear();
		return 0; /* no commit yet: no history */
	}
	cache_path(&path, git);
	have_cache = cache_read(&cached, &tip, path.ptr) == 0;
	if (have_cache && git_oid_equal(&tip, &head)) {
		*out = cached;
		goto done;
	}
	if (have_cache && git_graph_descendant_of(git, &head, &tip) == 1) {
		/* New commits on top: scan only those, then the cached rows after them. */
		size_t i;
		if ((error = history_scan_range(out, git, &head, &tip)) < 0)
			goto done;
		for (i = 0; i < cached.count; i++) {
			rev_row *row = history_table_add(out);
			if (!row) {
				error = STANCE_ERROR;
				goto done;
			}
			*row = cached.rows[i];
			cached.rows[i].id = NULL;
		}
	} else {
		git_error_clear();
		if ((error = history_scan_range(out, git, &head, NULL)) < 0)
			goto done;
	}
	cache_write(out, &head, path.ptr);
	table_free(&cached);
done:
	if (error < 0) {
		table_free(out);
		table_free(&cached);
	}
	stance_buf_dispose(&path);
	return error;
}

/* The table a process read last, kept with the repository handle: `diff
 * A@{1} A` resolves two specs, and each read and checked the whole file. */
typedef struct {
	git_oid tip;
	rev_table t;
} held_table;

static void held_free(void *p)
{
	held_table *h = p;
	if (h) {
		table_free(&h->t);
		free(h);
	}
}

/* The table for HEAD, borrowed from the repository handle: valid until the
 * next call for a HEAD that moved. */
static int history_table(const rev_table **out, stance_repo *repo)
{
	static const rev_table empty = { NULL, 0, 0 };
	held_table *h = stance_repo_history_table(repo), *fresh;
	git_oid head;
	int error;

	*out = &empty;
	if (git_reference_name_to_id(&head, stance_repo_git(repo), "HEAD") < 0) {
		git_error_clear();
		return 0; /* no commit yet: no history */
	}
	if (h && git_oid_equal(&h->tip, &head)) {
		*out = &h->t;
		return 0;
	}
	if (!(fresh = calloc(1, sizeof(*fresh))))
		return stance_error_oom();
	if ((error = table_for_head(&fresh->t, repo)) < 0) {
		free(fresh);
		return error;
	}
	git_oid_cpy(&fresh->tip, &head);
	stance_repo_set_history_table(repo, fresh, held_free);
	*out = &fresh->t;
	return 0;
}

void stance_history_add_batch(stance_repo *repo, const stance_batch *batch)
{
	git_repository *git = stance_repo_git(repo);
	stance_buf path = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
	rev_table before = { NULL, 0, 0 }, t = { NULL, 0, 0 };
	const rev_table *older = &before;
	held_table *held = stance_repo_history_table(repo);
	char base[GIT_OID_HEXSZ + 1];
	stance_batch_commit c;
	long n = stance_batch_commits(base, batch), i;
	git_oid head, tip;

	if (n <= 0 || git_reference_name_to_id(&head, git, "HEAD") < 0)
		goto done;
	stance_batch_commit_get(&c, batch, (size_t)n - 1);
	if (strcmp(git_oid_tostr_s(&head), c.commit) || cache_path(&path, git) < 0)
		goto done; /* HEAD is not where the batch left its branch */
	/* only onto a table current at the batch's base (an unborn branch has
	 * none); any other is brought up to date by the next reader */
	if (*base && held && !strcmp(git_oid_tostr_s(&held->tip), base))
		older = &held->t; /* the table this process read before the batch (import reads it) */
	else if (*base && (cache_read(&before, &tip, path.ptr) < 0 || strcmp(git_oid_tostr_s(&tip), base)))
		goto done;
	/* newest first, as the walk gives them, then the rows already there */
	for (i = n - 1; i >= 0; i--) {
		rev_row *row;
		stance_batch_commit_get(&c, batch, (size_t)i);
		if (!history_path_to_id(&id, c.path))
			continue; /* not a document (an append to .stance/config) */
		if (!(row = history_table_add(&t)) || !(row->id = stance_strdup(id.ptr)))
			goto done;
		memcpy(row->commit, c.commit, sizeof(row->commit));
		memcpy(row->blob, c.blob, sizeof(row->blob));
		if (*c.prev) {
			memcpy(row->prev, c.prev, sizeof(row->prev));
			row->has_prev = 1;
		}
		row->time = c.time;
		row->tz = c.tz_minutes;
		row->reextract = !strncmp(c.message, "Re-extract ", 11);
	}
	cache_write_rows(&t, older, &head, path.ptr);
done:
	/* the table held for the process is at the base, behind HEAD now */
	stance_repo_set_history_table(repo, NULL, NULL);
	/* the table is a cache: one not written is built by the next reader */
	stance_error_clear();
	git_error_clear();
	table_free(&before);
	table_free(&t);
	stance_buf_dispose(&path);
	stance_buf_dispose(&id);
}

typedef struct {
	const rev_row *row;
	size_t order;
	const rev_row *older; /* the same document's revision before it by date */
} sort_item;

static int cmp_newest_first(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;
	if (x->row->time != y->row->time)
		return x->row->time > y->row->time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order; /* stable: walk order */
}

/* Sets each item's `older`: the next item of the same document, walking
 * from the oldest with the newest row seen of each document in a hash set
 * keyed by the document's id. */
static int set_older(sort_item *items, size_t n)
{
	const rev_row **seen;
	size_t cap = 16, i, j;
	while (cap < 2 * n)
		cap *= 2;
	if (!(seen = calloc(cap, sizeof(*seen))))
		return stance_error_oom();
	for (i = n; i-- > 0;) {
		const rev_row *r = items[i].row;
		for (j = stance_fnv64(r->id, strlen(r->id)) & (cap - 1); seen[j] && strcmp(seen[j]->id, r->id);
		     j = (j + 1) & (cap - 1))
			;
		items[i].older = seen[j];
		seen[j] = r;
	}
	free(seen);
	return 0;
}

/*
 * The rows of `table` that opts asks for, newest first, each with the row
 * of the same document before it by date: the revision list without its
 * commits read. *items belongs to the caller (free()); it points into table.
 */
static int select_rows(sort_item **items_out, size_t *count, const rev_table *table,
	const stance_history_options *opts)
{
	sort_item *items = NULL;
	size_t i, n = 0, kept = 0;

	*items_out = NULL;
	*count = 0;
	if (table->count && !(items = calloc(table->count, sizeof(*items))))
		return stance_error_oom();
	for (i = 0; i < table->count; i++) {
		if (opts->id && strcmp(table->rows[i].id, opts->id))
			continue;
		items[n].row = &table->rows[i];
		items[n].order = i;
		n++;
	}
	/* Newest first by the time each version was observed, which for imported
	 * history can differ from the order the commits were made in; the table
	 * is mostly in that order already, so it is sorted only when not. */
	for (i = 0; i + 1 < n && cmp_newest_first(&items[i], &items[i + 1]) < 0; i++)
		;
	if (i + 1 < n)
		qsort(items, n, sizeof(*items), cmp_newest_first);
	/* The revision before each one is the one before it by date, which for
	 * a revision placed late into the history (stance_history_save) is not
	 * the file in its commit's parent: the next of its document in this
	 * order. */
	if (n > 1 && set_older(items, n) < 0) {
		free(items);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const rev_row *r = items[i].row;
		if ((r->reextract && !opts->include_reextract) || (opts->since && r->time < opts->since) ||
		    (opts->until && r->time >= opts->until))
			continue;
		items[kept++] = items[i];
	}
	n = kept;
	if (opts->max_count && n > opts->max_count)
		n = opts->max_count;
	*items_out = items;
	*count = n;
	return 0;
}

/* Appends the revision of `item` to b, its commit read for the author and
 * the message. */
static int push_item(rev_builder *b, git_repository *git, const sort_item *item)
{
	const rev_row *r = item->row, *older = item->older;
	int has_prev = older && !older->removed, error = 0;
	git_commit *commit = NULL;
	git_oid cid, blob, prev;
	if (git_oid_fromstr(&cid, r->commit) < 0 || (!r->removed && git_oid_fromstr(&blob, r->blob) < 0) ||
	    (has_prev && git_oid_fromstr(&prev, older->blob) < 0) ||
	    (error = git_commit_lookup(&commit, git, &cid)) < 0)
		return stance_git_error(error ? error : -1, "cannot read commit %s", r->commit);
	error = push_revision(b, commit, r->id, r->removed ? NULL : &blob, has_prev ? &prev : NULL, r->removed);
	if (!error)
		b->list->items[b->list->count - 1].reextract = r->reextract;
	git_commit_free(commit);
	return error;
}

int stance_history_revision_commit(stance_revision *rev, stance_repo *repo)
{
	git_commit *commit = NULL;
	const git_signature *a;
	git_oid cid;
	int error = 0;
	if (rev->message)
		return 0;
	if (git_oid_fromstr(&cid, rev->commit) < 0 ||
	    (error = git_commit_lookup(&commit, stance_repo_git(repo), &cid)) < 0)
		return stance_git_error(error ? error : -1, "cannot read commit %s", rev->commit);
	a = git_commit_author(commit);
	rev->author_name = stance_strdup(a->name);
	rev->author_email = stance_strdup(a->email);
	rev->message = stance_strdup(git_commit_message(commit));
	git_commit_free(commit);
	if (!rev->author_name || !rev->author_email || !rev->message) {
		free(rev->author_name);
		free(rev->author_email);
		free(rev->message);
		rev->author_name = rev->author_email = rev->message = NULL;
		return stance_error_oom();
	}
	return 0;
}

/* Appends the revision of `item` from the table's row alone (table_only):
 * a walk over 40,000 revisions that needs no author reads no commit. */
static int push_row(rev_builder *b, const sort_item *item)
{
	const rev_row *r = item->row, *older = item->older;
	stance_revision *v;
	if (stance_array_grow(&b->list->items, &b->alloc, b->list->count + 1, sizeof(*b->list->items)) < 0)
		return STANCE_ERROR;
	v = &b->list->items[b->list->count];
	memset(v, 0, sizeof(*v));
	memcpy(v->commit, r->commit, sizeof(v->commit));
	if (!r->removed)
		memcpy(v->blob, r->blob, sizeof(v->blob));
	if (older && !older->removed)
		memcpy(v->prev_blob, older->blob, sizeof(v->prev_blob));
	v->time = r->time;
	v->tz_minutes = r->tz;
	v->removed = r->removed;
	v->reextract = r->reextract;
	if (!(v->id = stance_strdup(r->id)))
		return STANCE_ERROR;
	b->list->count++;
	return 0;
}

int stance_history_list(stance_revision_list *out, stance_repo *repo, const stance_history_options *opts)
{
	stance_history_options defaults = STANCE_HISTORY_OPTIONS_INIT;
	git_repository *git = stance_repo_git(repo);
	const rev_table *table;
	sort_item *items = NULL;
	rev_builder b = { out, 0 };
	size_t i, n = 0;
	int error;

	memset(out, 0, sizeof(*out));
	STANCE_CHECK_OPTIONS(opts, STANCE_HISTORY_OPTIONS_VERSION, "stance_history_options");
	stance_error_clear();
	if (!opts)
		opts = &defaults;
	if (opts->id && (error = stance_id_validate(opts->id)) < 0)
		return error;
	if ((error = history_table(&table, repo)) < 0 || (error = select_rows(&items, &n, table, opts)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if ((error = opts->table_only ? push_row(&b, &items[i]) : push_item(&b, git, &items[i])) < 0)
			goto done;
done:
	if (error < 0)
		stance_revision_list_free(out);
	free(items);
	return error;
}

int stance_history_read_raw(stance_buf *out, stance_repo *repo, const char *id, const char *commit)
{
	git_repository *git = stance_repo_git(repo);
	git_object *obj = NULL;
	git_commit *c = NULL;
	git_oid blob_id;
	git_blob *blob = NULL;
	stance_buf path = STANCE_BUF_INIT;
	int error;

	if ((error = stance_id_validate(id)) < 0 || (error = stance_buf_printf(&path, "%s.md", id)) < 0)
		goto done;
	if ((error = git_revparse_single(&obj, git, commit)) < 0 ||
	    (error = git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT)) < 0) {
		error = stance_error_set(STANCE_ENOTFOUND, "'%s' is not a revision in this repository", commit);
		goto done;
	}
	if (!history_entry_in(&blob_id, c, path.ptr)) {
		error = stance_error_set(STANCE_ENOTFOUND, "document '%s' does not exist at %.12s", id,
			git_oid_tostr_s(git_commit_id(c)));
		goto done;
	}
	if ((error = git_blob_lookup(&blob, git, &blob_id)) < 0) {
		error = stance_git_error(error, "cannot read '%s'", id);
		goto done;
	}
	error = stance_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_commit_free(c);
	git_object_free(obj);
	stance_buf_dispose(&path);
	return error;
}

int stance_history_read(stance_document **out, stance_repo *repo, const char *id, const char *commit)
{
	stance_buf raw = STANCE_BUF_INIT, origin = STANCE_BUF_INIT;
	int error;
	if ((error = stance_history_read_raw(&raw, repo, id, commit)) < 0)
		goto done;
	stance_buf_printf(&origin, "%s@%.12s", id, commit);
	error = stance_document_parse(out, stance_buf_cstr(&raw), raw.size, origin.ptr);
done:
	stance_buf_dispose(&raw);
	stance_buf_dispose(&origin);
	return error;
}

void stance_history_walk_begin(stance_history_walk *w)
{
	stance_git_init();
	w->verify = stance_git_verify_reads(0);
	w->window = w->mapped_limit = 0;
	git_libgit2_opts(GIT_OPT_GET_MWINDOW_SIZE, &w->window);
	git_libgit2_opts(GIT_OPT_GET_MWINDOW_MAPPED_LIMIT, &w->mapped_limit);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)16 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)64 << 20);
}

void stance_history_walk_end(const stance_history_walk *w)
{
	stance_git_verify_reads(w->verify);
	if (w->window)
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, w->window);
	if (w->mapped_limit)
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, w->mapped_limit);
}

static void format_day(stance_buf *out, int64_t t, int tz);

static int copy_revision(stance_revision *dst, const stance_revision *src)
{
	*dst = *src;
	dst->author_name = stance_strdup(src->author_name);
	dst->author_email = stance_strdup(src->author_email);
	dst->message = stance_strdup(src->message);
	dst->id = stance_strdup(src->id);
	if (!dst->author_name || !dst->author_email || !dst->message || !dst->id) {
		stance_revision_clear(dst);
		return STANCE_ERROR;
	}
	return 0;
}

/* "{N}" → N; -1 when `rev` is not of that form. */
static long nth_form(const char *rev)
{
	size_t n = strlen(rev);
	char digits[32];
	long v;
	if (n < 3 || rev[0] != '{' || rev[n - 1] != '}' || n - 2 >= sizeof(digits))
		return -1;
	memcpy(digits, rev + 1, n - 2);
	digits[n - 2] = '\0';
	if (stance_parse_int(&v, digits, 0, 1L << 30) < 0)
		return -2;
	return v;
}

static int looks_like_date(const char *rev)
{
	return isdigit((unsigned char)rev[0]) && isdigit((unsigned char)rev[1]) &&
		isdigit((unsigned char)rev[2]) && isdigit((unsigned char)rev[3]) &&
		(rev[4] == '\0' || rev[4] == '-');
}

int stance_history_resolve(stance_revision *rev, stance_document **doc, stance_repo *repo, const char *spec)
{
	stance_history_options opts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_buf docpart = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
	const char *at = strrchr(spec, '@'), *revpart = at ? at + 1 : NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	const rev_table *table;
	sort_item *items = NULL;
	int error;
	size_t i, n = 0;

	memset(rev, 0, sizeof(*rev));
	if (doc)
		*doc = NULL;
	if ((error = stance_buf_put(&docpart, spec, at ? (size_t)(at - spec) : strlen(spec))) < 0)
		goto done;
	if (revpart && !*revpart) {
		error = stance_error_set(STANCE_EINVALID, "'%s': nothing after '@' (give a commit, {N} or a date)", spec);
		goto done;
	}
	if ((error = stance_history_resolve_id(&id, repo, stance_buf_cstr(&docpart))) < 0)
		goto done;
	opts.id = id.ptr;
	opts.include_reextract = 1; /* a re-extraction is what the document says now */

	if (!revpart || nth_form(revpart) >= 0 || looks_like_date(revpart)) {
		long nth = revpart ? nth_form(revpart) : 0;
		stance_date date;
		int64_t end = 0;
		if (revpart && nth < 0) {
			if ((error = stance_date_parse(&date, revpart)) < 0) {
				error = stance_error_prefix(error, "%s: ", spec);
				goto done;
			}
			end = stance_date_end(&date);
			nth = 0;
		}
		/* from the table alone: only the revision chosen has its commit read */
		if ((error = history_table(&table, repo)) < 0 || (error = select_rows(&items, &n, table, &opts)) < 0)
			goto done;
		for (i = 0; i < n; i++) {
			if (end && items[i].row->time >= end)
				continue;
			if (nth-- == 0)
				break;
		}
		if (i >= n) {
			if (end) {
				stance_buf first = STANCE_BUF_INIT;
				if (n) {
					stance_date d;
					stance_date_from_time(&d, items[n - 1].row->time, 0);
					d.precision = STANCE_DATE_DAY;
					stance_buf_puts(&first, "; its first revision is from ");
					stance_date_format(&first, &d);
				}
				error = stance_error_set(STANCE_ENOTFOUND, "'%s' had no revision yet on %s%s",
					id.ptr, revpart, stance_buf_cstr(&first));
				stance_buf_dispose(&first);
			} else
				error = stance_error_set(STANCE_ENOTFOUND, "'%s' has only %zu revision%s; '%s' asks "
					"for an earlier one", id.ptr, n, n == 1 ? "" : "s", spec);
			goto done;
		}
		if (items[i].row->removed) {
			stance_buf when = STANCE_BUF_INIT;
			format_day(&when, items[i].row->time, items[i].row->tz);
			error = stance_error_set(STANCE_ENOTFOUND, "'%s' was removed on %s (%.7s); '%s@{%zu}' "
				"or a date before that names its last text", id.ptr, stance_buf_cstr(&when),
				items[i].row->commit, id.ptr, i + 1);
			stance_buf_dispose(&when);
			goto done;
		}
		{
			rev_builder b = { &list, 0 };
			if ((error = push_item(&b, stance_repo_git(repo), &items[i])) < 0 ||
			    (error = copy_revision(rev, &list.items[0])) < 0)
				goto done;
		}
	} else {
		git_repository *git = stance_repo_git(repo);
		git_oid blob;
		stance_buf path = STANCE_BUF_INIT;
		if (git_revparse_single(&obj, git, revpart) < 0 ||
		    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
			error = stance_error_set(STANCE_ENOTFOUND, "'%s': '%s' is not a revision (give a commit, "
				"{N} for the Nth earlier revision, or a date YYYY-MM-DD)", spec, revpart);
			goto done;
		}
		stance_buf_printf(&path, "%s.md", id.ptr);
		i = (size_t)history_entry_in(&blob, commit, path.ptr);
		stance_buf_dispose(&path);
		if (!i) {
			error = stance_error_set(STANCE_ENOTFOUND, "document '%s' does not exist at %s", id.ptr, revpart);
			goto done;
		}
		{
			rev_builder b = { &list, 0 };
			if ((error = push_revision(&b, commit, id.ptr, &blob, NULL, 0)) < 0)
				goto done;
			error = copy_revision(rev, &list.items[0]);
			if (error < 0)
				goto done;
		}
	}
	if (doc && (error = stance_history_read(doc, repo, rev->id, rev->commit)) < 0)
		goto done;
done:
	if (error < 0)
		stance_revision_clear(rev);
	stance_revision_list_free(&list);
	free(items);
	git_commit_free(commit);
	git_object_free(obj);
	stance_buf_dispose(&docpart);
	stance_buf_dispose(&id);
	return error;
}

int stance_history_read_blob(stance_buf *out, stance_repo *repo, const char *blob)
{
	git_oid id;
	git_blob *b = NULL;
	int error;
	if (git_oid_fromstr(&id, blob) < 0)
		return stance_error_set(STANCE_EINVALID, "'%s' is not a blob id", blob);
	if ((error = git_blob_lookup(&b, stance_repo_git(repo), &id)) < 0)
		return stance_git_error(error, "cannot read blob %s", blob);
	error = stance_buf_put(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return error;
}

static void format_day(stance_buf *out, int64_t t, int tz)
{
	stance_date d;
	stance_date_from_time(&d, t, tz);
	d.precision = STANCE_DATE_DAY;
	stance_date_format(out, &d);
}

int stance_history_save(stance_save_result *result, int *placed, stance_repo *repo,
	const stance_document *doc, const stance_save_options *opts)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_buf content = STANCE_BUF_INIT, msg = STANCE_BUF_INIT, day = STANCE_BUF_INIT,
		newest = STANCE_BUF_INIT;
	const char *id = stance_document_get(doc, "id");
	char parent[GIT_OID_HEXSZ + 1] = "";
	const stance_revision *before = NULL;
	int error;
	size_t i;

	*placed = 0;
	memset(result, 0, sizeof(*result));
	STANCE_CHECK_OPTIONS(opts, STANCE_SAVE_OPTIONS_VERSION, "stance_save_options");
	if (!opts || !opts->time || !id || stance_id_validate(id) < 0) {
		stance_error_clear();
		return stance_store_save(result, repo, doc, opts);
	}
	hopts.id = id;
	hopts.include_reextract = 1;
	if ((error = stance_history_list(&list, repo, &hopts)) < 0)
		goto done;
	if (!list.count || opts->time >= list.items[0].time) {
		error = stance_store_save(result, repo, doc, opts);
		goto done;
	}
	/* Older than the newest revision: it goes after the newest one at or
	 * before its date, or before the first where it is older than all. */
	for (i = 0; i < list.count && !before; i++)
		if (list.items[i].time <= opts->time)
			before = &list.items[i];
	if (before) {
		git_oid blob;
		if ((error = stance_document_serialize(&content, doc)) < 0)
			goto done;
		if (!before->removed && git_odb_hash(&blob, content.ptr, content.size, GIT_OBJECT_BLOB) == 0 &&
		    !strcmp(git_oid_tostr_s(&blob), before->blob))
			goto done; /* that text is the one in effect on that date already */
		memcpy(parent, before->commit, sizeof(parent));
	} else {
		git_oid cid;
		git_commit *first = NULL;
		if (git_oid_fromstr(&cid, list.items[list.count - 1].commit) < 0 ||
		    (error = git_commit_lookup(&first, stance_repo_git(repo), &cid)) < 0) {
			error = stance_git_error(error ? error : -1, "cannot read commit %s",
				list.items[list.count - 1].commit);
			goto done;
		}
		if (git_commit_parentcount(first) > 0)
			git_oid_tostr(parent, sizeof(parent), git_commit_parent_id(first, 0));
		git_commit_free(first);
	}
	format_day(&day, opts->time, opts->tz_minutes);
	format_day(&newest, list.items[0].time, list.items[0].tz_minutes);
	if ((error = stance_buf_printf(&msg, "Place the revision of %s of %s in its history\n\n"
		"It is older than the newest revision (of %s), which stays the document's text;\n"
		"the second parent holds it, committed where it belongs by date.\n",
		id, day.ptr, newest.ptr)) < 0)
		goto done;
	if ((error = stance_store_save_behind(result, repo, doc, opts, *parent ? parent : NULL, msg.ptr)) < 0)
		goto done;
	*placed = 1;
done:
	stance_revision_list_free(&list);
	stance_buf_dispose(&content);
	stance_buf_dispose(&msg);
	stance_buf_dispose(&day);
	stance_buf_dispose(&newest);
	return error;
}

typedef struct {
	const stance_revision *rev;
	size_t order;
} removed_item;

static int cmp_removed(const void *a, const void *b)
{
	const removed_item *x = a, *y = b;
	int c = strcmp(x->rev->id, y->rev->id);
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

int stance_history_removed(stance_revision_list *out, stance_repo *repo)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list all = { NULL, 0 };
	git_repository *git = stance_repo_git(repo);
	git_commit *head = NULL;
	removed_item *items = NULL;
	stance_buf path = STANCE_BUF_INIT;
	size_t i, alloc = 0;
	git_oid head_id;
	int error;

	memset(out, 0, sizeof(*out));
	hopts.include_reextract = 1;
	if ((error = stance_history_list(&all, repo, &hopts)) < 0)
		return error;
	if (!all.count)
		goto done;
	if (git_reference_name_to_id(&head_id, git, "HEAD") < 0 || git_commit_lookup(&head, git, &head_id) < 0) {
		error = stance_git_error(-1, "cannot read HEAD");
		goto done;
	}
	if (!(items = calloc(all.count, sizeof(*items)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < all.count; i++) {
		items[i].rev = &all.items[i];
		items[i].order = i;
	}
	/* each document's revisions together, its newest (by date) first */
	qsort(items, all.count, sizeof(*items), cmp_removed);
	for (i = 0; i < all.count; i++) {
		const stance_revision *r = items[i].rev;
		git_oid blob;
		if ((i && !strcmp(items[i - 1].rev->id, r->id)) || !r->removed)
			continue;
		stance_buf_clear(&path);
		stance_buf_printf(&path, "%s.md", r->id);
		if (history_entry_in(&blob, head, path.ptr))
			continue; /* its newest revision removed it, but HEAD has it again */
		if (stance_array_grow(&out->items, &alloc, out->count + 1, sizeof(*out->items)) < 0 ||
		    copy_revision(&out->items[out->count], r) < 0) {
			error = STANCE_ERROR;
			goto done;
		}
		out->count++;
	}
done:
	if (error < 0)
		stance_revision_list_free(out);
	free(items);
	stance_buf_dispose(&path);
	git_commit_free(head);
	stance_revision_list_free(&all);
	return error;
}

int stance_history_resolve_id(stance_buf *out, stance_repo *repo, const char *prefix)
{
	stance_revision_list removed = { NULL, 0 };
	stance_buf want = STANCE_BUF_INIT, found = STANCE_BUF_INIT, cands = STANCE_BUF_INIT;
	size_t i, n = 0, match = 0;
	int error, at_head;

	at_head = stance_store_resolve_id(&found, repo, prefix);
	if (at_head < 0 && at_head != STANCE_ENOTFOUND)
		return at_head;
	if ((error = stance_buf_puts(&want, prefix)) < 0)
		goto done;
	if (want.size > 3 && !strcmp(want.ptr + want.size - 3, ".md"))
		want.ptr[want.size -= 3] = '\0';
	if (at_head == 0 && !strcmp(found.ptr, want.ptr)) {
		error = stance_buf_puts(out, found.ptr); /* the document at HEAD, by its whole id */
		goto done;
	}
	/* a document removed from HEAD keeps its history: by its whole id
	 * before any prefix of a document at HEAD, and by a prefix where none at
	 * HEAD has it */
	if ((error = stance_history_removed(&removed, repo)) < 0)
		goto done;
	for (i = 0; i < removed.count; i++) {
		if (!strcmp(removed.items[i].id, want.ptr)) {
			n = 1;
			match = i;
			break;
		}
		if (at_head < 0 && want.size && !strncmp(removed.items[i].id, want.ptr, want.size)) {
			if (n < 10)
				stance_buf_printf(&cands, "\n  %s (removed)", removed.items[i].id);
			n++;
			match = i;
		}
	}
	stance_error_clear();
	if (n == 1 && (at_head < 0 || !strcmp(removed.items[match].id, want.ptr)))
		error = stance_buf_puts(out, removed.items[match].id);
	else if (at_head == 0)
		error = stance_buf_puts(out, found.ptr);
	else if (n == 0)
		error = stance_error_set(STANCE_ENOTFOUND, "no document '%s' in this repository, nor one removed "
			"from it ('stance list --all' shows them)", prefix);
	else
		error = stance_error_set(STANCE_EAMBIGUOUS, "'%s' names %zu removed documents; say which:%s%s",
			prefix, n, cands.ptr, n > 10 ? "\n  ..." : "");
done:
	stance_revision_list_free(&removed);
	stance_buf_dispose(&want);
	stance_buf_dispose(&found);
	stance_buf_dispose(&cands);
	return error;
}

int stance_history_tip(char out[41], stance_repo *repo)
{
	git_oid head;
	out[0] = '\0';
	if (git_reference_name_to_id(&head, stance_repo_git(repo), "HEAD") < 0) {
		git_error_clear();
		return 0; /* no commit yet */
	}
	git_oid_tostr(out, 41, &head);
	return 0;
}

/* One stored revision's document and date (stance_history_dates). */
typedef struct {
	char *id;
	int64_t time;
} dated;

struct stance_history_dates {
	dated *v;     /* by id, then time */
	size_t n;
};

static int cmp_dated(const void *a, const void *b)
{
	const dated *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->time > y->time) - (x->time < y->time);
}

int stance_history_dates_load(stance_history_dates **out, stance_repo *repo)
{
	const rev_table *table;
	stance_history_dates *d = calloc(1, sizeof(*d));
	size_t i;
	int error;

	*out = NULL;
	if (!d)
		return stance_error_oom();
	if ((error = history_table(&table, repo)) < 0)
		goto done;
	if (table->count && !(d->v = calloc(table->count, sizeof(*d->v)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < table->count; i++)
		if (!table->rows[i].removed) {
			if (!(d->v[d->n].id = stance_strdup(table->rows[i].id))) {
				error = STANCE_ERROR;
				goto done;
			}
			d->v[d->n++].time = table->rows[i].time;
		}
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_dated);
	*out = d;
	d = NULL;
done:
	stance_history_dates_free(d);
	return error;
}

/* The first row of document `id` at or after `time`: its index, or d->n. */
static size_t dates_lower_bound(const stance_history_dates *d, const char *id, int64_t time)
{
	size_t lo = 0, hi = d->n;
	dated key;
	key.id = (char *)id;
	key.time = time;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_dated(&d->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t stance_history_dates_newest(const stance_history_dates *d, const char *id)
{
	/* the row before the first one past every date of `id` */
	size_t k = dates_lower_bound(d, id, INT64_MAX);
	while (k < d->n && !strcmp(d->v[k].id, id))
		k++; /* a revision dated INT64_MAX itself */
	return k > 0 && !strcmp(d->v[k - 1].id, id) ? d->v[k - 1].time : 0;
}

int stance_history_dates_has(const stance_history_dates *d, const char *id, int64_t time)
{
	size_t k = dates_lower_bound(d, id, time);
	return k < d->n && !strcmp(d->v[k].id, id) && d->v[k].time == time;
}

void stance_history_dates_free(stance_history_dates *d)
{
	size_t i;
	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		free(d->v[i].id);
	free(d->v);
	free(d);
}

void stance_history_document_list_free(stance_history_document_list *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		free(list->items[i].id);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

typedef struct {
	stance_history_document_list *list;
	size_t alloc;
	stance_buf path;
	int error;
} head_walk;

static int collect_document(const char *root, const git_tree_entry *entry, void *payload)
{
	head_walk *w = payload;
	const char *name = git_tree_entry_name(entry);
	stance_history_document *d;
	stance_buf id = STANCE_BUF_INIT;
	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		return name[0] == '.' ? 1 : 0; /* .stance/ and other dot folders hold no documents */
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		return 0;
	stance_buf_clear(&w->path);
	if (stance_buf_printf(&w->path, "%s%s", root, name) < 0)
		goto fail;
	if (!history_path_to_id(&id, w->path.ptr))
		return 0;
	if (stance_array_grow(&w->list->items, &w->alloc, w->list->count + 1, sizeof(*w->list->items)) < 0)
		goto fail;
	d = &w->list->items[w->list->count++];
	memset(d, 0, sizeof(*d));
	d->id = stance_buf_detach(&id);
	git_oid_tostr(d->blob, sizeof(d->blob), git_tree_entry_id(entry));
	return 0;
fail:
	stance_buf_dispose(&id);
	w->error = STANCE_ERROR;
	return -1;
}

static int cmp_document_id(const void *a, const void *b)
{
	return strcmp(((const stance_history_document *)a)->id, ((const stance_history_document *)b)->id);
}

static int cmp_row_id(const void *a, const void *b)
{
	return strcmp((*(const rev_row *const *)a)->id, (*(const rev_row *const *)b)->id);
}

int stance_history_documents(stance_history_document_list *out, stance_repo *repo)
{
	git_repository *git = stance_repo_git(repo);
	const rev_table *table;
	head_walk w = { out, 0, STANCE_BUF_INIT, 0 };
	const rev_row **rows = NULL;
	git_commit *head = NULL;
	git_tree *tree = NULL;
	git_oid head_id;
	size_t i, r = 0;
	int error;

	memset(out, 0, sizeof(*out));
	stance_error_clear();
	if (git_reference_name_to_id(&head_id, git, "HEAD") < 0) {
		git_error_clear();
		return 0; /* no commit yet: no documents */
	}
	if ((error = git_commit_lookup(&head, git, &head_id)) < 0 || (error = git_commit_tree(&tree, head)) < 0) {
		error = stance_git_error(error, "cannot read HEAD");
		goto done;
	}
	if ((error = git_tree_walk(tree, GIT_TREEWALK_PRE, collect_document, &w)) < 0) {
		error = w.error ? w.error : stance_git_error(error, "cannot list documents");
		goto done;
	}
	if (out->count > 1)
		qsort(out->items, out->count, sizeof(*out->items), cmp_document_id);
	if ((error = history_table(&table, repo)) < 0)
		goto done;
	/* the rows by id, beside the documents by id: one pass counts them */
	if (table->count && !(rows = malloc(table->count * sizeof(*rows)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < table->count; i++)
		rows[i] = &table->rows[i];
	if (table->count > 1)
		qsort(rows, table->count, sizeof(*rows), cmp_row_id);
	for (i = 0; i < out->count; i++) {
		stance_history_document *d = &out->items[i];
		while (r < table->count && strcmp(rows[r]->id, d->id) < 0)
			r++;
		for (; r < table->count && !strcmp(rows[r]->id, d->id); r++) {
			if (rows[r]->reextract)
				continue;
			if (!d->revisions || rows[r]->time < d->first)
				d->first = rows[r]->time;
			d->revisions++;
		}
	}
done:
	if (error < 0)
		stance_history_document_list_free(out);
	free(rows);
	stance_buf_dispose(&w.path);
	git_tree_free(tree);
	git_commit_free(head);
	return error;
}
