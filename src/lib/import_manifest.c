/*
 * import_manifest.c: `stance import --manifest FILE`, a whole saved history
 * (a TSV of file, id, date, author, message) written as one commit per
 * revision, in date order, as one pack (stance_import_manifest).
 *
 * Everything is read and checked before anything is written: a bad file or
 * manifest line leaves the repository as it was.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "stance/batch.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/extract.h"
#include "stance/history.h"
#include "stance/import.h"
#include "stance/manifest.h"
#include "stance/repo.h"
#include "stance/store.h"

/* One revision to write. */
typedef struct {
	char *file;             /* resolved against the manifest's folder */
	size_t line;            /* manifest line */
	stance_document *doc;
	int64_t time;
	int tz;
	char *author_name, *author_email, *message;
	char *id;               /* the id its line names */
	int already;            /* the repository has this revision */
	int late;               /* older than the document's newest stored revision, but not there */
	int written;            /* this import committed it */
	int failed;             /* its file could not be read */
	char *error;            /* why (NULL when even that could not be kept) */
	stance_buf report;      /* what the importer could not find */
} item;

typedef struct {
	item *v;
	size_t n, cap;
} item_list;

/* Frees every item and what it owns. */
static void items_free(item_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].file);
		stance_document_free(l->v[i].doc);
		free(l->v[i].author_name);
		free(l->v[i].author_email);
		free(l->v[i].message);
		free(l->v[i].id);
		free(l->v[i].error);
		stance_buf_dispose(&l->v[i].report);
	}
	free(l->v);
}

/* A new zeroed item at the end of the list (owned by it); NULL, with the
 * message set, when out of memory. */
static item *items_push(item_list *l)
{
	if (stance_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return NULL;
	memset(&l->v[l->n], 0, sizeof(item));
	return &l->v[l->n++];
}

/* Seconds since an arbitrary start, for the report's timings. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Oldest first; the same moment in manifest order. */
static int cmp_item_time(const void *a, const void *b)
{
	const item *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* "<manifest>:<line>: <what>; nothing was imported" */
static int manifest_error(int code, const char *manifest, size_t line, const char *what)
{
	return stance_error_set(code, "%s:%zu: %s; nothing was imported", manifest, line, what);
}

/* The last message (from a module that names the manifest and line, or the
 * repository), with "; nothing was imported" after it. */
static int nothing_imported(int code)
{
	char msg[2048];
	snprintf(msg, sizeof(msg), "%s", stance_error_last());
	return stance_error_set(code, "%s; nothing was imported", msg);
}

/* Reading the revisions' files on every core: each is parsed and brought to
 * canonical form on its own, so the work splits by item. */
typedef struct {
	item_list *items;
	const stance_import_options *io;
	size_t first, step;
} read_job;

static void *read_worker(void *payload)
{
	read_job *job = payload;
	size_t i;
	for (i = job->first; i < job->items->n; i += job->step) {
		item *it = &job->items->v[i];
		if (it->already)
			continue;
		/* the message names the file (stance_import_file) */
		if (stance_import_file(&it->doc, NULL, it->file, job->io, &it->report) < 0) {
			it->failed = 1;
			it->error = strdup(stance_error_last());
		}
	}
	return NULL;
}

/* Reads every revision not yet stored, splitting the items over the cores. */
static void read_all(item_list *items, const stance_import_options *io)
{
	pthread_t threads[4];
	read_job jobs[4];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores < 1 ? 1 : cores > 4 ? 4 : (size_t)cores, started = 0, k;

	if (items->n < 64)
		n = 1;
	for (k = 0; k < n; k++) {
		jobs[k].items = items;
		jobs[k].io = io;
		jobs[k].first = k;
		jobs[k].step = n;
	}
	for (k = 1; k < n; k++)
		if (pthread_create(&threads[k], NULL, read_worker, &jobs[k]) == 0)
			started = k;
		else
			break;
	/* this thread takes the first share, and any share a thread could not */
	read_worker(&jobs[0]);
	for (k = started + 1; k < n; k++)
		read_worker(&jobs[k]);
	for (k = 1; k <= started; k++)
		pthread_join(threads[k], NULL);
}

void stance_import_report_dispose(stance_import_report *report)
{
	size_t i;
	if (!report)
		return;
	for (i = 0; i < report->nrevisions; i++) {
		free(report->revisions[i].file);
		free(report->revisions[i].id);
	}
	free(report->revisions);
	stance_buf_dispose(&report->notes);
	memset(report, 0, sizeof(*report));
}

typedef struct {
	const char *id;
	int64_t time;
} stored_revision;

static int cmp_stored(const void *a, const void *b)
{
	const stored_revision *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->time > y->time) - (x->time < y->time);
}

/*
 * Sorts out the revisions at or before their document's newest stored one:
 * one of the same date is there already; the others are late revisions,
 * placed into the history by date after the batch (stance_history_save).
 */
static int find_late(item_list *items, stance_repo *repo)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stored_revision *stored = NULL;
	size_t i, n = 0;
	int error;

	for (i = 0; i < items->n && !items->v[i].already; i++)
		;
	if (i == items->n)
		return 0; /* nothing at or before a stored revision */
	hopts.include_reextract = 1;
	if ((error = stance_history_list(&list, repo, &hopts)) < 0)
		return error;
	if (list.count && !(stored = calloc(list.count, sizeof(*stored)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < list.count; i++)
		if (!list.items[i].removed) {
			stored[n].id = list.items[i].id;
			stored[n++].time = list.items[i].time;
		}
	if (n > 1)
		qsort(stored, n, sizeof(*stored), cmp_stored);
	for (i = 0; i < items->n; i++) {
		item *it = &items->v[i];
		stored_revision key = { it->id, it->time ? it->time : 1 };
		if (!it->already)
			continue;
		if (!n || !bsearch(&key, stored, n, sizeof(*stored), cmp_stored)) {
			it->already = 0;
			it->late = 1;
		}
	}
done:
	free(stored);
	stance_revision_list_free(&list);
	return error;
}

/* The report's list of revisions, in the order of `items` (moved from them). */
static int list_revisions(stance_import_report *report, item_list *items)
{
	size_t i;
	if (!items->n)
		return 0;
	if (!(report->revisions = calloc(items->n, sizeof(*report->revisions))))
		return stance_error_oom();
	for (i = 0; i < items->n; i++) {
		stance_import_revision *r = &report->revisions[i];
		r->file = items->v[i].file;
		r->id = items->v[i].id;
		items->v[i].file = items->v[i].id = NULL;
		r->line = items->v[i].line;
		r->time = items->v[i].time;
		r->written = items->v[i].written;
	}
	report->nrevisions = items->n;
	return 0;
}

int stance_import_manifest(stance_import_report *report, stance_repo *repo, const char *manifest,
	const stance_import_manifest_options *opts)
{
	static const stance_import_manifest_options defaults = STANCE_IMPORT_MANIFEST_OPTIONS_INIT;
	stance_buf text = STANCE_BUF_INIT, path = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	item_list items = { NULL, 0, 0 };
	stance_batch *batch = NULL;
	char *base = NULL, *p, *slash;
	size_t lineno = 0, i;
	int error = 0, locked = 0;
	double t0 = now_s(), t1 = 0, t2 = 0, t3 = 0;

	memset(report, 0, sizeof(*report));
	if (!opts)
		opts = &defaults;
	if (opts->version != STANCE_IMPORT_MANIFEST_OPTIONS_VERSION)
		return stance_error_set(STANCE_EINVALID, "stance_import_manifest_options: unknown version %u",
			opts->version);
	if (opts->import && opts->import->version != STANCE_IMPORT_OPTIONS_VERSION)
		return stance_error_set(STANCE_EINVALID, "stance_import_options: unknown version %u",
			opts->import->version);
	if ((error = stance_file_read(&text, manifest)) < 0 ||
	    (error = stance_utf8_validate(text.ptr ? text.ptr : "", text.size, manifest)) < 0) {
		error = nothing_imported(error);
		goto done;
	}
	if (!(base = stance_strdup(manifest))) {
		error = STANCE_ERROR;
		goto done;
	}
	if ((slash = strrchr(base, '/')) != NULL)
		slash[1] = '\0';
	else
		base[0] = '\0';

	/* 1. every line checked; nothing is written before all pass */
	for (p = text.ptr;;) {
		stance_manifest_line ml;
		stance_date date;
		item *it;
		struct stat st;

		if ((error = stance_manifest_next(&ml, &p, &lineno, manifest)) <= 0) {
			if (error < 0)
				error = nothing_imported(error);
			break;
		}
		if (!(it = items_push(&items))) {
			error = STANCE_ERROR;
			goto done;
		}
		it->line = ml.line;
		stance_buf_clear(&path);
		if (stance_buf_printf(&path, "%s%s", ml.file[0] == '/' ? "" : base, ml.file) < 0 ||
		    !(it->file = stance_strdup(path.ptr))) {
			error = stance_error_oom();
			goto done;
		}
		if (access(it->file, R_OK) != 0) {
			stance_buf_clear(&msg);
			stance_buf_printf(&msg, "no such file '%s'", ml.file);
			error = manifest_error(STANCE_ENOTFOUND, manifest, ml.line, stance_buf_cstr(&msg));
			goto done;
		}
		/* a FIFO would block the reading (under the lock), a device never end */
		if (stat(it->file, &st) != 0 || !S_ISREG(st.st_mode)) {
			stance_buf_clear(&msg);
			stance_buf_printf(&msg, "'%s' is not a regular file", ml.file);
			error = manifest_error(STANCE_EINVALID, manifest, ml.line, stance_buf_cstr(&msg));
			goto done;
		}
		if ((error = stance_manifest_check(&ml, manifest, &date, &it->author_name,
			&it->author_email)) < 0) {
			error = nothing_imported(error);
			goto done;
		}
		if ((error = stance_store_check_path(repo, ml.id)) < 0) {
			stance_buf_clear(&msg);
			stance_buf_puts(&msg, stance_error_last());
			error = manifest_error(error, manifest, ml.line, stance_buf_cstr(&msg));
			goto done;
		}
		it->time = stance_date_start(&date);
		it->tz = date.tz_given ? date.tz_minutes : 0;
		if (*ml.message && !(it->message = stance_strdup(ml.message))) {
			error = STANCE_ERROR;
			goto done;
		}
		if (!(it->id = stance_strdup(ml.id))) {
			error = STANCE_ERROR;
			goto done;
		}
	}
	if (error < 0)
		goto done;
	if (!items.n) {
		error = stance_error_set(STANCE_EINVALID, "%s: no revisions in the manifest; nothing was imported",
			manifest);
		goto done;
	}
	/* 2. what the repository has already (the newest revision of each
	 * document) is not read again; the rest is read and checked */
	if (!opts->dry_run) {
		if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0) {
			error = nothing_imported(error);
			goto done;
		}
		locked = 1;
		if ((error = stance_batch_new(&batch, repo)) < 0) {
			error = nothing_imported(error);
			goto done;
		}
		for (i = 0; i < items.n; i++) {
			int64_t latest;
			if ((error = stance_batch_latest(&latest, batch, items.v[i].id)) < 0) {
				error = nothing_imported(error);
				goto done;
			}
			items.v[i].already = latest && items.v[i].time <= latest;
		}
		if ((error = find_late(&items, repo)) < 0) {
			error = nothing_imported(error);
			goto done;
		}
	}
	read_all(&items, opts->import);
	for (i = 0; i < items.n; i++) {
		item *it = &items.v[i];
		if (it->already)
			continue;
		if (it->failed) {
			error = manifest_error(STANCE_EPARSE, manifest, it->line, it->error ? it->error : "out of memory");
			goto done;
		}
		if (it->report.size && stance_buf_put(&report->notes, it->report.ptr, it->report.size) < 0) {
			error = stance_error_oom();
			goto done;
		}
		stance_buf_clear(&msg);
		if (opts->prepare && opts->prepare(it->doc, it->file, &msg, opts->payload) < 0) {
			error = manifest_error(STANCE_EINVALID, manifest, it->line, stance_buf_cstr(&msg));
			goto done;
		}
		if ((error = stance_document_set(it->doc, "id", it->id)) < 0) {
			stance_buf_clear(&msg);
			stance_buf_puts(&msg, stance_error_last());
			error = manifest_error(error, manifest, it->line, stance_buf_cstr(&msg));
			goto done;
		}
	}
	/* 3. oldest first; lines of the same moment in manifest order */
	qsort(items.v, items.n, sizeof(*items.v), cmp_item_time);
	if (opts->dry_run) {
		error = list_revisions(report, &items);
		goto done;
	}

	/* 4. one commit per revision, written as one pack at the end */
	t1 = now_s();
	report->read_seconds = t1 - t0;
	for (i = 0; i < items.n; i++) {
		item *it = &items.v[i];
		stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
		stance_save_result result;
		/* a revision at or before the stored newest one is already there */
		if (it->already) {
			report->skipped++;
			if (opts->progress)
				opts->progress(i + 1, items.n, opts->payload);
			continue;
		}
		if (it->late) { /* after the batch, into the history it has then */
			if (opts->progress)
				opts->progress(i + 1, items.n, opts->payload);
			continue;
		}
		save.time = it->time ? it->time : 1;
		save.tz_minutes = it->tz;
		save.author_name = it->author_name;
		save.author_email = it->author_email;
		save.message = it->message ? it->message : opts->message;
		if ((error = stance_batch_save(&result, batch, it->doc, &save)) < 0) {
			stance_buf_clear(&msg);
			stance_buf_puts(&msg, stance_error_last());
			error = manifest_error(error, manifest, it->line, stance_buf_cstr(&msg));
			goto done;
		}
		it->written = result.changed;
		if (result.changed)
			report->written++;
		else
			report->skipped++;
		if (opts->progress)
			opts->progress(i + 1, items.n, opts->payload);
	}
	t2 = now_s();
	report->build_seconds = t2 - t1;
	/* a failure here has its own message: past the pack, the journal
	 * finishes the update (docs/architecture.md) */
	if ((error = stance_batch_finish(batch)) < 0) {
		report->written = 0;
		goto done;
	}
	/* 5. late revisions, oldest first, each placed where its date puts it
	 * (a commit of it merged into the branch); the branch's text stays */
	for (i = 0; i < items.n; i++) {
		item *it = &items.v[i];
		stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
		stance_save_result result;
		int placed = 0;
		if (!it->late)
			continue;
		save.time = it->time ? it->time : 1;
		save.tz_minutes = it->tz;
		save.author_name = it->author_name;
		save.author_email = it->author_email;
		save.message = it->message ? it->message : opts->message;
		if ((error = stance_history_save(&result, &placed, repo, it->doc, &save)) < 0) {
			stance_buf_clear(&msg);
			stance_buf_printf(&msg, "%s (the revisions before it in date order are imported)",
				stance_error_last());
			error = manifest_error(error, manifest, it->line, stance_buf_cstr(&msg));
			goto done;
		}
		it->written = result.changed;
		if (result.changed)
			report->written++;
		else
			report->skipped++;
	}
	t3 = now_s();
	report->write_seconds = t3 - t2;
	error = list_revisions(report, &items);
done:
	stance_batch_free(batch);
	if (locked)
		stance_repo_unlock(repo);
	items_free(&items);
	stance_buf_dispose(&text);
	stance_buf_dispose(&path);
	stance_buf_dispose(&msg);
	free(base);
	return error < 0 ? error : 0;
}
