/*
 * site.h: the reading room, a static web site of the collection: an index
 * with filters and a search over a prebuilt index, each document's page and
 * timeline, a redline per revision, the positions' lives, the changes by
 * month, Atom feeds (RFC 4287) and Memento time maps (RFC 7089). The pages
 * need no server and load nothing from outside the site (docs/site.md).
 */
#ifndef STANCE_SITE_H
#define STANCE_SITE_H

#include "common.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	unsigned int version;
	const char *out;       /* the folder the site is written to (created) */
	const char *base_url;  /* where it will be published ("https://x.org/site/"), for
	                        * the feeds' and time maps' absolute URLs; NULL: relative */
	const char *title;     /* the collection's name; NULL: "Policy documents" */
	int64_t since;         /* changes, feeds: only revisions from this time on; 0: all */
} stance_site_options;

#define STANCE_SITE_OPTIONS_VERSION 1
#define STANCE_SITE_OPTIONS_INIT { STANCE_SITE_OPTIONS_VERSION, NULL, NULL, NULL, 0 }

typedef struct {
	size_t documents;       /* documents on the site */
	size_t revisions;       /* their revisions */
	size_t documents_built; /* documents whose pages were (re)written */
	size_t files_written;   /* files written by this build */
} stance_site_report;

/*
 * Builds the site of `repo` (HEAD) in opts->out. A folder that holds a site
 * already is brought up to date: only the pages of documents with a new
 * revision are written again, and the collection's indexes and feeds. A
 * folder that is not empty and holds no site is refused, naming it, and so is
 * a base URL that is not http(s). `report` may be NULL.
 */
int stance_site_build(stance_site_report *report, stance_repo *repo,
	const stance_site_options *opts);

#ifdef __cplusplus
}
#endif
#endif
