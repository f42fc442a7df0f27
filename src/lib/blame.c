/*
 * blame.c: sentence-level attribution through the diff's edit script
 * (blame.h).
 */
#include "internal.h"
#include "stance/blame.h"
#include "stance/diff.h"
#include "stance/repo.h"
#include "stance/document.h"
#include "segment.h"
#include "blame_internal.h"

/* A sentence rewording one the same revision removed: word overlap at
 * least this (Dice on word bags, as the position lens compares). */
#define BLAME_REWORD_THRESHOLD 0.5

typedef struct {
	size_t wording, origin;
	int restored;
} attribution;

/* A sentence once removed, by the hash of its wording: open addressing. */
typedef struct {
	uint64_t *keys;   /* 0: empty slot */
	attribution *vals;
	size_t cap, count;
} graveyard;

static int graveyard_put(graveyard *g, uint64_t key, attribution a)
{
	size_t i;
	if (!key)
		key = 1;
	if ((g->count + 1) * 2 > g->cap) {
		graveyard n = { NULL, NULL, g->cap ? g->cap * 2 : 256, 0 };
		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		if (!n.keys || !n.vals) {
			free(n.keys);
			free(n.vals);
			return stance_error_oom();
		}
		for (i = 0; i < g->cap; i++)
			if (g->keys[i] && graveyard_put(&n, g->keys[i], g->vals[i]) < 0)
				return -1;
		free(g->keys);
		free(g->vals);
		*g = n;
	}
	for (i = key & (g->cap - 1); g->keys[i] && g->keys[i] != key; i = (i + 1) & (g->cap - 1))
		;
	if (!g->keys[i])
		g->count++;
	g->keys[i] = key;
	g->vals[i] = a;
	return 0;
}

static const attribution *graveyard_get(const graveyard *g, uint64_t key)
{
	size_t i;
	if (!g->cap)
		return NULL;
	if (!key)
		key = 1;
	for (i = key & (g->cap - 1); g->keys[i]; i = (i + 1) & (g->cap - 1))
		if (g->keys[i] == key)
			return &g->vals[i];
	return NULL;
}

/* An EQUAL op's two ranges (top-level or inside a move). */
typedef struct {
	size_t old_start, old_end, new_start, new_end;
} equal_span;

typedef struct {
	const char *body;
	size_t len;
	seg_body_split split;   /* blocks and sentences */
	attribution *attr;
	uint8_t *taken;   /* old side: carried into the next revision */
} side;

static void side_clear(side *s)
{
	seg_body_split_clear(&s->split);
	free(s->attr);
	free(s->taken);
	memset(s, 0, sizeof(*s));
}

/* Splits the body of the revision whose bytes are in `raw`; with `prev`
 * (the revision before), the blocks the two share are not cut again. */
static int side_read(side *s, const stance_buf *raw, const side *prev)
{
	size_t off = stance_document_body_offset(stance_buf_cstr(raw), raw->size);
	s->body = stance_buf_cstr(raw) + off;
	s->len = raw->size - off;
	if (seg_body_split_make(&s->split, s->body, s->len, prev ? &prev->split : NULL,
		prev ? prev->body : NULL, prev ? prev->len : 0) < 0)
		return -1;
	s->attr = calloc(s->split.sentences.count + 1, sizeof(*s->attr));
	s->taken = calloc(s->split.sentences.count + 1, 1);
	if (!s->attr || !s->taken)
		return stance_error_oom();
	return 0;
}

/* The old sentence an unchanged new sentence [start, end) with `hash` came
 * from: one of the same wording inside the EQUAL span that holds its start,
 * nearest to where the span puts it; -1 when none. */
static long carried_from(const side *old, const equal_span *spans, size_t nspans,
	size_t start, uint64_t hash, int reference)
{
	size_t lo = 0, hi = nspans, k, guess;
	long best = -1;
	size_t best_dist = (size_t)-1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (spans[mid].new_end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nspans || spans[lo].new_start > start)
		return -1;
	guess = spans[lo].old_start + (start - spans[lo].new_start);
	if (!reference && guess < spans[lo].old_end) {
		/* nearly always the old sentence right where the span puts it: at
		 * distance 0 none can be nearer, so the scan below would choose it */
		k = 0;
		hi = old->split.sentences.count;
		while (k < hi) {
			size_t mid = k + (hi - k) / 2;
			if (old->split.sentences.items[mid].start < guess)
				k = mid + 1;
			else
				hi = mid;
		}
		if (k < old->split.sentences.count && old->split.sentences.items[k].start == guess &&
		    old->split.sentences.items[k].hash == hash && !old->taken[k])
			return (long)k;
	}
	/* the first old sentence ending after the span's start */
	hi = old->split.sentences.count;
	k = 0;
	while (k < hi) {
		size_t mid = k + (hi - k) / 2;
		if (old->split.sentences.items[mid].end <= spans[lo].old_start)
			k = mid + 1;
		else
			hi = mid;
	}
	for (; k < old->split.sentences.count && old->split.sentences.items[k].start < spans[lo].old_end; k++) {
		const seg_sentence *o = &old->split.sentences.items[k];
		size_t dist = o->start > guess ? o->start - guess : guess - o->start;
		if (o->hash == hash && !old->taken[k] && dist < best_dist) {
			best = (long)k;
			best_dist = dist;
		}
	}
	return best;
}

static int cmp_span(const void *a, const void *b)
{
	const equal_span *x = a, *y = b;
	return x->new_start < y->new_start ? -1 : x->new_start > y->new_start;
}

/* Attributes the sentences of `cur` (revision `rev`) from `old` through the
 * edit script between them; the sentences `old` loses go to the graveyard. */
static int attribute_step(side *cur, side *old, size_t rev, graveyard *dead, int reference)
{
	stance_diff *d = NULL;
	stance_diff_options opts = STANCE_DIFF_OPTIONS_INIT;
	equal_span *spans = NULL;
	uint8_t *inserted = NULL, *fresh = NULL;
	size_t nspans = 0, aspans = 0, i, j, nops;
	int error = -1;

	opts.by = STANCE_DIFF_SENTENCE;
	opts.skip_positions = 1;
	if (stance_diff_texts(&d, old->body, old->len, cur->body, cur->len, &opts) < 0)
		goto done;
	inserted = calloc(cur->len + 1, 1);
	fresh = calloc(cur->split.sentences.count + 1, 1);
	if (!inserted || !fresh) {
		stance_error_oom();
		goto done;
	}
	nops = stance_diff_op_count(d);
	for (i = 0; i < nops; i++) {
		const stance_diff_op *op = stance_diff_op_at(d, i);
		if (op->op == STANCE_DIFF_MOVE && op->children)
			continue; /* its children say what inside it changed */
		if (op->op == STANCE_DIFF_INSERT) {
			for (j = op->new_start; j < op->new_end && j < cur->len; j++)
				inserted[j] = 1;
		} else if (op->op == STANCE_DIFF_EQUAL || op->op == STANCE_DIFF_MOVE) {
			if (stance_array_grow(&spans, &aspans, nspans + 1, sizeof(*spans)) < 0)
				goto done;
			spans[nspans++] = (equal_span){ op->old_start, op->old_end, op->new_start, op->new_end };
		}
	}
	if (nspans)
		qsort(spans, nspans, sizeof(*spans), cmp_span);

	/* first the sentences the script left alone: they keep what they had */
	for (i = 0; i < cur->split.sentences.count; i++) {
		const seg_sentence *s = &cur->split.sentences.items[i];
		long from = -1;
		int touched = 0;
		for (j = s->start; j < s->end && !touched; j++)
			touched = inserted[j] && cur->body[j] != ' ' && cur->body[j] != '\n';
		if (!touched)
			from = carried_from(old, spans, nspans, s->start, s->hash, reference);
		if (from >= 0) {
			old->taken[from] = 1;
			cur->attr[i] = old->attr[from];
		} else {
			fresh[i] = 1;
		}
	}
	/* then the new wordings: a sentence the engine saw as inserted may be an
	 * old one word for word (the engine paired blocks otherwise), or reword
	 * one the revision removed, or bring back one removed before */
	for (i = 0; i < cur->split.sentences.count; i++) {
		const seg_sentence *s = &cur->split.sentences.items[i];
		const attribution *back;
		long best = -1;
		double best_sim = BLAME_REWORD_THRESHOLD;
		if (!fresh[i])
			continue;
		for (j = 0; j < old->split.sentences.count; j++) {
			const seg_sentence *o = &old->split.sentences.items[j];
			double sim;
			if (old->taken[j])
				continue;
			if (o->hash == s->hash) {
				best = (long)j;
				best_sim = 2.0;
				break;
			}
			sim = stance_text_similarity(old->body + o->start, o->end - o->start,
				cur->body + s->start, s->end - s->start);
			if (sim >= best_sim) {
				best_sim = sim;
				best = (long)j;
			}
		}
		if (best >= 0 && best_sim > 1.0) {
			cur->attr[i] = old->attr[best];
			old->taken[best] = 1;
		} else if ((back = graveyard_get(dead, s->hash)) != NULL) {
			cur->attr[i] = (attribution){ rev, back->origin, 1 };
		} else if (best >= 0) {
			cur->attr[i] = (attribution){ rev, old->attr[best].origin, 0 };
			old->taken[best] = 1;
		} else {
			cur->attr[i] = (attribution){ rev, rev, 0 };
		}
	}
	for (j = 0; j < old->split.sentences.count; j++)
		if (!old->taken[j] && graveyard_put(dead, old->split.sentences.items[j].hash, old->attr[j]) < 0)
			goto done;
	error = 0;
done:
	stance_diff_free(d);
	free(spans);
	free(inserted);
	free(fresh);
	return error;
}

/* The text of `cur` is the text of `old`, byte for byte (a re-extraction,
 * a change to the front matter only): every sentence keeps what it had. */
static void carry_all(side *cur, side *old)
{
	size_t i;
	for (i = 0; i < cur->split.sentences.count; i++) {
		cur->attr[i] = old->attr[i];
		old->taken[i] = 1;
	}
}

/* Walks revisions [k, count) of out->revisions oldest first into sides;
 * *last gets the index of the side holding revision k. */
static int walk(stance_blame *out, stance_repo *repo, size_t k, side sides[2], stance_buf raw[2],
	graveyard *dead, int *last, int reference)
{
	stance_history_blobs *reader = NULL;
	const char **ids = NULL;
	size_t i, n = out->revisions.count - k;
	int cur = 0, error = -1;

	if (!reference) {
		if (!(ids = calloc(n + 1, sizeof(*ids)))) {
			stance_error_oom();
			goto done;
		}
		for (i = 0; i < n; i++) {
			const stance_revision *r = &out->revisions.items[out->revisions.count - 1 - i];
			ids[i] = r->removed ? "" : r->blob;
		}
		if (stance_history_blobs_open(&reader, repo, ids, n) < 0)
			goto done;
	}
	/* oldest first; the side before the first revision is empty */
	for (i = out->revisions.count; i-- > k;) {
		side *now = &sides[cur], *before = &sides[!cur];
		const stance_revision *r = &out->revisions.items[i];
		side_clear(now);
		if (reader) {
			if (stance_history_blobs_next(&raw[cur], reader) < 0)
				goto done;
		} else {
			stance_buf_clear(&raw[cur]);
			if (!r->removed && r->blob[0] && stance_history_read_blob(&raw[cur], repo, r->blob) < 0)
				goto done;
		}
		if (side_read(now, &raw[cur], reference ? NULL : before) < 0)
			goto done;
		if (!reference && now->len == before->len && !memcmp(now->body, before->body, now->len))
			carry_all(now, before);
		else if (attribute_step(now, before, i, dead, reference) < 0)
			goto done;
		cur = !cur;
	}
	*last = !cur;
	error = 0;
done:
	stance_history_blobs_free(reader);
	free(ids);
	return error;
}

/* Blames revision k of out->revisions (listed, newest first), sentences
 * marked as positions in `language` when `positions` is not NULL. */
static int blame_at(stance_blame *out, stance_repo *repo, size_t k, const char *language,
	const stance_positions *positions, int reference)
{
	stance_buf raw[2] = { STANCE_BUF_INIT, STANCE_BUF_INIT };
	side sides[2];
	graveyard dead = { NULL, NULL, 0, 0 };
	size_t i;
	int cur = 0, error = -1;
	side *last;

	memset(sides, 0, sizeof(sides));
	sides[0].body = sides[1].body = "";
	out->at = k;
	if (walk(out, repo, k, sides, raw, &dead, &cur, reference) < 0)
		goto done;
	last = &sides[cur];
	out->body = stance_strndup(last->body, last->len);
	out->body_len = last->len;
	out->sentences = calloc(last->split.sentences.count + 1, sizeof(*out->sentences));
	if (!out->body || !out->sentences) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < last->split.sentences.count; i++) {
		stance_blame_sentence *b = &out->sentences[out->count];
		const seg_sentence *s = &last->split.sentences.items[i];
		b->start = s->start;
		b->end = s->end;
		b->wording = last->attr[i].wording;
		b->origin = last->attr[i].origin;
		b->restored = last->attr[i].restored;
		b->position = positions && stance_positions_match(positions, language,
			last->body + s->start, s->end - s->start);
		if (!(b->text = seg_collapse(last->body + s->start, s->end - s->start)))
			goto done;
		out->count++;
	}
	error = 0;
done:
	side_clear(&sides[0]);
	side_clear(&sides[1]);
	stance_buf_dispose(&raw[0]);
	stance_buf_dispose(&raw[1]);
	free(dead.keys);
	free(dead.vals);
	return error;
}

static int blame_document(stance_blame *out, stance_repo *repo, const char *spec,
	const stance_positions *positions, int reference)
{
	stance_revision rev;
	stance_document *doc = NULL;
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	size_t k;
	int error = -1, found = 0;
	const char *language;

	memset(out, 0, sizeof(*out));
	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, &doc, repo, spec)) < 0)
		return error;
	error = -1;
	hopts.id = rev.id;
	hopts.include_reextract = 1;
	if ((error = stance_history_list(&out->revisions, repo, &hopts)) < 0)
		goto done;
	error = -1;
	for (k = 0; k < out->revisions.count; k++)
		if (!strcmp(out->revisions.items[k].commit, rev.commit)) {
			found = 1;
			break;
		}
	/* a commit that did not change the document: the revision whose text it holds */
	if (!found)
		for (k = 0; k < out->revisions.count; k++)
			if (!strcmp(out->revisions.items[k].blob, rev.blob) && out->revisions.items[k].time <= rev.time) {
				found = 1;
				break;
			}
	if (!found) {
		error = stance_error_set(STANCE_ENOTFOUND, "'%s': commit %.7s is not a revision of %s",
			spec, rev.commit, rev.id);
		goto done;
	}
	language = stance_document_get(doc, "language");
	if (!language)
		language = stance_repo_language(repo);
	error = blame_at(out, repo, k, language, positions, reference);
done:
	stance_revision_clear(&rev);
	stance_document_free(doc);
	if (error < 0)
		stance_blame_free(out);
	return error;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int stance_blame_revisions(stance_blame *out, stance_repo *repo, const stance_revision *const *revisions,
	size_t count)
{
	size_t i;
	int error;
	memset(out, 0, sizeof(*out));
	if (!count)
		return stance_error_set(STANCE_EINVALID, "no revision to blame");
	if (!(out->revisions.items = calloc(count, sizeof(*out->revisions.items))))
		return stance_error_oom();
	for (i = 0; i < count; i++) {
		stance_revision *r = &out->revisions.items[i];
		*r = *revisions[i];
		r->author_name = dup_or_null(revisions[i]->author_name);
		r->author_email = dup_or_null(revisions[i]->author_email);
		r->message = dup_or_null(revisions[i]->message);
		r->id = dup_or_null(revisions[i]->id);
		out->revisions.count++;
		if ((revisions[i]->author_name && !r->author_name) || (revisions[i]->author_email && !r->author_email) ||
		    (revisions[i]->message && !r->message) || (revisions[i]->id && !r->id)) {
			stance_blame_free(out);
			return stance_error_oom();
		}
	}
	if ((error = blame_at(out, repo, 0, NULL, NULL, 0)) < 0)
		stance_blame_free(out);
	return error;
}

int stance_blame_document(stance_blame *out, stance_repo *repo, const char *spec,
	const stance_positions *positions)
{
	return blame_document(out, repo, spec, positions, 0);
}

int blame_document_reference(stance_blame *out, stance_repo *repo, const char *spec,
	const stance_positions *positions)
{
	return blame_document(out, repo, spec, positions, 1);
}

void stance_blame_free(stance_blame *b)
{
	size_t i;
	for (i = 0; i < b->count; i++)
		free(b->sentences[i].text);
	free(b->sentences);
	free(b->body);
	stance_revision_list_free(&b->revisions);
	memset(b, 0, sizeof(*b));
}
