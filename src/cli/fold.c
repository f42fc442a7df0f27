/*
 * fold.c: case-insensitive comparison of the text filters (fold.h).
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "fold.h"

/* The case-folded NFC form of `s`, malloc'd; NULL when `s` is not UTF-8. */
static char *folded(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
		return NULL;
	return (char *)out;
}

int cli_fold_equal(const char *a, const char *b)
{
	char *fa, *fb;
	int same;
	if (!a || !b)
		return 0;
	fa = folded(a);
	fb = folded(b);
	same = fa && fb ? !strcmp(fa, fb) : !strcmp(a, b);
	free(fa);
	free(fb);
	return same;
}
