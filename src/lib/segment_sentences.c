/*
 * segment_sentences.c: every sentence of a canonical Markdown body, headings
 * and table rows included, as byte ranges without the block's marker and
 * the whitespace round it: the unit blame, the pickaxe and search read.
 */
#include "internal.h"
#include "segment.h"

int seg_body_sentences(seg_sentence_list *out, const char *body, size_t len)
{
	stance_diff_block *blocks = NULL;
	size_t nblocks = 0, i, *ends = NULL, nends = 0, aends = 0;
	seg_tokens t = { 0 };
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (seg_blocks(&blocks, &nblocks, body, len) < 0)
		goto done;
	for (i = 0; i < nblocks; i++) {
		const stance_diff_block *bk = &blocks[i];
		size_t m = seg_block_marker(body + bk->start, bk->end - bk->start, NULL, NULL);
		size_t from = bk->start + m, s, first = 0;
		t.count = 0;
		nends = 0;
		if (seg_tokenize(&t, body + from, bk->end - from) < 0 ||
		    seg_sentences(&ends, &nends, &aends, body + from, &t, 0, t.count) < 0)
			goto done;
		for (s = 0; s < nends; s++) {
			size_t lead = first, last = ends[s];
			first = ends[s];
			while (lead < last && t.items[lead].kind == SEG_SPACE)
				lead++;
			while (last > lead && t.items[last - 1].kind == SEG_SPACE)
				last--;
			if (last <= lead)
				continue;
			if (stance_array_grow(&out->items, &out->alloc, out->count + 1, sizeof(*out->items)) < 0)
				goto done;
			out->items[out->count].start = from + t.items[lead].start;
			out->items[out->count].end = from + t.items[last - 1].end;
			out->items[out->count].block = i;
			out->items[out->count].hash = seg_hash_normalized(body + out->items[out->count].start,
				out->items[out->count].end - out->items[out->count].start);
			out->count++;
		}
	}
	error = 0;
done:
	free(blocks);
	free(t.items);
	free(ends);
	if (error < 0) {
		free(out->items);
		memset(out, 0, sizeof(*out));
	}
	return error;
}

char *seg_collapse(const char *text, size_t len)
{
	char *out = malloc(len + 1);
	size_t i, n = 0;
	int space = 0;
	if (!out) {
		stance_error_oom();
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && n)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)c;
	}
	out[n] = 0;
	return out;
}
