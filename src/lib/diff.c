/*
 * diff.c: the diff engine. Blocks first (aligned in diff_align.c: patience
 * anchors, then Myers; unmatched blocks paired by similarity or recognised
 * as moves), then sentences and words inside a pair (Myers in linear space),
 * a semantic clean-up, and one edit script of byte ranges that tile both
 * bodies.
 */
#include "diff_internal.h"
#include "segment.h"
#include "stance/diff.h"
#include "stance/document.h"
#include "stance/positions.h"
#include "seqdiff.h"

#include <stdio.h>

/* ---------------------------------------------------------------- script */

/* The fields stance_diff_meta() answers for. */
static const char *const meta_fields[] = {
	"id", "title", "kind", "organization", "published", "language", "source", "publication", NULL
};

int diff_push_op(stance_diff *d, stance_diff_op_kind op, stance_diff_unit unit,
	size_t os, size_t oe, size_t ns, size_t ne, size_t ob, size_t nb)
{
	stance_diff_op *o;
	/* merge with the op before when it continues it */
	if (d->nops && op != STANCE_DIFF_MOVE) {
		o = &d->ops[d->nops - 1];
		if (d->nops > d->barrier && o->op == op && o->unit == unit &&
		    o->old_end == os && o->new_end == ns) {
			o->old_end = oe;
			o->new_end = ne;
			return 0;
		}
	}
	if (stance_array_grow(&d->ops, &d->aops, d->nops + 1, sizeof(*d->ops)) < 0)
		return STANCE_ERROR;
	o = &d->ops[d->nops++];
	o->op = op;
	o->unit = unit;
	o->old_start = os;
	o->old_end = oe;
	o->new_start = ns;
	o->new_end = ne;
	o->old_block = ob;
	o->new_block = nb;
	o->children = 0;
	return 0;
}

/* ---------------------------------------------------------------- ids */

static int intern_init(engine *e, size_t expected)
{
	size_t cap = 1024;
	while (cap < expected * 2)
		cap <<= 1;
	e->keys = calloc(cap, sizeof(*e->keys));
	e->vals = calloc(cap, sizeof(*e->vals));
	if (!e->keys || !e->vals)
		return stance_error_oom();
	e->cap = cap;
	e->nids = 1; /* id 0: whitespace */
	return 0;
}

static int intern_grow(engine *e)
{
	size_t cap = e->cap * 2, i;
	uint64_t *k = calloc(cap, sizeof(*k));
	uint32_t *v = calloc(cap, sizeof(*v));
	if (!k || !v) {
		free(k);
		free(v);
		return stance_error_oom();
	}
	for (i = 0; i < e->cap; i++)
		if (e->vals[i]) {
			size_t j = (size_t)(e->keys[i] * 0x9E3779B97F4A7C15ULL) & (cap - 1);
			while (v[j])
				j = (j + 1) & (cap - 1);
			k[j] = e->keys[i];
			v[j] = e->vals[i];
		}
	free(e->keys);
	free(e->vals);
	e->keys = k;
	e->vals = v;
	e->cap = cap;
	return 0;
}

/* The id of a 64-bit content hash; new hashes get the next id. Returns 0 on
 * allocation failure (id 0 is whitespace, never returned for content). */
uint32_t diff_intern(engine *e, uint64_t h)
{
	size_t j;
	if (e->nids * 2 >= e->cap && intern_grow(e) < 0)
		return 0;
	j = (size_t)(h * 0x9E3779B97F4A7C15ULL) & (e->cap - 1);
	while (e->vals[j]) {
		if (e->keys[j] == h)
			return e->vals[j];
		j = (j + 1) & (e->cap - 1);
	}
	e->keys[j] = h;
	e->vals[j] = (uint32_t)e->nids++;
	return e->vals[j];
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	return stance_fnv64(s, n) ^ (n * 0x100000001B3ULL);
}

/* ---------------------------------------------------------------- bags */

int diff_make_bag(bag *out, const char *text, size_t len)
{
	seg_tokens t = { 0 };
	size_t i;
	char small[256];
	out->h = NULL;
	out->n = 0;
	if (seg_tokenize(&t, text, len) < 0)
		return -1;
	if (!(out->h = malloc((t.count + 1) * sizeof(uint32_t)))) {
		free(t.items);
		return stance_error_oom();
	}
	for (i = 0; i < t.count; i++) {
		size_t n = t.items[i].end - t.items[i].start;
		if (t.items[i].kind != SEG_WORD && t.items[i].kind != SEG_CJK)
			continue;
		if (n * 4 + 1 <= sizeof(small))
			out->h[out->n++] = stance_fnv32(small, seg_fold(small, text + t.items[i].start, n));
		else
			out->h[out->n++] = stance_fnv32(text + t.items[i].start, n);
	}
	free(t.items);
	seg_sort_u32(out->h, out->n);
	return 0;
}

/* Dice coefficient of two bags; or -1 as soon as it is sure to come out
 * below `floor` (callers only use a value of at least their floor, so the
 * cut changes nothing they see). */
double diff_bag_dice(const bag *a, const bag *b, double floor)
{
	size_t i = 0, j = 0, common = 0, need = 0;
	double tot = (double)(a->n + b->n);
	if (a->n + b->n == 0)
		return 1.0;
	if (2.0 * (double)(a->n < b->n ? a->n : b->n) / tot < 0.3)
		return 0.0;
	/* the fewest common words giving at least `floor`, by the very
	 * expression the result is computed with */
	if (floor > 0) {
		need = (size_t)(floor * tot / 2.0);
		while (need > 0 && 2.0 * (double)(need - 1) / tot >= floor)
			need--;
		while (need <= a->n + b->n && 2.0 * (double)need / tot < floor)
			need++;
	}
	/* without branches on the values: they are hashes, so which side
	 * steps next is a coin toss the branch predictor keeps losing */
	while (i < a->n && j < b->n) {
		uint32_t x = a->h[i], y = b->h[j];
		common += x == y;
		i += x <= y;
		j += y <= x;
		/* every 16 steps: can the rest still reach `need`? */
		if (!((i + j) & 15) && common + (a->n - i < b->n - j ? a->n - i : b->n - j) < need)
			return -1.0;
	}
	return 2.0 * (double)common / tot;
}

/* ---------------------------------------------------------------- words */

typedef struct {
	int eq;
	size_t a0, a1, b0, b1; /* token index ranges */
} run;

/* Bytes of non-space content of tokens [t0, t1). */
static size_t content_len(const seg_tokens *t, size_t t0, size_t t1)
{
	size_t i, n = 0;
	for (i = t0; i < t1; i++)
		if (t->items[i].kind != SEG_SPACE)
			n += t->items[i].end - t->items[i].start;
	return n;
}

/*
 * Diffs the tokens ot[oa,ob) against nt[na,nb) word by word and emits the
 * ops. Small equalities stranded between changes are folded into them (the
 * semantic clean-up), and a sentence that kept too little is replaced whole.
 * *replace_whole comes back 1 (and nothing is emitted) when the caller should
 * show the pair as one deleted and one inserted sentence instead.
 */
static size_t tok_start(const seg_tokens *t, size_t i, size_t fallback_end)
{
	return i < t->count ? t->items[i].start : fallback_end;
}

static int word_diff(engine *e, const seg_tokens *ot, size_t oa, size_t ob,
	const seg_tokens *nt, size_t na, size_t nb, size_t obk, size_t nbk,
	size_t oend, size_t nend, int *replace_whole)
{
	stance_diff *d = e->d;
	size_t n = ob - oa, m = nb - na, i, j, nr = 0, k, eqw = 0, totw;
	uint32_t *a = NULL, *b = NULL;
	uint8_t *ca = NULL, *cb = NULL;
	run *runs = NULL;
	int error = -1, r;
	stance_diff_unit unit = e->by == STANCE_DIFF_CHAR ? STANCE_DIFF_CHAR : STANCE_DIFF_WORD;

	*replace_whole = 0;
	a = malloc((n + 1) * sizeof(*a));
	b = malloc((m + 1) * sizeof(*b));
	ca = calloc(n + 1, 1);
	cb = calloc(m + 1, 1);
	runs = malloc((n + m + 2) * sizeof(*runs));
	if (!a || !b || !ca || !cb || !runs) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const seg_token *t = &ot->items[oa + i];
		a[i] = t->kind == SEG_SPACE ? 0 : diff_intern(e, hash_bytes(d->old_text + t->start, t->end - t->start));
	}
	for (j = 0; j < m; j++) {
		const seg_token *t = &nt->items[na + j];
		b[j] = t->kind == SEG_SPACE ? 0 : diff_intern(e, hash_bytes(d->new_text + t->start, t->end - t->start));
	}
	if ((r = seqdiff_myers(a, n, b, m, ca, cb, &e->budget)) < 0)
		goto done;
	if (r) {
		/* over budget: this sentence is shown whole */
		e->fell_back = 1;
		if (e->fallback_unit > STANCE_DIFF_SENTENCE)
			e->fallback_unit = STANCE_DIFF_SENTENCE;
		*replace_whole = 1;
		error = 0;
		goto done;
	}
	/* runs of equal tokens and of changes */
	i = 0;
	j = 0;
	while (i < n || j < m) {
		run *rn = &runs[nr++];
		rn->a0 = oa + i;
		rn->b0 = na + j;
		if (i < n && j < m && !ca[i] && !cb[j]) {
			rn->eq = 1;
			while (i < n && j < m && !ca[i] && !cb[j]) {
				i++;
				j++;
			}
		} else {
			rn->eq = 0;
			while (i < n && ca[i])
				i++;
			while (j < m && cb[j])
				j++;
			/* a run of changes may alternate deletes and inserts */
			while ((i < n && ca[i]) || (j < m && cb[j])) {
				while (i < n && ca[i])
					i++;
				while (j < m && cb[j])
					j++;
			}
		}
		rn->a1 = oa + i;
		rn->b1 = na + j;
	}
	/* semantic clean-up: drop small equalities between two changes */
	for (k = 1; k + 1 < nr; k++) {
		run *p = &runs[k - 1], *q = &runs[k], *s = &runs[k + 1];
		size_t eql, before, after;
		if (!q->eq || p->eq || s->eq)
			continue;
		eql = content_len(ot, q->a0, q->a1);
		before = content_len(ot, p->a0, p->a1);
		if (content_len(nt, p->b0, p->b1) > before)
			before = content_len(nt, p->b0, p->b1);
		after = content_len(ot, s->a0, s->a1);
		if (content_len(nt, s->b0, s->b1) > after)
			after = content_len(nt, s->b0, s->b1);
		if (eql == 0 || (eql * 2 <= before && eql * 2 <= after)) {
			/* merge p, q, s into one change at k - 1 */
			p->a1 = s->a1;
			p->b1 = s->b1;
			memmove(&runs[k], &runs[k + 2], (nr - k - 2) * sizeof(*runs));
			nr -= 2;
			k = k >= 2 ? k - 2 : 0;
		}
	}
	/* slide a pure insertion or deletion past a space, so it starts with a
	 * word: "have{+ langt+} mere" becomes "have {+langt+} mere" */
	for (k = 1; k + 1 < nr; k++) {
		run *p = &runs[k - 1], *q = &runs[k], *s = &runs[k + 1];
		if (q->eq || !p->eq || !s->eq)
			continue;
		if (q->a0 == q->a1 && q->b1 > q->b0) {
			while (q->b0 < q->b1 && nt->items[q->b0].kind == SEG_SPACE && s->b0 < s->b1 &&
			       nt->items[s->b0].kind == SEG_SPACE && s->a0 < s->a1 &&
			       ot->items[s->a0].kind == SEG_SPACE) {
				p->a1++; p->b1++;
				q->a0++; q->a1++; q->b0++; q->b1++;
				s->a0++; s->b0++;
			}
		} else if (q->b0 == q->b1 && q->a1 > q->a0) {
			while (q->a0 < q->a1 && ot->items[q->a0].kind == SEG_SPACE && s->a0 < s->a1 &&
			       ot->items[s->a0].kind == SEG_SPACE && s->b0 < s->b1 &&
			       nt->items[s->b0].kind == SEG_SPACE) {
				p->a1++; p->b1++;
				q->a0++; q->a1++; q->b0++; q->b1++;
				s->a0++; s->b0++;
			}
		}
	}
	for (k = 0; k < nr; k++)
		if (runs[k].eq)
			eqw += seg_word_tokens(ot, runs[k].a0, runs[k].a1);
	totw = seg_word_tokens(ot, oa, ob);
	if (seg_word_tokens(nt, na, nb) > totw)
		totw = seg_word_tokens(nt, na, nb);
	/* too little kept: a rewrite reads better as a whole sentence */
	if (e->by <= STANCE_DIFF_SENTENCE || (totw >= 4 && eqw * 10 < totw * 4)) {
		*replace_whole = 1;
		error = 0;
		goto done;
	}
	for (k = 0; k < nr; k++) {
		run *rn = &runs[k];
		size_t os = tok_start(ot, rn->a0, oend), oe = rn->a1 < ob ? ot->items[rn->a1].start : oend;
		size_t ns = tok_start(nt, rn->b0, nend), ne = rn->b1 < nb ? nt->items[rn->b1].start : nend;
		if (rn->a0 == rn->a1 && rn->b0 == rn->b1)
			continue;
		if (rn->a0 >= ob)
			os = oend;
		if (rn->b0 >= nb)
			ns = nend;
		if (rn->eq) {
			if (diff_push_op(d, STANCE_DIFF_EQUAL, unit, os, oe, ns, ne, obk, nbk) < 0)
				goto done;
			continue;
		}
		if (oe > os && diff_push_op(d, STANCE_DIFF_DELETE, unit, os, oe, ns, ns, obk, nbk) < 0)
			goto done;
		if (ne > ns && diff_push_op(d, STANCE_DIFF_INSERT, unit, oe, oe, ns, ne, obk, nbk) < 0)
			goto done;
	}
	error = 0;
done:
	free(a);
	free(b);
	free(ca);
	free(cb);
	free(runs);
	return error;
}

/* ---------------------------------------------------------------- sentences */

/* A tokenised block: tokens with absolute byte offsets, and its sentences as
 * token index ends. */
typedef struct {
	seg_tokens t;
	size_t *ends;
	size_t nends, aends;
	size_t start, end; /* byte range of the block */
} tblock;

static void tblock_free(tblock *b)
{
	free(b->t.items);
	free(b->ends);
}

static int tblock_make(tblock *b, engine *e, const char *text, size_t start, size_t end)
{
	size_t i;
	memset(b, 0, sizeof(*b));
	b->start = start;
	b->end = end;
	if (seg_tokenize_ex(&b->t, text + start, end - start, e->by == STANCE_DIFF_CHAR) < 0)
		return -1;
	for (i = 0; i < b->t.count; i++) {
		b->t.items[i].start += start;
		b->t.items[i].end += start;
	}
	return seg_sentences(&b->ends, &b->nends, &b->aends, text, &b->t, 0, b->t.count);
}

static size_t sent_first(const tblock *b, size_t s)
{
	return s ? b->ends[s - 1] : 0;
}

static size_t sent_start(const tblock *b, size_t s)
{
	return s < b->nends ? b->t.items[sent_first(b, s)].start : b->end;
}

static size_t sent_end(const tblock *b, size_t s)
{
	return s + 1 < b->nends ? b->t.items[b->ends[s]].start : b->end;
}

/* Emits one sentence pair: word diff, or a whole-sentence replacement. */
static int diff_sentence_pair(engine *e, const tblock *o, size_t s, const tblock *n, size_t t,
	size_t obk, size_t nbk)
{
	int whole = 0;
	size_t os = sent_start(o, s), oe = sent_end(o, s), ns = sent_start(n, t), ne = sent_end(n, t);
	if (word_diff(e, &o->t, sent_first(o, s), o->ends[s], &n->t, sent_first(n, t), n->ends[t],
		      obk, nbk, oe, ne, &whole) < 0)
		return -1;
	if (!whole)
		return 0;
	if (diff_push_op(e->d, STANCE_DIFF_DELETE, STANCE_DIFF_SENTENCE, os, oe, ns, ns, obk, nbk) < 0 ||
	    diff_push_op(e->d, STANCE_DIFF_INSERT, STANCE_DIFF_SENTENCE, oe, oe, ns, ne, obk, nbk) < 0)
		return -1;
	return 0;
}

/* Diffs two blocks that correspond: sentences aligned, then words inside
 * sentence pairs. */
int diff_block_pair(engine *e, size_t i, size_t j)
{
	stance_diff *d = e->d;
	const stance_diff_block *bo = &d->ob[i], *bn = &d->nb[j];
	tblock o, n;
	uint32_t *a = NULL, *b = NULL;
	uint8_t *ca = NULL, *cb = NULL, *opaired = NULL;
	bag *ob = NULL, *nb = NULL;
	int *partner = NULL;
	size_t s, t, k;
	int error = -1, r;

	memset(&o, 0, sizeof(o));
	memset(&n, 0, sizeof(n));
	if (seg_hash_normalized(d->old_text + bo->start, bo->end - bo->start) ==
	    seg_hash_normalized(d->new_text + bn->start, bn->end - bn->start))
		return diff_push_op(d, STANCE_DIFF_EQUAL, STANCE_DIFF_BLOCK, bo->start, bo->end,
			bn->start, bn->end, i, j);
	if (e->by == STANCE_DIFF_BLOCK) {
		if (diff_push_op(d, STANCE_DIFF_DELETE, STANCE_DIFF_BLOCK, bo->start, bo->end, bn->start, bn->start, i, j) < 0 ||
		    diff_push_op(d, STANCE_DIFF_INSERT, STANCE_DIFF_BLOCK, bo->end, bo->end, bn->start, bn->end, i, j) < 0)
			return -1;
		return 0;
	}
	if (tblock_make(&o, e, d->old_text, bo->start, bo->end) < 0 ||
	    tblock_make(&n, e, d->new_text, bn->start, bn->end) < 0)
		goto done;
	a = malloc((o.nends + 1) * sizeof(*a));
	b = malloc((n.nends + 1) * sizeof(*b));
	ca = calloc(o.nends + 1, 1);
	cb = calloc(n.nends + 1, 1);
	partner = malloc((n.nends + 1) * sizeof(int));
	opaired = calloc(o.nends + 1, 1);
	if (!a || !b || !ca || !cb || !partner || !opaired) {
		stance_error_oom();
		goto done;
	}
	for (s = 0; s < o.nends; s++)
		a[s] = diff_intern(e, seg_hash_normalized(d->old_text + sent_start(&o, s),
			sent_end(&o, s) - sent_start(&o, s)) ^ 0x5E17E11CEULL);
	for (t = 0; t < n.nends; t++)
		b[t] = diff_intern(e, seg_hash_normalized(d->new_text + sent_start(&n, t),
			sent_end(&n, t) - sent_start(&n, t)) ^ 0x5E17E11CEULL);
	if ((r = seqdiff_myers(a, o.nends, b, n.nends, ca, cb, &e->budget)) < 0)
		goto done;
	if (r) {
		e->fell_back = 1;
		if (e->fallback_unit > STANCE_DIFF_SENTENCE)
			e->fallback_unit = STANCE_DIFF_SENTENCE;
	}
	/* bags for sentences that did not match as a whole */
	ob = calloc(o.nends + 1, sizeof(*ob));
	nb = calloc(n.nends + 1, sizeof(*nb));
	if (!ob || !nb) {
		stance_error_oom();
		goto done;
	}
	for (s = 0; s < o.nends; s++)
		if (ca[s] && diff_make_bag(&ob[s], d->old_text + sent_start(&o, s), sent_end(&o, s) - sent_start(&o, s)) < 0)
			goto done;
	for (t = 0; t < n.nends; t++) {
		partner[t] = -1;
		if (cb[t] && diff_make_bag(&nb[t], d->new_text + sent_start(&n, t), sent_end(&n, t) - sent_start(&n, t)) < 0)
			goto done;
	}
	/* 1. inside each gap, pair sentences by similarity, in order */
	for (s = 0, t = 0; s < o.nends || t < n.nends;) {
		size_t s1 = s, t1 = t, last_t = t, tt;
		if (s < o.nends && t < n.nends && !ca[s] && !cb[t]) {
			s++;
			t++;
			continue;
		}
		while (s1 < o.nends && ca[s1])
			s1++;
		while (t1 < n.nends && cb[t1])
			t1++;
		for (k = s; k < s1; k++) {
			double best = 0.3;
			size_t bt = 0;
			int found = 0;
			for (tt = last_t; tt < t1 && tt < last_t + 32; tt++) {
				double sim = diff_bag_dice(&ob[k], &nb[tt], best);
				if (partner[tt] < 0 && sim >= best) {
					best = sim;
					bt = tt;
					found = 1;
				}
			}
			if (found) {
				partner[bt] = (int)k;
				opaired[k] = 1;
				last_t = bt + 1;
			}
		}
		s = s1;
		t = t1;
	}
	/* 2. a sentence of three words or more found elsewhere in the block,
	 * unchanged or at least 60% alike: a move (with its edits inside) */
	for (t = 0; t < n.nends; t++) {
		double best = 0.6;
		int found = -1;
		if (!cb[t] || partner[t] >= 0 || nb[t].n < 3)
			continue;
		for (s = 0; s < o.nends; s++) {
			double sim;
			if (!ca[s] || opaired[s])
				continue;
			if (a[s] == b[t]) {
				found = (int)s;
				break;
			}
			if (ob[s].n >= 3 && (sim = diff_bag_dice(&ob[s], &nb[t], best)) >= best) {
				best = sim;
				found = (int)s;
			}
		}
		if (found >= 0) {
			partner[t] = -2 - found;
			opaired[found] = 2;
		}
	}
	/* 3. emit in the new text's order, deletions where they stood */
	for (s = 0, t = 0; s < o.nends || t < n.nends;) {
		size_t s1 = s, t1 = t, cur, tt;
		if (s < o.nends && t < n.nends && !ca[s] && !cb[t]) {
			if (diff_push_op(d, STANCE_DIFF_EQUAL, STANCE_DIFF_SENTENCE, sent_start(&o, s), sent_end(&o, s),
				    sent_start(&n, t), sent_end(&n, t), i, j) < 0)
				goto done;
			s++;
			t++;
			continue;
		}
		while (s1 < o.nends && ca[s1])
			s1++;
		while (t1 < n.nends && cb[t1])
			t1++;
		cur = s;
		for (tt = t; tt < t1; tt++) {
			if (partner[tt] >= 0) {
				size_t pk = (size_t)partner[tt];
				for (; cur < pk; cur++)
					if (opaired[cur] == 0 &&
					    diff_push_op(d, STANCE_DIFF_DELETE, STANCE_DIFF_SENTENCE, sent_start(&o, cur),
						    sent_end(&o, cur), sent_start(&n, tt), sent_start(&n, tt), i, j) < 0)
						goto done;
				if (diff_sentence_pair(e, &o, pk, &n, tt, i, j) < 0)
					goto done;
				if (pk + 1 > cur)
					cur = pk + 1;
			} else if (partner[tt] <= -2) {
				size_t pk = (size_t)(-2 - partner[tt]), at;
				if (diff_push_op(d, STANCE_DIFF_MOVE, STANCE_DIFF_SENTENCE, sent_start(&o, pk), sent_end(&o, pk),
					    sent_start(&n, tt), sent_end(&n, tt), i, j) < 0)
					goto done;
				at = d->nops - 1;
				d->barrier = d->nops;
				if (a[pk] == b[tt]) {
					if (diff_push_op(d, STANCE_DIFF_EQUAL, STANCE_DIFF_SENTENCE, sent_start(&o, pk),
						    sent_end(&o, pk), sent_start(&n, tt), sent_end(&n, tt), i, j) < 0)
						goto done;
				} else if (diff_sentence_pair(e, &o, pk, &n, tt, i, j) < 0) {
					goto done;
				}
				d->ops[at].children = d->nops - at - 1;
				d->barrier = d->nops;
			} else {
				size_t at = cur < o.nends ? sent_start(&o, cur) : o.end;
				if (diff_push_op(d, STANCE_DIFF_INSERT, STANCE_DIFF_SENTENCE, at, at,
					    sent_start(&n, tt), sent_end(&n, tt), i, j) < 0)
					goto done;
			}
		}
		{
			size_t at = t1 < n.nends ? sent_start(&n, t1) : n.end;
			for (; cur < s1; cur++)
				if (opaired[cur] == 0 &&
				    diff_push_op(d, STANCE_DIFF_DELETE, STANCE_DIFF_SENTENCE, sent_start(&o, cur),
					    sent_end(&o, cur), at, at, i, j) < 0)
					goto done;
		}
		s = s1;
		t = t1;
	}
	error = 0;
done:
	for (s = 0; ob && s < o.nends; s++)
		free(ob[s].h);
	for (t = 0; nb && t < n.nends; t++)
		free(nb[t].h);
	free(ob);
	free(nb);
	free(a);
	free(b);
	free(ca);
	free(cb);
	free(partner);
	free(opaired);
	tblock_free(&o);
	tblock_free(&n);
	return error;
}

/* ---------------------------------------------------------------- API */

#define DEFAULT_MAX_COST 200000000LL

/* Words of text[start, end), from the blocks' counts when an op of whole
 * blocks covers exactly blocks from `first` on and each of them has a
 * count; else by tokenising. A block after the first must start with an
 * ASCII byte: after the line feed before it, that is a token boundary in
 * the whole range too (a combining mark there would join the line feed). */
static size_t range_words(const engine *e, int side, const stance_diff_op *o, size_t first,
	size_t start, size_t end)
{
	const stance_diff *d = e->d;
	const stance_diff_block *bl = side ? d->nb : d->ob;
	const char *text = side ? d->new_text : d->old_text;
	size_t nbl = side ? d->nnb : d->onb, b, sum = 0;
	const size_t *w = e->words[side];
	if (w && o->unit == STANCE_DIFF_BLOCK && first < nbl && bl[first].start == start)
		for (b = first; b < nbl && bl[b].start < end && w[b] != SIZE_MAX; b++) {
			if (b > first && (unsigned char)text[bl[b].start] >= 0x80)
				break;
			sum += w[b];
			if (bl[b].end == end)
				return sum;
		}
	return seg_count_words(text + start, end - start);
}

static void count_stats(const engine *e)
{
	stance_diff *d = e->d;
	size_t k;
	stance_diff_stats *st = &d->stats;
	for (k = 0; k < d->nops; k++) {
		const stance_diff_op *o = &d->ops[k];
		switch (o->op) {
		case STANCE_DIFF_INSERT:
			st->words_added += range_words(e, 1, o, o->new_block, o->new_start, o->new_end);
			break;
		case STANCE_DIFF_DELETE:
			st->words_removed += range_words(e, 0, o, o->old_block, o->old_start, o->old_end);
			break;
		case STANCE_DIFF_MOVE:
			st->words_moved += range_words(e, 1, o, o->new_block, o->new_start, o->new_end);
			st->blocks_moved++;
			break;
		default:
			break;
		}
	}
	for (k = 0; k < d->changes.count; k++) {
		switch (d->changes.items[k].kind) {
		case STANCE_POSITION_ADDED: st->positions_added++; break;
		case STANCE_POSITION_REMOVED: st->positions_removed++; break;
		case STANCE_POSITION_REWORDED: st->positions_reworded++; break;
		}
	}
	st->fields_changed = d->nfields;
}

static const char *unit_word(stance_diff_unit u)
{
	return u == STANCE_DIFF_BLOCK ? "whole blocks" : u == STANCE_DIFF_SENTENCE ? "whole sentences" : "words";
}

static int run_engine(stance_diff *d, const stance_diff_options *opts, const char *language)
{
	engine e;
	stance_positions *defaults = NULL;
	const stance_positions *markers;
	uint8_t *touched[2] = { NULL, NULL };
	int error = -1;

	memset(&e, 0, sizeof(e));
	e.d = d;
	e.by = opts ? opts->by : STANCE_DIFF_WORD;
	if (e.by > STANCE_DIFF_CHAR)
		e.by = STANCE_DIFF_WORD;
	e.budget = opts && opts->max_cost ? (long long)opts->max_cost : DEFAULT_MAX_COST;
	e.fallback_unit = STANCE_DIFF_CHAR;
	if (seg_blocks(&d->ob, &d->onb, d->old_text, d->old_len) < 0 ||
	    seg_blocks(&d->nb, &d->nnb, d->new_text, d->new_len) < 0)
		goto done;
	if (intern_init(&e, d->onb + d->nnb + 1024) < 0) /* grows when sentences and words need more */
		goto done;
	if (diff_align_blocks(&e) < 0)
		goto done;
	if (e.fell_back) {
		stance_buf msg = STANCE_BUF_INIT;
		long long bound = opts && opts->max_cost ? (long long)opts->max_cost : DEFAULT_MAX_COST;
		if (stance_buf_printf(&msg, "the diff reached its cost bound (%lld steps); "
			"some passages are compared as %s", bound, unit_word(e.fallback_unit)) < 0)
			goto done;
		d->fallback = stance_buf_detach(&msg);
	}
	if (opts && opts->skip_positions) {
		d->positions_skipped = 1;
		count_stats(&e);
		error = 0;
		goto done;
	}
	markers = opts && opts->positions ? opts->positions : NULL;
	if (!markers) {
		if (stance_positions_new_default(&defaults) < 0)
			goto done;
		markers = defaults;
	}
	/* Statements in blocks that are equal on both sides did not change:
	 * only the changed blocks are read for positions. */
	if (!(touched[0] = calloc(d->onb + 1, 1)) || !(touched[1] = calloc(d->nnb + 1, 1))) {
		stance_error_oom();
		goto done;
	}
	{
		size_t k, b;
		for (k = 0; k < d->nops; k++) {
			const stance_diff_op *o = &d->ops[k];
			if (o->op == STANCE_DIFF_EQUAL && o->unit == STANCE_DIFF_BLOCK)
				continue;
			/* a whole block inserted (deleted) touches nothing on the side
			 * where it is absent: the block standing there may be equal */
			if (!(o->unit == STANCE_DIFF_BLOCK && o->op == STANCE_DIFF_INSERT))
				for (b = o->old_block; b < d->onb && d->ob[b].start < (o->old_end > o->old_start ? o->old_end : o->old_start + 1); b++)
					touched[0][b] = 1;
			if (!(o->unit == STANCE_DIFF_BLOCK && o->op == STANCE_DIFF_DELETE))
				for (b = o->new_block; b < d->nnb && d->nb[b].start < (o->new_end > o->new_start ? o->new_end : o->new_start + 1); b++)
					touched[1][b] = 1;
		}
	}
	if (positions_extract_masked(&d->pos[0], markers, language, d->old_text, d->old_len, d->ob, touched[0], d->onb) < 0 ||
	    positions_extract_masked(&d->pos[1], markers, language, d->new_text, d->new_len, d->nb, touched[1], d->nnb) < 0 ||
	    stance_positions_compare(&d->changes, &d->pos[0], &d->pos[1]) < 0)
		goto done;
	/* a position restated in other words may have lost (or gained) its
	 * marker: "Det kræver en stærk ledelse." -> "En stærk ledelse ..." */
	{
		size_t k, lone = 0, added = 0, removed = 0;
		for (k = 0; k < d->changes.count; k++) {
			added += d->changes.items[k].kind == STANCE_POSITION_ADDED;
			removed += d->changes.items[k].kind == STANCE_POSITION_REMOVED;
		}
		lone = added + removed;
		if (lone && lone < 2000) {
			/* every sentence of the side a lone statement may be restated on */
			stance_position_list all_old = { 0 }, all_new = { 0 };
			int r = 0;
			if (added)
				r = positions_extract_masked(&all_old, NULL, language, d->old_text, d->old_len, d->ob, touched[0], d->onb);
			if (r == 0 && removed)
				r = positions_extract_masked(&all_new, NULL, language, d->new_text, d->new_len, d->nb, touched[1], d->nnb);
			if (r == 0 && all_old.count * lone < 4000000 && all_new.count * lone < 4000000)
				r = positions_pair_restated(&d->changes, &d->pos[0], &d->pos[1], &all_old, &all_new);
			stance_position_list_free(&all_old);
			stance_position_list_free(&all_new);
			if (r < 0)
				goto done;
		}
	}
	/* what each rewording did: an amount, a date, a negation */
	if (d->changes.count) {
		size_t k;
		if (!(d->callouts = calloc(d->changes.count, sizeof(*d->callouts)))) {
			stance_error_oom();
			goto done;
		}
		for (k = 0; k < d->changes.count; k++) {
			const stance_position_change *c = &d->changes.items[k];
			if (c->kind == STANCE_POSITION_REWORDED &&
			    stance_position_callouts(&d->callouts[k], d->pos[0].items[c->old_index].text,
				d->pos[1].items[c->new_index].text) < 0)
				goto done;
		}
	}
	count_stats(&e);
	error = 0;
done:
	free(e.keys);
	free(e.vals);
	free(e.words[0]);
	free(e.words[1]);
	free(touched[0]);
	free(touched[1]);
	stance_positions_free(defaults);
	return error;
}

/* A diff of the two texts, copied, or with `borrow` read where they are
 * (the engine never writes to them). */
/* A copy of `len` bytes and a NUL after them. */
static char *copy_text(const char *s, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy) {
		stance_error_oom();
		return NULL;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* The script's two texts, copied or borrowed. Both must be UTF-8 without
 * NUL bytes: the engine works on them as C strings of the given lengths, so
 * a NUL would let it read past a copy's end. */
static int diff_new(stance_diff **out, const char *o, size_t olen, const char *n, size_t nlen, int borrow)
{
	stance_diff *d;
	int error;
	if (!o) {
		o = "";
		olen = 0;
	}
	if (!n) {
		n = "";
		nlen = 0;
	}
	if ((error = stance_utf8_validate(o, olen, "old text")) < 0 ||
	    (error = stance_utf8_validate(n, nlen, "new text")) < 0)
		return error;
	if (!(d = calloc(1, sizeof(*d))))
		return stance_error_oom();
	if (borrow) {
		d->borrowed = 1;
		d->old_text = (char *)o;
		d->new_text = (char *)n;
		d->old_len = olen;
		d->new_len = nlen;
		*out = d;
		return 0;
	}
	d->old_text = copy_text(o, olen);
	d->new_text = copy_text(n, nlen);
	d->old_len = olen;
	d->new_len = nlen;
	if (!d->old_text || !d->new_text) {
		stance_diff_free(d);
		return STANCE_ERROR;
	}
	*out = d;
	return 0;
}

int stance_diff_texts(stance_diff **out, const char *old_text, size_t old_len,
	const char *new_text, size_t new_len, const stance_diff_options *opts)
{
	stance_diff *d = NULL;
	int error;
	*out = NULL;
	STANCE_CHECK_OPTIONS(opts, STANCE_DIFF_OPTIONS_VERSION, "stance_diff_options");
	if ((error = diff_new(&d, old_text, old_len, new_text, new_len, 0)) < 0)
		return error;
	if ((error = run_engine(d, opts, opts ? opts->language : NULL)) < 0) {
		stance_diff_free(d);
		return error < 0 ? error : STANCE_ERROR;
	}
	*out = d;
	return 0;
}

/* The authors as one "A, B" string; caller frees. */
static char *authors_string(const stance_document *doc)
{
	stance_buf b = STANCE_BUF_INIT;
	size_t i, n = stance_document_author_count(doc);
	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		if ((i && stance_buf_puts(&b, ", ") < 0) || stance_buf_puts(&b, stance_document_author(doc, i)) < 0) {
			stance_buf_dispose(&b);
			return NULL;
		}
	return stance_buf_detach(&b);
}

static int add_field(stance_diff *d, const char *name, const char *o, const char *n)
{
	field_change *f;
	if ((!o && !n) || (o && n && !strcmp(o, n)))
		return 0;
	f = realloc(d->fields, (d->nfields + 1) * sizeof(*f));
	if (!f)
		return stance_error_oom();
	d->fields = f;
	f = &d->fields[d->nfields];
	f->name = stance_strdup(name);
	f->old_value = o ? stance_strdup(o) : NULL;
	f->new_value = n ? stance_strdup(n) : NULL;
	d->nfields++;
	if (!f->name || (o && !f->old_value) || (n && !f->new_value))
		return STANCE_ERROR;
	return 0;
}

static const char *extra_value(const stance_document *doc, const char *name)
{
	size_t i, n = doc ? stance_document_extra_count(doc) : 0;
	for (i = 0; i < n; i++) {
		const char *k, *v;
		if (stance_document_extra(doc, i, &k, &v) == 0 && !strcmp(k, name))
			return v;
	}
	return NULL;
}

static int diff_fields(stance_diff *d, const stance_document *o, const stance_document *n)
{
	static const char *const known[] = {
		"id", "title", "kind", "organization", "publication", "published",
		"language", "source", NULL
	};
	size_t i, side;
	char *ao = NULL, *an = NULL;
	int error;
	for (i = 0; known[i]; i++)
		if ((error = add_field(d, known[i], o ? stance_document_get(o, known[i]) : NULL,
			stance_document_get(n, known[i]))) < 0)
			return error;
	ao = o ? authors_string(o) : NULL;
	an = authors_string(n);
	error = add_field(d, "authors", ao, an);
	free(ao);
	free(an);
	if (error < 0)
		return error;
	for (side = 0; side < 2; side++) {
		const stance_document *doc = side ? n : o;
		size_t cnt = doc ? stance_document_extra_count(doc) : 0;
		for (i = 0; i < cnt; i++) {
			const char *k, *v;
			if (stance_document_extra(doc, i, &k, &v) < 0)
				continue;
			if (side == 1 && extra_value(o, k))
				continue; /* compared from the old side already */
			if ((error = add_field(d, k, side ? NULL : v,
				side ? v : extra_value(n, k))) < 0)
				return error;
		}
	}
	return 0;
}

int stance_diff_documents(stance_diff **out, const stance_document *old_doc,
	const stance_document *new_doc, const stance_diff_options *opts)
{
	stance_diff *d = NULL;
	const char *ob = old_doc ? stance_document_body(old_doc) : "";
	const char *nb = stance_document_body(new_doc);
	size_t obl = strlen(ob), nbl = strlen(nb);
	const char *language = opts && opts->language ? opts->language : NULL;
	size_t k;
	int error;

	*out = NULL;
	STANCE_CHECK_OPTIONS(opts, STANCE_DIFF_OPTIONS_VERSION, "stance_diff_options");
	if (opts && opts->old_body) {
		ob = opts->old_body;
		obl = opts->old_body_len;
	}
	if (opts && opts->new_body) {
		nb = opts->new_body;
		nbl = opts->new_body_len;
	}
	if ((error = diff_new(&d, ob, obl, nb, nbl, opts && opts->borrow_bodies &&
		opts->old_body && opts->new_body)) < 0)
		return error;
	for (k = 0; meta_fields[k]; k++) {
		const char *ov = old_doc ? stance_document_get(old_doc, meta_fields[k]) : NULL;
		const char *nv = stance_document_get(new_doc, meta_fields[k]);
		if ((ov && !(d->meta[0][k] = stance_strdup(ov))) || (nv && !(d->meta[1][k] = stance_strdup(nv)))) {
			error = STANCE_ERROR;
			goto fail;
		}
	}
	if ((error = diff_fields(d, old_doc, new_doc)) < 0)
		goto fail;
	if (!language)
		language = stance_document_get(new_doc, "language");
	if (!language && old_doc)
		language = stance_document_get(old_doc, "language");
	if ((error = run_engine(d, opts, language)) < 0)
		goto fail;
	*out = d;
	return 0;
fail:
	stance_diff_free(d);
	return error < 0 ? error : STANCE_ERROR;
}

void stance_diff_free(stance_diff *d)
{
	size_t i;
	if (!d)
		return;
	for (i = 0; i < d->nfields; i++) {
		free(d->fields[i].name);
		free(d->fields[i].old_value);
		free(d->fields[i].new_value);
	}
	free(d->fields);
	if (!d->borrowed) {
		free(d->old_text);
		free(d->new_text);
	}
	free(d->ob);
	free(d->nb);
	free(d->ops);
	free(d->fallback);
	for (i = 0; i < 8; i++) {
		free(d->meta[0][i]);
		free(d->meta[1][i]);
	}
	stance_position_list_free(&d->pos[0]);
	stance_position_list_free(&d->pos[1]);
	if (d->callouts)
		for (i = 0; i < d->changes.count; i++)
			stance_position_callout_list_free(&d->callouts[i]);
	free(d->callouts);
	stance_position_change_list_free(&d->changes);
	free(d);
}

const char *stance_diff_old_text(const stance_diff *d, size_t *len)
{
	if (len)
		*len = d->old_len;
	return d->old_text;
}

const char *stance_diff_new_text(const stance_diff *d, size_t *len)
{
	if (len)
		*len = d->new_len;
	return d->new_text;
}

size_t stance_diff_op_count(const stance_diff *d)
{
	return d->nops;
}

const stance_diff_op *stance_diff_op_at(const stance_diff *d, size_t i)
{
	return i < d->nops ? &d->ops[i] : NULL;
}

size_t stance_diff_block_count(const stance_diff *d, int side)
{
	return side ? d->nnb : d->onb;
}

const stance_diff_block *stance_diff_block_at(const stance_diff *d, int side, size_t i)
{
	if (side)
		return i < d->nnb ? &d->nb[i] : NULL;
	return i < d->onb ? &d->ob[i] : NULL;
}

size_t stance_diff_field_count(const stance_diff *d)
{
	return d->nfields;
}

int stance_diff_field_at(stance_diff_field *out, const stance_diff *d, size_t i)
{
	if (i >= d->nfields)
		return stance_error_set(STANCE_EINVALID, "no field %zu in the diff", i);
	out->name = d->fields[i].name;
	out->old_value = d->fields[i].old_value;
	out->new_value = d->fields[i].new_value;
	return 0;
}

const char *stance_diff_meta(const stance_diff *d, int side, const char *field)
{
	size_t k;
	for (k = 0; meta_fields[k]; k++)
		if (!strcmp(meta_fields[k], field))
			return d->meta[side ? 1 : 0][k];
	return NULL;
}

const stance_diff_stats *stance_diff_get_stats(const stance_diff *d)
{
	return &d->stats;
}

int stance_diff_has_changes(const stance_diff *d)
{
	size_t k;
	if (d->nfields)
		return 1;
	for (k = 0; k < d->nops; k++)
		if (d->ops[k].op != STANCE_DIFF_EQUAL)
			return 1;
	return 0;
}

const char *stance_diff_fallback(const stance_diff *d)
{
	return d->fallback;
}

int stance_diff_positions_read(const stance_diff *d)
{
	return !d->positions_skipped;
}

const stance_position_list *stance_diff_positions(const stance_diff *d, int side)
{
	return &d->pos[side ? 1 : 0];
}

const stance_position_change_list *stance_diff_position_changes(const stance_diff *d)
{
	return &d->changes;
}

const stance_position_callout_list *stance_diff_position_callouts(const stance_diff *d, size_t i)
{
	static const stance_position_callout_list none = { NULL, 0 };
	return d->callouts && i < d->changes.count ? &d->callouts[i] : &none;
}

const char *stance_diff_op_name(stance_diff_op_kind op)
{
	switch (op) {
	case STANCE_DIFF_EQUAL: return "equal";
	case STANCE_DIFF_INSERT: return "insert";
	case STANCE_DIFF_DELETE: return "delete";
	case STANCE_DIFF_MOVE: return "move";
	}
	return "?";
}

const char *stance_diff_unit_name(stance_diff_unit unit)
{
	switch (unit) {
	case STANCE_DIFF_BLOCK: return "block";
	case STANCE_DIFF_SENTENCE: return "sentence";
	case STANCE_DIFF_WORD: return "word";
	case STANCE_DIFF_CHAR: return "char";
	}
	return "?";
}

int stance_diff_unit_parse(stance_diff_unit *out, const char *name)
{
	if (!strcmp(name, "word"))
		*out = STANCE_DIFF_WORD;
	else if (!strcmp(name, "sentence"))
		*out = STANCE_DIFF_SENTENCE;
	else if (!strcmp(name, "paragraph") || !strcmp(name, "block"))
		*out = STANCE_DIFF_BLOCK;
	else if (!strcmp(name, "char"))
		*out = STANCE_DIFF_CHAR;
	else
		return stance_error_set(STANCE_EINVALID,
			"'%s' is not a diff unit (word, sentence, paragraph or char)", name);
	return 0;
}
