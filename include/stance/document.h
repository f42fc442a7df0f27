/*
 * document.h: one policy document: YAML front matter plus a canonical
 * Markdown body.
 *
 * Canonical form: the same content always serialises to the same bytes, and
 * serialising a parsed canonical file gives back the very same bytes. The
 * format is specified in docs/format.md.
 */
#ifndef STANCE_DOCUMENT_H
#define STANCE_DOCUMENT_H

#include "common.h"
#include "date.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stance_document stance_document;

/*
 * Bounds on what a document may be (docs/format.md, "Limits"):
 * - STANCE_DOCUMENT_MAX_SIZE: the largest document file, 32 MiB; larger
 *   files are refused before they are parsed (and while they are read).
 * - STANCE_MARKDOWN_MAX_DEPTH: the deepest nesting of block quotes and list
 *   items in a body; a deeper body is refused before cmark-gfm parses it,
 *   whose rendering time grows with the square of the depth.
 * - STANCE_ID_SEGMENT_MAX, STANCE_ID_MAX: the longest segment of an id and
 *   the longest id, in bytes. A segment becomes a folder or a file name:
 *   "SEGMENT.md.tmp.PID", the temporary name a document is written through,
 *   must fit the 255 bytes of a file name; a whole id is a path inside the
 *   working folder, which must fit PATH_MAX with the folder's own path.
 * - STANCE_YAML_MAX_DEPTH: the deepest nesting of YAML in the front matter.
 *   The format needs two levels (the fields, the list of authors); a list or
 *   mapping where text belongs is read on only to report a syntax error in
 *   it, and refused as soon as it nests deeper than this.
 * YAML aliases (*name) are refused in front matter.
 */
/* STANCE_DOCUMENT_MAX_SIZE is defined in common.h: the file reader names it. */
#define STANCE_MARKDOWN_MAX_DEPTH 100
#define STANCE_ID_SEGMENT_MAX 240
#define STANCE_ID_MAX 1000
#define STANCE_YAML_MAX_DEPTH 64

/* The kinds a document can be; "other" when nothing else fits. */
extern const char *const stance_document_kinds[];

/* Creates an empty document. Free with stance_document_free(). */
int stance_document_new(stance_document **out);

/*
 * Where the body of a stored or written document begins: just after the
 * line that closes its front matter, or 0 when it has none (or when the
 * front matter is not closed, which stance_document_parse() reports).
 */
size_t stance_document_body_offset(const char *data, size_t len);

/*
 * Parses a document file: optional front matter between "---" lines, then a
 * Markdown body, which is brought to canonical form. `origin` names the file
 * (or document) in error messages; it may be NULL. A UTF-8 byte order mark
 * at the start is dropped. Rejects invalid UTF-8, NUL bytes, malformed or
 * unterminated front matter, YAML aliases, fields of the wrong type, a body
 * nested deeper than STANCE_MARKDOWN_MAX_DEPTH and files larger than
 * STANCE_DOCUMENT_MAX_SIZE, with a message naming `origin` and the line.
 */
int stance_document_parse(stance_document **out, const char *data, size_t len,
	const char *origin);

/* Appends the canonical serialisation of `doc` (front matter + body). */
int stance_document_serialize(stance_buf *out, const stance_document *doc);

/* A deep copy. */
int stance_document_dup(stance_document **out, const stance_document *doc);

void stance_document_free(stance_document *doc);

/*
 * Fields. Getters return borrowed strings, NULL when the field is unset.
 * Setters copy their argument; NULL or "" unsets the field. Names and values
 * must be valid UTF-8; `language` must be a BCP 47 tag
 * (stance_language_validate()).
 * Known fields: id, title, kind, organization, publication, published,
 * language, source; authors is a list.
 */
const char *stance_document_get(const stance_document *doc, const char *field);
int stance_document_set(stance_document *doc, const char *field, const char *value);

size_t stance_document_author_count(const stance_document *doc);
const char *stance_document_author(const stance_document *doc, size_t i);
int stance_document_add_author(stance_document *doc, const char *name);
void stance_document_clear_authors(stance_document *doc);

/* The published date, parsed; precision NONE when unset. */
const stance_date *stance_document_published(const stance_document *doc);

/*
 * Number of front matter fields stance does not know, kept as they were and
 * written back after the known ones, sorted by name. `name` and `value` are
 * borrowed.
 */
size_t stance_document_extra_count(const stance_document *doc);
int stance_document_extra(const stance_document *doc, size_t i,
	const char **name, const char **value);

/* The canonical Markdown body. Borrowed; never NULL. */
const char *stance_document_body(const stance_document *doc);

/* Replaces the body with the canonical form of `markdown`; refuses a body
 * nested deeper than STANCE_MARKDOWN_MAX_DEPTH. */
int stance_document_set_body(stance_document *doc, const char *markdown, size_t len);

/*
 * Appends the canonical form of `len` bytes of Markdown to `out`: cmark-gfm's
 * CommonMark rendering (fixed options; the table, strikethrough and autolink
 * extensions) wherever it reads as the input does, blocks it would change
 * kept as written (docs/format.md). What cmark-gfm renders of the result, as
 * HTML and as plain text, is what it renders of the input, and the result is
 * its own canonical form. Any bytes are accepted (a NUL reads as U+FFFD);
 * safe to call on any thread.
 */
int stance_markdown_canonicalize(stance_buf *out, const char *markdown, size_t len);

/* Checks that `data` is valid UTF-8 without NUL bytes. On failure the message
 * names `origin` and the line and byte of the first bad byte. */
int stance_utf8_validate(const char *data, size_t len, const char *origin);

/* Checks a document id: lowercase [a-z0-9-_/], no empty segment, no "." at
 * all (so no "..", ".git", ".stance" or extension), no leading or trailing
 * "/", segments of at most STANCE_ID_SEGMENT_MAX bytes and at most
 * STANCE_ID_MAX bytes in all. */
int stance_id_validate(const char *id);

/* Checks that `tag` is a well-formed BCP 47 language tag (RFC 5646: "da",
 * "en-GB", "zh-Hant-TW", "x-private", the grandfathered "i-klingon"...), with
 * no variant or extension repeated. The registry is not consulted. */
int stance_language_validate(const char *tag);

/* Makes an id segment from free text: lowercase ASCII, æ→ae, ø→oe, å→aa,
 * accents dropped, other runs of characters to "-". */
int stance_slugify(stance_buf *out, const char *text);

#ifdef __cplusplus
}
#endif
#endif
