/*
 * test_common.c: the growable string buffer and the array-growth helper:
 * sizes past size_t are refused with a message instead of wrapping round,
 * and growing keeps what is there.
 */
#include "helpers.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

Test(array_grow, grows_geometrically_and_keeps_the_items)
{
	int *v = NULL;
	size_t cap = 0, n, reallocs = 0;
	for (n = 0; n < 100000; n++) {
		size_t before = cap;
		cr_assert_eq(stance_array_grow(&v, &cap, n + 1, sizeof(*v)), 0, "%s", stance_error_last());
		cr_assert_geq(cap, n + 1);
		if (cap != before) {
			reallocs++;
			if (before)
				cr_assert_geq(cap, before * 2, "capacity %zu after %zu", cap, before);
		}
		v[n] = (int)n;
	}
	for (n = 0; n < 100000; n++)
		cr_assert_eq(v[n], (int)n, "item %zu lost", n);
	cr_assert_leq(reallocs, 20, "%zu reallocations for 100000 appends", reallocs);
	free(v);
}

Test(array_grow, enough_room_is_left_alone)
{
	char *v = NULL;
	size_t cap = 0;
	cr_assert_eq(stance_array_grow(&v, &cap, 0, 1), 0);
	cr_assert_null(v);
	cr_assert_eq(stance_array_grow(&v, &cap, 5, 1), 0);
	cr_assert_not_null(v);
	{
		char *before = v;
		size_t cap_before = cap;
		cr_assert_eq(stance_array_grow(&v, &cap, cap, 1), 0);
		cr_assert_eq(v, before);
		cr_assert_eq(cap, cap_before);
	}
	/* a jump past twice the capacity lands on at least what was asked */
	cr_assert_eq(stance_array_grow(&v, &cap, 1000, 1), 0);
	cr_assert_geq(cap, 1000);
	free(v);
}

Test(array_grow, count_times_size_past_size_t_is_refused)
{
	struct { char bytes[16]; } *v = NULL;
	size_t cap = 0;
	stance_error_clear();
	/* SIZE_MAX / 8 items of 16 bytes: the product wraps round */
	cr_assert_eq(stance_array_grow(&v, &cap, SIZE_MAX / 8, sizeof(*v)), STANCE_ERROR);
	cr_assert_null(v);
	cr_assert_eq(cap, 0);
	cr_assert(strstr(stance_error_last(), "out of memory"), "%s", stance_error_last());

	/* an array in use is left as it was */
	cr_assert_eq(stance_array_grow(&v, &cap, 3, sizeof(*v)), 0);
	memcpy(v[2].bytes, "kept", 5);
	{
		void *before = v;
		size_t cap_before = cap;
		cr_assert_eq(stance_array_grow(&v, &cap, SIZE_MAX, sizeof(*v)), STANCE_ERROR);
		cr_assert_eq((void *)v, before);
		cr_assert_eq(cap, cap_before);
		cr_assert_str_eq(v[2].bytes, "kept");
	}
	free(v);
}

Test(array_grow, one_allocation_past_ptrdiff_max_is_refused)
{
	/* bytes: no product to overflow, but no allocation may be that large */
	char *v = NULL;
	size_t cap = 0;
	cr_assert_eq(stance_array_grow(&v, &cap, (size_t)PTRDIFF_MAX + 1, 1), STANCE_ERROR);
	cr_assert_eq(cap, 0);
	cr_assert_null(v);
}

Test(buf, growth_past_size_t_is_refused)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_buf_puts(&b, "abc"), 0);
	stance_error_clear();
	/* size + extra + 1 wraps round to a few bytes without the check, and the
	 * buffer then reports room it does not have */
	cr_assert_eq(stance_buf_grow(&b, SIZE_MAX - 2), STANCE_ERROR);
	cr_assert(strstr(stance_error_last(), "out of memory"), "%s", stance_error_last());
	cr_assert_eq(stance_buf_grow(&b, SIZE_MAX), STANCE_ERROR);
	cr_assert_eq(stance_buf_grow(&b, (size_t)PTRDIFF_MAX), STANCE_ERROR);
	cr_assert_str_eq(stance_buf_cstr(&b), "abc");
	cr_assert_eq(b.size, 3);
	stance_buf_dispose(&b);
}

Test(buf, growth_keeps_the_content)
{
	stance_buf b = STANCE_BUF_INIT;
	size_t i;
	for (i = 0; i < 50000; i++)
		cr_assert_eq(stance_buf_putc(&b, (char)('a' + i % 26)), 0);
	cr_assert_eq(b.size, 50000);
	cr_assert_gt(b.asize, b.size);
	for (i = 0; i < 50000; i++)
		cr_assert_eq(b.ptr[i], (char)('a' + i % 26), "byte %zu", i);
	cr_assert_eq(b.ptr[b.size], '\0');
	cr_assert_eq(stance_buf_printf(&b, "%s-%d", "x", 7), 0);
	cr_assert_str_eq(b.ptr + 50000, "x-7");
	stance_buf_dispose(&b);
}
