/*
 * cmd_import.c: `stance import DIR|FILE...` turns saved articles (plain text,
 * Markdown or HTML) into documents, one commit each; `stance import
 * --manifest FILE` writes a whole saved history (a TSV of file, id, date,
 * author, message) as one commit per revision, in date order.
 *
 * Everything is read and checked before anything is written: a bad file or
 * manifest line leaves the repository as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

extern const cli_command cmd_import_entry;

typedef struct {
	const char *collection, *id, *kind, *title, *organization, *publication, *published,
		*language, *date, *message, *manifest;
	const char *authors[32];
	size_t nauthors;
	int dry_run, quiet;
} import_flags;

/* One revision to write. */
typedef struct {
	char *file;             /* as named (manifest: resolved against its folder) */
	size_t line;            /* manifest line, 0 for files */
	stance_document *doc;
	int64_t time;
	int tz;
	char *author_name, *author_email, *message;
	stance_buf raw;         /* an HTML file's bytes, kept as its snapshot */
	char *id;               /* manifest: the id its line names */
	int already;            /* manifest: the repository has this revision */
	char *error;            /* manifest: why its file could not be read */
	stance_buf report;      /* manifest: what the importer could not find */
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
		stance_buf_dispose(&l->v[i].raw);
		free(l->v[i].id);
		free(l->v[i].error);
		stance_buf_dispose(&l->v[i].report);
	}
	free(l->v);
}

/* A new zeroed item at the end of the list (owned by it); NULL when out of memory. */
static item *items_push(item_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		item *grown = realloc(l->v, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		l->v = grown;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(item));
	return &l->v[l->n++];
}

/* Prints the importer's report, one "stance: FILE: could not find …" a line. */
static void print_report(const stance_buf *report)
{
	const char *p = report->ptr, *eol;
	while (p && *p) {
		eol = strchr(p, '\n');
		fprintf(stderr, "stance: %.*s\n", (int)(eol ? eol - p : (long)strlen(p)), p);
		p = eol ? eol + 1 : NULL;
	}
}

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	return n > e && !strcasecmp(path + n - e, ext);
}

static int is_markdown(const char *p)
{
	return has_ext(p, ".md") || has_ext(p, ".markdown");
}

static int is_html(const char *p)
{
	return has_ext(p, ".html") || has_ext(p, ".htm");
}

/*
 * Reads one file into a document: Markdown is parsed, HTML goes through the
 * extractor, anything else is plain text for the importer. What the
 * importer could not find is appended to `report`.
 */
static int read_file(stance_document **out, const char *file, const stance_import_options *io,
	stance_buf *report, stance_buf *raw)
{
	stance_buf data = STANCE_BUF_INIT;
	int error;

	if ((error = stance_file_read_max(&data, file, STANCE_DOCUMENT_MAX_SIZE)) < 0)
		goto done;
	if (is_markdown(file)) {
		error = stance_document_parse(out, stance_buf_cstr(&data), data.size, file);
	} else if (is_html(file)) {
		stance_extract_options xo = STANCE_EXTRACT_OPTIONS_INIT;
		error = stance_extract_html(out, stance_buf_cstr(&data), data.size, &xo);
		if (!error && raw) { /* the page itself is kept on the snapshots branch */
			*raw = data;
			data = (stance_buf)STANCE_BUF_INIT;
		}
	} else {
		error = stance_import_text(out, stance_buf_cstr(&data), data.size, file, io, report);
	}
done:
	stance_buf_dispose(&data);
	return error;
}

/* The last library error, with the file's name in front unless it is there. */
static const char *file_message(const char *file, stance_buf *buf)
{
	const char *msg = stance_error_last();
	stance_buf_clear(buf);
	if (!strncmp(msg, file, strlen(file)))
		stance_buf_puts(buf, msg);
	else
		stance_buf_printf(buf, "%s: %s", file, msg);
	return stance_buf_cstr(buf);
}

/* Applies the flags that fill or override fields. */
static int apply_flags(stance_document *doc, const import_flags *f, const char *file)
{
	static const char *const names[] = { "kind", "title", "organization", "publication",
		"published", "language" };
	const char *values[] = { f->kind, f->title, f->organization, f->publication, f->published,
		f->language };
	size_t i;
	int error;
	for (i = 0; i < STANCE_ARRAY_SIZE(names); i++)
		if (values[i] && (error = stance_document_set(doc, names[i], values[i])) < 0)
			return cli_error("%s: --%s: %s", file, names[i], stance_error_last());
	if (f->nauthors) {
		stance_document_clear_authors(doc);
		for (i = 0; i < f->nauthors; i++)
			if (stance_document_add_author(doc, f->authors[i]) < 0)
				return cli_fail(-1);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the importable files under `dir` (sorted, hidden entries skipped). */
static int walk_dir(char ***paths, size_t *n, size_t *cap, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, i;
	int rc = 0;

	if (!d)
		return cli_error("%s: cannot read the folder: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char **grown;
		if (de->d_name[0] == '.')
			continue;
		if (!(grown = realloc(names, (nn + 1) * sizeof(*names)))) {
			rc = cli_error("out of memory");
			break;
		}
		names = grown;
		if (!(names[nn] = malloc(strlen(dir) + strlen(de->d_name) + 2))) {
			rc = cli_error("out of memory");
			break;
		}
		snprintf(names[nn], strlen(dir) + strlen(de->d_name) + 2, "%s/%s", dir, de->d_name);
		nn++;
	}
	closedir(d);
	if (names)
		qsort(names, nn, sizeof(*names), cmp_str);
	for (i = 0; i < nn; i++) {
		struct stat st;
		if (rc || stat(names[i], &st) < 0) {
			free(names[i]);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(paths, n, cap, names[i]);
			free(names[i]);
		} else if (has_ext(names[i], ".txt") || is_markdown(names[i]) || is_html(names[i])) {
			if (*n == *cap) {
				char **grown = realloc(*paths, (*cap = *cap ? *cap * 2 : 64) * sizeof(**paths));
				if (!grown) {
					free(names[i]);
					rc = cli_error("out of memory");
					continue;
				}
				*paths = grown;
			}
			(*paths)[(*n)++] = names[i];
		} else {
			free(names[i]);
		}
	}
	free(names);
	return rc;
}

/* Draws the progress bar on standard error when it is a terminal. */
static void progress(size_t done, size_t total, int tty)
{
	if (!tty || !total)
		return;
	if (done != total && done % 50)
		return;
	{
		int width = 30, filled = (int)((double)done / (double)total * width), i;
		fprintf(stderr, "\rimporting [");
		for (i = 0; i < width; i++)
			fputc(i < filled ? '#' : ' ', stderr);
		fprintf(stderr, "] %zu/%zu", done, total);
		if (done == total)
			fputc('\n', stderr);
		fflush(stderr);
	}
}

/* ---- stance import FILE|DIR... ---------------------------------------- */

static int import_files(cli_context *ctx, stance_repo *repo, const import_flags *f,
	const stance_import_options *io, char **args, size_t nargs)
{
	char **paths = NULL;
	size_t n = 0, cap = 0, i, j, unchanged = 0;
	item_list items = { NULL, 0, 0 };
	stance_buf report = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
	stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
	stance_date date;
	char *cname = NULL, *cemail = NULL;
	int rc = CLI_OK, error;

	for (i = 0; i < nargs && !rc; i++) {
		struct stat st;
		if (stat(args[i], &st) < 0) {
			rc = cli_error("%s: no such file or folder", args[i]);
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(&paths, &n, &cap, args[i]);
		} else {
			char **grown = n == cap ? realloc(paths, (cap = cap ? cap * 2 : 16) * sizeof(*paths)) : paths;
			if (!grown || !(grown[n] = strdup(args[i]))) {
				rc = cli_error("out of memory");
				paths = grown ? grown : paths;
				break;
			}
			paths = grown;
			n++;
		}
	}
	if (rc)
		goto done;
	if (!n) {
		rc = cli_error("no .txt, .md or .html files to import in %s", args[0]);
		goto done;
	}
	if (f->id && n > 1) {
		rc = cli_usage_error(&cmd_import_entry, "--id names one document; it was given %zu files", n);
		goto done;
	}
	/* read and check everything before writing anything */
	for (i = 0; i < n; i++) {
		item *it = items_push(&items);
		if (!it) {
			rc = cli_error("out of memory");
			goto done;
		}
		it->file = paths[i];
		paths[i] = NULL;
		if ((error = read_file(&it->doc, it->file, io, &report, &it->raw)) < 0) {
			rc = cli_error("%s", file_message(it->file, &id));
			goto done;
		}
		if (apply_flags(it->doc, f, it->file) != 0) {
			rc = CLI_ERROR;
			goto done;
		}
		stance_buf_clear(&id);
		if (f->id) {
			error = stance_document_set(it->doc, "id", f->id);
		} else if (!stance_document_get(it->doc, "id")) {
			if ((error = stance_import_suggest_id(&id, it->doc, f->collection)) == 0)
				error = stance_document_set(it->doc, "id", id.ptr);
		} else {
			error = 0;
		}
		if (error < 0) {
			rc = cli_error("%s: %s", it->file, stance_error_last());
			goto done;
		}
	}
	for (i = 0; i < items.n; i++)
		for (j = i + 1; j < items.n; j++)
			if (!strcmp(stance_document_get(items.v[i].doc, "id"),
				stance_document_get(items.v[j].doc, "id"))) {
				rc = cli_error("%s and %s would both be document '%s'; give one of them "
					"another id (--id) or import them one at a time", items.v[i].file,
					items.v[j].file, stance_document_get(items.v[i].doc, "id"));
				goto done;
			}
	if (report.size && !f->quiet)
		print_report(&report);
	if (f->dry_run) {
		for (i = 0; i < items.n; i++) {
			stance_buf s = STANCE_BUF_INIT;
			if (stance_document_serialize(&s, items.v[i].doc) == 0)
				fprintf(ctx->out, "# %s -> %s\n%s\n", items.v[i].file,
					stance_document_get(items.v[i].doc, "id"), stance_buf_cstr(&s));
			stance_buf_dispose(&s);
		}
		goto done;
	}
	if (f->date) {
		if ((rc = cli_parse_date(&cmd_import_entry, "--date", f->date, &date)) != 0)
			goto done;
		save.time = stance_date_start(&date);
		save.tz_minutes = date.tz_given ? date.tz_minutes : 0;
	}
	save.message = f->message;
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	for (i = 0; i < items.n; i++) {
		stance_save_result result;
		const char *docid = stance_document_get(items.v[i].doc, "id");
		save.snapshot_ext = items.v[i].raw.size ? "html" : NULL;
		save.snapshot_data = items.v[i].raw.ptr;
		save.snapshot_len = items.v[i].raw.size;
		if ((error = stance_store_save(&result, repo, items.v[i].doc, &save)) < 0) {
			rc = cli_fail(error);
			break;
		}
		if (!result.changed) {
			unchanged++;
			fprintf(ctx->out, "%s: unchanged, nothing committed (%s)\n", docid, items.v[i].file);
		} else {
			fprintf(ctx->out, "%s %s (%.7s) from %s\n", result.created ? "Added" : "Updated",
				docid, result.commit, items.v[i].file);
		}
	}
	stance_repo_unlock(repo);
done:
	for (i = 0; i < n; i++)
		free(paths ? paths[i] : NULL);
	free(paths);
	items_free(&items);
	stance_buf_dispose(&report);
	stance_buf_dispose(&id);
	free(cname);
	free(cemail);
	return rc;
}

/* ---- stance import --manifest FILE ------------------------------------- */

/* Seconds since an arbitrary start, for STANCE_IMPORT_TIMING=1. */
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

static int manifest_error(const char *manifest, size_t line, const char *fmt, const char *a,
	const char *b)
{
	fprintf(stderr, "stance: %s:%zu: ", manifest, line);
	fprintf(stderr, fmt, a, b);
	fputs("; nothing was imported\n", stderr);
	return CLI_ERROR;
}

/* The manifest module's message (it names the manifest and line). */
static int manifest_fail(void)
{
	fprintf(stderr, "stance: %s; nothing was imported\n", stance_error_last());
	return CLI_ERROR;
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
	stance_buf msg = STANCE_BUF_INIT;
	size_t i;
	for (i = job->first; i < job->items->n; i += job->step) {
		item *it = &job->items->v[i];
		if (it->already)
			continue;
		if (read_file(&it->doc, it->file, job->io, &it->report, NULL) < 0)
			it->error = strdup(file_message(it->file, &msg));
	}
	stance_buf_dispose(&msg);
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

static int import_manifest(cli_context *ctx, stance_repo *repo, const import_flags *f,
	const stance_import_options *io)
{
	stance_buf text = STANCE_BUF_INIT, report = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	item_list items = { NULL, 0, 0 };
	stance_batch *batch = NULL;
	char *base = NULL, *p, *slash;
	size_t lineno = 0, i, written = 0, skipped = 0;
	int rc = CLI_OK, error, tty = isatty(STDERR_FILENO) && !f->quiet, locked = 0;
	const char *timing = getenv("STANCE_IMPORT_TIMING");
	double t0 = now_s(), t1 = 0, t2 = 0, t3 = 0;

	if ((error = stance_file_read(&text, f->manifest)) < 0)
		return cli_fail(error);
	if ((error = stance_utf8_validate(text.ptr ? text.ptr : "", text.size, f->manifest)) < 0)
		return cli_fail(error);
	if (!(base = strdup(f->manifest))) {
		rc = cli_error("out of memory");
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

		if ((error = stance_manifest_next(&ml, &p, &lineno, f->manifest)) <= 0) {
			if (error < 0)
				rc = manifest_fail();
			break;
		}
		if (!(it = items_push(&items))) {
			rc = cli_error("out of memory");
			goto done;
		}
		it->line = ml.line;
		stance_buf_clear(&path);
		if (stance_buf_printf(&path, "%s%s", ml.file[0] == '/' ? "" : base, ml.file) < 0 ||
		    !(it->file = strdup(path.ptr))) {
			rc = cli_error("out of memory");
			goto done;
		}
		if (access(it->file, R_OK) != 0) {
			rc = manifest_error(f->manifest, ml.line, "no such file '%s'%s", ml.file, "");
			goto done;
		}
		/* a FIFO would block the reading (under the lock), a device never end */
		if (stat(it->file, &st) != 0 || !S_ISREG(st.st_mode)) {
			rc = manifest_error(f->manifest, ml.line, "'%s' is not a regular file%s", ml.file, "");
			goto done;
		}
		if (stance_manifest_check(&ml, f->manifest, &date, &it->author_name, &it->author_email) < 0) {
			rc = manifest_fail();
			goto done;
		}
		if (stance_store_check_path(repo, ml.id) < 0) {
			rc = manifest_error(f->manifest, ml.line, "%s%s", stance_error_last(), "");
			goto done;
		}
		it->time = stance_date_start(&date);
		it->tz = date.tz_given ? date.tz_minutes : 0;
		if (*ml.message && !(it->message = strdup(ml.message))) {
			rc = cli_error("out of memory");
			goto done;
		}
		if (!(it->id = strdup(ml.id))) {
			rc = cli_error("out of memory");
			goto done;
		}
	}
	if (rc != CLI_OK)
		goto done;
	if (!items.n) {
		rc = cli_error("%s: no revisions in the manifest", f->manifest);
		goto done;
	}
	/* 2. what the repository has already (the newest revision of each
	 * document) is not read again; the rest is read and checked */
	if (!f->dry_run) {
		if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		locked = 1;
		if ((error = stance_batch_new(&batch, repo)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		for (i = 0; i < items.n; i++) {
			int64_t latest;
			if ((error = stance_batch_latest(&latest, batch, items.v[i].id)) < 0) {
				rc = cli_fail(error);
				goto done;
			}
			items.v[i].already = latest && items.v[i].time <= latest;
		}
	}
	read_all(&items, io);
	for (i = 0; i < items.n; i++) {
		item *it = &items.v[i];
		if (it->already)
			continue;
		if (it->error) {
			rc = manifest_error(f->manifest, it->line, "%s%s", it->error, "");
			goto done;
		}
		if (it->report.size && stance_buf_put(&report, it->report.ptr, it->report.size) < 0) {
			rc = cli_error("out of memory");
			goto done;
		}
		if (apply_flags(it->doc, f, it->file) != 0) {
			rc = CLI_ERROR;
			goto done;
		}
		if (stance_document_set(it->doc, "id", it->id) < 0) {
			rc = manifest_error(f->manifest, it->line, "%s%s", stance_error_last(), "");
			goto done;
		}
	}
	if (report.size && !f->quiet)
		print_report(&report);
	/* 3. oldest first; lines of the same moment in manifest order */
	qsort(items.v, items.n, sizeof(*items.v), cmp_item_time);
	if (f->dry_run) {
		for (i = 0; i < items.n; i++)
			fprintf(ctx->out, "%s\t%s\t%lld\n", items.v[i].file, items.v[i].id,
				(long long)items.v[i].time);
		goto done;
	}

	/* 4. one commit per revision, written as one pack at the end */
	t1 = now_s();
	for (i = 0; i < items.n; i++) {
		item *it = &items.v[i];
		stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
		stance_save_result result;
		/* a revision at or before the stored newest one is already there */
		if (it->already) {
			skipped++;
			progress(i + 1, items.n, tty);
			continue;
		}
		save.time = it->time ? it->time : 1;
		save.tz_minutes = it->tz;
		save.author_name = it->author_name;
		save.author_email = it->author_email;
		save.message = it->message ? it->message : f->message;
		if ((error = stance_batch_save(&result, batch, it->doc, &save)) < 0) {
			rc = manifest_error(f->manifest, it->line, "%s%s", stance_error_last(), "");
			goto done;
		}
		if (result.changed)
			written++;
		else
			skipped++;
		progress(i + 1, items.n, tty);
	}
	t2 = now_s();
	if ((error = stance_batch_finish(batch)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	t3 = now_s();
	if (timing && *timing)
		fprintf(stderr, "stance: timing: read and check %.2f s, build commits %.2f s, "
			"write pack, branch and working files %.2f s\n", t1 - t0, t2 - t1, t3 - t2);
	if (!f->quiet)
		fprintf(ctx->out, "Imported %zu revision%s from %s; %zu already there or unchanged\n",
			written, written == 1 ? "" : "s", f->manifest, skipped);
done:
	stance_batch_free(batch);
	if (locked)
		stance_repo_unlock(repo);
	items_free(&items);
	stance_buf_dispose(&text);
	stance_buf_dispose(&report);
	stance_buf_dispose(&path);
	free(base);
	return rc;
}

static const cli_option import_options[] = {
	{ 'M', "manifest", 0, CLI_ARG_STRING, "FILE", "import a saved history: a TSV of file, id, date, author, message", 0, 0 },
	{ 'C', "collection", 0, CLI_ARG_STRING, "PREFIX", "put the documents under this id prefix", 0, 0 },
	{ 'i', "id", 0, CLI_ARG_STRING, "ID", "the document's id (one file only)", 0, 0 },
	{ 'k', "kind", 0, CLI_ARG_STRING, "KIND", "article, debate, editorial, blog, theme or other", 0, 0 },
	{ 't', "title", 0, CLI_ARG_STRING, "TITLE", "the document's title", 0, 0 },
	{ 'a', "author", 0, CLI_ARG_STRING, "NAME", "an author (give it once per author)", 0, 0 },
	{ 'o', "organization", 0, CLI_ARG_STRING, "ORG", "the organization the documents speak for", 0, 0 },
	{ 'P', "publication", 0, CLI_ARG_STRING, "NAME", "where they were published", 0, 0 },
	{ 'p', "published", 0, CLI_ARG_STRING, "DATE", "when they were published (YYYY, YYYY-MM or YYYY-MM-DD)", 0, 0 },
	{ 'l', "language", 0, CLI_ARG_STRING, "TAG", "their language (da, en, ...)", 0, 0 },
	{ 'd', "date", 0, CLI_ARG_STRING, "DATE", "the date of the revision (the commit's date)", 0, 0 },
	{ 'm', "message", 'm', CLI_ARG_STRING, "MESSAGE", "the commit message", 0, 0 },
	{ 'D', "dry-run", 0, CLI_ARG_NONE, NULL, "read and report, write nothing", 0, 0 },
	CLI_OPTION_QUIET("no progress bar and no report"),
	CLI_OPTIONS_END
};

static int run_import(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	import_flags f;
	stance_import_options io = STANCE_IMPORT_OPTIONS_INIT;
	stance_import_rules *rules = NULL;
	cli_opt_parser p;
	int c, rc, error;

	memset(&f, 0, sizeof(f));
	cli_opt_init(&p, &cmd_import_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'M': f.manifest = p.value; break;
		case 'C': f.collection = p.value; break;
		case 'i': f.id = p.value; break;
		case 'k': f.kind = p.value; break;
		case 't': f.title = p.value; break;
		case 'a':
			if (f.nauthors == STANCE_ARRAY_SIZE(f.authors))
				return cli_usage_error(&cmd_import_entry, "too many --author options");
			f.authors[f.nauthors++] = p.value;
			break;
		case 'o': f.organization = p.value; break;
		case 'P': f.publication = p.value; break;
		case 'p': f.published = p.value; break;
		case 'l': f.language = p.value; break;
		case 'd': f.date = p.value; break;
		case 'm': f.message = p.value; break;
		case 'D': f.dry_run = 1; break;
		case CLI_OPT_QUIET: f.quiet = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	argc = p.nrest;
	argv = p.rest;
	if (f.manifest && argc > 0)
		return cli_usage_error(&cmd_import_entry, "--manifest takes no other files");
	if (!f.manifest && argc == 0)
		return cli_usage_error(&cmd_import_entry, "name a folder, files, or --manifest FILE");
	if (f.manifest && (f.id || f.date))
		return cli_usage_error(&cmd_import_entry, "--id and --date come from the manifest's lines");
	if (f.collection && stance_id_validate(f.collection) < 0)
		return cli_usage_error(&cmd_import_entry, "--collection: %s", stance_error_last());
	if (f.published) {
		stance_date d;
		if ((rc = cli_parse_date(&cmd_import_entry, "--published", f.published, &d)) != 0)
			return rc;
	}
	if ((error = stance_import_rules_load(&rules, stance_repo_workdir(repo))) < 0)
		return cli_fail(error);
	io.rules = rules;
	io.language = stance_repo_language(repo);
	if (f.manifest)
		rc = import_manifest(ctx, repo, &f, &io);
	else
		rc = import_files(ctx, repo, &f, &io, argv, (size_t)argc);
	stance_import_rules_free(rules);
	return rc;
}

const cli_command cmd_import_entry = {
	.name = "import",
	.usage = "DIR|FILE...\n   or: stance import [OPTIONS] --manifest FILE",
	.summary = NULL, /* commands.h */
	.options = import_options,
	.needs_repo = 1,
	.run = run_import,
};
