/*
 * cmd_extract.c: `stance extract FILE.html`: prints the document stance would
 * store for a saved web page, so a user can try select/remove rules before
 * adding a source.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "web_commands.h"
#include "stance/extract.h"

extern const cli_command cmd_extract_entry;

static void print_json(FILE *out, const stance_document *doc)
{
	static const char *const fields[] = { "title", "published", "language", "publication", "source" };
	size_t i;
	fputs("{", out);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = stance_document_get(doc, fields[i]);
		fprintf(out, "\"%s\": ", fields[i]);
		if (v)
			cli_put_json(out, v);
		else
			fputs("null", out);
		fputs(", ", out);
	}
	fputs("\"authors\": [", out);
	for (i = 0; i < stance_document_author_count(doc); i++) {
		if (i)
			fputs(", ", out);
		cli_put_json(out, stance_document_author(doc, i));
	}
	fputs("], \"body\": ", out);
	cli_put_json(out, stance_document_body(doc));
	fputs("}\n", out);
}

static int run_extract(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "select", required_argument, NULL, 's' },
		{ "remove", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'R' },
		CLI_HELP_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	const char **sel = NULL, **rem = NULL;
	stance_buf data = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	int c, rc = CLI_OK, json = 0, body_only = 0, error;
	(void)repo;

	sel = calloc((size_t)argc + 1, sizeof(*sel));
	rem = calloc((size_t)argc + 1, sizeof(*rem));
	if (!sel || !rem) {
		rc = cli_error("out of memory");
		goto done;
	}
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': opts.url = optarg; break;
		case 's': sel[opts.select_count++] = optarg; break;
		case 'r': rem[opts.remove_count++] = optarg; break;
		case 'j': json = 1; break;
		case 'R': body_only = 1; break;
		case 'h': rc = cli_help(&cmd_extract_entry); goto done;
		default: rc = cli_usage_error(&cmd_extract_entry, "unknown option"); goto done;
		}
	}
	if (optind >= argc) {
		rc = cli_usage_error(&cmd_extract_entry, "needs an HTML file");
		goto done;
	}
	opts.select = sel;
	opts.remove = rem;
	cli_pager_start(ctx);
	/* Several files: each in turn (a JSON object a line with --json). */
	for (; optind < argc; optind++) {
		const char *file = argv[optind];
		stance_buf_clear(&data);
		stance_buf_clear(&out);
		stance_document_free(doc);
		doc = NULL;
		if ((error = stance_file_read(&data, file)) < 0) {
			cli_fail(error); /* the message names the file */
			rc = CLI_ERROR;
			continue;
		}
		if ((error = stance_extract_html(&doc, data.ptr ? data.ptr : "", data.size, &opts)) < 0) {
			/* Name the file when the page had no URL to name. */
			if (!opts.url)
				cli_error("%s: %s", file, stance_error_last());
			else
				cli_fail(error);
			rc = CLI_ERROR;
			continue;
		}
		if (json)
			print_json(ctx->out, doc);
		else if (body_only)
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
	stance_document_free(doc);
	stance_buf_dispose(&data);
	stance_buf_dispose(&out);
	free(sel);
	free(rem);
	return rc;
}

const cli_command cmd_extract_entry = {
	.name = "extract",
	.usage = CLI_EXTRACT_USAGE,
	.summary = CLI_EXTRACT_SUMMARY,
	.needs_repo = 0,
	.run = run_extract,
};
