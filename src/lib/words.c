/*
 * words.c: word multisets of two texts and their difference.
 */
#include "internal.h"
#include "segment.h"
#include "stance/words.h"

#include <utf8proc.h>

typedef struct {
	const char *start;
	size_t len;
	int side; /* +1 new, -1 old */
} word;

static int is_word_char(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		(c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
		(c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Calls add(start, len) for each word; returns the count. */
static size_t scan(const char *text, word **out, size_t *n, size_t *alloc, int side)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(text ? text : "");
	const utf8proc_uint8_t *start = NULL;
	size_t count = 0;
	for (;;) {
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t k = *p ? utf8proc_iterate(p, -1, &cp) : 0;
		int in = k > 0 && is_word_char(cp);
		if (in && !start)
			start = p;
		if (!in && start) {
			count++;
			if (out) {
				if (stance_array_grow(out, alloc, *n + 1, sizeof(**out)) < 0)
					return (size_t)-1;
				(*out)[*n].start = (const char *)start;
				(*out)[*n].len = (size_t)(p - start);
				(*out)[*n].side = side;
				(*n)++;
			}
			start = NULL;
		}
		if (k <= 0)
			break;
		p += k;
	}
	return count;
}

size_t stance_words_count(const char *text)
{
	return text ? seg_count_words(text, strlen(text)) : 0;
}

static int cmp_word(const void *a, const void *b)
{
	const word *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->start, y->start, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

int stance_words_delta(size_t *added, size_t *removed, const char *old_text, const char *new_text)
{
	word *words = NULL;
	size_t n = 0, alloc = 0, i = 0;
	*added = *removed = 0;
	if (scan(old_text, &words, &n, &alloc, -1) == (size_t)-1 ||
	    scan(new_text, &words, &n, &alloc, +1) == (size_t)-1) {
		free(words);
		return stance_error_oom();
	}
	if (n)
		qsort(words, n, sizeof(*words), cmp_word);
	/* Per distinct word, the surplus on one side is what was added or removed. */
	while (i < n) {
		size_t j = i;
		long balance = 0;
		while (j < n && !cmp_word(&words[i], &words[j]))
			balance += words[j++].side;
		if (balance > 0)
			*added += (size_t)balance;
		else
			*removed += (size_t)-balance;
		i = j;
	}
	free(words);
	return 0;
}

int stance_text_width(const char *text)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(text ? text : "");
	int width = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0) {
			p++;
			width++;
			continue;
		}
		width += utf8proc_charwidth(cp);
		p += k;
	}
	return width;
}
