/*
 * cmd_add.c: `stance add FILE...`: add or update documents from files.
 * Every file is read and checked before anything is committed, so a bad
 * file leaves the repository as it was.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc_fields.h"
#include "json_out.h"

extern const cli_command cmd_add_entry;

typedef struct {
	const char *id, *kind, *title, *organization, *publication, *published, *language, *source;
	const char *authors[32];
	size_t nauthors;
	const char *date, *message, *commit_author;
} add_options;

typedef struct {
	const char *file;
	stance_document *doc;
	int workdir_is_source;
	stance_buf raw;     /* an HTML file's bytes, kept as the snapshot */
	const char *raw_ext;
} pending;

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	return n > e && !strcasecmp(path + n - e, ext);
}

/* The id a file inside the working folder has by its path, or NULL. */
static char *id_from_path(stance_repo *repo, const char *file)
{
	char real[PATH_MAX], wd[PATH_MAX];
	size_t n;
	if (!realpath(file, real) || !realpath(stance_repo_workdir(repo), wd))
		return NULL;
	n = strlen(wd);
	if (strncmp(real, wd, n) || real[n] != '/' || !has_ext(real, ".md"))
		return NULL;
	return strndup(real + n + 1, strlen(real + n + 1) - 3);
}

/*
 * Reads one file (stance_import_file: the extension decides how) and gives
 * it the flags' fields and its id.
 */
static int read_document(pending *p, stance_repo *repo, const add_options *o,
	const stance_import_options *io)
{
	const cli_doc_fields fields = { o->kind, o->title, o->organization, o->publication,
		o->published, o->language, o->source, o->authors, o->nauthors };
	stance_buf report = STANCE_BUF_INIT;
	char *path_id = NULL;
	int error, rc = CLI_ERROR;

	error = stance_import_file(&p->doc, &p->raw, p->file, io, &report);
	cli_print_import_notes(&report);
	stance_buf_dispose(&report);
	if (error < 0) {
		cli_fail(error);
		goto done;
	}
	if (p->raw.size)
		p->raw_ext = "html";
	/* text saved from a web page has no id of its own: one from its title */
	if (!o->id && !stance_document_get(p->doc, "id") &&
	    stance_import_file_type_of(p->file) == STANCE_IMPORT_FILE_TEXT) {
		stance_buf id = STANCE_BUF_INIT;
		if (stance_import_suggest_id(&id, p->doc, NULL) == 0 && id.size)
			stance_document_set(p->doc, "id", id.ptr);
		stance_buf_dispose(&id);
	}
	if (cli_doc_fields_apply(p->doc, &fields, p->file) != 0)
		goto done;
	path_id = id_from_path(repo, p->file);
	if (o->id) {
		if ((error = stance_document_set(p->doc, "id", o->id)) < 0) {
			cli_error("%s: --id: %s", p->file, stance_error_last());
			goto done;
		}
	} else if (!stance_document_get(p->doc, "id")) {
		if (!path_id) {
			cli_error("%s: the document has no id: give one with --id COLLECTION/SLUG, "
				"an 'id:' field, or place the file at COLLECTION/SLUG.md in the repository", p->file);
			goto done;
		}
		if ((error = stance_document_set(p->doc, "id", path_id)) < 0) {
			cli_error("%s: %s", p->file, stance_error_last());
			goto done;
		}
	}
	p->workdir_is_source = path_id && !strcmp(path_id, stance_document_get(p->doc, "id"));
	rc = 0;
done:
	free(path_id);
	return rc;
}

static const cli_option add_option_table[] = {
	{ 'i', "id", 0, CLI_ARG_STRING, "ID", "the document's id (one file only); else from the path or the title", 0, 0 },
	{ 'k', "kind", 0, CLI_ARG_STRING, "KIND", "article, debate, editorial, blog, theme or other", 0, 0 },
	{ 't', "title", 0, CLI_ARG_STRING, "TITLE", "the document's title", 0, 0 },
	{ 'a', "author", 0, CLI_ARG_STRING, "NAME", "an author (give it once per author)", 0, 0 },
	{ 'o', "organization", 0, CLI_ARG_STRING, "ORG", "the organization the document speaks for", 0, 0 },
	{ 'P', "publication", 0, CLI_ARG_STRING, "NAME", "where it was published", 0, 0 },
	{ 'p', "published", 0, CLI_ARG_STRING, "DATE", "when it was published (YYYY, YYYY-MM or YYYY-MM-DD)", 0, 0 },
	{ 'l', "language", 0, CLI_ARG_STRING, "TAG", "its language (da, en, ...)", 0, 0 },
	{ 's', "source", 0, CLI_ARG_STRING, "URL", "where it was read", 0, 0 },
	{ 'd', "date", 0, CLI_ARG_STRING, "DATE", "the date of the revision (the commit's date)", 0, 0 },
	{ 'm', "message", 'm', CLI_ARG_STRING, "MESSAGE", "the commit message", 0, 0 },
	{ 'c', "commit-author", 0, CLI_ARG_STRING, "'NAME <EMAIL>'", "who is named as the commit's author", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_add(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	add_options o;
	pending *files = NULL;
	stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
	stance_import_options io = STANCE_IMPORT_OPTIONS_INIT;
	stance_import_rules *rules = NULL;
	stance_date date;
	size_t nfiles, i, unchanged = 0;
	char *commit_name = NULL, *commit_email = NULL;
	cli_opt_parser p;
	int c, error, rc = CLI_OK, json = 0;
	json_t *done_json = NULL; /* --json: one object a file (docs/commands/add.md#json) */

	memset(&o, 0, sizeof(o));
	cli_opt_init(&p, &cmd_add_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'i': o.id = p.value; break;
		case 'k': o.kind = p.value; break;
		case 't': o.title = p.value; break;
		case 'a':
			if (o.nauthors == STANCE_ARRAY_SIZE(o.authors))
				return cli_usage_error(&cmd_add_entry, "too many --author options");
			o.authors[o.nauthors++] = p.value;
			break;
		case 'o': o.organization = p.value; break;
		case 'P': o.publication = p.value; break;
		case 'p': o.published = p.value; break;
		case 'l': o.language = p.value; break;
		case 's': o.source = p.value; break;
		case 'd': o.date = p.value; break;
		case 'm': o.message = p.value; break;
		case 'c': o.commit_author = p.value; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	nfiles = (size_t)p.nrest;
	if (!nfiles)
		return cli_usage_error(&cmd_add_entry, "name at least one file");
	if (o.id && nfiles > 1)
		return cli_usage_error(&cmd_add_entry, "--id names one document; give one file with it");
	if (o.date) {
		if ((rc = cli_parse_date(&cmd_add_entry, "--date", o.date, &date)) != 0)
			return rc;
		save.time = stance_date_start(&date);
		save.tz_minutes = date.tz_given ? date.tz_minutes : 0;
	}
	save.message = o.message;
	if (o.commit_author) {
		/* "Name <email>", as git writes an identity */
		const char *lt = strchr(o.commit_author, '<'), *gt = lt ? strchr(lt, '>') : NULL;
		size_t nlen = lt ? (size_t)(lt - o.commit_author) : 0;
		while (nlen && o.commit_author[nlen - 1] == ' ')
			nlen--;
		if (!lt || !gt || gt[1] || !nlen || gt == lt + 1)
			return cli_usage_error(&cmd_add_entry, "--commit-author takes 'Name <email>', not '%s'",
				o.commit_author);
		commit_name = strndup(o.commit_author, nlen);
		commit_email = strndup(lt + 1, (size_t)(gt - lt - 1));
		if (!commit_name || !commit_email) {
			rc = cli_error("out of memory");
			goto done;
		}
		if (stance_store_check_identity(commit_name, commit_email) < 0) {
			rc = cli_usage_error(&cmd_add_entry, "--commit-author: %s", stance_error_last());
			goto done;
		}
		save.author_name = commit_name;
		save.author_email = commit_email;
	}
	if (!(files = calloc(nfiles, sizeof(*files)))) {
		rc = cli_error("out of memory");
		goto done;
	}
	/* the repository's import rules, when there is a plain-text file to read */
	for (i = 0; i < nfiles && !rules; i++)
		if (stance_import_file_type_of(p.rest[i]) == STANCE_IMPORT_FILE_TEXT &&
		    (error = stance_import_rules_load(&rules, stance_repo_workdir(repo))) < 0) {
			rc = cli_fail(error);
			goto done;
		}
	io.rules = rules;
	io.language = stance_repo_language(repo);
	io.url = o.source;
	/* Read and validate everything first: nothing is written if one file is bad. */
	for (i = 0; i < nfiles; i++) {
		files[i].file = p.rest[i];
		if (read_document(&files[i], repo, &o, &io) != 0) {
			rc = CLI_ERROR;
			goto done;
		}
	}
	for (i = 0; i < nfiles; i++)
		for (size_t j = i + 1; j < nfiles; j++)
			if (!strcmp(stance_document_get(files[i].doc, "id"), stance_document_get(files[j].doc, "id"))) {
				rc = cli_error("%s and %s are both document '%s'; add them one at a time",
					files[i].file, files[j].file, stance_document_get(files[i].doc, "id"));
				goto done;
			}
	if (json && !(done_json = json_array())) {
		rc = cli_error("out of memory");
		goto done;
	}
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	for (i = 0; i < nfiles; i++) {
		stance_save_result result;
		const char *id = stance_document_get(files[i].doc, "id");
		int placed = 0;
		save.workdir_is_source = files[i].workdir_is_source;
		save.snapshot_ext = files[i].raw_ext;
		save.snapshot_data = files[i].raw.ptr;
		save.snapshot_len = files[i].raw.size;
		/* a --date before the newest revision puts this one into the history */
		if ((error = stance_history_save(&result, &placed, repo, files[i].doc, &save)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		if (json) {
			if (json_array_append_new(done_json, json_pack("{s:o, s:o, s:s, s:o}", "file",
			    cli_json_str(files[i].file), "id", cli_json_str(id), "outcome",
			    !result.changed ? "unchanged" : result.created ? "added" : "updated",
			    "commit", result.changed ? cli_json_str(result.commit) : json_null())) < 0) {
				rc = cli_error("out of memory");
				goto done;
			}
			unchanged += !result.changed;
		} else if (!result.changed) {
			fprintf(ctx->out, "%s: unchanged, nothing committed\n", id);
			unchanged++;
		} else if (placed) {
			fprintf(ctx->out, "Placed the revision of %s in %s's history by its date (%.7s); "
				"the newest revision stays its text\n", o.date, id, result.commit);
		} else {
			fprintf(ctx->out, "%s %s (%.7s)\n", result.created ? "Added" : "Updated", id, result.commit);
		}
	}
done:
	/* what was committed, also when a later file failed */
	if (done_json) {
		if (cli_json_write(ctx->out, done_json, CLI_JSON_SPACED) == 0)
			fputc('\n', ctx->out);
		else if (rc == CLI_OK)
			rc = cli_error("out of memory");
	}
	stance_repo_unlock(repo);
	for (i = 0; files && i < nfiles; i++) {
		stance_document_free(files[i].doc);
		stance_buf_dispose(&files[i].raw);
	}
	free(files);
	free(commit_name);
	free(commit_email);
	stance_import_rules_free(rules);
	return rc;
}

const cli_command cmd_add_entry = {
	.name = "add",
	.usage = "FILE...",
	.summary = NULL, /* commands.h */
	.options = add_option_table,
	.needs_repo = 1,
	.run = run_add,
};
