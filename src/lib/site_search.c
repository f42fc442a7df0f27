/*
 * site_search.c: search-index.js, the site's search over the same index as
 * `stance search` (.git/stance-search.sqlite, brought up to date first): the
 * current documents, each diacritics-free stem with the documents that hold
 * it, and each word form of the texts with its stem, which site.js looks up
 * in place of a stemmer (docs/site.md).
 */
#include <jansson.h>

#include "site_internal.h"
#include "search_export.h"

/* The file's layout; site.js reads only the one it knows. */
#define SITE_SEARCH_FORMAT 2

static json_t *export_json(const search_export *e)
{
	json_t *root = json_object(), *docs = json_array(), *terms = json_object(), *forms = json_object();
	size_t i, k;
	if (!root || !docs || !terms || !forms)
		goto fail;
	for (i = 0; i < e->ndocs; i++)
		if (json_array_append_new(docs, json_string(e->docs[i])) < 0)
			goto fail;
	for (i = 0; i < e->nterms; i++) {
		json_t *list = json_array();
		if (!list || json_object_set_new(terms, e->terms[i].term, list) < 0)
			goto fail;
		for (k = 0; k < e->terms[i].ndocs; k++)
			if (json_array_append_new(list, json_integer((json_int_t)e->terms[i].docs[k])) < 0)
				goto fail;
	}
	for (i = 0; i < e->nforms; i++)
		if (json_object_set_new(forms, e->forms[i].form, json_string(e->forms[i].term)) < 0)
			goto fail;
	if (json_object_set_new(root, "format", json_integer(SITE_SEARCH_FORMAT)) < 0 ||
	    json_object_set_new(root, "docs", docs) < 0 || json_object_set_new(root, "terms", terms) < 0 ||
	    json_object_set_new(root, "forms", forms) < 0) {
		docs = terms = forms = NULL;
		goto fail;
	}
	return root;
fail:
	json_decref(root);
	json_decref(docs);
	json_decref(terms);
	json_decref(forms);
	return NULL;
}

int site_write_search_index(site_build *b, stance_repo *repo)
{
	search_export e;
	json_t *root;
	char *js = NULL;
	stance_buf s = STANCE_BUF_INIT;
	int error = search_export_read(&e, repo);
	if (error < 0)
		return error;
	root = export_json(&e);
	search_export_free(&e);
	/* a script, not JSON, so that it loads from file:// too */
	if (!root || !(js = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)) ||
	    stance_buf_printf(&s, "/* Built by stance from its search index: the current documents' stems"
		" and word forms, for the search box. */\nwindow.stanceSearchIndex = %s;\n", js) < 0)
		error = stance_error_oom();
	else
		error = site_write(b, "search-index.js", s.ptr, s.size);
	json_decref(root);
	free(js);
	stance_buf_dispose(&s);
	return error;
}
