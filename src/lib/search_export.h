/*
 * search_export.h: the current documents' part of the search index, for a
 * reader without SQLite or a stemmer (the site's search box): each
 * diacritics-free stem (the index's loose columns) with the documents that
 * hold it, and each word form of the current texts with its stem, so that a
 * query's words are looked up rather than stemmed.
 */
#ifndef STANCE_SEARCH_EXPORT_H
#define STANCE_SEARCH_EXPORT_H

#include <stdint.h>

#include "stance/common.h"
#include "stance/repo.h"

typedef struct {
	char *term;         /* a loose stem, as the index holds it */
	uint32_t *docs;     /* indexes into docs[], ascending */
	size_t ndocs;
} search_export_term;

typedef struct {
	char *form;         /* a word as folded (and again with its diacritics folded away) */
	char *term;         /* its loose stem; only forms that differ from their stem */
} search_export_form;

typedef struct {
	char **docs;                /* the current documents' ids, sorted */
	size_t ndocs;
	search_export_term *terms;  /* sorted by term (bytes) */
	size_t nterms;
	search_export_form *forms;  /* sorted by form (bytes) */
	size_t nforms;
} search_export;

/* Brings the index of `repo` up to HEAD (search_index_open) and reads the
 * above from its current-documents table. */
int search_export_read(search_export *out, stance_repo *repo);
void search_export_free(search_export *e);

#endif
