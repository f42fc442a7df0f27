/*
 * positions_compare.c: the positions of two documents side by side: those
 * both hold (in whatever wording), those only one holds, and those they
 * contradict (alike, but one negates the other).
 */
#include "internal.h"
#include "stance/positions.h"

#include <stdlib.h>
#include <string.h>

void stance_positions_pairing_list_free(stance_positions_pairing_list *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static int push(stance_positions_pairing_list *out, size_t *alloc, stance_positions_relation rel,
	int a, int b, double sim)
{
	if (stance_array_grow(&out->items, alloc, out->count + 1, sizeof(*out->items)) < 0)
		return -1;
	out->items[out->count].relation = rel;
	out->items[out->count].a_index = a;
	out->items[out->count].b_index = b;
	out->items[out->count].similarity = sim;
	out->count++;
	return 0;
}

static int cmp_a(const void *x, const void *y)
{
	const stance_positions_pairing *p = x, *q = y;
	return (p->a_index > q->a_index) - (p->a_index < q->a_index);
}

int stance_positions_contrast(stance_positions_pairing_list *out, const stance_position_list *a,
	const stance_position_list *b)
{
	stance_position_change_list ch = { 0 };
	uint8_t *a_listed = NULL, *b_listed = NULL, *b_taken = NULL;
	size_t alloc = 0, i, j, paired;
	int error = -1;

	memset(out, 0, sizeof(*out));
	/* the same comparison as between two revisions: identical wording is
	 * not listed, alike wording is REWORDED, the rest one side's alone */
	if (stance_positions_compare(&ch, a, b) < 0)
		return -1;
	if (!(a_listed = calloc(a->count + 1, 1)) || !(b_listed = calloc(b->count + 1, 1)) ||
	    !(b_taken = calloc(b->count + 1, 1))) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < ch.count; i++) {
		if (ch.items[i].old_index >= 0)
			a_listed[ch.items[i].old_index] = 1;
		if (ch.items[i].new_index >= 0)
			b_listed[ch.items[i].new_index] = 1;
	}
	for (i = 0; i < a->count; i++) {
		if (a_listed[i])
			continue;
		for (j = 0; j < b->count; j++)
			if (!b_listed[j] && !b_taken[j] && !strcmp(a->items[i].text, b->items[j].text)) {
				b_taken[j] = 1;
				if (push(out, &alloc, STANCE_POSITIONS_SHARED, (int)i, (int)j, 1.0) < 0)
					goto done;
				break;
			}
	}
	for (i = 0; i < ch.count; i++) {
		const stance_position_change *x = &ch.items[i];
		if (x->kind != STANCE_POSITION_REWORDED)
			continue;
		if (push(out, &alloc, stance_text_negated(a->items[x->old_index].text) !=
			stance_text_negated(b->items[x->new_index].text) ? STANCE_POSITIONS_CONTRADICTED :
			STANCE_POSITIONS_SHARED, x->old_index, x->new_index, x->similarity) < 0)
			goto done;
	}
	paired = out->count;
	if (paired)
		qsort(out->items, paired, sizeof(*out->items), cmp_a);
	for (i = 0; i < ch.count; i++)
		if (ch.items[i].kind == STANCE_POSITION_REMOVED &&
		    push(out, &alloc, STANCE_POSITIONS_ONLY_A, ch.items[i].old_index, -1, 0) < 0)
			goto done;
	for (i = 0; i < ch.count; i++)
		if (ch.items[i].kind == STANCE_POSITION_ADDED &&
		    push(out, &alloc, STANCE_POSITIONS_ONLY_B, -1, ch.items[i].new_index, 0) < 0)
			goto done;
	error = 0;
done:
	if (error < 0)
		stance_positions_pairing_list_free(out);
	stance_position_change_list_free(&ch);
	free(a_listed);
	free(b_listed);
	free(b_taken);
	return error;
}
