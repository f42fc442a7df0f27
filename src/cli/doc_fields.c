/*
 * doc_fields.c: the document-field flags of `add` and `import` applied to a
 * document, and the importer's notes printed.
 */
#include <string.h>

#include "cli.h"
#include "doc_fields.h"

int cli_doc_fields_set(stance_document *doc, const cli_doc_fields *f, const char *file,
	stance_buf *message)
{
	static const char *const names[] = { "kind", "title", "organization", "publication",
		"published", "language", "source" };
	const char *values[] = { f->kind, f->title, f->organization, f->publication, f->published,
		f->language, f->source };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(names); i++)
		if (values[i] && stance_document_set(doc, names[i], values[i]) < 0) {
			if (message)
				stance_buf_printf(message, "%s: --%s: %s", file, names[i], stance_error_last());
			return -1;
		}
	if (f->nauthors) {
		stance_document_clear_authors(doc);
		for (i = 0; i < f->nauthors; i++)
			if (stance_document_add_author(doc, f->authors[i]) < 0) {
				if (message)
					stance_buf_printf(message, "%s: --author: %s", file, stance_error_last());
				return -1;
			}
	}
	return 0;
}

int cli_doc_fields_apply(stance_document *doc, const cli_doc_fields *f, const char *file)
{
	stance_buf message = STANCE_BUF_INIT;
	int rc = CLI_OK;
	if (cli_doc_fields_set(doc, f, file, &message) < 0)
		rc = cli_error("%s", stance_buf_cstr(&message));
	stance_buf_dispose(&message);
	return rc;
}

void cli_print_import_notes(const stance_buf *notes)
{
	const char *p = notes->ptr, *eol;
	while (p && *p) {
		eol = strchr(p, '\n');
		fprintf(stderr, "stance: %.*s\n", (int)(eol ? eol - p : (long)strlen(p)), p);
		p = eol ? eol + 1 : NULL;
	}
}
