/*
 * manifest.h: the lines of an import manifest (`stance import --manifest`),
 * a TSV of file, id, date, author and message, one revision a line, and the
 * import of a whole manifest as one commit per revision; the format is in
 * docs/commands/import.md.
 *
 * Reading a line is two steps, so that a caller can check the file a line
 * names between them (the order its messages come in): stance_manifest_next
 * splits the next line into fields and counts them, stance_manifest_check
 * reads its id, date and author.
 */
#ifndef STANCE_MANIFEST_H
#define STANCE_MANIFEST_H

#include <stdint.h>

#include "common.h"
#include "date.h"
#include "document.h"
#include "import.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One revision line. The strings point into the text being read. */
typedef struct {
	size_t line;          /* line number in the manifest, from 1 */
	size_t fields;        /* 3 to 5 */
	const char *file;     /* as written: relative to the manifest's folder unless absolute */
	const char *id;
	const char *date;
	const char *author;   /* "" when the line has no author */
	const char *message;  /* "" when the line has no message */
} stance_manifest_line;

/*
 * Reads the next revision line of the NUL-terminated manifest text at
 * `*cursor`, which it splits in place (line ends and tabs become NUL bytes)
 * and advances past the line. `*lineno` counts the lines read so far (start
 * it at 0). Empty lines, lines starting with '#' and a first line starting
 * with "file<TAB>" (a header) are skipped; a "\r" before a line end is
 * dropped. Returns 1 with `out` filled, 0 at the end of the text, or
 * STANCE_EPARSE naming "<origin>:<line>" when a line does not have 3 to 5
 * fields.
 */
int stance_manifest_next(stance_manifest_line *out, char **cursor, size_t *lineno,
	const char *origin);

/*
 * Checks the id (stance_id_validate), the date (stance_date_parse, into
 * `date`) and the author ("Name <email>", split into `author_name` and
 * `author_email`, which the caller frees; both NULL when the line has no
 * author) of a line read by stance_manifest_next. A failure names
 * "<origin>:<line>" and leaves the author outputs NULL.
 */
int stance_manifest_check(const stance_manifest_line *line, const char *origin,
	stance_date *date, char **author_name, char **author_email);

/* ---- importing a manifest -------------------------------------------- */

typedef struct {
	unsigned int version;
	/* Rules and language for the plain-text files (stance_import_file); NULL:
	 * the shipped rules and "en". */
	const stance_import_options *import;
	/* The commit message of lines without one; NULL: "Add ID" / "Update ID". */
	const char *message;
	/* 1: check and read everything, write nothing (the report lists the
	 * revisions in the order they would be written). */
	int dry_run;
	/* Called with each revision's document once it is read, before its id is
	 * set (the CLI sets the fields of --kind, --title, ...). A negative return
	 * stops the import with "<manifest>:<line>: <message>", `message` being
	 * the sentence the callback put there. May be NULL. */
	int (*prepare)(stance_document *doc, const char *file, stance_buf *message, void *payload);
	/* Called after each revision is committed (or found there already):
	 * `done` of `total`. May be NULL. */
	void (*progress)(size_t done, size_t total, void *payload);
	void *payload;
	/* The batch's checkpoint size (stance_batch_set_checkpoint): the
	 * objects held in memory are written out as a pack once they pass it.
	 * 0: STANCE_BATCH_CHECKPOINT_BYTES. The history written is the same
	 * whatever the size. (Version 2; a version 1 struct ends before it.) */
	size_t checkpoint_bytes;
} stance_import_manifest_options;

#define STANCE_IMPORT_MANIFEST_OPTIONS_VERSION 2
#define STANCE_IMPORT_MANIFEST_OPTIONS_INIT { STANCE_IMPORT_MANIFEST_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, NULL, 0 }

/* One revision of the manifest, in the report. */
typedef struct {
	char *file;    /* resolved against the manifest's folder */
	char *id;
	size_t line;   /* its line in the manifest */
	int64_t time;  /* its date, seconds since the epoch */
	int written;   /* 1 when this import committed it */
} stance_import_revision;

typedef struct {
	size_t written;   /* revisions committed */
	size_t skipped;   /* revisions already there, or equal to the document's content */
	/* every revision, oldest first (lines of the same moment in manifest order) */
	stance_import_revision *revisions;
	size_t nrevisions;
	/* what the importer could not find in plain-text files, one
	 * "<file>: could not find <fields>" a line */
	stance_buf notes;
	/* seconds spent checking the lines and finding what is stored, reading
	 * the files while building the commits (the two overlap), and writing
	 * the last pack, branch and working files */
	double read_seconds, build_seconds, write_seconds;
} stance_import_report;

#define STANCE_IMPORT_REPORT_INIT { 0, 0, NULL, 0, STANCE_BUF_INIT, 0, 0, 0 }

void stance_import_report_dispose(stance_import_report *report);

/*
 * Imports the saved history `manifest` names into `repo`: one commit per
 * revision, in date order, written through one batch (stance_batch), under
 * the repository's write lock. Every line is checked before any file is
 * read; the files of the revisions not yet stored are then read, checked
 * and committed in date order, a few at a time, so memory does not grow
 * with their number. The first failure is a sentence naming
 * "<manifest>:<line>" (or the manifest) and ending "; nothing was
 * imported": the branch, the index and the working files are left as they
 * were (objects the batch packed at its checkpoints stay, unreferenced,
 * for git gc). A revision dated at or before the newest one the
 * repository's revision table has of its document is taken to be there
 * already. Past 64 revisions the files are read on up to four threads; the
 * result does not depend on it.
 * `report` (which the caller disposes of, also after a failure) is filled
 * as the import goes; `opts` may be NULL.
 */
int stance_import_manifest(stance_import_report *report, stance_repo *repo, const char *manifest,
	const stance_import_manifest_options *opts);

#ifdef __cplusplus
}
#endif
#endif
