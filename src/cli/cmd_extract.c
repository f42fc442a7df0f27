/*
 * cmd_extract.c: `stance extract FILE.html`: prints the document stance would
 * store for a saved web page, so a user can try select/remove rules before
 * adding a source. A plain-text file (.txt) goes through the text importer,
 * as `stance add` reads it: the extractor would take it for one paragraph
 * of HTML, chrome and all. A Markdown file is refused by name.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc_fields.h"
#include "json_out.h"
#include "stance/extract.h"

extern const cli_command cmd_extract_entry;

/* One object a line (docs/commands/extract.md). */
static int print_json(FILE *out, const stance_document *doc)
{
	static const char *const fields[] = { "title", "published", "language", "publication", "source" };
	json_t *o = json_object(), *authors = json_array();
	size_t i;
	int error = !o || !authors ? -1 : 0;
	for (i = 0; !error && i < sizeof(fields) / sizeof(fields[0]); i++)
		error = json_object_set_new(o, fields[i], cli_json_str(stance_document_get(doc, fields[i])));
	for (i = 0; !error && i < stance_document_author_count(doc); i++)
		error = json_array_append_new(authors, cli_json_str(stance_document_author(doc, i)));
	if (!error) {
		error = json_object_set_new(o, "authors", authors);
		authors = NULL;
	}
	if (!error)
		error = json_object_set_new(o, "body", cli_json_str(stance_document_body(doc)));
	json_decref(authors);
	if (error) {
		json_decref(o);
		return cli_error("out of memory");
	}
	if (cli_json_write(out, o, CLI_JSON_SPACED) < 0)
		return cli_error("out of memory");
	fputc('\n', out);
	return CLI_OK;
}

/* A .txt file read as `stance add` reads it: the text importer with the
 * repository's rules and language when run in one, else the shipped ones.
 * What it could not find is noted on standard error. */
static int import_text(stance_document **doc, cli_context *ctx, const char *file, stance_import_rules **rules,
	stance_repo **repo)
{
	stance_import_options io = STANCE_IMPORT_OPTIONS_INIT;
	stance_buf notes = STANCE_BUF_INIT;
	int error;
	if (!*repo && !*rules) {
		if (stance_repo_open(repo, ctx->cwd) < 0)
			*repo = NULL;
		stance_error_clear();
		if (*repo && (error = stance_import_rules_load(rules, stance_repo_workdir(*repo))) < 0)
			return error;
	}
	io.rules = *rules;
	io.language = *repo ? stance_repo_language(*repo) : NULL;
	error = stance_import_file(doc, NULL, file, &io, &notes);
	cli_print_import_notes(&notes);
	stance_buf_dispose(&notes);
	return error;
}

static const cli_option extract_options[] = {
	{ 'u', "url", 0, CLI_ARG_STRING, "BASE", "the page's address, for its relative links", 0, 0 },
	{ 's', "select", 0, CLI_ARG_STRING, "XPATH", "the main content is what this matches (repeatable)", 0, 0 },
	{ 'r', "remove", 0, CLI_ARG_STRING, "XPATH", "leave out what this matches (repeatable)", 0, 0 },
	{ 'R', "raw", 0, CLI_ARG_NONE, NULL, "the body alone, without front matter", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_extract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	const char **sel = NULL, **rem = NULL;
	stance_buf data = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	stance_import_rules *rules = NULL;
	stance_repo *text_repo = NULL; /* the repository a .txt file is read for, if any */
	cli_opt_parser p;
	int c, i, rc = CLI_OK, json = 0, body_only = 0, error;
	(void)repo;

	sel = calloc((size_t)argc + 1, sizeof(*sel));
	rem = calloc((size_t)argc + 1, sizeof(*rem));
	if (!sel || !rem) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_opt_init(&p, &cmd_extract_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'u': opts.url = p.value; break;
		case 's': sel[opts.select_count++] = p.value; break;
		case 'r': rem[opts.remove_count++] = p.value; break;
		case CLI_OPT_JSON: json = 1; break;
		case 'R': body_only = 1; break;
		}
	}
	if (c < 0) {
		rc = cli_opt_exit(c);
		goto done;
	}
	if (p.nrest == 0) {
		rc = cli_usage_error(&cmd_extract_entry, "needs an HTML file");
		goto done;
	}
	opts.select = sel;
	opts.remove = rem;
	cli_pager_start(ctx);
	/* Several files: each in turn (a JSON object a line with --json). */
	for (i = 0; i < p.nrest; i++) {
		const char *file = p.rest[i];
		stance_import_file_type type = stance_import_file_type_of(file);
		stance_buf_clear(&data);
		stance_buf_clear(&out);
		stance_document_free(doc);
		doc = NULL;
		if (type == STANCE_IMPORT_FILE_MARKDOWN) {
			cli_error("%s: a Markdown document, not a saved web page; 'stance add %s' stores it as it is",
				file, file);
			rc = CLI_ERROR;
			continue;
		}
		if (type == STANCE_IMPORT_FILE_TEXT) {
			if (opts.select_count || opts.remove_count) {
				cli_error("%s: plain text, which --select and --remove (XPath rules for HTML) cannot apply to",
					file);
				rc = CLI_ERROR;
				continue;
			}
			if (import_text(&doc, ctx, file, &rules, &text_repo) < 0) {
				cli_fail(STANCE_ERROR); /* the message names the file */
				rc = CLI_ERROR;
				continue;
			}
		} else if ((error = stance_file_read(&data, file)) < 0) {
			cli_fail(error); /* the message names the file */
			rc = CLI_ERROR;
			continue;
		} else if ((error = stance_extract_html(&doc, data.ptr ? data.ptr : "", data.size, &opts)) < 0) {
			/* Name the file when the page had no URL to name. */
			if (!opts.url)
				cli_error("%s: %s", file, stance_error_last());
			else
				cli_fail(error);
			rc = CLI_ERROR;
			continue;
		}
		if (json) {
			if (print_json(ctx->out, doc) != CLI_OK)
				rc = CLI_ERROR;
		} else if (body_only)
			fputs(stance_document_body(doc), ctx->out);
		else {
			if ((error = stance_document_serialize(&out, doc)) < 0) {
				rc = cli_fail(error);
				continue;
			}
			fwrite(out.ptr, 1, out.size, ctx->out);
		}
	}
done:
	stance_import_rules_free(rules);
	stance_repo_free(text_repo);
	stance_document_free(doc);
	stance_buf_dispose(&data);
	stance_buf_dispose(&out);
	free(sel);
	free(rem);
	return rc;
}

const cli_command cmd_extract_entry = {
	.name = "extract",
	.usage = "FILE.html|FILE.txt...",
	.summary = NULL, /* commands.h */
	.options = extract_options,
	.needs_repo = 0,
	.run = run_extract,
};
