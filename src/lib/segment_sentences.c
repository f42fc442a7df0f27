/*
 * segment_sentences.c: every sentence of a canonical Markdown body, headings
 * and table rows included, as byte ranges without the block's marker and
 * the whitespace round it: the unit blame, the pickaxe and search read.
 */
#include "internal.h"
#include "segment.h"

/* Appends the sentences of block i of body to out. t, ends: scratch. */
static int block_sentences(seg_sentence_list *out, const char *body, const stance_diff_block *blocks,
	size_t i, seg_tokens *t, size_t **ends, size_t *aends)
{
	const stance_diff_block *bk = &blocks[i];
	size_t from = seg_block_text_start(body, bk), s, first = 0, nends = 0;
	t->count = 0;
	if (seg_tokenize(t, body + from, bk->end - from) < 0 ||
	    seg_sentences(ends, &nends, aends, body + from, t, 0, t->count) < 0)
		return -1;
	for (s = 0; s < nends; s++) {
		size_t lead = first, last = (*ends)[s];
		seg_sentence *o;
		first = (*ends)[s];
		while (lead < last && t->items[lead].kind == SEG_SPACE)
			lead++;
		while (last > lead && t->items[last - 1].kind == SEG_SPACE)
			last--;
		if (last <= lead)
			continue;
		if (stance_array_grow(&out->items, &out->alloc, out->count + 1, sizeof(*out->items)) < 0)
			return -1;
		o = &out->items[out->count++];
		o->start = from + t->items[lead].start;
		o->end = from + t->items[last - 1].end;
		o->block = i;
		o->hash = seg_hash_normalized(body + o->start, o->end - o->start);
	}
	return 0;
}

/* The block of `split` that starts at `start`, or (size_t)-1. */
static size_t block_at(const seg_body_split *split, size_t start)
{
	size_t lo = 0, hi = split->nblocks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (split->blocks[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < split->nblocks && split->blocks[lo].start == start ? lo : (size_t)-1;
}

/* The first sentence of `split` in block b or after it. */
static size_t first_sentence_of(const seg_body_split *split, size_t b)
{
	size_t lo = 0, hi = split->sentences.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (split->sentences.items[mid].block < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Copies the sentences of prev's block pb, shifted to block i at `shift`
 * bytes further on (modulo size_t: a shift back wraps round and back). */
static int copy_block_sentences(seg_sentence_list *out, const seg_body_split *prev, size_t pb,
	size_t i, size_t shift)
{
	size_t k;
	for (k = first_sentence_of(prev, pb); k < prev->sentences.count && prev->sentences.items[k].block == pb; k++) {
		seg_sentence *o;
		if (stance_array_grow(&out->items, &out->alloc, out->count + 1, sizeof(*out->items)) < 0)
			return -1;
		o = &out->items[out->count++];
		*o = prev->sentences.items[k];
		o->start += shift;
		o->end += shift;
		o->block = i;
	}
	return 0;
}

int seg_body_split_make(seg_body_split *out, const char *body, size_t len,
	const seg_body_split *prev, const char *prev_body, size_t prev_len)
{
	size_t i, *ends = NULL, aends = 0, same_start = 0, same_end = 0, shortest;
	seg_tokens t = { 0 };
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (seg_blocks(&out->blocks, &out->nblocks, body, len) < 0)
		goto done;
	if (prev) {
		shortest = len < prev_len ? len : prev_len;
		/* memcmp a chunk at a time: most of a revision is the one before */
		while (same_start + 256 <= shortest && !memcmp(body + same_start, prev_body + same_start, 256))
			same_start += 256;
		while (same_start < shortest && body[same_start] == prev_body[same_start])
			same_start++;
		while (same_end + 256 <= shortest - same_start &&
		       !memcmp(body + len - same_end - 256, prev_body + prev_len - same_end - 256, 256))
			same_end += 256;
		while (same_end < shortest - same_start &&
		       body[len - 1 - same_end] == prev_body[prev_len - 1 - same_end])
			same_end++;
	}
	for (i = 0; i < out->nblocks; i++) {
		const stance_diff_block *bk = &out->blocks[i];
		size_t pb = (size_t)-1, shift = 0;
		/* a block's sentences are a function of its bytes: one the bodies
		 * share, bounds and all, is not cut again */
		if (prev && bk->end <= same_start) {
			pb = block_at(prev, bk->start);
		} else if (prev && bk->start >= len - same_end) {
			shift = len - prev_len;
			pb = block_at(prev, bk->start - shift);
		}
		if (pb != (size_t)-1 && prev->blocks[pb].end + shift == bk->end) {
			if (copy_block_sentences(&out->sentences, prev, pb, i, shift) < 0)
				goto done;
		} else if (block_sentences(&out->sentences, body, out->blocks, i, &t, &ends, &aends) < 0) {
			goto done;
		}
	}
	error = 0;
done:
	free(t.items);
	free(ends);
	if (error < 0)
		seg_body_split_clear(out);
	return error;
}

void seg_body_split_clear(seg_body_split *s)
{
	free(s->blocks);
	free(s->sentences.items);
	memset(s, 0, sizeof(*s));
}

int seg_body_sentences(seg_sentence_list *out, const char *body, size_t len)
{
	seg_body_split split;
	int error = seg_body_split_make(&split, body, len, NULL, NULL, 0);
	*out = split.sentences;
	if (error == 0)
		free(split.blocks);
	else
		memset(out, 0, sizeof(*out));
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
