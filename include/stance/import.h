/*
 * import.h: plain text (an article saved from the web with "select all,
 * copy") turned into a document: metadata found, page chrome dropped,
 * headings, lists and pull quotes given their Markdown form.
 *
 * The rules are general, and their word lists are data: the chrome patterns,
 * the kind words and the outlet descriptors ship in data/import/ and a
 * repository extends them in .stance/import/ (see docs/commands/import.md).
 */
#ifndef STANCE_IMPORT_H
#define STANCE_IMPORT_H

#include "common.h"
#include "date.h"
#include "document.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The compiled word lists import works with. */
typedef struct stance_import_rules stance_import_rules;

/*
 * Loads the shipped lists and, when `dir` is not NULL, adds those of
 * `dir`/.stance/import/{chrome,kinds,publication-prefixes}.txt that exist.
 * A malformed line fails with a message naming the file and line. The rules
 * belong to the caller; free with stance_import_rules_free().
 */
int stance_import_rules_load(stance_import_rules **out, const char *dir);

/* Adds rules from the text of one list: `which` is "chrome", "kinds" or
 * "publication-prefixes"; `origin` names it in messages. */
int stance_import_rules_add(stance_import_rules *rules, const char *which,
	const char *text, const char *origin);

void stance_import_rules_free(stance_import_rules *rules);

typedef struct {
	unsigned int version;
	/* Word lists; NULL uses the shipped ones (loaded once per call). */
	const stance_import_rules *rules;
	/* The repository's language ("da", "en", "en-us", …). It decides how
	 * "4/12/2020" is read: month first for "en" and "en-us", day first for
	 * every other language. NULL: "en". */
	const char *language;
	/* stance_import_file: the address an HTML file was saved from (its
	 * relative links are made absolute against it, and it is the
	 * document's source); NULL for none. */
	const char *url;
} stance_import_options;

#define STANCE_IMPORT_OPTIONS_VERSION 1
#define STANCE_IMPORT_OPTIONS_INIT { STANCE_IMPORT_OPTIONS_VERSION, NULL, NULL, NULL }

/* How a file is read, by its name's extension (case-insensitive). */
typedef enum {
	STANCE_IMPORT_FILE_UNKNOWN = 0, /* any other extension, or none: refused */
	STANCE_IMPORT_FILE_MARKDOWN,    /* .md, .markdown: a document file */
	STANCE_IMPORT_FILE_TEXT,        /* .txt: plain text, through stance_import_text */
	STANCE_IMPORT_FILE_HTML         /* .html, .htm: a saved page, through the extractor */
} stance_import_file_type;

stance_import_file_type stance_import_file_type_of(const char *path);

/*
 * Reads the file at `path` into a document, the one reader of `stance add`,
 * `stance import FILE...` and `stance import --manifest`: by the extension
 * (stance_import_file_type_of), a Markdown file is parsed as a document
 * (front matter optional), a plain-text file goes through
 * stance_import_text (what it could not find appended to `report`, which
 * may be NULL), an HTML file through stance_extract_html (with opts->url).
 * A file with any other extension, or none, is refused with STANCE_EINVALID
 * naming it and the extensions read: guessing would either keep a text
 * page's chrome as Markdown or run a Markdown file's front matter through
 * the text importer.
 *
 * Only a regular file within STANCE_DOCUMENT_MAX_SIZE is read. When `raw` is
 * not NULL and the file is HTML, it receives the page's bytes (kept
 * as the snapshot). Every failure's message names `path`. The id is left as
 * the file has it. The document belongs to the caller.
 */
int stance_import_file(stance_document **out, stance_buf *raw, const char *path,
	const stance_import_options *opts, stance_buf *report);

/*
 * Turns plain text into a document: title, kind, authors, organization,
 * publication, published date and language are filled in when the text says
 * them; the body is canonical Markdown without page chrome. The id is left
 * unset (see stance_import_suggest_id).
 *
 * `origin` names the file in messages and in the report. What could not be
 * found is appended to `report` (may be NULL) as one line,
 * "<origin>: could not find <fields>", nothing when everything was found.
 * Invalid UTF-8 or NUL bytes fail with STANCE_EPARSE naming origin and line;
 * a text without any article text fails with STANCE_EPARSE too.
 * The document belongs to the caller.
 */
int stance_import_text(stance_document **out, const char *text, size_t len,
	const char *origin, const stance_import_options *opts, stance_buf *report);

/*
 * An id for an imported document: "<collection>/<slug of the title>", the
 * collection being `collection` when not NULL, else the slug of the
 * organization, else of the publication, else "import". Appended to `out`.
 */
int stance_import_suggest_id(stance_buf *out, const stance_document *doc,
	const char *collection);

/*
 * Finds the first date written in `text` in one of the forms import reads:
 * ISO 8601, "04. december 2020", "fredag den 22. december 2017 kl. 12.09",
 * "4 December 2020", "December 4, 2020", "4/12/2020" (order by `language`,
 * as above), "4.12.2020", "nr. 13 / 2009" (a year), "december 2020" (a month).
 * Sets out->precision to STANCE_DATE_NONE when there is none. When `start`
 * and `end` are not NULL they receive the byte span of the date in `text`.
 */
int stance_import_find_date(stance_date *out, size_t *start, size_t *end,
	const char *text, const char *language);

/* ---- importing a git history of Markdown versions ------------------- */

typedef struct {
	unsigned int version;
	/* Which files of the source are documents, an fnmatch(3) pattern over
	 * the path in the source's tree, '*' matching '/' too; NULL: an .md file
	 * inside a folder (the SERVICE/DOCUMENT.md layout; a README.md at the
	 * top is left out). */
	const char *path_glob;
	/* The id of the file at a path: "{path}" (the path without its
	 * extension), "{dir}" (its folder) and "{name}" (its name without the
	 * extension) are replaced by their slugs, one per folder level; other
	 * characters are kept. NULL: "{path}". */
	const char *id_template;
} stance_import_git_options;

#define STANCE_IMPORT_GIT_OPTIONS_VERSION 1
#define STANCE_IMPORT_GIT_OPTIONS_INIT { STANCE_IMPORT_GIT_OPTIONS_VERSION, NULL, NULL }

typedef struct {
	size_t matched;    /* changes of matched files in the source's commits */
	size_t written;    /* revisions committed */
	size_t skipped;    /* already there, or equal to the document's content */
	size_t documents;  /* documents the matched files name */
} stance_import_git_report;

/*
 * Appends to `out` the id `template` (see stance_import_git_options; NULL:
 * "{path}") gives the source path `path`, checked with stance_id_validate.
 * "Google/Terms of Service.md" gives "google/terms-of-service".
 */
int stance_import_git_id(stance_buf *out, const char *template, const char *path);

/*
 * Imports the history of the git repository `source` (a local folder, bare
 * or not, or a URL, which is cloned bare into a temporary folder and removed
 * after) into `repo`: the commits reachable from its HEAD, oldest first by
 * commit time, each compared with its first parent; every file the glob
 * matches that a commit adds or changes becomes a revision of its document
 * with the commit's author, author date and message, all in one batch under
 * the repository's write lock. A revision dated at or before the newest one
 * the repository has of its document is taken to be there (skipped), so a
 * re-run imports only what is new. A file that is not a valid document, two
 * paths with one id, a missing folder or one that is not a repository fail
 * with a sentence naming them (the path and commit for a file) ending
 * "; nothing was imported", and the repository is left as it was.
 */
int stance_import_git(stance_import_git_report *report, stance_repo *repo, const char *source,
	const stance_import_git_options *opts);

#ifdef __cplusplus
}
#endif
#endif
