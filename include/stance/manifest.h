/*
 * manifest.h: the lines of an import manifest (`stance import --manifest`),
 * a TSV of file, id, date, author and message, one revision a line; the
 * format is in docs/commands/import.md.
 *
 * Reading a line is two steps, so that a caller can check the file a line
 * names between them (the order its messages come in): stance_manifest_next
 * splits the next line into fields and counts them, stance_manifest_check
 * reads its id, date and author.
 */
#ifndef STANCE_MANIFEST_H
#define STANCE_MANIFEST_H

#include "common.h"
#include "date.h"

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

#ifdef __cplusplus
}
#endif
#endif
