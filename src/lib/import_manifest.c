/*
 * import_manifest.c: `stance import --manifest FILE`, a whole saved history
 * (a TSV of file, id, date, author, message) written as one commit per
 * revision, in date order, through one batch (stance_import_manifest).
 *
 * Every line is checked before any file is read. The files are then read
 * and brought to canonical form on up to four threads a little ahead of the
 * writer, which commits each revision as it comes and drops its document:
 * memory does not grow with the number of revisions (the batch writes its
 * objects out as packs at its checkpoints). The branch moves only when every
 * revision is in, so a bad file anywhere leaves it, the index and the
 * working files as they were.
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
	int ready;              /* read (or nothing to read); under the pipeline's mutex */
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

/* How many revisions the readers may be ahead of the writer: enough that
 * they go on while the writer packs a checkpoint's objects (about 0.4 s on
 * one core, some hundred revisions of reading), few enough that their
 * documents are a small memory (512 bodies of 40 KB: 20 MB). */
#define READ_AHEAD 512

/*
 * The revisions' files read on up to four threads, each parsed and brought
 * to canonical form on its own, in the order the writer takes them (date
 * order), at most READ_AHEAD ahead of it.
 */
typedef struct {
	item_list *items;
	const stance_import_options *io;
	pthread_mutex_t mu;
	pthread_cond_t changed;  /* an item was read, or the writer moved on */
	size_t next;             /* the next item a reader takes */
	size_t taken;            /* items the writer is done with */
	int stop;
	pthread_t threads[4];
	size_t nthreads;
} pipeline;

/* Reads one revision's file into its item (the message names the file). */
static void read_item(item *it, const stance_import_options *io)
{
	if (it->already)
		return;
	if (stance_import_file(&it->doc, NULL, it->file, io, &it->report) < 0) {
		it->failed = 1;
		it->error = strdup(stance_error_last());
	}
}

static void *read_worker(void *payload)
{
	pipeline *pl = payload;
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		item *it;
		while (!pl->stop && pl->next < pl->items->n && pl->next >= pl->taken + READ_AHEAD)
			pthread_cond_wait(&pl->changed, &pl->mu);
		if (pl->stop || pl->next >= pl->items->n)
			break;
		it = &pl->items->v[pl->next++];
		pthread_mutex_unlock(&pl->mu);
		read_item(it, pl->io);
		pthread_mutex_lock(&pl->mu);
		it->ready = 1;
		pthread_cond_broadcast(&pl->changed);
	}
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* Starts the readers; with none started, pipeline_take reads each item itself. */
static void pipeline_start(pipeline *pl, item_list *items, const stance_import_options *io)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores < 1 ? 1 : cores > 4 ? 4 : (size_t)cores, k;

	memset(pl, 0, sizeof(*pl));
	pl->items = items;
	pl->io = io;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->changed, NULL);
	if (items->n < 64)
		n = 1;
	for (k = 0; k < n; k++)
		if (pthread_create(&pl->threads[k], NULL, read_worker, pl) == 0)
			pl->nthreads++;
		else
			break;
}

/* Item `i` (the writer takes them in order), once it is read. */
static item *pipeline_take(pipeline *pl, size_t i)
{
	item *it = &pl->items->v[i];
	if (!pl->nthreads) {
		read_item(it, pl->io);
		return it;
	}
	pthread_mutex_lock(&pl->mu);
	while (!it->ready)
		pthread_cond_wait(&pl->changed, &pl->mu);
	pthread_mutex_unlock(&pl->mu);
	return it;
}

/* The writer is done with the items before `i`: the readers may go on. */
static void pipeline_done(pipeline *pl, size_t i)
{
	pthread_mutex_lock(&pl->mu);
	pl->taken = i;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->mu);
}

/* Stops the readers (those in a file finish it) and waits for them. */
static void pipeline_stop(pipeline *pl)
{
	size_t k;
	pthread_mutex_lock(&pl->mu);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->mu);
	for (k = 0; k < pl->nthreads; k++)
		pthread_join(pl->threads[k], NULL);
	pl->nthreads = 0;
	pthread_cond_destroy(&pl->changed);
	pthread_mutex_destroy(&pl->mu);
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

/*
 * What the repository has already, from its revision table: a revision
 * dated at or before its document's newest stored one is there when one of
 * that date is stored; the others are late revisions, placed into the
 * history by date after the batch (stance_history_save).
 */
static int find_stored(item_list *items, stance_repo *repo)
{
	stance_history_dates *stored = NULL;
	size_t i;
	int error;

	if ((error = stance_history_dates_load(&stored, repo)) < 0)
		return error;
	for (i = 0; i < items->n; i++) {
		item *it = &items->v[i];
		int64_t latest = stance_history_dates_newest(stored, it->id);
		if (!latest || it->time > latest)
			continue;
		if (stance_history_dates_has(stored, it->id, it->time ? it->time : 1))
			it->already = 1;
		else
			it->late = 1;
	}
	stance_history_dates_free(stored);
	return 0;
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
	pipeline pl;
	char *base = NULL, *p, *slash;
	size_t lineno = 0, i;
	int error = 0, locked = 0, started = 0, finished = 0;
	double t0 = now_s(), t1 = 0, t2 = 0, t3 = 0;

	memset(report, 0, sizeof(*report));
	if (!opts)
		opts = &defaults;
	/* version 1 is the same struct without checkpoint_bytes */
	if (opts->version != 1 && opts->version != STANCE_IMPORT_MANIFEST_OPTIONS_VERSION)
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
	 * document, from the revision table) is not read again */
	if (!opts->dry_run) {
		if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0) {
			error = nothing_imported(error);
			goto done;
		}
		locked = 1;
		if ((error = stance_batch_new(&batch, repo)) < 0 || (error = find_stored(&items, repo)) < 0) {
			error = nothing_imported(error);
			goto done;
		}
		if (opts->version >= 2 && opts->checkpoint_bytes)
			stance_batch_set_checkpoint(batch, opts->checkpoint_bytes);
	}
	/* 3. oldest first; lines of the same moment in manifest order */
	qsort(items.v, items.n, sizeof(*items.v), cmp_item_time);

	/* 4. each revision read (ahead, on the readers), checked and committed,
	 * its document dropped then; the late ones are kept for step 5 */
	t1 = now_s();
	report->read_seconds = t1 - t0;
	pipeline_start(&pl, &items, opts->import);
	started = 1;
	for (i = 0; i < items.n; i++) {
		item *it = pipeline_take(&pl, i);
		stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
		stance_save_result result;
		/* a revision at or before the stored newest one is already there */
		if (it->already) {
			report->skipped++;
			goto next;
		}
		if (it->failed) {
			error = manifest_error(STANCE_EPARSE, manifest, it->line, it->error ? it->error : "out of memory");
			goto done;
		}
		if (it->report.size && stance_buf_put(&report->notes, it->report.ptr, it->report.size) < 0) {
			error = stance_error_oom();
			goto done;
		}
		stance_buf_dispose(&it->report);
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
		if (opts->dry_run || it->late) /* a late one after the batch, into the history it has then */
			goto next;
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
next:
		if (!it->late) {
			stance_document_free(it->doc);
			it->doc = NULL;
		}
		pipeline_done(&pl, i + 1);
		if (opts->progress && !opts->dry_run)
			opts->progress(i + 1, items.n, opts->payload);
	}
	pipeline_stop(&pl);
	started = 0;
	if (opts->dry_run) {
		error = list_revisions(report, &items);
		goto done;
	}
	t2 = now_s();
	report->build_seconds = t2 - t1;
	/* a failure here has its own message: past the pack, the journal
	 * finishes the update (docs/architecture.md) */
	if ((error = stance_batch_finish(batch)) < 0) {
		report->written = 0;
		goto done;
	}
	finished = 1;
	stance_history_add_batch(repo, batch);
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
	if (error < 0 && !finished)
		report->written = 0; /* the branch did not move */
	if (started)
		pipeline_stop(&pl);
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
