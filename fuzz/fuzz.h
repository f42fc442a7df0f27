/*
 * fuzz.h: what the libFuzzer targets of fuzz/ share: a failed property
 * reported and turned into a crash (so libFuzzer keeps the input), NUL-
 * terminated copies, and the split of one input into two at the first 0xff
 * byte (a byte UTF-8 never has, so it cannot collide with text).
 */
#ifndef STANCE_FUZZ_H
#define STANCE_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stance.h"

/* The separator of two-input targets. */
#define FUZZ_SEPARATOR 0xff

/* Reports a broken property on standard error and aborts: libFuzzer counts
 * the abort as a finding and writes the input as its reproducer. */
#define FUZZ_FAIL(...) do { \
	fprintf(stderr, "\n%s: property broken: ", __FILE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* A NUL-terminated copy of `len` bytes; aborts when out of memory. */
static inline char *fuzz_strndup(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		abort();
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* Splits `data` at its first FUZZ_SEPARATOR: `a` is what comes before it,
 * `b` what comes after (empty when there is no separator). Returns 1 when
 * there was a separator. */
static inline int fuzz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *alen,
	const uint8_t **b, size_t *blen)
{
	const uint8_t *sep = size ? memchr(data, FUZZ_SEPARATOR, size) : NULL;
	*a = data;
	if (!sep) {
		*alen = size;
		*b = data + size;
		*blen = 0;
		return 0;
	}
	*alen = (size_t)(sep - data);
	*b = sep + 1;
	*blen = size - *alen - 1;
	return 1;
}

/* Prints where two byte strings first differ, with some context. */
static inline void fuzz_show_difference(const char *what_a, const char *a, size_t alen,
	const char *what_b, const char *b, size_t blen)
{
	size_t i = 0, from;
	while (i < alen && i < blen && a[i] == b[i])
		i++;
	from = i > 60 ? i - 60 : 0;
	fprintf(stderr, "first difference at byte %zu (%s: %zu bytes, %s: %zu bytes)\n", i, what_a, alen,
		what_b, blen);
	fprintf(stderr, "%s: …%.*s…\n", what_a, (int)((alen - from) < 160 ? alen - from : 160), a + from);
	fprintf(stderr, "%s: …%.*s…\n", what_b, (int)((blen - from) < 160 ? blen - from : 160), b + from);
}

/* A document's canonical serialisation; aborts when it cannot be made. */
static inline void fuzz_serialize(stance_buf *out, const stance_document *doc, const char *what)
{
	if (stance_document_serialize(out, doc) < 0)
		FUZZ_FAIL("%s: the document does not serialise: %s", what, stance_error_last());
}

/*
 * The property every stored document has: its serialisation parses back,
 * and serialising that gives the very same bytes. `s1` is the serialisation
 * of the document under test.
 */
static inline void fuzz_check_fixed_point(const stance_buf *s1, const char *what)
{
	stance_document *back = NULL;
	stance_buf s2 = STANCE_BUF_INIT;
	if (stance_document_parse(&back, stance_buf_cstr(s1), s1->size, "serialised") < 0)
		FUZZ_FAIL("%s: the serialisation does not parse back: %s", what, stance_error_last());
	fuzz_serialize(&s2, back, what);
	if (s2.size != s1->size || memcmp(stance_buf_cstr(&s2), stance_buf_cstr(s1), s1->size)) {
		fuzz_show_difference("serialised once", stance_buf_cstr(s1), s1->size,
			"parsed and serialised again", stance_buf_cstr(&s2), s2.size);
		FUZZ_FAIL("%s: serialise → parse → serialise is not a fixed point", what);
	}
	stance_document_free(back);
	stance_buf_dispose(&s2);
}

#endif
