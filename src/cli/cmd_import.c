/*
 * cmd_import.c: `stance import DIR|FILE...` turns saved articles (plain text,
 * Markdown or HTML) into documents, one commit each; `stance import
 * --manifest FILE` writes a whole saved history (a TSV of file, id, date,
 * author, message) as one commit per revision, in date order.
 *
 * A bad file or manifest line leaves the branch, the index and the working
 * files as they were (a manifest's lines are all checked before its files
 * are read, and its branch moves only once every revision is in). The files are read by
 * stance_import_file, the manifest imported by stance_import_manifest; this
 * file keeps the options, the progress bar and the report.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "doc_fields.h"
#include "json_out.h"

extern const cli_command cmd_import_entry;

typedef struct {
	const char *collection, *id, *kind, *title, *organization, *publication, *published,
		*language, *date, *message, *manifest, *git, *path_glob, *map;
	const char *authors[32];
	size_t nauthors;
	int dry_run, quiet, warc;
	int json;               /* --json: docs/commands/import.md#json */
} import_flags;

/* One file to write. */
typedef struct {
	char *file;             /* as named */
	stance_document *doc;
	stance_buf raw;         /* an HTML file's bytes, kept as its snapshot */
	stance_buf notes;       /* what the importer could not find in it */
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
		stance_buf_dispose(&l->v[i].raw);
		stance_buf_dispose(&l->v[i].notes);
	}
	free(l->v);
}

/* A new zeroed item at the end of the list (owned by it); NULL when out of memory. */
static item *items_push(item_list *l)
{
	if (stance_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return NULL;
	memset(&l->v[l->n], 0, sizeof(item));
	return &l->v[l->n++];
}

/* The fields the flags set, for cli_doc_fields_set. */
static cli_doc_fields flag_fields(const import_flags *f)
{
	cli_doc_fields fields = { f->kind, f->title, f->organization, f->publication, f->published,
		f->language, NULL, f->authors, f->nauthors };
	return fields;
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
		} else if (stance_import_file_type_of(names[i]) != STANCE_IMPORT_FILE_UNKNOWN) {
			if (stance_array_grow(paths, cap, *n + 1, sizeof(**paths)) < 0) {
				free(names[i]);
				rc = cli_error("%s", stance_error_last());
				continue;
			}
			(*paths)[(*n)++] = names[i];
		} else {
			free(names[i]);
		}
	}
	free(names);
	return rc;
}

/* ---- stance import FILE|DIR... ---------------------------------------- */

/* The folder import's progress bar on standard error, when it is a
 * terminal: "reading [###   ] 12/40", then "importing …". */
typedef struct {
	int tty;
	const char *label;
	size_t total;
	int shown;          /* a bar is on the line, to clear before other output */
	int percent;        /* the last one drawn */
} files_bar;

static void files_bar_draw(files_bar *b, size_t done)
{
	int width = 30, filled, i, percent;
	if (!b->tty || !b->total)
		return;
	percent = (int)(done * 100 / b->total);
	if (b->shown && percent == b->percent && done != b->total)
		return;
	filled = (int)((double)done / (double)b->total * width);
	fprintf(stderr, "\r%-9s [", b->label);
	for (i = 0; i < width; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %zu/%zu", done, b->total);
	if (done == b->total) {
		fputc('\n', stderr);
		b->shown = 0;
	} else {
		b->shown = 1;
	}
	b->percent = percent;
	fflush(stderr);
}

/* Clears an unfinished bar so that a line can be printed in its place. */
static void files_bar_clear(files_bar *b, FILE *out)
{
	if (!b->shown)
		return;
	fflush(out);
	fputs("\r\033[K", stderr);
	fflush(stderr);
	b->shown = 0;
}

static int import_files(cli_context *ctx, stance_repo *repo, const import_flags *f,
	const stance_import_options *io, char **args, size_t nargs)
{
	char **paths = NULL;
	size_t n = 0, cap = 0, i, j, unchanged = 0;
	item_list items = { NULL, 0, 0 };
	stance_buf id = STANCE_BUF_INIT;
	stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
	json_t *done_json = NULL; /* --json: one object a file */
	stance_date date;
	char *cname = NULL, *cemail = NULL;
	const cli_doc_fields fields = flag_fields(f);
	files_bar bar = { isatty(STDERR_FILENO) && !f->quiet && !f->json, "reading", 0, 0, -1 };
	int rc = CLI_OK, error;

	for (i = 0; i < nargs && !rc; i++) {
		struct stat st;
		if (stat(args[i], &st) < 0) {
			rc = cli_error("%s: no such file or folder", args[i]);
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(&paths, &n, &cap, args[i]);
		} else {
			if (stance_array_grow(&paths, &cap, n + 1, sizeof(*paths)) < 0) {
				rc = cli_error("%s", stance_error_last());
				break;
			}
			if (!(paths[n] = strdup(args[i]))) {
				rc = cli_error("out of memory");
				break;
			}
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
	bar.total = n;
	for (i = 0; i < n; i++) {
		item *it = items_push(&items);
		files_bar_draw(&bar, i);
		if (!it) {
			rc = cli_error("out of memory");
			goto done;
		}
		it->file = paths[i];
		paths[i] = NULL;
		if ((error = stance_import_file(&it->doc, &it->raw, it->file, io, &it->notes)) < 0) {
			files_bar_clear(&bar, ctx->out);
			rc = cli_fail(error);
			goto done;
		}
		if (cli_doc_fields_apply(it->doc, &fields, it->file) != 0) {
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
			files_bar_clear(&bar, ctx->out);
			rc = cli_error("%s: %s", it->file, stance_error_last());
			goto done;
		}
	}
	files_bar_draw(&bar, n);
	for (i = 0; i < items.n; i++)
		for (j = i + 1; j < items.n; j++)
			if (!strcmp(stance_document_get(items.v[i].doc, "id"),
				stance_document_get(items.v[j].doc, "id"))) {
				rc = cli_error("%s and %s would both be document '%s'; give one of them "
					"another id (--id) or import them one at a time", items.v[i].file,
					items.v[j].file, stance_document_get(items.v[i].doc, "id"));
				goto done;
			}
	if (f->json) {
		if (!(done_json = json_array())) {
			rc = cli_error("out of memory");
			goto done;
		}
	}
	if (f->dry_run && f->json) {
		for (i = 0; i < items.n && rc == CLI_OK; i++)
			if (json_array_append_new(done_json, json_pack("{s:o, s:o, s:s, s:n}", "file",
			    cli_json_str(items.v[i].file), "id", cli_json_str(stance_document_get(items.v[i].doc, "id")),
			    "outcome", "dry-run", "commit")) < 0)
				rc = cli_error("out of memory");
		goto done;
	}
	if (f->dry_run) {
		/* what a real run would say of each file: every note */
		for (i = 0; i < items.n && !f->quiet; i++)
			cli_print_import_notes(&items.v[i].notes);
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
	bar.label = "importing";
	bar.percent = -1;
	for (i = 0; i < items.n; i++) {
		stance_save_result result;
		const char *docid = stance_document_get(items.v[i].doc, "id");
		files_bar_draw(&bar, i);
		save.snapshot_ext = items.v[i].raw.size ? "html" : NULL;
		save.snapshot_data = items.v[i].raw.ptr;
		save.snapshot_len = items.v[i].raw.size;
		if ((error = stance_store_save(&result, repo, items.v[i].doc, &save)) < 0) {
			files_bar_clear(&bar, ctx->out);
			rc = cli_fail(error);
			break;
		}
		if (f->json) {
			unchanged += !result.changed;
			if (json_array_append_new(done_json, json_pack("{s:o, s:o, s:s, s:o}", "file",
			    cli_json_str(items.v[i].file), "id", cli_json_str(docid), "outcome",
			    !result.changed ? "unchanged" : result.created ? "added" : "updated",
			    "commit", result.changed ? cli_json_str(result.commit) : json_null())) < 0) {
				rc = cli_error("out of memory");
				break;
			}
			continue;
		}
		/* an unchanged file says nothing, not even its notes: a second
		 * run over the same folder is quiet but for the count below */
		if (!result.changed) {
			unchanged++;
			continue;
		}
		if (f->quiet)
			continue;
		files_bar_clear(&bar, ctx->out);
		cli_print_import_notes(&items.v[i].notes);
		fprintf(ctx->out, "%s %s (%.7s) from %s\n", result.created ? "Added" : "Updated",
			docid, result.commit, items.v[i].file);
		fflush(ctx->out);
	}
	if (rc == CLI_OK) {
		files_bar_draw(&bar, items.n);
		if (unchanged && !f->json && !f->quiet)
			fprintf(ctx->out, "%zu file%s unchanged, nothing committed\n", unchanged,
				unchanged == 1 ? "" : "s");
	}
	stance_repo_unlock(repo);
done:
	/* what was committed, also when a later file failed */
	if (done_json) {
		if (cli_json_write(ctx->out, done_json, CLI_JSON_SPACED) == 0)
			fputc('\n', ctx->out);
		else if (rc == CLI_OK)
			rc = cli_error("out of memory");
	}
	for (i = 0; i < n; i++)
		free(paths ? paths[i] : NULL);
	free(paths);
	items_free(&items);
	stance_buf_dispose(&id);
	free(cname);
	free(cemail);
	return rc;
}

/* ---- stance import --manifest FILE ------------------------------------- */

/* What the callbacks of stance_import_manifest need. */
typedef struct {
	cli_doc_fields fields;
	int tty;
} manifest_state;

/* Draws the progress bar on standard error when it is a terminal. */
static void progress(size_t done, size_t total, void *payload)
{
	const manifest_state *st = payload;
	if (!st->tty || !total)
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

/* stance_import_manifest's prepare: the flags' fields set on each revision. */
static int prepare_revision(stance_document *doc, const char *file, stance_buf *message, void *payload)
{
	const manifest_state *st = payload;
	return cli_doc_fields_set(doc, &st->fields, file, message);
}

static int import_manifest(cli_context *ctx, stance_repo *repo, const import_flags *f,
	const stance_import_options *io)
{
	stance_import_manifest_options mo = STANCE_IMPORT_MANIFEST_OPTIONS_INIT;
	stance_import_report report = STANCE_IMPORT_REPORT_INIT;
	manifest_state st = { flag_fields(f), isatty(STDERR_FILENO) && !f->quiet };
	const char *timing = getenv("STANCE_IMPORT_TIMING");
	const char *checkpoint = getenv("STANCE_IMPORT_CHECKPOINT_BYTES");
	size_t i;
	int error;

	mo.import = io;
	mo.message = f->message;
	mo.dry_run = f->dry_run;
	mo.prepare = prepare_revision;
	mo.progress = progress;
	mo.payload = &st;
	/* the batch's checkpoint size, for tests and measurements (docs/commands/import.md) */
	if (checkpoint && *checkpoint) {
		char *end;
		unsigned long long bytes = strtoull(checkpoint, &end, 10);
		if (*checkpoint < '0' || *checkpoint > '9' || *end || bytes == 0)
			return cli_error("STANCE_IMPORT_CHECKPOINT_BYTES must be a positive number of bytes, "
				"not '%s'", checkpoint);
		mo.checkpoint_bytes = (size_t)bytes;
	}
	error = stance_import_manifest(&report, repo, f->manifest, &mo);
	if (!f->quiet)
		cli_print_import_notes(&report.notes);
	if (error < 0) {
		stance_import_report_dispose(&report);
		return cli_fail(error);
	}
	if (f->json) {
		json_t *revs = json_array(), *o;
		for (i = 0; revs && i < report.nrevisions; i++) {
			const stance_import_revision *r = &report.revisions[i];
			if (json_array_append_new(revs, json_pack("{s:o, s:o, s:I, s:o, s:b}", "file",
			    cli_json_str(r->file), "id", cli_json_str(r->id), "line", (json_int_t)r->line,
			    "date", cli_json_time(r->time, 0), "written", r->written)) < 0) {
				json_decref(revs);
				revs = NULL;
			}
		}
		o = json_pack("{s:o, s:b, s:I, s:I, s:o}", "manifest", cli_json_str(f->manifest),
			"dry_run", f->dry_run, "written", (json_int_t)report.written,
			"skipped", (json_int_t)report.skipped, "revisions", revs);
		stance_import_report_dispose(&report);
		if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0)
			return cli_error("out of memory");
		fputc('\n', ctx->out);
		return CLI_OK;
	}
	if (f->dry_run) {
		for (i = 0; i < report.nrevisions; i++)
			fprintf(ctx->out, "%s\t%s\t%lld\n", report.revisions[i].file, report.revisions[i].id,
				(long long)report.revisions[i].time);
	} else {
		if (timing && *timing)
			fprintf(stderr, "stance: timing: check lines %.2f s, read files and build commits %.2f s, "
				"write pack, branch and working files %.2f s\n", report.read_seconds,
				report.build_seconds, report.write_seconds);
		if (!f->quiet)
			fprintf(ctx->out, "Imported %zu revision%s from %s; %zu already there or unchanged\n",
				report.written, report.written == 1 ? "" : "s", f->manifest, report.skipped);
	}
	stance_import_report_dispose(&report);
	return CLI_OK;
}

/* ---- stance import --git PATH-or-URL ----------------------------------- */

static int import_git(cli_context *ctx, stance_repo *repo, const import_flags *f)
{
	stance_import_git_options go = STANCE_IMPORT_GIT_OPTIONS_INIT;
	stance_import_git_report report;
	int error;

	go.path_glob = f->path_glob;
	go.id_template = f->id;
	if ((error = stance_import_git(&report, repo, f->git, &go)) < 0)
		return cli_fail(error);
	if (f->json) {
		json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "git", cli_json_str(f->git),
			"documents", (json_int_t)report.documents, "written", (json_int_t)report.written,
			"skipped", (json_int_t)report.skipped);
		if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0)
			return cli_error("out of memory");
		fputc('\n', ctx->out);
	} else if (!f->quiet) {
		fprintf(ctx->out, "Imported %zu revision%s of %zu document%s from %s; %zu already there "
			"or unchanged\n", report.written, report.written == 1 ? "" : "s", report.documents,
			report.documents == 1 ? "" : "s", f->git, report.skipped);
	}
	return CLI_OK;
}

/* ---- stance import --warc FILE... ------------------------------------- */

static int import_warc(cli_context *ctx, stance_repo *repo, const import_flags *f, char **files, size_t n)
{
	stance_warc_import_report r;
	int error;

	if ((error = stance_source_import_warc(&r, repo, (const char *const *)files, n, f->map)) < 0)
		return cli_fail(error);
	if (f->json) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"records", (json_int_t)r.records, "responses", (json_int_t)r.responses,
			"documents", (json_int_t)r.documents, "written", (json_int_t)r.written,
			"revisits", (json_int_t)r.revisits, "duplicates", (json_int_t)r.duplicates,
			"unchanged", (json_int_t)r.unchanged, "other", (json_int_t)r.other);
		if (cli_json_write(ctx->out, o, CLI_JSON_SPACED) < 0)
			return cli_error("out of memory");
		fputc('\n', ctx->out);
	} else if (!f->quiet) {
		fprintf(ctx->out, "Imported %zu revision%s of %zu document%s from %zu record%s (%zu page%s); "
			"%zu revisit%s, %zu duplicate%s, %zu already there or unchanged, %zu other record%s\n",
			r.written, r.written == 1 ? "" : "s", r.documents, r.documents == 1 ? "" : "s",
			r.records, r.records == 1 ? "" : "s", r.responses, r.responses == 1 ? "" : "s",
			r.revisits, r.revisits == 1 ? "" : "s", r.duplicates, r.duplicates == 1 ? "" : "s",
			r.unchanged, r.other, r.other == 1 ? "" : "s");
	}
	return CLI_OK;
}

static const cli_option import_options[] = {
	{ 'G', "git", 0, CLI_ARG_STRING, "PATH|URL", "import a git history of Markdown versions, one revision per commit", 0, 0 },
	{ 'g', "path", 0, CLI_ARG_STRING, "GLOB", "with --git: the files that are documents (default */*.md)", 0, 0 },
	{ 'W', "warc", 0, CLI_ARG_NONE, NULL, "the files are WARC files (.warc, .warc.gz): each page captured becomes a revision", 0, 0 },
	{ 'U', "map", 0, CLI_ARG_STRING, "FILE", "with --warc: a file of URL<TAB>ID lines naming the documents", 0, 0 },
	{ 'M', "manifest", 0, CLI_ARG_STRING, "FILE", "import a saved history: a TSV of file, id, date, author, message", 0, 0 },
	{ 'C', "collection", 0, CLI_ARG_STRING, "PREFIX", "put the documents under this id prefix", 0, 0 },
	{ 'i', "id", 0, CLI_ARG_STRING, "ID", "the document's id (one file only); with --git a template: {path}, {dir}, {name}", 0, 0 },
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
	CLI_OPTION_QUIET("no progress bar, no notes and no report"),
	CLI_OPTION_JSON,
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
		case 'G': f.git = p.value; break;
		case 'W': f.warc = 1; break;
		case 'U': f.map = p.value; break;
		case 'g': f.path_glob = p.value; break;
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
		case CLI_OPT_JSON: f.json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	argc = p.nrest;
	argv = p.rest;
	if (f.map && !f.warc)
		return cli_usage_error(&cmd_import_entry, "--map goes with --warc");
	if (f.warc && (f.git || f.manifest))
		return cli_usage_error(&cmd_import_entry, "--warc takes no --git and no --manifest");
	if (f.warc && (f.date || f.dry_run || f.collection || f.id || f.kind || f.title || f.nauthors ||
	    f.organization || f.publication || f.published || f.language || f.message))
		return cli_usage_error(&cmd_import_entry, "--warc takes only --map, --quiet and --json");
	if (f.warc && argc == 0)
		return cli_usage_error(&cmd_import_entry, "--warc: name the WARC files");
	if (f.warc)
		return import_warc(ctx, repo, &f, argv, (size_t)argc);
	if (f.git && (argc > 0 || f.manifest))
		return cli_usage_error(&cmd_import_entry, "--git takes no files and no --manifest");
	if (f.path_glob && !f.git)
		return cli_usage_error(&cmd_import_entry, "--path goes with --git");
	if (f.git && (f.date || f.dry_run || f.collection || f.kind || f.title || f.nauthors ||
	    f.organization || f.publication || f.published || f.language || f.message))
		return cli_usage_error(&cmd_import_entry, "--git takes only --path, --id, --quiet and --json");
	if (f.git)
		return import_git(ctx, repo, &f);
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
	.usage = "DIR|FILE...\n   or: stance import [OPTIONS] --manifest FILE\n   or: stance import --git PATH|URL [--path GLOB] [--id TEMPLATE]"
		"\n   or: stance import --warc FILE.warc[.gz]... [--map FILE]",
	.summary = NULL, /* commands.h */
	.options = import_options,
	.needs_repo = 1,
	.run = run_import,
};
