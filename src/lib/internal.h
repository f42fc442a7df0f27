/*
 * internal.h: helpers shared by the library's modules; not part of the API.
 * It brings stance/common.h only: each file includes the public headers
 * whose names it uses.
 */
#ifndef STANCE_INTERNAL_H
#define STANCE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stance/common.h"

/* Sets the thread's last-error message and returns `code`, so that
 * `return stance_error_set(STANCE_EPARSE, "...")` reads naturally. */
int stance_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes the current message with more context ("file.md: ") and returns
 * `code` unchanged. */
int stance_error_prefix(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An allocation failure, reported as such. */
int stance_error_oom(void);

/* Refuses an options struct whose version is not this library's (it was
 * filled from another release's header): STANCE_EINVALID naming the type and
 * the INIT macro to use. */
int stance_options_version_error(const char *type, unsigned int got, unsigned int want);
#define STANCE_CHECK_OPTIONS(opts, want, type) \
	do { \
		if ((opts) && (opts)->version != (want)) \
			return stance_options_version_error(type, (opts)->version, (want)); \
	} while (0)

/* strdup that reports failure through the error message. NULL in, NULL out. */
char *stance_strdup(const char *s);
char *stance_strndup(const char *s, size_t n);


/*
 * FNV-1a (Fowler-Noll-Vo), the library's one quick, non-cryptographic hash:
 * blocks, sentences and words compared by hash, and hash tables. Nothing
 * stores its values. The _step forms feed one byte, for a caller that hashes
 * a text as it transforms it (folds case, joins whitespace).
 */
#define STANCE_FNV32_BASIS 2166136261u
#define STANCE_FNV64_BASIS 14695981039346656037ULL
static inline uint32_t stance_fnv32_step(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}
static inline uint64_t stance_fnv64_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ULL;
}
uint32_t stance_fnv32(const void *data, size_t len);
uint64_t stance_fnv64(const void *data, size_t len);

/* A checksum of a cache file's bytes, 8 bytes a step (FNV-64 goes one byte
 * a step: a fifth of reading a 40,000-row revision table). Not for keys:
 * its values may change between versions of the file formats. */
uint64_t stance_checksum64(const void *data, size_t len);

/*
 * The message of the commit that stores document `id` (store.c; the store
 * and the batch both build it): `message`, or "Add ID" / "Update ID" after
 * `existed`, its trailing newlines dropped; then, after a blank line when
 * there are any, the `trailers` lines (ended by a newline) and a
 * "Snapshot: HEX" trailer when `snapshot` is not NULL. The message ends with
 * a newline. *plain_len, when not NULL, is its length without the Snapshot
 * trailer. Appends to `out`.
 */
int stance_store_message(stance_buf *out, size_t *plain_len, const char *message, const char *id,
	int existed, const char *trailers, const char *snapshot);

/* Creates the folders leading to `file` (not the file itself). */
int stance_mkdirs_for(const char *file);

/* stance_file_write_atomic, with the fsync only when `durable`: a file that
 * is a copy of committed data can be rebuilt, and many fsyncs are slow. */
int stance_file_write_replace(const char *path, const char *data, size_t len, int durable);

/* How many HTML pages the calling thread has handed to libxml2's parser
 * (extract.c); the tests check that a page is parsed once. */
unsigned long stance_extract_parse_count(void);

/* What libxml2 could make of HTML or XML (`xml`) bytes, counted before it
 * sees them (extract.c): at most this many start tags, attributes on one of
 * them, and attribute pairs its parser compares (n(n-1)/2 for n on an
 * element). */
typedef struct {
	size_t elements, max_attributes, attribute_pairs;
} stance_tag_counts;
void stance_tag_count(stance_tag_counts *out, const char *data, size_t len, int xml);

#endif
