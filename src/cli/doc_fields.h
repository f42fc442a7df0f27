/*
 * doc_fields.h: the document-field flags `add` and `import` take (--kind,
 * --title, --author, ...) applied to a document read from a file, and the
 * importer's report printed; shared by cmd_add.c and cmd_import.c.
 */
#ifndef STANCE_CLI_DOC_FIELDS_H
#define STANCE_CLI_DOC_FIELDS_H

#include "stance.h"

/* The values given on the command line; NULL (or no authors) leaves a field
 * as the file has it. */
typedef struct {
	const char *kind, *title, *organization, *publication, *published, *language, *source;
	const char *const *authors;
	size_t nauthors;
} cli_doc_fields;

/* Sets the fields given and replaces the authors when any are given. On a
 * bad value, puts "FILE: --FIELD: <why>" into `message` (when not NULL) and
 * returns -1. */
int cli_doc_fields_set(stance_document *doc, const cli_doc_fields *f, const char *file,
	stance_buf *message);

/* cli_doc_fields_set, printing the message; returns CLI_OK or CLI_ERROR. */
int cli_doc_fields_apply(stance_document *doc, const cli_doc_fields *f, const char *file);

/* Prints what the importer could not find (one "FILE: could not find ..."
 * a line) on standard error, each line after "stance: ". */
void cli_print_import_notes(const stance_buf *notes);

#endif
