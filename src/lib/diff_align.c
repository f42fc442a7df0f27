/*
 * diff_align.c: the block level of the diff (the blueprint's step 2): the
 * anchors (blocks equal on both sides, in order), the exact moves, the
 * pairing of edited blocks by similarity, the moves with edits, and the
 * block ops in the new text's order.
 */
#include "diff_internal.h"
#include "segment.h"
#include "seqdiff.h"

enum { B_EQUAL = 0, B_LONE, B_PAIRED, B_MOVED };

/* Blocks shorter than this many words are not taken for moves: "(weggefallen)"
 * twice in a law is not a paragraph that moved. */
#define MOVE_MIN_WORDS 5
/* Similarity at which two blocks in the same gap are one edited block. */
#define PAIR_THRESHOLD 0.4
/* Similarity at which a block elsewhere is the same passage, moved. */
#define MOVE_THRESHOLD 0.6
/* Dice computations allowed when looking for edited moves. */
#define MOVE_PAIR_BUDGET 4000000LL

typedef struct {
	size_t i0, i1, j0, j1;
} gap;

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Emits a moved block: the MOVE op, then its inside as children. */
static int emit_move(engine *e, size_t i, size_t j)
{
	stance_diff *d = e->d;
	size_t at;
	if (diff_push_op(d, STANCE_DIFF_MOVE, STANCE_DIFF_BLOCK, d->ob[i].start, d->ob[i].end,
		    d->nb[j].start, d->nb[j].end, i, j) < 0)
		return -1;
	at = d->nops - 1;
	d->barrier = d->nops;
	if (diff_block_pair(e, i, j) < 0)
		return -1;
	d->ops[at].children = d->nops - at - 1;
	d->barrier = d->nops;
	return 0;
}

/* A cheap key of a block's bytes for finding its twin: its length and its
 * first and last eight bytes, mixed. */
static uint64_t twin_key(const char *t, size_t n)
{
	uint64_t x = 0, y = 0, h;
	memcpy(&x, t, n < 8 ? n : 8);
	if (n > 8)
		memcpy(&y, t + n - 8, 8);
	h = (x * 0x9E3779B97F4A7C15ULL) ^ (y * 0xC2B2AE3D27D4EB4FULL) ^ (n * 0x165667B19E3779F9ULL);
	return h ^ (h >> 31);
}

/* The work state of aligning the blocks, shared by its steps. */
typedef struct {
	engine *e;
	stance_diff *d;
	size_t onb, nnb;
	uint32_t *a, *b;         /* block ids, equal after whitespace is collapsed */
	uint8_t *ca, *cb;        /* 1: not among the anchors (the equal blocks in order) */
	int *ostate, *nstate;    /* B_EQUAL, B_LONE, B_PAIRED, B_MOVED */
	size_t *opartner, *npartner, *ogap, *ngap, *ow, *nw;
	bag *obag, *nbag;        /* the unanchored blocks' words */
	gap *gaps;               /* the stretches between runs of anchors */
	size_t ngaps, agaps;
} aligner;

static void aligner_free(aligner *al)
{
	size_t i, j;
	for (i = 0; al->obag && i < al->onb; i++)
		free(al->obag[i].h);
	for (j = 0; al->nbag && j < al->nnb; j++)
		free(al->nbag[j].h);
	free(al->obag);
	free(al->nbag);
	free(al->a);
	free(al->b);
	free(al->ca);
	free(al->cb);
	free(al->ostate);
	free(al->nstate);
	free(al->opartner);
	free(al->npartner);
	free(al->ogap);
	free(al->ngap);
	free(al->ow);
	free(al->nw);
	free(al->gaps);
}

static int aligner_init(aligner *al, engine *e)
{
	stance_diff *d = e->d;
	size_t onb = d->onb, nnb = d->nnb;
	memset(al, 0, sizeof(*al));
	al->e = e;
	al->d = d;
	al->onb = onb;
	al->nnb = nnb;
	al->a = malloc((onb + 1) * sizeof(*al->a));
	al->b = malloc((nnb + 1) * sizeof(*al->b));
	al->ca = calloc(onb + 1, 1);
	al->cb = calloc(nnb + 1, 1);
	al->ostate = calloc(onb + 1, sizeof(int));
	al->nstate = calloc(nnb + 1, sizeof(int));
	al->opartner = calloc(onb + 1, sizeof(size_t));
	al->npartner = calloc(nnb + 1, sizeof(size_t));
	al->ogap = calloc(onb + 1, sizeof(size_t));
	al->ngap = calloc(nnb + 1, sizeof(size_t));
	al->ow = calloc(onb + 1, sizeof(size_t));
	al->nw = calloc(nnb + 1, sizeof(size_t));
	al->obag = calloc(onb + 1, sizeof(bag));
	al->nbag = calloc(nnb + 1, sizeof(bag));
	if (!al->a || !al->b || !al->ca || !al->cb || !al->ostate || !al->nstate || !al->opartner ||
	    !al->npartner || !al->ogap || !al->ngap || !al->ow || !al->nw || !al->obag || !al->nbag)
		return stance_error_oom();
	return 0;
}

/* The id of each block: equal ids for blocks equal after collapsing
 * whitespace. */
static int block_ids(aligner *al)
{
	engine *e = al->e;
	stance_diff *d = al->d;
	size_t onb = al->onb, nnb = al->nnb, i, j, tcap;
	uint32_t *a = al->a, *b = al->b, *twin = NULL;
	int error = -1;

	for (i = 0; i < onb; i++)
		if (!(a[i] = diff_intern(e, seg_hash_normalized(d->old_text + d->ob[i].start,
			d->ob[i].end - d->ob[i].start))))
			goto done;
	/* A new block with the very bytes of an old one has its id: most blocks
	 * of an amended law are unchanged, and finding the old twin (a table of
	 * old blocks by length and first and last bytes, then memcmp) is much
	 * cheaper than the whitespace-collapsing hash. */
	for (tcap = 1024; tcap < onb * 4; tcap <<= 1)
		;
	if (!(twin = malloc(tcap * sizeof(uint32_t)))) {
		stance_error_oom();
		goto done;
	}
	memset(twin, 0xFF, tcap * sizeof(uint32_t));
	/* open addressing, linear probing; equal old blocks are kept once */
	for (i = 0; i < onb; i++) {
		size_t slot = twin_key(d->old_text + d->ob[i].start, d->ob[i].end - d->ob[i].start) & (tcap - 1);
		while (twin[slot] != UINT32_MAX && a[twin[slot]] != a[i])
			slot = (slot + 1) & (tcap - 1);
		twin[slot] = (uint32_t)i;
	}
	for (j = 0; j < nnb; j++) {
		const char *t = d->new_text + d->nb[j].start;
		size_t n = d->nb[j].end - d->nb[j].start, slot = twin_key(t, n) & (tcap - 1);
		uint32_t k;
		while ((k = twin[slot]) != UINT32_MAX &&
		       (d->ob[k].end - d->ob[k].start != n || memcmp(d->old_text + d->ob[k].start, t, n)))
			slot = (slot + 1) & (tcap - 1);
		if (k != UINT32_MAX)
			b[j] = a[k];
		else if (!(b[j] = diff_intern(e, seg_hash_normalized(t, n))))
			goto done;
	}
	error = 0;
done:
	free(twin);
	return error;
}

/*
 * Anchors: the blocks equal on both sides, in order (patience anchors, Myers
 * between them), and the gaps between their runs, where every other block
 * is B_LONE until a later step pairs it or finds it moved.
 */
static int find_anchors(aligner *al)
{
	engine *e = al->e;
	size_t onb = al->onb, nnb = al->nnb, i, j;
	const uint32_t *a = al->a, *b = al->b;
	uint8_t *ca = al->ca, *cb = al->cb;
	int *ostate = al->ostate, *nstate = al->nstate;
	size_t *ogap = al->ogap, *ngap = al->ngap;
	int r;

	if ((r = seqdiff_patience(a, onb, b, nnb, e->nids, ca, cb, &e->budget)) < 0)
		return -1;
	if (r) {
		e->fell_back = 1;
		e->fallback_unit = STANCE_DIFF_BLOCK;
	}

	/* the gaps between runs of equal blocks */
	i = 0;
	j = 0;
	while (i < onb || j < nnb) {
		if (i < onb && j < nnb && !ca[i] && !cb[j]) {
			i++;
			j++;
			continue;
		}
		if (stance_array_grow(&al->gaps, &al->agaps, al->ngaps + 1, sizeof(*al->gaps)) < 0)
			return -1;
		al->gaps[al->ngaps].i0 = i;
		al->gaps[al->ngaps].j0 = j;
		while (i < onb && ca[i]) {
			ostate[i] = B_LONE;
			ogap[i] = al->ngaps;
			i++;
		}
		while (j < nnb && cb[j]) {
			nstate[j] = B_LONE;
			ngap[j] = al->ngaps;
			j++;
		}
		al->gaps[al->ngaps].i1 = i;
		al->gaps[al->ngaps].j1 = j;
		al->ngaps++;
	}

	return 0;
}

/* The bags of the blocks left alone between the anchors; a bag holds one
 * hash per word or CJK token, so its size is the block's word count. */
static int make_bags(aligner *al)
{
	stance_diff *d = al->d;
	size_t onb = al->onb, nnb = al->nnb, i, j;
	const int *ostate = al->ostate, *nstate = al->nstate;
	bag *obag = al->obag, *nbag = al->nbag;
	size_t *ow = al->ow, *nw = al->nw;

	/* unmatched blocks: their bags; a bag holds one hash per word or CJK
	 * token, so its size is the block's word count (no second tokenising) */
	for (i = 0; i < onb; i++)
		if (ostate[i] == B_LONE) {
			if (diff_make_bag(&obag[i], d->old_text + d->ob[i].start, d->ob[i].end - d->ob[i].start) < 0)
				return -1;
			ow[i] = obag[i].n;
		}
	for (j = 0; j < nnb; j++)
		if (nstate[j] == B_LONE) {
			if (diff_make_bag(&nbag[j], d->new_text + d->nb[j].start, d->nb[j].end - d->nb[j].start) < 0)
				return -1;
			nw[j] = nbag[j].n;
		}

	return 0;
}

/* Moves: the same block, unchanged, in another place. */
static int find_exact_moves(aligner *al)
{
	engine *e = al->e;
	size_t onb = al->onb, nnb = al->nnb, i, j;
	const uint32_t *a = al->a, *b = al->b;
	uint32_t *first_old = NULL, *next_old = NULL;
	int *ostate = al->ostate, *nstate = al->nstate;
	const size_t *ow = al->ow, *nw = al->nw, *ogap = al->ogap, *ngap = al->ngap;
	size_t *opartner = al->opartner, *npartner = al->npartner;
	int error = -1;

	/* 1. the same block, unchanged, in another place: a move */
	first_old = malloc(e->nids * sizeof(uint32_t));
	next_old = malloc((onb + 1) * sizeof(uint32_t));
	if (!first_old || !next_old) {
		stance_error_oom();
		goto done;
	}
	memset(first_old, 0xFF, e->nids * sizeof(uint32_t));
	for (i = onb; i-- > 0;)
		if (ostate[i] == B_LONE && ow[i] >= MOVE_MIN_WORDS) {
			next_old[i] = first_old[a[i]];
			first_old[a[i]] = (uint32_t)i;
		}
	for (j = 0; j < nnb; j++) {
		uint32_t k;
		if (nstate[j] != B_LONE || nw[j] < MOVE_MIN_WORDS)
			continue;
		for (k = first_old[b[j]]; k != UINT32_MAX; k = next_old[k])
			if (ostate[k] == B_LONE)
				break;
		if (k == UINT32_MAX)
			continue;
		ostate[k] = nstate[j] = ogap[k] == ngap[j] ? B_PAIRED : B_MOVED;
		opartner[k] = j;
		npartner[j] = k;
	}

	error = 0;
done:
	free(first_old);
	free(next_old);
	return error;
}

/* Pairing by similarity: inside a gap, edited blocks, paired in order. */
static void pair_by_similarity(aligner *al)
{
	stance_diff *d = al->d;
	size_t i, j, g, ngaps = al->ngaps;
	const gap *gaps = al->gaps;
	int *ostate = al->ostate, *nstate = al->nstate;
	const bag *obag = al->obag, *nbag = al->nbag;
	size_t *opartner = al->opartner, *npartner = al->npartner;

	/* 2. inside a gap: edited blocks, paired in order by similarity */
	for (g = 0; g < ngaps; g++) {
		size_t last_j = gaps[g].j0;
		/* one block replaced by one block of the same kind: an edit of it */
		if (gaps[g].i1 - gaps[g].i0 == 1 && gaps[g].j1 - gaps[g].j0 == 1 &&
		    ostate[gaps[g].i0] == B_LONE && nstate[gaps[g].j0] == B_LONE &&
		    d->ob[gaps[g].i0].kind == d->nb[gaps[g].j0].kind &&
		    diff_bag_dice(&obag[gaps[g].i0], &nbag[gaps[g].j0], 0.15) >= 0.15) {
			ostate[gaps[g].i0] = nstate[gaps[g].j0] = B_PAIRED;
			opartner[gaps[g].i0] = gaps[g].j0;
			npartner[gaps[g].j0] = gaps[g].i0;
			continue;
		}
		for (i = gaps[g].i0; i < gaps[g].i1; i++) {
			double best = PAIR_THRESHOLD;
			size_t bj = 0, tried = 0;
			int found = 0;
			if (ostate[i] != B_LONE)
				continue;
			/* the edited block is near: a window of 16 blocks ahead */
			for (j = last_j; j < gaps[g].j1 && tried < 16; j++) {
				double sim;
				if (nstate[j] != B_LONE)
					continue;
				tried++;
				sim = diff_bag_dice(&obag[i], &nbag[j], best);
				if (sim >= best) {
					best = sim;
					bj = j;
					found = 1;
					if (sim >= 0.95)
						break;
				}
			}
			if (found) {
				ostate[i] = nstate[bj] = B_PAIRED;
				opartner[i] = bj;
				npartner[bj] = i;
				last_j = bj + 1;
			}
		}
	}

}

/* Moves with edits: an edited block elsewhere, found through the words it
 * shares with the old blocks. */
static int find_edited_moves(aligner *al)
{
	size_t onb = al->onb, nnb = al->nnb, i, j;
	long long pair_budget = MOVE_PAIR_BUDGET;
	uint64_t *by_size = NULL;
	size_t nsized = 0, *cand = NULL, *seen = NULL, *hits = NULL;
	int *ostate = al->ostate, *nstate = al->nstate;
	const size_t *ow = al->ow, *nw = al->nw;
	const bag *obag = al->obag, *nbag = al->nbag;
	size_t *opartner = al->opartner, *npartner = al->npartner;
	int error = -1;

	/* 3. an edited block elsewhere: a move with edits inside. Candidates are
	 * the old blocks that share a distinctive word (one found in at most
	 * 64 old blocks) with the new one: an index of (word, block) pairs,
	 * sorted, keeps this near linear on long documents. */
	for (i = 0; i < onb; i++)
		if (ostate[i] == B_LONE && ow[i] >= MOVE_MIN_WORDS)
			nsized += obag[i].n;
	if (!(by_size = malloc((nsized + 1) * sizeof(uint64_t))) ||
	    !(cand = malloc((onb + 1) * sizeof(size_t))) || !(seen = calloc(onb + 1, sizeof(size_t))) ||
	    !(hits = calloc(onb + 1, sizeof(size_t)))) {
		stance_error_oom();
		goto done;
	}
	nsized = 0;
	for (i = 0; i < onb; i++) {
		size_t w;
		if (ostate[i] != B_LONE || ow[i] < MOVE_MIN_WORDS)
			continue;
		for (w = 0; w < obag[i].n; w++)
			if (w == 0 || obag[i].h[w] != obag[i].h[w - 1])
				by_size[nsized++] = ((uint64_t)obag[i].h[w] << 32) | (uint32_t)i;
	}
	qsort(by_size, nsized, sizeof(uint64_t), cmp_u64);
	for (j = 0; j < nnb && pair_budget > 0; j++) {
		double best = MOVE_THRESHOLD;
		size_t bi = 0, w, ncand = 0, c, max_hits = 0;
		int found = 0;
		if (nstate[j] != B_LONE || nw[j] < MOVE_MIN_WORDS)
			continue;
		for (w = 0; w < nbag[j].n; w++) {
			uint64_t key = (uint64_t)nbag[j].h[w] << 32;
			size_t lo = 0, hi = nsized, end;
			if (w && nbag[j].h[w] == nbag[j].h[w - 1])
				continue;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (by_size[mid] < key)
					lo = mid + 1;
				else
					hi = mid;
			}
			/* a common word (in more than 64 old blocks) says nothing; its
			 * run is not walked to the end to find that out */
			for (end = lo; end < nsized && end - lo <= 64 && (by_size[end] >> 32) == nbag[j].h[w]; end++)
				;
			if (end - lo > 64)
				continue;
			for (; lo < end; lo++) {
				size_t k = (size_t)(by_size[lo] & 0xFFFFFFFFu);
				if (seen[k] != j + 1) {
					seen[k] = j + 1;
					hits[k] = 0;
					cand[ncand++] = k;
				}
				if (++hits[k] > max_hits)
					max_hits = hits[k];
			}
		}
		/* only the candidates sharing the most distinctive words */
		for (c = 0; c < ncand; c++) {
			double sim;
			i = cand[c];
			if (ostate[i] != B_LONE || hits[i] * 2 < max_hits)
				continue;
			pair_budget--;
			sim = diff_bag_dice(&obag[i], &nbag[j], best);
			if (sim >= best) {
				best = sim;
				bi = i;
				found = 1;
			}
		}
		if (found) {
			ostate[bi] = nstate[j] = B_MOVED;
			opartner[bi] = j;
			npartner[j] = bi;
		}
	}

	error = 0;
done:
	free(by_size);
	free(cand);
	free(seen);
	free(hits);
	return error;
}

/* Emits the block ops in the new text's order; deletions where they stood. */
static int emit_blocks(aligner *al)
{
	engine *e = al->e;
	stance_diff *d = al->d;
	size_t onb = al->onb, nnb = al->nnb, i, j, g;
	const uint8_t *ca = al->ca, *cb = al->cb;
	const gap *gaps = al->gaps;
	const int *ostate = al->ostate, *nstate = al->nstate;
	const size_t *npartner = al->npartner;

	/* emit in the new text's order; deletions where they stood */
	for (g = 0, i = 0, j = 0; i < onb || j < nnb;) {
		size_t cur, i1, j1, jj;
		if (i < onb && j < nnb && !ca[i] && !cb[j]) {
			if (diff_push_op(d, STANCE_DIFF_EQUAL, STANCE_DIFF_BLOCK, d->ob[i].start, d->ob[i].end,
				    d->nb[j].start, d->nb[j].end, i, j) < 0)
				return -1;
			i++;
			j++;
			continue;
		}
		i1 = gaps[g].i1;
		j1 = gaps[g].j1;
		g++;
		cur = i;
		for (jj = j; jj < j1; jj++) {
			if (nstate[jj] == B_PAIRED) {
				size_t pi = npartner[jj];
				for (; cur < pi; cur++)
					if (ostate[cur] == B_LONE &&
					    diff_push_op(d, STANCE_DIFF_DELETE, STANCE_DIFF_BLOCK, d->ob[cur].start,
						    d->ob[cur].end, d->nb[jj].start, d->nb[jj].start, cur, jj) < 0)
						return -1;
				if (diff_block_pair(e, pi, jj) < 0)
					return -1;
				/* an exact pair may cross a similarity pair: never step back */
				if (pi + 1 > cur)
					cur = pi + 1;
			} else if (nstate[jj] == B_MOVED) {
				if (emit_move(e, npartner[jj], jj) < 0)
					return -1;
			} else {
				size_t at = cur < onb ? d->ob[cur].start : d->old_len;
				if (diff_push_op(d, STANCE_DIFF_INSERT, STANCE_DIFF_BLOCK, at, at,
					    d->nb[jj].start, d->nb[jj].end, cur < onb ? cur : onb, jj) < 0)
					return -1;
			}
		}
		{
			size_t at = j1 < nnb ? d->nb[j1].start : d->new_len;
			for (; cur < i1; cur++)
				if (ostate[cur] == B_LONE &&
				    diff_push_op(d, STANCE_DIFF_DELETE, STANCE_DIFF_BLOCK, d->ob[cur].start,
					    d->ob[cur].end, at, at, cur, j1 < nnb ? j1 : nnb) < 0)
					return -1;
		}
		i = i1;
		j = j1;
	}
	return 0;
}

/*
 * Aligns the blocks of the two sides (the blueprint's step 2): anchors, then
 * the exact moves, the pairing by similarity inside the gaps, and the moves
 * with edits, then the ops.
 */
int diff_align_blocks(engine *e)
{
	aligner al;
	size_t i, j, onb, nnb;
	size_t *ow, *nw;
	int error = -1;

	if (aligner_init(&al, e) < 0 || block_ids(&al) < 0 || find_anchors(&al) < 0 ||
	    make_bags(&al) < 0 || find_exact_moves(&al) < 0)
		goto done;
	pair_by_similarity(&al);
	if (find_edited_moves(&al) < 0 || emit_blocks(&al) < 0)
		goto done;
	onb = al.onb;
	nnb = al.nnb;
	ow = al.ow;
	nw = al.nw;
	/* the word counts outlive the pairing, for count_stats(): blocks
	 * without a bag have none */
	for (i = 0; i < onb; i++)
		if (!al.obag[i].h)
			ow[i] = SIZE_MAX;
	for (j = 0; j < nnb; j++)
		if (!al.nbag[j].h)
			nw[j] = SIZE_MAX;
	e->words[0] = ow;
	e->words[1] = nw;
	al.ow = al.nw = NULL;
	error = 0;
done:
	aligner_free(&al);
	return error;
}
