/*
 * warc.h: WARC files (ISO 28500, WARC/1.0 and WARC/1.1), the format web
 * archives keep their captures in: a reader of Content-Length-framed
 * records, plain or gzip-compressed (one gzip member a record, or the whole
 * file as one), a writer of gzip-per-record files, the SHA-1 base32 digests
 * the reference tools write, and the HTTP message a `response` record holds
 * (status line, headers, a chunked or gzip/deflate-encoded payload decoded).
 * The module knows nothing of repositories (zlib and libcrypto only).
 */
#ifndef STANCE_WARC_H
#define STANCE_WARC_H

#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds on what a WARC file may inflate to: the whole file (it is read
 * into memory), and one response's payload once its Content-Encoding is
 * taken off (a page, as fetch's size cap bounds what it keeps). */
#define STANCE_WARC_MAX_SIZE ((size_t)4 << 30)
#define STANCE_WARC_PAYLOAD_MAX ((size_t)64 << 20)

typedef struct {
	char *name;
	char *value;
} stance_warc_field;

/* One record, as read. Its fields and block belong to the reader and stay
 * valid until the next stance_warc_reader_next() or the reader is freed. */
typedef struct {
	char version[9];             /* "WARC/1.0" or "WARC/1.1" */
	stance_warc_field *fields;   /* the named fields, in file order */
	size_t nfields;
	const char *block;           /* Content-Length bytes */
	size_t block_len;
	uint64_t offset;             /* where the record starts in the file (its gzip member's
	                              * start; in a file compressed as one member, the offset
	                              * in the uncompressed stream) */
} stance_warc_record;

typedef struct stance_warc_reader stance_warc_reader;

/* Opens `path` (.warc or .warc.gz; gzip is told by its magic bytes, not
 * the name) for reading. STANCE_ENOTFOUND / STANCE_ERROR naming the file. */
int stance_warc_reader_open(stance_warc_reader **out, const char *path);

/* The same for the bytes data[0, len) (copied), named `name` in messages. */
int stance_warc_reader_open_buffer(stance_warc_reader **out, const char *name, const void *data, size_t len);

/*
 * The next record in *rec: 1, or 0 at the end of the file. A record that is
 * cut short (its block shorter than its Content-Length, a gzip member that
 * ends early) or malformed (no `WARC/1.x` line, no or a bad Content-Length,
 * a header line without a colon, a block not followed by two CRLF, a
 * WARC-Block-Digest in sha1 that does not match) fails with STANCE_EPARSE
 * and a sentence naming the file, the record's offset and, when it has
 * one, its WARC-Record-ID.
 */
int stance_warc_reader_next(stance_warc_reader *r, stance_warc_record *rec);

void stance_warc_reader_free(stance_warc_reader *r);

/* The value of field `name` (case-insensitive) of `rec`, or NULL. */
const char *stance_warc_get(const stance_warc_record *rec, const char *name);

/* "sha1:" and the base32 (RFC 4648) of the SHA-1 of data[0, len), as
 * warcio and wget write WARC digests: 38 characters and a NUL. */
int stance_warc_sha1(char out[38], const void *data, size_t len);

/* A WARC-Record-ID, "<urn:uuid:…>", made from the SHA-1 of seed[0, len)
 * (a name-based UUID, version 5 bits set), so the same record exported
 * again gets the same id: 48 characters and a NUL. */
int stance_warc_record_id(char out[48], const void *seed, size_t len);

typedef struct stance_warc_writer stance_warc_writer;

/* Starts writing `path` (through PATH.tmp.PID, renamed into place by
 * stance_warc_writer_close(), so a failed export leaves no half file). */
int stance_warc_writer_open(stance_warc_writer **out, const char *path);

/*
 * Writes one record, its own gzip member: `version` ("WARC/1.1"), the
 * `n` fields given (in order), then WARC-Block-Digest and Content-Length
 * of `block`, then the block and two CRLF.
 */
int stance_warc_write(stance_warc_writer *w, const char *version, const stance_warc_field *fields,
	size_t n, const void *block, size_t len);

/* Flushes, syncs and renames the file into place; frees the writer. */
int stance_warc_writer_close(stance_warc_writer *w);

/* Removes the unfinished file; frees the writer. NULL does nothing. */
void stance_warc_writer_abort(stance_warc_writer *w);

/* An HTTP response as a `response` record's block holds it. */
typedef struct {
	long status;                 /* 200 */
	char *status_line;           /* "HTTP/1.1 200 OK" */
	stance_warc_field *headers;  /* in order, names as written */
	size_t nheaders;
	stance_buf payload;          /* the body, chunked framing and Content-Encoding removed */
} stance_http_response;

/*
 * Parses block[0, len) as an HTTP response: the status line, the header
 * lines up to the empty line, the body; a `Transfer-Encoding: chunked` body
 * is de-chunked and a `Content-Encoding` of gzip, x-gzip or deflate
 * inflated. STANCE_EPARSE with a sentence beginning with `what` for a
 * message that is not one (no status line, a malformed chunk, a body that
 * does not inflate, an encoding other than these).
 */
int stance_http_response_parse(stance_http_response *out, const char *block, size_t len, const char *what);

/* The value of header `name` (case-insensitive), or NULL. */
const char *stance_http_header(const stance_http_response *resp, const char *name);

void stance_http_response_dispose(stance_http_response *resp);

#ifdef __cplusplus
}
#endif
#endif
