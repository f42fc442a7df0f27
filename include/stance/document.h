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
 * (or document) in error messages; it may be NULL. Rejects invalid UTF-8, NUL
 * bytes, malformed or unterminated front matter and fields of the wrong type,
 * with a message naming `origin` and the line.
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
 * Setters copy their argument; NULL or "" unsets the field.
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

/* Replaces the body with the canonical form of `markdown`. */
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

/* Checks a document id: lowercase [a-z0-9-_/], at least one "/"-free segment,
 * no "..", no leading or trailing "/", no ".git" segment. */
int stance_id_validate(const char *id);

/* Makes an id segment from free text: lowercase ASCII, æ→ae, ø→oe, å→aa,
 * accents dropped, other runs of characters to "-". */
int stance_slugify(stance_buf *out, const char *text);

#ifdef __cplusplus
}
#endif
#endif
